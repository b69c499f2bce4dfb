// The report from the workspace in real Chromium: the event page's
// "Rapport" tab downloads "Presentatie en resultaten" in the formats of
// docs/report-format.md, for all sessions or one, through the login
// cookie; a refused download and an event without sessions are said on
// the page, in its language. Screenshots at phone and desk width land in
// tests/e2e/out/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { prepare, startServer, stopServer, cleanup, Participant, gotoKind, ROOT, launchBrowser, logIn } from './lib.mjs';

const OUT = path.join(ROOT, 'tests/e2e/out');
let env, srv, browser, ctx, eventId;

const api = async (method, p, body) => {
  const res = await fetch(srv.base + p, {
    method,
    headers: { authorization: `Bearer ${env.token}`, 'content-type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: res.status === 204 ? null : await res.json() };
};

async function page(viewport = { width: 1280, height: 800 }) {
  const p = await ctx.newPage();
  await p.setViewportSize(viewport);
  p.errors = [];
  p.on('pageerror', (e) => p.errors.push(e.message));
  return p;
}

// Clicks a download link and returns the file's name and bytes.
async function download(p, selector) {
  const [dl] = await Promise.all([p.waitForEvent('download', { timeout: 15000 }), p.click(selector)]);
  const file = await dl.path();
  return { name: dl.suggestedFilename(), bytes: readFileSync(file) };
}

before(async () => {
  mkdirSync(OUT, { recursive: true });
  env = prepare();
  srv = await startServer(env);
  const open = await gotoKind(srv.base, env.code, env.token, 'open');
  const r = await new Participant(srv.base, env.code).answer(open.id, 'Een buurthuis, met koffie');
  assert.equal(r.status, 201, JSON.stringify(r.body));
  eventId = (await api('GET', '/api/v1/events')).body.events[0].id;
  browser = await launchBrowser();
  ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true, locale: 'nl-NL' });
  const p = await page();
  await logIn(p, srv.base, `/app`);
  await p.close();
});
after(async () => {
  await browser?.close();
  await stopServer(srv);
  cleanup(env);
});

test('the report tab downloads the PDF and the CSV with the answer, for all sessions and one', async () => {
  const p = await page();
  await p.goto(`${srv.base}/app/events/${eventId}#report`);
  await p.waitForSelector('#report-pdf');
  assert.equal(await p.getAttribute('#tab-report', 'aria-selected'), 'true');
  // every format is a real link with a name and its line of explanation
  for (const fmt of ['pdf', 'md', 'html', 'csv', 'xlsx', 'json']) {
    const link = p.locator(`#report-${fmt}`);
    assert.match(await link.getAttribute('href'), new RegExp(`/report\\?format=${fmt}&session=all$`));
    assert.match(await link.textContent(), /downloaden/);
    assert.ok((await p.textContent(`#report-desc-${fmt}`)).length > 20, fmt);
  }
  assert.equal(await p.locator('#report-session option').count(), 2);

  const pdf = await download(p, '#report-pdf');
  assert.equal(pdf.name, 'testavond-resultaten.pdf');
  assert.equal(pdf.bytes.subarray(0, 5).toString('latin1'), '%PDF-');
  await p.waitForFunction(() => /Gedownload/.test(document.getElementById('report-status').textContent));

  await p.selectOption('#report-session', '1');
  const csv = await download(p, '#report-csv');
  assert.equal(csv.name, 'testavond-resultaten-sessie-1.csv');
  const text = csv.bytes.toString('utf8');
  assert.match(text, /^event,session,session date,slide,question,type,value,time,visible\r\n/);
  assert.match(text, /"Een buurthuis, met koffie"/);

  // the keyboard reaches the links: Enter on a focused link downloads too
  await p.focus('#report-md');
  const [md] = await Promise.all([p.waitForEvent('download'), p.keyboard.press('Enter')]);
  assert.match(readFileSync(await md.path(), 'utf8'), /Een buurthuis, met koffie/);
  assert.deepEqual(p.errors, []);
  await p.close();
});

test('a refused download is said on the page in its language', async () => {
  const p = await page();
  await p.goto(`${srv.base}/app/events/${eventId}#report`);
  await p.waitForSelector('#report-pdf');
  // a session the event does not have: the server's own refusal, in Dutch
  await p.evaluate(() => {
    const s = document.getElementById('report-session');
    s.append(new Option('Sessie 7', '7'));
    s.value = '7';
    s.dispatchEvent(new Event('change'));
  });
  await p.click('#report-pdf');
  await p.waitForSelector('#report-error .error');
  assert.match(await p.textContent('#report-error'), /niet gedownload\. Dit evenement heeft 1 sessie; er is geen sessie 7\./);

  // the server stopping: a 503 with its message, shown as it is
  await p.selectOption('#report-session', 'all');
  await p.route('**/report?*', (r) => r.fulfill({ status: 503, contentType: 'application/json',
    body: JSON.stringify({ error: 'De server stopt; probeer het zo opnieuw.', code: 'unavailable' }) }));
  await p.click('#report-csv');
  await p.waitForFunction(() => /De server stopt/.test(document.getElementById('report-error').textContent));
  assert.equal(await p.textContent('#report-status'), '');
  await p.unroute('**/report?*');

  // no connection at all
  await p.route('**/report?*', (r) => r.abort());
  await p.click('#report-json');
  await p.waitForFunction(() => /Geen verbinding/.test(document.getElementById('report-error').textContent));
  await p.unroute('**/report?*');
  await shoot(p, 'report');
  assert.deepEqual(p.errors, []);
  await p.close();
});

test('an event without sessions says so instead of offering downloads, in English too', async () => {
  const made = await api('POST', '/api/v1/events', { title: 'Zonder sessies' });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  const p = await page();
  await p.goto(`${srv.base}/app/events/${made.body.id}#report`);
  await p.waitForSelector('#report-none');
  assert.equal(await p.locator('#report-pdf').count(), 0);
  assert.match(await p.textContent('#report-none'), /nog geen sessies/);
  await p.evaluate(() => localStorage.setItem('inspraak-lang', 'en'));
  await p.reload();
  await p.waitForSelector('#report-none');
  assert.match(await p.textContent('#report-none'), /no sessions yet/);
  assert.equal(await p.textContent('#tab-report'), 'Report');
  await shoot(p, 'report-empty');
  await p.evaluate(() => localStorage.removeItem('inspraak-lang'));
  await p.close();
});

async function shoot(p, name) {
  for (const vp of [{ width: 390, height: 844 }, { width: 1280, height: 800 }]) {
    await p.setViewportSize(vp);
    await p.waitForTimeout(150);
    await p.screenshot({ path: path.join(OUT, `workspace-${name}-${vp.width}.png`), fullPage: true });
  }
}
