// The pages in real Chromium against the real binary: a participant
// answers every question type and the presenter screen shows it live; the
// page survives a server restart and sends its pending answer once; the
// form works without JavaScript. Screenshots land in tests/e2e/out/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { prepare, startServer, stopServer, cleanup, control, results, gotoKind, run, ROOT, launchBrowser, logIn } from './lib.mjs';

const OUT = path.join(ROOT, 'tests/e2e/out');
let env, srv, browser;

async function newPage(viewport, opts = {}) {
  const ctx = await browser.newContext({ viewport, ...opts });
  const page = await ctx.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e.message));
  return page;
}

async function presenter() {
  const link = run(['token', 'anna', '--db', env.db]).trim(); // an API token is not a login link
  assert.ok(link);
  const page = await newPage({ width: 1920, height: 1080 });
  await logIn(page, srv.base, `/present/${env.code}`);
  await page.waitForSelector('#join-line strong');
  return page;
}

before(async () => {
  mkdirSync(OUT, { recursive: true });
  env = prepare();
  srv = await startServer(env);
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await stopServer(srv);
  cleanup(env);
});

test('a wrong password is refused with a message; the presenter needs a login', async () => {
  // a Dutch browser: the login page follows the browser's language
  const page = await newPage({ width: 1280, height: 800 }, { locale: 'nl-NL' });
  const res = await page.goto(`${srv.base}/present/${env.code}`);
  assert.match(page.url(), /\/login\?next=/);
  assert.equal(res.status(), 200);
  await page.fill('#name', 'anna');
  await page.fill('#password', 'fout');
  await page.click('button[type=submit]');
  await page.waitForSelector('.error');
  assert.match(await page.textContent('.error'), /verkeerd wachtwoord/);
  await page.context().close();
});

test('joining by code on the start page', async () => {
  const page = await newPage({ width: 390, height: 844 }, { isMobile: true });
  await page.goto(`${srv.base}/`);
  await page.fill('#code', '9999999');
  await page.click('button[type=submit]');
  await page.waitForSelector('.error');
  assert.match(await page.textContent('.error'), /Onbekende code/);
  assert.equal((await fetch(`${srv.base}/join?code=12`)).status, 400);
  await page.fill('#code', env.code.replace(/(\d{3})/, '$1 '));
  await page.click('button[type=submit]');
  await page.waitForURL(`**/${env.code}`);
  await page.waitForSelector('section.slide');
  await page.screenshot({ path: path.join(OUT, 'phone-join.png') });
  await page.context().close();
});

test('every question type: the phone answers, the presenter shows it live', async () => {
  const pres = await presenter();
  const phone = await newPage({ width: 390, height: 844 }, { isMobile: true, hasTouch: true });
  await phone.goto(`${srv.base}/${env.code}`);
  const shot = async (name) => {
    await pres.waitForTimeout(700);
    await pres.screenshot({ path: path.join(OUT, `present-${name}.png`) });
    await phone.screenshot({ path: path.join(OUT, `phone-${name}.png`) });
  };
  const goto = async (kind, nth = 0) => {
    const slide = await gotoKind(srv.base, env.code, env.token, kind, nth);
    await phone.waitForSelector(`section.slide[data-kind=${kind}] form`);
    await pres.waitForFunction((t) => document.getElementById('slide-title').textContent === t, slide.title);
    return slide;
  };

  await goto('open');
  await phone.fill('textarea', 'Meer ontmoetingsplekken in de wijk');
  await phone.click('button.send');
  await phone.waitForSelector('.thanks');
  await pres.waitForSelector('.card >> text=Meer ontmoetingsplekken in de wijk');
  await shot('open');

  await goto('cloud');
  await phone.fill('input >> nth=0', 'Groen');
  await phone.fill('input >> nth=1', 'gezellig');
  await phone.click('button.send');
  await phone.waitForSelector('.thanks');
  await pres.waitForSelector('.cloud span >> text=Groen');
  await shot('cloud');

  await goto('choice');
  await phone.click('label.option >> text=Bus');
  await phone.click('button.send');
  await phone.waitForSelector('.thanks');
  await pres.waitForFunction(() => [...document.querySelectorAll('.bar-row')].some((r) => r.textContent.includes('Bus') && r.querySelector('.value').textContent.startsWith('1')));
  await shot('choice');

  await goto('scale');
  await phone.click('fieldset.scale >> nth=0 >> label.rating >> nth=3');
  await phone.click('fieldset.scale >> nth=1 >> label.rating >> nth=4');
  await phone.click('button.send');
  await phone.waitForSelector('.thanks');
  await pres.waitForSelector('.mean >> text=gemiddeld 4,0');
  await shot('scale');

  await goto('rank');
  await phone.click('.rank-list li >> nth=2 >> button >> nth=0'); // Werk one up
  await phone.click('button.send');
  await phone.waitForSelector('.thanks');
  await pres.waitForFunction(() => document.querySelector('.bar-row .label')?.textContent === 'Onderwijs');
  await shot('rank');

  await goto('qa');
  await phone.fill('textarea', 'Wanneer gaat de bibliotheek weer open?');
  await phone.click('button.send');
  await phone.waitForSelector('.qa-list >> text=Wanneer gaat de bibliotheek weer open?');
  await pres.waitForSelector('.qa-item >> text=Wanneer gaat de bibliotheek weer open?');
  await pres.click('.qa-item');
  await pres.waitForSelector('.qa-item.answered');
  await shot('qa');

  // The keyboard drives the session: L locks voting, the phone says so.
  await pres.keyboard.press('l');
  await phone.waitForSelector('.closed >> text=Stemmen is gesloten');
  await pres.waitForSelector('#badge:not([hidden])');
  await pres.keyboard.press('l');
  await pres.keyboard.press('j');
  await pres.waitForSelector('#join-overlay:not([hidden]) img');
  await pres.screenshot({ path: path.join(OUT, 'present-join.png') });
  await pres.keyboard.press('j');
  await pres.keyboard.press('ArrowLeft');
  await pres.waitForFunction(() => !document.querySelector('.qa'));
  assert.deepEqual(pres.errors, []);
  assert.deepEqual(phone.errors, []);
  await pres.context().close();
  await phone.context().close();
});

test('many open answers page or shrink, never cut off', async () => {
  const slide = await gotoKind(srv.base, env.code, env.token, 'open');
  const texts = [];
  for (let i = 0; i < 40; i++) {
    const text = `Antwoord ${i}: ${'een stad waar iedereen zich thuis voelt en gehoord wordt '.repeat(1 + (i % 3))}`.slice(0, 100);
    texts.push(text);
    const res = await fetch(`${srv.base}/api/v1/sessions/${env.code}/answers`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: `bulk-answer-${i}`, slide: slide.id, value: text }) });
    assert.equal(res.status, 201);
  }
  const pres = await presenter();
  await pres.waitForSelector('.card');
  await pres.waitForTimeout(500);
  // every card on the visible page lies inside the stage's body
  const overflow = await pres.evaluate(() => {
    const body = document.getElementById('body').getBoundingClientRect();
    return [...document.querySelectorAll('.card')].some((c) => c.getBoundingClientRect().bottom > body.bottom + 1);
  });
  assert.equal(overflow, false);
  assert.match(await pres.textContent('.pager'), /^1\/\d+$/);
  await pres.screenshot({ path: path.join(OUT, 'present-open-many.png') });
  await pres.context().close();
});

test('the phone survives a server restart and sends its pending answer once', async () => {
  const slide = await gotoKind(srv.base, env.code, env.token, 'choice', 1);
  const phone = await newPage({ width: 390, height: 844 }, { isMobile: true });
  await phone.goto(`${srv.base}/${env.code}`);
  await phone.waitForSelector('section.slide[data-kind=choice] form');
  const before = (await results(srv.base, env.code, env.token)).slides.find((s) => s.id === slide.id);
  await stopServer(srv, 'SIGKILL');
  await phone.click('label.option >> text=Zorg');
  await phone.click('button.send');
  await phone.waitForSelector('#status:not([hidden])');
  assert.match(await phone.textContent('#status'), /opnieuw verbinden/i);
  await phone.screenshot({ path: path.join(OUT, 'phone-reconnecting.png') });
  srv = await startServer(env, [], srv.port);
  await phone.waitForSelector('.thanks', { timeout: 20000 });
  await phone.waitForSelector('#status[hidden]', { state: 'attached', timeout: 10000 });
  const after = (await results(srv.base, env.code, env.token)).slides.find((s) => s.id === slide.id);
  assert.equal(after.options[2].count, before.options[2].count + 1);
  assert.equal(after.answers, before.answers + 1);
  await phone.reload();
  await phone.waitForSelector('.thanks');
  const again = (await results(srv.base, env.code, env.token)).slides.find((s) => s.id === slide.id);
  assert.equal(again.answers, after.answers);
  await phone.context().close();
});

test('without JavaScript the plain form stores the answer', async () => {
  const slide = await gotoKind(srv.base, env.code, env.token, 'open');
  const page = await newPage({ width: 390, height: 844 }, { javaScriptEnabled: false });
  await page.goto(`${srv.base}/${env.code}`);
  await page.fill('textarea[name=value]', 'Zonder JavaScript ingestuurd');
  await page.click('button[type=submit]');
  await page.waitForURL(`**/${env.code}?sent=1`);
  assert.match(await page.textContent('.notice'), /Bedankt/);
  const t = (await results(srv.base, env.code, env.token)).slides.find((s) => s.id === slide.id);
  assert.ok(t.items.some((i) => i.text === 'Zonder JavaScript ingestuurd'));
  await page.screenshot({ path: path.join(OUT, 'phone-nojs.png') });
  await page.context().close();
});

test('participant text is shown as text, never as markup', async () => {
  const slide = await gotoKind(srv.base, env.code, env.token, 'open');
  const evil = '<img src=x onerror="window.hacked=1"><script>window.hacked=2</script>';
  const res = await fetch(`${srv.base}/api/v1/sessions/${env.code}/answers`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id: 'evil-answer-1', slide: slide.id, value: evil }) });
  assert.equal(res.status, 201);
  const pres = await presenter();
  await pres.waitForSelector(`.card >> text=${'<img src=x'}`);
  assert.equal(await pres.evaluate(() => window.hacked), undefined);
  assert.equal(await pres.locator('.card img').count(), 0);
  await pres.context().close();
});
