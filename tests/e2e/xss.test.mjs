// Hostile text in a deck and in participants' answers stays inert on the
// participant page, the presenter screen and the page without JavaScript:
// no script runs, no dialog opens, no request leaves for another origin.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { prepare, startServer, stopServer, cleanup, Participant, gotoKind, control, launchBrowser } from './lib.mjs';

let env, srv, browser;
const EVIL = [
  '<script>window.hacked="answer"</script>',
  '<img src=x onerror="window.hacked=\'img\'">',
  '<a href="javascript:window.hacked=1">x</a> <svg/onload=window.hacked=2>',
  '[md](javascript:window.hacked=3) **bold** <iframe src="https://example.org">',
];

before(async () => {
  env = prepare('tests/e2e/decks/hostile.md');
  srv = await startServer(env);
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await stopServer(srv);
  cleanup(env);
});

async function watched(opts = {}) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...opts });
  const page = await ctx.newPage();
  page.bad = [];
  page.on('dialog', (d) => { page.bad.push(`dialog: ${d.message()}`); d.dismiss(); });
  page.on('request', (r) => { if (!r.url().startsWith(srv.base) && !r.url().startsWith('data:')) page.bad.push(`request: ${r.url()}`); });
  page.on('pageerror', (e) => page.bad.push(`error: ${e.message}`));
  return page;
}

async function inert(page) {
  assert.equal(await page.evaluate(() => window.hacked), undefined);
  assert.equal(await page.locator('script:not([src]), iframe, svg[onload], img[onerror]').count(), 0);
  assert.deepEqual(page.bad, []);
}

test('deck text and answers are inert for participants and presenters', async () => {
  const qa = await gotoKind(srv.base, env.code, env.token, 'qa');
  for (const text of EVIL) {
    assert.equal((await new Participant(srv.base, env.code).answer(qa.id, text)).status, 201);
  }
  const phone = await watched();
  await phone.goto(`${srv.base}/${env.code}`);
  await phone.waitForSelector('.qa-list li');
  assert.ok((await phone.textContent('.qa-list')).includes('<script>window.hacked="answer"</script>'));
  await inert(phone);

  const pres = await watched({ viewport: { width: 1920, height: 1080 } });
  await pres.goto(`${srv.base}/login?next=/present/${env.code}`);
  await pres.fill('#name', 'anna');
  await pres.fill('#password', 'geheim-wachtwoord');
  await pres.click('button[type=submit]');
  await pres.waitForSelector('.qa-item');
  assert.ok((await pres.textContent('#body')).includes('<img src=x onerror="window.hacked=\'img\'">'));
  await pres.hover('#slide-title');
  await inert(pres);
  // the content slide and the choice slide, on both screens
  await control(srv.base, env.code, env.token, 'prev');
  await pres.waitForSelector('.content');
  await phone.waitForSelector('section.slide[data-kind=content]');
  const link = pres.locator('.content a');
  if (await link.count()) {
    assert.doesNotMatch((await link.getAttribute('href')) || '', /javascript:/i);
  }
  await inert(pres);
  await inert(phone);
  await gotoKind(srv.base, env.code, env.token, 'choice');
  await phone.waitForSelector('label.option');
  assert.ok((await phone.textContent('label.option >> nth=0')).includes('<img src=x'));
  await inert(phone);
  await pres.context().close();
  await phone.context().close();
});

test('the page without JavaScript escapes everything too', async () => {
  const qa = await gotoKind(srv.base, env.code, env.token, 'qa');
  assert.ok(qa);
  const page = await watched({ javaScriptEnabled: false });
  const res = await page.goto(`${srv.base}/${env.code}`);
  const html = await res.text();
  assert.doesNotMatch(html, /<script>window/);
  assert.doesNotMatch(html, /<img src=x onerror/);
  assert.match(html, /&lt;script&gt;window.hacked=&quot;answer&quot;&lt;\/script&gt;/);
  assert.deepEqual(page.bad, []);
  await page.context().close();
});

test('hostile answers stay inert in the HTML report opened in Chromium, and escaped in Markdown', async () => {
  const auth = { authorization: `Bearer ${env.token}` };
  const html = await (await fetch(`${srv.base}/api/v1/sessions/${env.code}/report?format=html`, { headers: auth })).text();
  assert.ok(html.length > 500);
  const page = await watched();
  await page.setContent(html, { waitUntil: 'load' }); // no CSP here: escaping alone must hold
  await page.waitForTimeout(200);
  assert.ok((await page.textContent('body')).includes('<script>window.hacked="answer"</script>'));
  await inert(page);
  await page.context().close();
  const md = await (await fetch(`${srv.base}/api/v1/sessions/${env.code}/report?format=md`, { headers: auth })).text();
  assert.doesNotMatch(md, /(^|[^\\])<script>window\.hacked="answer"/);
  assert.doesNotMatch(md, /(^|[^\\])\[md\]\(javascript:/);
});

test('hostile answers are inert in the moderation panel and the workspace', async () => {
  const page = await watched();
  await page.goto(`${srv.base}/login?next=/app/moderate/${env.code}`);
  await page.fill('#name', 'anna');
  await page.fill('#password', 'geheim-wachtwoord');
  await page.click('button[type=submit]');
  await gotoKind(srv.base, env.code, env.token, 'qa');
  await page.waitForSelector('.mod-item');
  assert.ok((await page.textContent('main')).includes('<script>window.hacked="answer"</script>'));
  await inert(page);
  // the event's hostile title and deck on the dashboard and in the editor
  await page.goto(`${srv.base}/app`);
  await page.waitForSelector('.event-card');
  await page.click('.event-card a');
  await page.waitForSelector('.slide-list li');
  await page.waitForTimeout(300);
  await inert(page);
  await page.context().close();
});
