// Issue 12, the hall beyond the fixes. A question with `timer: N` closes its
// voting by itself at zero, on the server's own timer; the phone and the
// presenter show the time left, also after a reload; opening it again starts
// a new countdown. Reactions: a row of emoji on the phones of a deck with
// `reactions: on`, coalesced counts floating on the stage, limited per
// participant, refused on a deck without them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { prepare, startServer, stopServer, cleanup, control, state, Participant, ROOT, launchBrowser, logIn } from './lib.mjs';

const OUT = path.join(ROOT, 'tests/e2e/out');
let env, srv, browser;

before(async () => {
  mkdirSync(OUT, { recursive: true });
  env = prepare('tests/e2e/decks/hall.md');
  srv = await startServer(env);
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await stopServer(srv);
  cleanup(env);
});

async function waitState(pred, ms) {
  const end = Date.now() + ms;
  for (;;) {
    const st = await state(srv.base, env.code);
    if (pred(st)) return st;
    if (Date.now() > end) throw new Error(`state not reached: ${JSON.stringify(st)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('voting closes by itself at zero, shown on the phone and the screen', async () => {
  // The phone and the presenter are on the timed question before its
  // countdown starts: a login hashes a password, which on a busy machine
  // can take longer than the whole countdown.
  const phone = await (await browser.newContext({ viewport: { width: 390, height: 760 }, isMobile: true })).newPage();
  await phone.goto(`${srv.base}/${env.code}`);
  const pres = await (await browser.newContext({ viewport: { width: 1280, height: 720 } })).newPage();
  await logIn(pres, srv.base, `/present/${env.code}`);

  // a fresh countdown: leave the slide and come back
  await control(srv.base, env.code, env.token, 'next');
  const st = (await control(srv.base, env.code, env.token, 'prev')).body;
  assert.equal(st.slide.timer, 5);
  assert.ok(st.open);
  const left = st.slide.closes_at - Date.now();
  assert.ok(left > 3500 && left <= 5200, `closes in ${left} ms`);

  await pres.waitForSelector('#countdown:not([hidden])');
  assert.match(await pres.textContent('#countdown'), /^0:0[0-5]$/);
  await pres.screenshot({ path: path.join(OUT, 'stage-1280x720-countdown.png') });

  await phone.waitForSelector('#countdown');
  assert.match(await phone.textContent('#countdown'), /^Nog 0:0[1-5] om te stemmen$/);
  await phone.screenshot({ path: path.join(OUT, 'phone-390-countdown.png') });
  // after a reload (a new stream) the time left is still there
  await phone.reload();
  await phone.waitForSelector('#countdown');

  const p = new Participant(srv.base, env.code);
  assert.equal((await p.answer(st.slide.id, 0)).status, 201);

  // the server closes voting, with no presenter or phone asking
  const closed = await waitState((s) => !s.open, 7000);
  assert.ok(Date.now() >= st.slide.closes_at - 50, 'not before its time');
  assert.equal(closed.slide.closes_at, undefined);
  const late = await new Participant(srv.base, env.code).answer(st.slide.id, 1);
  assert.equal(late.status, 409);
  assert.equal(late.body.code, 'closed');
  await phone.waitForSelector('p.closed');
  assert.equal(await phone.$('#countdown'), null);
  await pres.waitForSelector('#countdown[hidden]', { state: 'attached' });
  await pres.waitForSelector('#badge:not([hidden])');

  // opened again (L): a new countdown of the whole time
  const again = (await control(srv.base, env.code, env.token, 'open')).body;
  assert.ok(again.slide.closes_at - Date.now() > 3500);
  await phone.waitForSelector('#countdown');
  await control(srv.base, env.code, env.token, 'close');
  const stopped = await state(srv.base, env.code);
  assert.equal(stopped.slide.closes_at, undefined, 'closing by hand stops the countdown');

  // a question without a timer has none
  const next = (await control(srv.base, env.code, env.token, 'next')).body;
  assert.equal(next.slide.closes_at, undefined);
  await phone.context().close();
  await pres.context().close();
});

async function presenterPage(width, height) {
  const pres = await (await browser.newContext({ viewport: { width, height } })).newPage();
  await pres.goto(`${srv.base}/login?next=/present/${env.code}`);
  await pres.fill('#name', 'anna');
  await pres.fill('#password', 'geheim-wachtwoord');
  await pres.click('button[type=submit]');
  await pres.waitForSelector('#join-line strong');
  return pres;
}

test('reactions float on the stage, coalesced and limited per participant', async () => {
  const st = await state(srv.base, env.code);
  assert.equal(st.reactions, true);
  const pres = await presenterPage(1920, 1080);
  // every frame the presenter gets, to see that taps are coalesced
  await pres.evaluate(() => {
    window.frames_ = [];
    const es = new EventSource(`/api/v1/sessions/${document.body.dataset.code}/results/stream`);
    es.addEventListener('reactions', (e) => window.frames_.push(JSON.parse(e.data)));
  });
  const phone = await (await browser.newContext({ viewport: { width: 320, height: 640 }, isMobile: true, hasTouch: true })).newPage();
  await phone.goto(`${srv.base}/${env.code}`);
  await phone.waitForSelector('nav.reactions button[data-reaction=clap]');
  assert.equal(await phone.getAttribute('nav.reactions button[data-reaction=heart]', 'aria-label'), 'Hartje');
  const sideways = await phone.evaluate(() => document.documentElement.scrollWidth - innerWidth);
  assert.ok(sideways <= 0, `the row makes the page scroll sideways by ${sideways}px`);
  await phone.screenshot({ path: path.join(OUT, 'phone-320-reactions.png') });

  // many people at once: one frame with the sum, not one per tap
  const people = Array.from({ length: 12 }, () => new Participant(srv.base, env.code));
  const send = (p, reaction) => p.request(`/api/v1/sessions/${env.code}/reactions`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ reaction }) });
  await pres.waitForTimeout(300);
  const codes = await Promise.all(people.map((p, i) => send(p, i % 3 ? 'clap' : 'heart').then((r) => r.status)));
  assert.deepEqual([...new Set(codes)], [202]);
  await phone.click('nav.reactions button[data-reaction=clap]');
  await pres.waitForFunction(() => window.frames_.reduce((n, f) => n + (f.clap || 0) + (f.heart || 0), 0) === 13);
  const frames = await pres.evaluate(() => window.frames_.length);
  assert.ok(frames <= 4, `${frames} frames for 13 reactions`);
  await pres.waitForSelector('#reactions .float');
  await pres.waitForTimeout(500);
  await pres.screenshot({ path: path.join(OUT, 'stage-1920x1080-reactions.png') });

  // one participant tapping fast is held back after a short burst
  const eager = new Participant(srv.base, env.code);
  const statuses = [];
  for (let i = 0; i < 8; i++) statuses.push((await send(eager, 'wow')).status);
  assert.deepEqual(statuses.slice(0, 5), [202, 202, 202, 202, 202]);
  assert.ok(statuses.slice(5).every((c) => c === 429), statuses.join(' '));
  const r = await send(eager, 'wow');
  assert.ok(Number(r.headers.get('retry-after')) >= 1);

  // nothing but the five kinds
  assert.equal((await send(new Participant(srv.base, env.code), 'boo')).status, 400);
  await phone.context().close();
  await pres.context().close();
});

test('a deck without reactions shows no row and refuses them', async () => {
  const other = prepare('tests/e2e/decks/all-types.md');
  const s2 = await startServer(other);
  try {
    const st = await state(s2.base, other.code);
    assert.equal(st.reactions, undefined);
    const p = new Participant(s2.base, other.code);
    const res = await p.request(`/api/v1/sessions/${other.code}/reactions`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ reaction: 'clap' }) });
    assert.equal(res.status, 409);
    assert.equal((await res.json()).code, 'off');
    const phone = await (await browser.newContext({ viewport: { width: 390, height: 700 } })).newPage();
    await phone.goto(`${s2.base}/${other.code}`);
    await phone.waitForSelector('section.slide');
    assert.equal(await phone.$('nav.reactions:not([hidden])'), null);
    await phone.context().close();
  } finally {
    await stopServer(s2);
    cleanup(other);
  }
});

test('the editor keeps the timer and reactions when it writes a deck back', async () => {
  const { parseDeck, serialiseDeck, problems } = await import('../../web/static/app/deck.js');
  const text = '---\ntitle: T\nlang: nl\nreactions: on\n---\n\n? choice: V\ntimer: 30\n\n- a\n- b\n';
  const deck = parseDeck(text);
  assert.equal(deck.meta.reactions, 'on');
  assert.equal(deck.slides[0].settings.timer, '30');
  assert.deepEqual(problems(deck.slides[0]), []);
  assert.equal(serialiseDeck(deck).text, text);
  deck.slides[0].settings.timer = '3';
  assert.deepEqual(problems(deck.slides[0]), ['p_range']);
});
