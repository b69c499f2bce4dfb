// Issue 14's "done when", for the e-mail ladder, in Chromium with a real
// SMTP server (tests/e2e/smtp.mjs): a resident on a phone (390 px, no
// JavaScript) opens the process, contributes and supports, asks for a
// link, follows it from the mail that arrived, continues on a second
// browser as the same participant and opts in to the digest; a facilitator
// writes the municipality's reaction and moves the phase; the digest
// arrives with both; the resident unsubscribes with its link, without a
// login; after the retention's end the database dump holds no address.
// The phone starts where a resident in the hall would: it scans the QR
// code of the deck's closing slide on the presenter screen (zbarimg reads
// it from a screenshot of the stage at 1920x1080). Screenshots (320 and 1280 px, Dutch and English)
// land in tests/e2e/out/; axe-core checks each e-mail page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  prepare, startServer, stopServer, cleanup, Participant, ROOT, launchBrowser, randomId, sql, PG,
  qrCodesIn, gotoKind, gotoWebsiteSlide, logIn,
} from './lib.mjs';
import { startSmtp } from './smtp.mjs';

const OUT = path.join(ROOT, 'tests/e2e/out');
const AXE = readFileSync(path.join(ROOT, 'tests/e2e/node_modules/axe-core/axe.min.js'), 'utf8');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const ADDRESS = 'anne.bewoner@example.test';
let env, srv, smtp, browser, openSlide;

const day = (offset) => new Date(Date.now() + offset * 86400000).toISOString().slice(0, 10);
const api = (p, opts = {}) => fetch(`${srv.base}${p}`, {
  ...opts, headers: { authorization: `Bearer ${env.token}`, 'content-type': 'application/json', ...(opts.headers || {}) },
});
const topics = (groenPhase) => [
  { id: 1, title: 'Groen in de wijk', body: 'Waar mist u bomen?', phase: groenPhase },
  { id: 2, title: 'Wat moet beter in de wijk?', body: '', phase: 0, slide: openSlide },
];
const config = (extra = {}) => ({
  published: true, slug: 'buurtavond', email_login: true,
  description: 'Op de buurtavond spraken we over de wijk. Praat hier verder.',
  phases: [{ name: 'Ophalen', start: day(-10), end: day(30) }, { name: 'Besluit', start: day(31), end: day(60) }],
  topics: topics(0),
  ...extra,
});

async function newPage(viewport, opts = {}) {
  const ctx = await browser.newContext({ viewport, ...opts });
  const page = await ctx.newPage();
  return page;
}
const phone = (width = 390) => newPage({ width, height: 844 }, { isMobile: true, hasTouch: true, javaScriptEnabled: false });

// axe-core needs script: a page with JavaScript on, at the same URL
// (a context that bypasses the pages' CSP, as in a11y.test.mjs)
async function audit(url, name) {
  const page = await newPage({ width: 1280, height: 900 }, { bypassCSP: true });
  await page.goto(url);
  await page.addScriptTag({ content: AXE });
  const v = await page.evaluate(async (tags) => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return r.violations.map((x) => `${x.id}: ${x.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  }, TAGS);
  await page.context().close();
  assert.deepEqual(v, [], `axe on ${name}`);
}

async function mailTo(to, n) {
  const end = Date.now() + 20000;
  for (;;) {
    const got = smtp.messages().filter((m) => m.to === to);
    if (got.length >= n) return got[n - 1];
    if (Date.now() > end) throw new Error(`no mail ${n} to ${to}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

before(async () => {
  mkdirSync(OUT, { recursive: true });
  env = prepare('tests/e2e/decks/closing.md');
  smtp = await startSmtp();
  srv = await startServer(env, ['--smtp-url', smtp.url, '--mail-from', 'inspraak@gemeente.test']);
  browser = await launchBrowser();
  // in the hall, a phone answers the meeting's open question
  openSlide = (await gotoKind(srv.base, env.code, env.token, 'open')).id;
  const hall = new Participant(srv.base, env.code);
  assert.equal((await hall.answer(openSlide, 'Een zebrapad bij de school.')).status, 201);
  const res = await api('/api/v1/events/1/process', { method: 'PUT', body: JSON.stringify(config()) });
  assert.equal(res.status, 200);
});
after(async () => {
  await browser?.close();
  await stopServer(srv);
  if (smtp) await smtp.stop();
  if (env) cleanup(env);
});

let phoneA, second, theirs;

test('a resident contributes, supports, and confirms an address from the mail on a phone', async () => {
  const other = new Participant(srv.base);
  const res = await other.request('/api/v1/processes/buurtavond/topics/1/posts', {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id: randomId(), text: 'Meer bomen langs de Dorpsstraat.' }),
  });
  theirs = (await res.json()).id;

  // the closing slide on the projector, and the QR code a phone scans
  await gotoWebsiteSlide(srv.base, env.code, env.token);
  const stage = await newPage({ width: 1920, height: 1080 });
  await logIn(stage, srv.base, `/present/${env.code}`);
  await stage.waitForFunction(() => {
    const i = document.querySelector('.website-qr');
    return i && i.complete && i.naturalWidth > 0;
  }, null, { timeout: 15000 });
  await stage.waitForTimeout(600); // the slide's fade-in
  const shot = path.join(OUT, 'website-mail-closing-1920.png');
  await stage.screenshot({ path: shot });
  await stage.context().close();
  const scanned = qrCodesIn(shot);
  assert.equal(scanned.length, 1, 'one QR code on the closing slide');
  assert.match(scanned[0], /\/p\/buurtavond$/);

  phoneA = await phone();
  const p = phoneA;
  await p.goto(scanned[0]);
  await p.click('text=Groen in de wijk');
  await p.getByLabel('Jouw bijdrage').fill('Een bankje bij de speeltuin, graag met schaduw.');
  await p.click('button:has-text("Plaatsen")');
  await p.locator('.notice', { hasText: 'Je bijdrage staat erbij' }).waitFor();
  await p.locator(`#post-${theirs} button.support`).click();
  await p.locator('.notice', { hasText: 'Je steun is geteld' }).waitFor();
  // and online on the meeting's question, where the hall's answer starts the conversation
  await p.goto(`${srv.base}/p/buurtavond/topics/2`);
  assert.match(await p.locator('main').innerText(), /Een zebrapad bij de school\./);
  await p.getByLabel('Jouw bijdrage').fill('Minder hard rijden in de Schoolstraat.');
  await p.click('button:has-text("Plaatsen")');
  await p.locator('.notice', { hasText: 'Je bijdrage staat erbij' }).waitFor();

  // the e-mail page, from the process page
  await p.goto(`${srv.base}/p/buurtavond`);
  await p.click('a[href="/p/buurtavond/account"]');
  await p.waitForURL('**/p/buurtavond/account');
  await p.getByLabel('Je e-mailadres').fill(ADDRESS);
  await p.click('button:has-text("Stuur mij een link")');
  await p.locator('.notice', { hasText: 'Als dit adres gebruikt kan worden' }).waitFor();
  await p.screenshot({ path: path.join(OUT, 'website-mail-sent-390-nl.png'), fullPage: true });

  const msg = await mailTo(ADDRESS, 1);
  const link = msg.links.find((l) => l.includes('/confirm?t='));
  assert.ok(link, msg.text);
  await p.goto(link);
  await p.screenshot({ path: path.join(OUT, 'website-mail-confirm-390-nl.png'), fullPage: true });
  await p.click('button:has-text("Bevestig mijn e-mailadres")');
  await p.locator('.notice', { hasText: 'Je e-mailadres is bevestigd' }).waitFor();
  // the link works once
  await p.goto(link);
  await p.click('button:has-text("Bevestig mijn e-mailadres")');
  await p.locator('.error', { hasText: 'Deze link is al gebruikt' }).waitFor();
  await p.screenshot({ path: path.join(OUT, 'website-mail-used-390-nl.png'), fullPage: true });
});

test('on a second browser the resident is the same participant and opts in to the digest', async () => {
  second = await newPage({ width: 1280, height: 900 }, { javaScriptEnabled: false });
  const p = second;
  await p.goto(`${srv.base}/p/buurtavond/account`);
  await p.getByLabel('Je e-mailadres').fill(ADDRESS);
  await p.click('button:has-text("Stuur mij een link")');
  await p.locator('.notice', { hasText: 'Als dit adres' }).waitFor();
  const msg = await mailTo(ADDRESS, 2);
  await p.goto(msg.links.find((l) => l.includes('/confirm?t=')));
  await p.click('button:has-text("Bevestig mijn e-mailadres")');
  await p.locator('.notice', { hasText: 'Je e-mailadres is bevestigd' }).waitFor();

  // the contribution and the support of the phone are this browser's too
  await p.goto(`${srv.base}/p/buurtavond/topics/1`);
  assert.match(await p.locator(`#post-${theirs} .supports`).innerText(), /Je zei: ik ook \(1\)/);
  const cookies = await p.context().cookies();
  const phoneCookies = await phoneA.context().cookies();
  assert.equal(cookies.find((c) => c.name === 'inspraak_p').value,
    phoneCookies.find((c) => c.name === 'inspraak_p').value);

  await p.goto(`${srv.base}/p/buurtavond/account`);
  await p.click('button:has-text("Stuur mij de samenvatting")');
  await p.locator('.notice', { hasText: 'Je krijgt voortaan de samenvatting' }).waitFor();
  await p.screenshot({ path: path.join(OUT, 'website-mail-confirmed-1280-nl.png'), fullPage: true });
});

test('after a reaction and a new phase the digest arrives; its link unsubscribes without a login', async () => {
  let res = await api('/api/v1/events/1/process/reactions', {
    method: 'POST', body: JSON.stringify({ topic: 1, text: 'We zetten twee bankjes bij de speeltuin.', id: randomId() }),
  });
  assert.equal(res.status, 201);
  res = await api('/api/v1/events/1/process', { method: 'PUT', body: JSON.stringify(config({
    phases: [{ name: 'Ophalen', start: day(-10), end: day(-1) }, { name: 'Besluit', start: day(0), end: day(60) }],
    topics: topics(1),
  })) });
  assert.equal(res.status, 200);
  res = await api('/api/v1/events/1/process/digest', { method: 'POST', body: '{}' });
  assert.deepEqual(await res.json(), { subscribers: 1, queued: 1 });
  const digest = await mailTo(ADDRESS, 3);
  assert.match(digest.subject, /Nieuws over/);
  assert.match(digest.text, /Een nieuwe fase is begonnen: Besluit/);
  assert.match(digest.text, /We zetten twee bankjes bij de speeltuin/);
  assert.ok(digest.headers['list-unsubscribe']);

  const unsub = digest.links.find((l) => l.includes('/unsubscribe?'));
  const p = await phone(320); // a browser that never logged in or confirmed
  await p.goto(unsub);
  await p.screenshot({ path: path.join(OUT, 'website-mail-unsubscribe-320-nl.png'), fullPage: true });
  await p.click('button:has-text("Meld mij af")');
  await p.locator('.notice', { hasText: 'Je bent afgemeld' }).waitFor();
  res = await api('/api/v1/events/1/process/digest', { method: 'POST', body: '{}' });
  assert.deepEqual(await res.json(), { subscribers: 0, queued: 0 });
  await p.context().close();
});

test('the e-mail pages at 320 and 1280 px, in Dutch and English, pass axe-core', async () => {
  for (const lang of ['nl', 'en']) {
    for (const w of [320, 1280]) {
      const p = await newPage({ width: w, height: 800 }, { javaScriptEnabled: false });
      await p.goto(`${srv.base}/p/buurtavond/account?lang=${lang}`);
      const overflow = await p.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
      assert.equal(overflow, false);
      await p.screenshot({ path: path.join(OUT, `website-mail-account-${w}-${lang}.png`), fullPage: true });
      await p.context().close();
    }
    await audit(`${srv.base}/p/buurtavond/account?lang=${lang}`, `account ${lang}`);
    await audit(`${srv.base}/p/buurtavond/confirm?t=x&lang=${lang}`, `confirm ${lang}`);
    await audit(`${srv.base}/p/buurtavond/invite?lang=${lang}`, `invite ${lang}`);
    const inv = await phone(320);
    await inv.goto(`${srv.base}/p/buurtavond/invite?lang=${lang}`);
    await inv.screenshot({ path: path.join(OUT, `website-invite-320-${lang}.png`), fullPage: true });
    await inv.context().close();
  }
  // the confirmed view and the used-link page, with JavaScript on for axe
  const page = await newPage({ width: 1280, height: 900 }, { bypassCSP: true });
  await page.context().addCookies((await second.context().cookies()));
  await page.goto(`${srv.base}/p/buurtavond/account`);
  assert.match(await page.locator('main').innerText(), /Verwijder mijn e-mailadres/);
  await page.addScriptTag({ content: AXE });
  const v = await page.evaluate(async (tags) => (await window.axe.run(document, { runOnly: { type: 'tag', values: tags } })).violations.map((x) => x.id), TAGS);
  assert.deepEqual(v, []);
  await page.context().close();
});

test('the report shows the meeting\'s question with both channels, the hall and the website', async () => {
  const html = await (await api(`/api/v1/sessions/${env.code}/report?format=html`)).text();
  const site = html.slice(html.indexOf('<section class=website>'));
  assert.ok(site.length > 0 && html.includes('<section class=website>'), 'the report has the website');
  const start = site.indexOf('>Wat moet beter in de wijk?</h4>');
  assert.ok(start > 0, 'the question topic is in the report');
  const sec = site.slice(start);
  assert.match(sec, /<th scope=row>Zaal, bijeenkomst 1<\/th><td class=n>1<\/td><td class=n>1<\/td>/);
  assert.match(sec, /<th scope=row>Website<\/th><td class=n>1<\/td><td class=n>1<\/td>/);
  assert.ok(sec.includes('Minder hard rijden in de Schoolstraat.'));
  // the reaction on the other topic is marked as the municipality's
  assert.match(site, /Reactie van de gemeente[\s\S]*We zetten twee bankjes bij de speeltuin\./);
});

test('after the retention end the database dump holds no address', async () => {
  const res = await api('/api/v1/events/1/process', { method: 'PUT', body: JSON.stringify(config({ retention: day(-1) })) });
  assert.equal(res.status, 200);
  const end = Date.now() + 20000;
  while (sql(env, 'SELECT count(*) FROM mail_people') !== '0') {
    if (Date.now() > end) throw new Error('the purge did not run');
    await new Promise((r) => setTimeout(r, 100));
  }
  const dump = PG ? execFileSync('pg_dump', [env.db], { encoding: 'utf8' })
    : execFileSync('sqlite3', [env.db, '.dump'], { encoding: 'utf8' });
  assert.doesNotMatch(dump, /bewoner@example/);
  assert.doesNotMatch(dump, /@example\.test/);
});
