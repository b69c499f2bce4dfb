// The closing slide's website (docs/deck-format.md, "? website: …"): before
// the event has a published website the stage shows only the slide's words
// and the facilitator's screens say why; once it is published the stage
// shows its address and a QR code that decodes (zbarimg, from a screenshot
// at 1920x1080 and at phone size) to the process's absolute URL, and phones
// on that slide get the "praat verder online" button, with and without
// JavaScript. Screenshots land in tests/e2e/out/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  prepare, startServer, stopServer, cleanup, ROOT, launchBrowser, qrCodesIn as qrIn,
  gotoWebsiteSlide, logIn,
} from './lib.mjs';

const OUT = path.join(ROOT, 'tests/e2e/out');
const AXE = readFileSync(path.join(ROOT, 'tests/e2e/node_modules/axe-core/axe.min.js'), 'utf8');
let env, srv, browser;

async function newPage(viewport, opts = {}) {
  const ctx = await browser.newContext({ viewport, bypassCSP: true, locale: 'nl-NL', ...opts });
  const page = await ctx.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e.message));
  return page;
}

async function loggedIn(viewport, next, opts = {}) {
  const page = await newPage(viewport, opts);
  await logIn(page, srv.base, next);
  return page;
}

async function axe(page) {
  await page.addScriptTag({ content: AXE });
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] });
    return r.violations.map((x) => `${x.id}: ${x.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
}

const toWebsiteSlide = () => gotoWebsiteSlide(srv.base, env.code, env.token);

before(async () => {
  mkdirSync(OUT, { recursive: true });
  env = prepare('tests/e2e/decks/closing.md');
  srv = await startServer(env);
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await stopServer(srv);
  cleanup(env);
});

test('without a published website the hall sees the slide\'s words, the facilitator a note', async () => {
  const st = await toWebsiteSlide();
  assert.equal(st.slide.kind, 'content', 'not a question');
  assert.equal(st.slide.title, 'Praat verder online');
  assert.equal((await fetch(`${srv.base}/api/v1/sessions/${env.code}/website-qr.svg`)).status, 404);

  const stage = await loggedIn({ width: 1920, height: 1080 }, `/present/${env.code}`);
  await stage.waitForSelector('.website-text');
  await stage.locator('#site-note').waitFor({ state: 'attached' });
  await stage.waitForFunction(() => !document.getElementById('site-note').hidden, null, { timeout: 10000 });
  assert.match(await stage.textContent('#site-note'), /geen gepubliceerde website/);
  assert.equal(await stage.locator('.website-qr').count(), 0);
  assert.match(await stage.textContent('#slide-title'), /Praat verder online/);
  await stage.screenshot({ path: path.join(OUT, 'closing-stage-none-1920.png') });

  const view = await loggedIn({ width: 1280, height: 800 }, `/present/${env.code}/view`);
  await view.waitForFunction(() => !document.getElementById('pv-website').hidden, null, { timeout: 10000 });
  assert.match(await view.textContent('#pv-website'), /Geen gepubliceerde website/);
  assert.deepEqual(stage.errors.concat(view.errors), []);
  await stage.context().close();
  await view.context().close();

  // the phone says nothing of it: no button, and no "wait for the next question" either
  const phone = await newPage({ width: 390, height: 844 }, { isMobile: true, hasTouch: true });
  await phone.goto(`${srv.base}/${env.code}`);
  await phone.waitForSelector('section.slide h1');
  assert.equal(await phone.locator('.handoff a').count(), 0);
  await phone.context().close();
});

test('published, the stage shows the website\'s address and a QR code that scans to it', async () => {
  let res = await fetch(`${srv.base}/api/v1/events/1/process`, {
    method: 'PUT', headers: { authorization: `Bearer ${env.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ published: true, slug: 'buurtavond', description: 'Praat verder.', phases: [], topics: [{ id: 1, title: 'Groen', body: '', phase: -1 }] }),
  });
  assert.equal(res.status, 200);
  const site = await (await fetch(`${srv.base}/api/v1/sessions/${env.code}/website`)).json();
  assert.match(site.url, /^http:\/\/127\.0\.0\.1:\d+\/p\/buurtavond$/);
  res = await fetch(`${srv.base}/api/v1/sessions/${env.code}/website-qr.svg`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'image/svg+xml');

  // 1920x1080: the projector
  const stage = await loggedIn({ width: 1920, height: 1080 }, `/present/${env.code}`);
  await stage.waitForSelector('.website-qr');
  await stage.waitForFunction(() => { const i = document.querySelector('.website-qr'); return i && i.complete && i.naturalWidth > 0; }, null, { timeout: 10000 });
  assert.equal(await stage.locator('#site-note').isHidden(), true);
  assert.equal(await stage.textContent('.website-url'), site.url.replace(/^http:\/\//, ''));
  // the address is large: readable from the back of the hall
  const size = await stage.$eval('.website-url', (e) => parseFloat(getComputedStyle(e).fontSize));
  assert.ok(size >= 52, `address at ${size}px`);
  await stage.waitForTimeout(600); // the slide's fade-in
  const wide = path.join(OUT, 'closing-stage-1920.png');
  await stage.screenshot({ path: wide });
  assert.deepEqual(qrIn(wide), [site.url], 'the QR code is the process\'s address');
  assert.deepEqual(await axe(stage), []);
  assert.deepEqual(stage.errors, []);
  await stage.context().close();

  // a phone-sized presenter screen: the same stage, scaled down
  const small = await loggedIn({ width: 390, height: 844 }, `/present/${env.code}`, { deviceScaleFactor: 3, isMobile: true, hasTouch: true });
  await small.waitForFunction(() => { const i = document.querySelector('.website-qr'); return i && i.complete && i.naturalWidth > 0; }, null, { timeout: 10000 });
  await small.waitForTimeout(600); // the slide's fade-in
  const narrow = path.join(OUT, 'closing-stage-390.png');
  await small.screenshot({ path: narrow });
  assert.deepEqual(qrIn(narrow), [site.url]);
  await small.context().close();

  // the presenter view no longer warns
  const view = await loggedIn({ width: 1280, height: 800 }, `/present/${env.code}/view`);
  await view.waitForSelector('#pv-current .pv-kind');
  await view.waitForTimeout(300);
  assert.equal(await view.locator('#pv-website').isHidden(), true);
  await view.context().close();
});

// Phones speak the event's language (the deck's lang: nl).
test('phones on the website slide get the button, with and without JavaScript', async () => {
  for (const js of [true, false]) {
    const phone = await newPage({ width: 390, height: 844 }, { isMobile: true, hasTouch: true, javaScriptEnabled: js });
    await phone.goto(`${srv.base}/${env.code}`);
    const link = phone.locator('.handoff a.button');
    await link.waitFor({ timeout: 10000 });
    assert.equal(await link.getAttribute('href'), '/p/buurtavond');
    assert.match(await link.textContent(), /Praat verder online|praat mee over alle onderwerpen/);
    await phone.screenshot({ path: path.join(OUT, `closing-phone-390${js ? '' : '-nojs'}.png`), fullPage: true });
    if (js) assert.deepEqual(await axe(phone), []);
    assert.deepEqual(phone.errors, []);
    // the button leads to the website
    await link.click();
    await phone.waitForURL('**/p/buurtavond');
    assert.match(await phone.textContent('h1'), /Buurtavond/);
    await phone.context().close();
  }
});

// The workspace's editor reads and writes the slide as the server does.
test('the deck editor keeps a website slide through a round trip', async () => {
  const { parseDeck, serialiseDeck, problems, KINDS, QUESTION_KINDS } = await import('../../web/static/app/deck.js');
  const text = readFileSync(path.join(ROOT, 'tests/e2e/decks/closing.md'), 'utf8');
  const deck = parseDeck(text);
  const s = deck.slides[2];
  assert.equal(s.kind, 'website');
  assert.equal(s.title, 'Praat verder online');
  assert.equal(s.body, 'Over alle onderwerpen, tot het eind van de maand.');
  assert.equal(s.notes, 'Noem de datum van de volgende avond.');
  assert.deepEqual(problems(s), []);
  assert.deepEqual(problems({ ...s, title: ' ' }), ['p_website_title']);
  assert.ok(KINDS.includes('website') && !QUESTION_KINDS.includes('website'));
  const again = parseDeck(serialiseDeck(deck).text);
  assert.deepEqual(again.slides, deck.slides);
  assert.match(serialiseDeck(deck).text, /\n\? website: Praat verder online\n\nOver alle onderwerpen/);
});
