// The presenter view (issue 13) in real Chromium against the real binary:
// the laptop's page beside the stage follows it within 200 ms, shows the
// slide's speaker notes (never sent to phones or the stage), the next
// slide and the answers waiting for a moderator, and its keys drive the
// session. Screenshot at 1366 x 768 in tests/e2e/out/presenter-view.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { prepare, startServer, stopServer, cleanup, control, Participant, ROOT, launchBrowser } from './lib.mjs';

const OUT = path.join(ROOT, 'tests/e2e/out');
let env, srv, browser, ctx, stage, view;

before(async () => {
  mkdirSync(OUT, { recursive: true });
  env = prepare('tests/e2e/decks/notes.md');
  srv = await startServer(env);
  browser = await launchBrowser();
  ctx = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'nl-NL' });
  view = await ctx.newPage();
  view.errors = [];
  view.on('pageerror', (e) => view.errors.push(e.message));
  await view.goto(`${srv.base}/present/${env.code}/view`);
  assert.match(view.url(), /\/login\?next=%2Fpresent%2F\d+%2Fview|\/login\?next=\/present\/\d+\/view/);
  await view.fill('#name', 'anna');
  await view.fill('#password', 'geheim-wachtwoord');
  await view.click('button[type=submit]');
  await view.waitForURL(`**/present/${env.code}/view`);
  await view.waitForSelector('body[data-slide]');
  stage = await ctx.newPage();
  await stage.setViewportSize({ width: 1920, height: 1080 });
  await stage.goto(`${srv.base}/present/${env.code}`);
  await stage.waitForSelector('#join-line strong');
});
after(async () => {
  await browser?.close();
  await stopServer(srv);
  cleanup(env);
});

test('the view shows the notes, the next slide and the keys', async () => {
  assert.match(await view.textContent('#pv-notes'), /Eerst de wethouder bedanken\.\nDaarna de code/);
  assert.match(await view.textContent('#pv-current'), /Welkom/);
  assert.match(await view.textContent('#pv-next'), /Wat gaat goed in de wijk\?/);
  assert.match(await view.textContent('#pv-keys'), /volgende dia/);
  assert.equal(await view.textContent('#pv-position'), 'dia 1 van 4');
  // phones and the stage never receive the notes
  const state = await (await fetch(`${srv.base}/api/v1/sessions/${env.code}`)).text();
  assert.doesNotMatch(state, /wethouder/);
  const phone = await (await fetch(`${srv.base}/${env.code}`)).text();
  assert.doesNotMatch(phone, /wethouder/);
  assert.doesNotMatch(await stage.content(), /wethouder/);
  // the view's own endpoint needs a login
  assert.equal((await fetch(`${srv.base}/api/v1/sessions/${env.code}/presenter`)).status, 401);
  const res = await fetch(`${srv.base}/api/v1/sessions/${env.code}/presenter`, { headers: { authorization: `Bearer ${env.token}` } });
  const p = await res.json();
  assert.deepEqual(p.slides.map((s) => s.notes), [
    'Eerst de wethouder bedanken.\nDaarna de code op het scherm laten zien.',
    'Noem twee voorbeelden uit de vorige avond', '', '']);
});

test('the view follows the stage within 200 ms', async () => {
  await view.evaluate(() => {
    window.__changes = [];
    new MutationObserver(() => window.__changes.push(performance.timeOrigin + performance.now()))
      .observe(document.body, { attributes: true, attributeFilter: ['data-slide'] });
  });
  await stage.evaluate(() => {
    window.__keys = [];
    document.addEventListener('keydown', () => window.__keys.push(performance.timeOrigin + performance.now()), true);
  });
  const lags = [];
  const moves = [['ArrowRight', 2], ['ArrowRight', 3], ['ArrowLeft', 2], ['ArrowRight', 3], ['ArrowLeft', 2],
    ['ArrowLeft', 1], ['ArrowRight', 2], ['ArrowRight', 3], ['ArrowLeft', 2], ['ArrowLeft', 1]];
  for (const [key, want] of moves) {
    const before = await view.evaluate(() => window.__changes.length);
    await stage.keyboard.press(key);
    await view.waitForFunction((n) => window.__changes.length > n, before, { timeout: 5000 });
    await view.waitForFunction((w) => document.querySelector('#pv-position').textContent.startsWith(`dia ${w} `), want);
    const keyAt = (await stage.evaluate(() => window.__keys.at(-1)));
    const seenAt = (await view.evaluate((n) => window.__changes[n], before));
    lags.push(Math.round(seenAt - keyAt));
  }
  const sorted = [...lags].sort((x, y) => x - y);
  console.log(`presenter view behind the stage: ${lags.join(', ')} ms (median ${sorted[5]}, max ${sorted[9]})`);
  // Within 200 ms; the machine running the tests is shared, so one move in
  // ten may be late behind someone else's work, and none by a second.
  for (const lag of lags) assert.ok(lag >= 0 && lag < 1000, `lag ${lag} ms`);
  assert.ok(sorted[8] < 200, `the 9th fastest of 10 moves took ${sorted[8]} ms`);
});

test('answers waiting for moderation, and the view\'s own keys', async () => {
  await view.keyboard.press('ArrowRight'); // to the open question, from the laptop
  await stage.waitForFunction(() => /Wat gaat goed/.test(document.querySelector('#slide-title').textContent));
  await view.waitForFunction(() => /Noem twee voorbeelden/.test(document.querySelector('#pv-notes').textContent));
  const st = await (await fetch(`${srv.base}/api/v1/sessions/${env.code}`)).json();
  const phone = new Participant(srv.base, env.code);
  const r = await phone.answer(st.slide.id, 'Meer bankjes bij de speeltuin');
  assert.equal(r.status, 201);
  await view.waitForSelector('#pv-waiting li');
  assert.match(await view.textContent('#pv-waiting'), /Meer bankjes/);
  await view.screenshot({ path: path.join(OUT, 'presenter-view.png') });
  await view.click('#pv-waiting li .pv-ok');
  await view.waitForFunction(() => !document.querySelector('#pv-waiting li'));
  await view.keyboard.press('r');
  await stage.waitForSelector('#btn-results[aria-pressed="false"]');
  await control(srv.base, env.code, env.token, 'show-results');
  assert.deepEqual(view.errors, []);
});
