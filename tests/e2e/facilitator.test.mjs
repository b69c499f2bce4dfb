// A facilitator who never saw the docs (issue 13) against the real binary:
// sessions are numbered as the report numbers them and can be named; the
// first session is started as such; an online session shows its link, QR
// code and flyer; downloads keep accented titles readable; an English
// browser gets an English workspace; speaker notes go into a report only
// when asked.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { prepare, startServer, stopServer, cleanup, ROOT, launchBrowser, Participant, logIn, waitFor } from './lib.mjs';

let env, srv, browser;
const auth = () => ({ authorization: `Bearer ${env.token}`, 'content-type': 'application/json' });
const api = async (method, p, body, lang = 'en') => {
  const res = await fetch(`${srv.base}${p}`, { method, headers: { ...auth(), 'accept-language': lang }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, res, body: res.headers.get('content-type')?.startsWith('application/json') ? await res.json() : null };
};

before(async () => {
  env = prepare('tests/e2e/decks/notes.md');
  srv = await startServer(env);
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await stopServer(srv);
  cleanup(env);
});

async function login(ctx, next) {
  const p = await ctx.newPage();
  p.errors = [];
  p.on('pageerror', (e) => p.errors.push(e.message));
  await logIn(p, srv.base, `${next}`);
  return p;
}

test('sessions: one numbering, in the order of creation, and a name of the facilitator', async () => {
  const first = (await api('GET', '/api/v1/events/1')).body.sessions[0];
  assert.equal(first.number, 1);
  assert.equal(first.name, '');
  const second = (await api('POST', '/api/v1/events/1/sessions', { mode: 'live' })).body;
  let r = await api('PUT', `/api/v1/events/1/sessions/${first.code}`, { name: '  16 oktober ' });
  assert.equal(r.status, 200);
  assert.deepEqual(r.body, { code: first.code, name: '16 oktober' });
  r = await api('PUT', `/api/v1/events/1/sessions/${second.code}`, { name: 'x'.repeat(61) }, 'nl');
  assert.equal(r.status, 400);
  assert.match(r.body.error, /hoogstens 60 tekens/);
  assert.equal((await api('PUT', '/api/v1/events/1/sessions/999999', { name: 'x' })).status, 404);
  const ev = (await api('GET', '/api/v1/events/1')).body;
  assert.deepEqual(ev.sessions.map((s) => [s.number, s.name]), [[1, '16 oktober'], [2, '']]);
  // the report names the same session the same way
  const md = await (await fetch(`${srv.base}/api/v1/sessions/${first.code}/report?format=md`, { headers: auth() })).text();
  assert.match(md, /\| 1 \(16 oktober\) \|/);
  const json = await (await fetch(`${srv.base}/api/v1/sessions/${first.code}/report?format=json`, { headers: auth() })).json();
  assert.equal(json.sessions[0].name, '16 oktober');
  assert.equal(json.sessions[1].name, undefined);
});

test('speaker notes go into the report only when asked', async () => {
  const code = (await api('GET', '/api/v1/events/1')).body.sessions[0].code;
  const get = async (q) => (await fetch(`${srv.base}/api/v1/sessions/${code}/report?${q}`, { headers: auth() })).text();
  assert.doesNotMatch(await get('format=md'), /wethouder/);
  assert.doesNotMatch(await get('format=json'), /wethouder/);
  assert.doesNotMatch(await get('format=html'), /wethouder/);
  assert.match(await get('format=md&notes=1'), /> \*Notities\*\n>\n> Eerst de wethouder bedanken\.\n> Daarna/);
  assert.match(await get('format=json&notes=1'), /Eerst de wethouder bedanken/);
});

test('downloads keep accented titles readable: é becomes e', async () => {
  const created = await api('POST', '/api/v1/events', { title: 'Één "avond" <x> #1 café' });
  assert.equal(created.status, 201);
  const s = (await api('POST', `/api/v1/events/${created.body.id}/sessions`)).body;
  const res = await fetch(`${srv.base}/api/v1/sessions/${s.code}/report?format=md`, { headers: auth() });
  assert.equal(res.headers.get('content-disposition'), 'attachment; filename="een-avond-x-1-cafe-resultaten.md"');
});

test('the flyer: a printable PDF with the QR code, the address and the code', async () => {
  const code = (await api('GET', '/api/v1/events/1')).body.sessions[0].code;
  assert.equal((await fetch(`${srv.base}/api/v1/sessions/${code}/flyer.pdf`)).status, 401);
  for (const size of ['a4', 'a5']) {
    const res = await fetch(`${srv.base}/api/v1/sessions/${code}/flyer.pdf?size=${size}`, { headers: auth() });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/pdf');
    assert.equal(res.headers.get('content-disposition'), `attachment; filename="flyer-${code}-${size}.pdf"`);
    const file = path.join(env.dir, `flyer-${size}.pdf`);
    writeFileSync(file, Buffer.from(await res.arrayBuffer()));
    const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
    assert.match(info, /Pages:\s+1/);
    assert.match(info, size === 'a4' ? /595\.\d* x 841\.\d* pts/ : /419\.\d* x 595\.\d* pts/);
    const text = execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' });
    assert.match(text, /Doe mee en geef uw mening/);
    assert.match(text, new RegExp(`${srv.base.replace(/[.]/g, '\\.')}/${code}`));
    assert.match(text, new RegExp(`Code: ${code.slice(0, 3)} ${code.slice(3)}`));
  }
  const bad = await fetch(`${srv.base}/api/v1/sessions/${code}/flyer.pdf?size=a3`, { headers: { ...auth(), 'accept-language': 'nl' } });
  assert.equal(bad.status, 400);
  assert.match((await bad.json()).error, /a4 of a5/);
});

test('the workspace: English for an English browser, a first session, an online link with QR and flyer', async () => {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
  const created = await api('POST', '/api/v1/events', { title: 'Wijkavond' });
  const p = await login(ctx, `/app/events/${created.body.id}`);
  await p.waitForSelector('#tab-sessions');
  assert.equal(await p.getAttribute('html', 'lang'), 'en');
  await p.click('#tab-sessions');
  assert.equal(await p.textContent('#new-session'), 'Start a session');
  await p.click('#new-session');
  await p.waitForSelector('.session.live');
  assert.equal(await p.textContent('#new-session'), 'Start another session (new code, empty results)');
  assert.equal(await p.textContent('.session .session-n'), 'Session 1');
  await p.fill('.session input.session-name', '16 October');
  await p.press('.session input.session-name', 'Tab');
  // polled from here: waitForFunction would take an async predicate's
  // promise for a truthy value at once
  await waitFor(async () => (await api('GET', `/api/v1/events/${created.body.id}`)).body.sessions[0].name === '16 October',
    10000, 'the session renamed');
  await p.click('#new-online');
  const box = p.locator('.share-box');
  await box.waitFor();
  const online = (await api('GET', `/api/v1/events/${created.body.id}`)).body.sessions.find((s) => s.mode === 'self-paced');
  assert.equal(await box.locator('a.join-link').textContent(), `${srv.base}/${online.code}`);
  assert.equal(await box.locator('img').getAttribute('src'), `/api/v1/sessions/${online.code}/qr.svg`);
  assert.match(await box.locator('a', { hasText: 'Flyer (A4, PDF)' }).getAttribute('href'), /flyer\.pdf\?size=a4$/);
  await box.locator('button', { hasText: 'Copy link' }).click();
  await p.waitForFunction(() => /Link copied|http/.test(document.querySelector('.share-box [role=status]').textContent));
  const names = await p.locator('.session .session-n').allTextContents();
  assert.deepEqual(names, ['Session 1', 'Session 2']);
  await p.screenshot({ path: path.join(ROOT, 'tests/e2e/out/workspace-sessions-en.png'), fullPage: true });
  assert.deepEqual(p.errors, []);
  await ctx.close();
});

test('help inside the workspace, in Dutch and English, linked where a file name was printed', async () => {
  for (const [locale, deckTitle, words] of [['nl-NL', 'Presentatieformaat', /Sprekersnotities/], ['en-GB', 'Deck format', /Speaker notes/]]) {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale });
    const p = await login(ctx, '/app');
    await p.waitForSelector('.create-deck');
    assert.doesNotMatch(await p.textContent('main'), /docs\//);
    assert.equal(await p.getAttribute('.create-deck a.help-link', 'href'), '/app/help/deck');
    await p.click('#help-link');
    await p.waitForURL('**/app/help');
    await p.click('.help-nav a[href="/app/help/deck"]');
    await p.waitForSelector('#help-deck');
    assert.equal(await p.textContent('h1'), deckTitle);
    assert.match(await p.textContent('#help-deck'), words);
    assert.match(await p.textContent('#help-deck'), /\? open: Wat gaat er goed in uw wijk\?/);
    await p.goto(`${srv.base}/app/help/keys`);
    await p.waitForSelector('#help-keys');
    assert.match(await p.textContent('#help-keys'), /Page Down/);
    await p.goto(`${srv.base}/app/help/reports`);
    await p.waitForSelector('#help-reports');
    assert.match(await p.textContent('#help-reports'), /XLSX/);
    if (locale === 'en-GB') await p.screenshot({ path: path.join(ROOT, 'tests/e2e/out/help-reports-en.png'), fullPage: true });
    await p.goto(`${srv.base}/app/events/1#report`);
    await p.waitForSelector('#report-session');
    assert.doesNotMatch(await p.textContent('main'), /docs\//);
    assert.equal(await p.getAttribute('.panel-report a.help-link', 'href'), '/app/help/reports');
    assert.deepEqual(p.errors, []);
    await ctx.close();
  }
});

test('a deck travels with its images as a .zip: export, import, and from the dashboard', async () => {
  // an event with an uploaded image in its deck
  const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415408d763f8cfc00000030101001 8dd8db00000000049454e44ae426082'.replace(/ /g, ''), 'hex');
  const src = (await api('POST', '/api/v1/events', { title: 'Met kaart' })).body;
  const up = await fetch(`${srv.base}/api/v1/events/${src.id}/images`, { method: 'POST', body: png, headers: { authorization: `Bearer ${env.token}` } });
  const img = await up.json();
  const deck = `---\ntitle: Met kaart\n---\n\n# De wijk\n\n![Kaart van de wijk](${img.url})\n`;
  assert.equal((await api('PUT', `/api/v1/events/${src.id}`, { deck })).status, 200);
  const res = await fetch(`${srv.base}/api/v1/events/${src.id}/deck.zip`, { headers: auth() });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/zip');
  const zipPath = path.join(env.dir, 'met-kaart.zip');
  writeFileSync(zipPath, Buffer.from(await res.arrayBuffer()));
  const listing = execFileSync('unzip', ['-l', zipPath], { encoding: 'utf8' });
  assert.match(listing, /deck\.md/);
  assert.match(listing, new RegExp(`images/${img.url.split('/').pop()}`));
  const md = execFileSync('unzip', ['-p', zipPath, 'deck.md'], { encoding: 'utf8' });
  assert.equal(md, deck.replace(img.url, `images/${img.url.split('/').pop()}`));
  // into another event: the images become its own
  const dst = (await api('POST', '/api/v1/events', { title: 'Kopie' })).body;
  const imp = await fetch(`${srv.base}/api/v1/events/${dst.id}/deck.zip`, { method: 'POST', body: readFileSync(zipPath), headers: { authorization: `Bearer ${env.token}` } });
  assert.equal(imp.status, 200);
  const r = await imp.json();
  assert.equal(r.images, 1);
  const newUrl = `/media/${dst.id}/${img.url.split('/').pop()}`;
  assert.equal(r.deck, deck.replace(img.url, newUrl));
  assert.equal((await fetch(`${srv.base}${newUrl}`)).status, 200);
  // refused: no zip, in the request's language
  const bad = await fetch(`${srv.base}/api/v1/events/${dst.id}/deck.zip`, { method: 'POST', body: 'PK nope', headers: { authorization: `Bearer ${env.token}`, 'accept-language': 'nl' } });
  assert.equal(bad.status, 400);
  assert.match((await bad.json()).error, /geen zip-bestand/);

  // from the dashboard: choose the zip, import, land on the new event
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'nl-NL' });
  const p = await login(ctx, '/app');
  await p.waitForSelector('#new-deck-file');
  await p.setInputFiles('#new-deck-file', zipPath);
  await p.click('.create-deck button[type=submit]');
  // the page may already have named its tab (#slides) when the load ends
  await p.waitForURL(/\/app\/events\/\d+(#\w+)?$/);
  const id = Number(p.url().match(/events\/(\d+)/)[1]);
  const ev = (await api('GET', `/api/v1/events/${id}`)).body;
  assert.equal(ev.title, 'Met kaart');
  assert.match(ev.slides[0].html, new RegExp(`<img src="/media/${id}/[0-9a-f]{32}\\.png" alt="Kaart van de wijk"`));
  assert.deepEqual(p.errors, []);
  await ctx.close();
});

test('a new facilitator builds, runs and reports an event from the workspace alone', async () => {
  const deckPdf = path.join(env.dir, 'pages.pdf');
  execFileSync(path.join(ROOT, 'build/bench/mkpdf'), [deckPdf, '2']);
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'nl-NL', acceptDownloads: true });
  const p = await login(ctx, '/app');
  // build: an event from a title, the slides from a PDF, a question between them, notes
  await p.fill('#new-title', 'Buurtavond De Hoek');
  await p.click('.create-title button[type=submit]');
  await p.waitForURL(/\/app\/events\/\d+(#\w+)?$/);
  const id = Number(p.url().match(/events\/(\d+)/)[1]);
  await p.waitForSelector('.slide-list li');
  await p.setInputFiles('.pdf-import input[type=file]', deckPdf);
  await p.waitForFunction(() => /2 dia's toegevoegd/.test(document.querySelector('#pdf-note').textContent));
  await p.click('.slide-list li:nth-child(2) button');
  await p.selectOption('.add-slide select', 'open');
  await p.click('.add-slide button');
  await p.locator('.slide-fields').getByLabel('Vraag', { exact: true }).fill('Wat moet beter op het plein?');
  await p.fill('textarea.notes', 'Eerst de kaart laten zien');
  await p.click('#save');
  await p.waitForFunction(() => document.querySelector('.save-state').textContent === 'Alles opgeslagen');
  const ev = (await api('GET', `/api/v1/events/${id}`)).body;
  assert.deepEqual(ev.slides.map((x) => x.kind), ['content', 'content', 'open', 'content']);
  // run: the first session, named; the presenter view has the notes; a phone answers
  await p.click('#tab-sessions');
  await p.click('#new-session');
  await p.waitForSelector('.session.live');
  await p.fill('.session input.session-name', '16 oktober');
  await p.press('.session input.session-name', 'Tab');
  const code = (await api('GET', `/api/v1/events/${id}`)).body.sessions[0].code;
  const view = await ctx.newPage();
  await view.goto(`${srv.base}/present/${code}/view`);
  await view.waitForSelector('body[data-slide]');
  for (let i = 0; i < 2; i++) await view.keyboard.press('ArrowRight');
  await view.waitForFunction(() => /Eerst de kaart laten zien/.test(document.querySelector('#pv-notes').textContent));
  const st = await (await fetch(`${srv.base}/api/v1/sessions/${code}`)).json();
  assert.equal(st.slide.title, 'Wat moet beter op het plein?');
  const r = await new Participant(srv.base, code).answer(st.slide.id, 'Meer schaduw en bankjes');
  assert.equal(r.status, 201);
  // report: the Markdown download names the session and holds the answer
  await p.click('#tab-report');
  await p.waitForSelector('#report-md');
  const [dl] = await Promise.all([p.waitForEvent('download', { timeout: 15000 }), p.click('#report-md')]);
  assert.equal(dl.suggestedFilename(), 'buurtavond-de-hoek-resultaten.md');
  const md = readFileSync(await dl.path(), 'utf8');
  assert.match(md, /Meer schaduw en bankjes/);
  assert.match(md, /\| 1 \(16 oktober\) \|/);
  assert.doesNotMatch(md, /Eerst de kaart laten zien/);
  assert.deepEqual(p.errors, []);
  await ctx.close();
});
