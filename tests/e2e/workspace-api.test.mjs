// The workspace API against the real binary: events from decks, titles and
// duplicates; deck export and round trip; sessions run again with empty
// results; ending a session; sharing with roles; the moderation log; users.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { prepare, startServer, stopServer, cleanup, Participant, run, ROOT } from './lib.mjs';

let env, srv, tokens = {};

function api(who, method, path, body) {
  return fetch(`${srv.base}${path}`, {
    method,
    headers: { authorization: `Bearer ${tokens[who]}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}
async function json(res) { return { status: res.status, body: res.status === 204 ? null : await res.json() }; }

before(async () => {
  env = prepare();
  tokens.anna = env.token;
  for (const [name, role] of [['bram', 'moderator'], ['carl', 'facilitator'], ['root', 'admin']]) {
    run(['user', 'add', name, '--role', role, '--db', env.db], 'geheim-wachtwoord\n');
    tokens[name] = run(['token', name, '--db', env.db]).trim();
  }
  srv = await startServer(env);
});
after(async () => {
  await stopServer(srv);
  cleanup(env);
});

test('me tells name and role; roles are checked for users', async () => {
  assert.deepEqual((await json(await api('bram', 'GET', '/api/v1/me'))).body.role, 'moderator');
  assert.equal((await api('anna', 'GET', '/api/v1/users')).status, 403);
  const list = await json(await api('root', 'GET', '/api/v1/users'));
  assert.deepEqual(list.body.users.map((u) => u.name), ['anna', 'bram', 'carl', 'root']);
  assert.equal((await api('root', 'POST', '/api/v1/users', { name: 'dora', password: 'kort', role: 'facilitator' })).status, 400);
  assert.equal((await api('root', 'POST', '/api/v1/users', { name: 'dora', password: 'lang-genoeg', role: 'boss' })).status, 400);
  assert.equal((await api('root', 'POST', '/api/v1/users', { name: 'dora', password: 'lang-genoeg', role: 'facilitator' })).status, 201);
  assert.equal((await api('root', 'POST', '/api/v1/users', { name: 'dora', password: 'lang-genoeg' })).status, 409);
  assert.equal((await api('root', 'DELETE', '/api/v1/users/dora')).status, 204);
  assert.equal((await api('root', 'DELETE', '/api/v1/users/dora')).status, 404);
});

test('events: from a deck, a title or a duplicate; bad input changes nothing', async () => {
  const before = (await json(await api('anna', 'GET', '/api/v1/events'))).body.events.length;
  const bad = await json(await api('anna', 'POST', '/api/v1/events', { deck: '---\ntitle: X\n---\n? opne: hoi\n' }));
  assert.equal(bad.status, 400);
  assert.equal(bad.body.code, 'invalid_deck');
  assert.equal(bad.body.line, 4);
  assert.match(bad.body.error, /^line 4: unknown question type/);
  // in Dutch for a request that asks for it, as the workspace's pages do
  const nl = await fetch(`${srv.base}/api/v1/events`, {
    method: 'POST', body: JSON.stringify({ deck: '---\ntitle: X\n---\n? opne: hoi\n' }),
    headers: { authorization: `Bearer ${tokens.anna}`, 'content-type': 'application/json', 'accept-language': 'nl-NL,nl;q=0.9,en;q=0.8' },
  });
  assert.equal(nl.status, 400);
  assert.deepEqual(await nl.json(), { error: "regel 4: onbekende vraagsoort 'opne' (verwacht: open, cloud, choice, scale, rank of qa)", code: 'invalid_deck', line: 4 });
  // a deck up to 1 MiB, as the command line takes it, also as a JSON body
  const long = `---\ntitle: Lang\n---\n\n# Lang\n\n${'Een "lange" regel over de wijk.\n'.repeat(20000)}`;
  assert.ok(long.length > 600000 && long.length < 1048576);
  const big = await json(await api('anna', 'POST', '/api/v1/events', { deck: long }));
  assert.equal(big.status, 201, JSON.stringify(big.body));
  assert.equal((await json(await api('anna', 'PUT', `/api/v1/events/${big.body.id}`, { deck: long.replace('Lang', 'Langer') }))).status, 200);
  assert.equal((await api('anna', 'DELETE', `/api/v1/events/${big.body.id}`)).status, 204);
  const over = await json(await api('anna', 'POST', '/api/v1/events', { deck: long + 'x'.repeat(600000) }));
  assert.equal(over.status, 400);
  assert.match(over.body.error, /^line 1: the deck is \d+ bytes \(expected at most 1048576\)/);
  // more than that is refused from its Content-Length, before it is read
  const net = await import('node:net');
  const head = await new Promise((resolve) => {
    const s = net.connect(srv.port, '127.0.0.1');
    let out = '';
    s.on('data', (d) => { out += d; });
    s.on('close', () => resolve(out));
    s.on('error', () => resolve(out));
    s.write(`POST /api/v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${tokens.anna}\r\nContent-Length: ${3 << 20}\r\n\r\n`);
  });
  assert.match(head, /^HTTP\/1.1 413/);
  const forbidden = await fetch(`${srv.base}/api/v1/users`, { headers: { authorization: `Bearer ${tokens.anna}`, 'accept-language': 'nl' } });
  assert.deepEqual(await forbidden.json(), { error: 'Alleen beheerders beheren gebruikers.', code: 'forbidden' });
  assert.equal((await api('anna', 'POST', '/api/v1/events', { title: '   ' })).status, 400);
  assert.equal((await api('anna', 'POST', '/api/v1/events', {})).status, 400);
  assert.equal((await json(await api('anna', 'GET', '/api/v1/events'))).body.events.length, before);

  const deck = readFileSync(`${ROOT}/examples/samenleven-in-diversiteit.md`, 'utf8');
  const made = await json(await api('anna', 'POST', '/api/v1/events', { deck }));
  assert.equal(made.status, 201);
  assert.equal(made.body.title, 'Samenleven in diversiteit');
  assert.equal(made.body.access, 'owner');
  assert.equal(made.body.owner, 'anna');
  assert.equal(made.body.slides.filter((s) => s.kind === 'open').length, 3);
  // export gives the deck back; importing the export gives the same slides
  const md = await (await api('anna', 'GET', `/api/v1/events/${made.body.id}/deck.md`)).text();
  assert.equal(md, deck);
  const again = await json(await api('anna', 'POST', '/api/v1/events', { deck: md }));
  const strip = (e) => e.slides.map(({ id, ...rest }) => rest);
  assert.deepEqual(strip(again.body), strip(made.body));
  const dj = await json(await api('anna', 'GET', `/api/v1/events/${made.body.id}/deck.json`));
  assert.equal(dj.body.slides.length, made.body.slides.length);

  const titled = await json(await api('anna', 'POST', '/api/v1/events', { title: 'Buurtavond Oost' }));
  assert.equal(titled.status, 201);
  assert.equal(titled.body.slides[0].title, 'Buurtavond Oost');
  const dup = await json(await api('anna', 'POST', '/api/v1/events', { duplicate: made.body.id }));
  assert.equal(dup.status, 201);
  assert.notEqual(dup.body.id, made.body.id);
  assert.equal(dup.body.deck, deck);
  // others' events are not there for carl
  const carl = (await json(await api('carl', 'GET', '/api/v1/events'))).body.events;
  assert.ok(!carl.some((e) => e.id === made.body.id));
  assert.equal((await api('carl', 'GET', `/api/v1/events/${made.body.id}`)).status, 404);
  assert.equal((await api('carl', 'POST', '/api/v1/events', { duplicate: made.body.id })).status, 404);
});

test('deck edits, summary, sessions run again, ending, sharing and the log', async () => {
  const ev = (await json(await api('anna', 'POST', '/api/v1/events', { title: 'Werkavond' }))).body;
  const deck = '---\ntitle: Werkavond\nlang: nl\n---\n\n# Welkom\n\n---\n\n? open: Wat vind je?\nanswers: 3\n';
  let r = await json(await api('anna', 'PUT', `/api/v1/events/${ev.id}`, { deck, summary: 'Een **goede** avond.' }));
  assert.equal(r.status, 200);
  assert.equal(r.body.slides.length, 2);
  assert.equal(r.body.summary, 'Een **goede** avond.');
  assert.equal((await api('anna', 'PUT', `/api/v1/events/${ev.id}`, { deck: '---\ntitle: Werkavond\n' })).status, 400);

  const s1 = await json(await api('anna', 'POST', `/api/v1/events/${ev.id}/sessions`));
  assert.equal(s1.status, 201);
  const code1 = s1.body.code;
  const ctl = (who, code, action, extra = {}) => api(who, 'POST', `/api/v1/sessions/${code}/control`, { action, ...extra });
  assert.equal((await ctl('anna', code1, 'next')).status, 200);
  const state1 = await (await fetch(`${srv.base}/api/v1/sessions/${code1}`)).json();
  const p = new Participant(srv.base, code1);
  const a1 = await p.answer(state1.slide.id, 'eerste sessie');
  assert.equal(a1.status, 201);
  // with answers, the deck is fixed
  const locked = await json(await api('anna', 'PUT', `/api/v1/events/${ev.id}`, { deck: deck.replace('Wat vind je?', 'Anders?') }));
  assert.equal(locked.status, 409);
  assert.equal(locked.body.code, 'has_answers');
  assert.equal((await json(await api('anna', 'GET', `/api/v1/events/${ev.id}`))).body.slides[1].title, 'Wat vind je?');

  // share: bram moderates, carl may not touch it
  assert.equal((await ctl('bram', code1, 'next')).status, 403);
  assert.equal((await api('bram', 'POST', `/api/v1/answers/${a1.body.id}/hide`)).status, 403);
  assert.equal((await api('anna', 'POST', `/api/v1/events/${ev.id}/share`, { name: 'bram', role: 'moderator' })).status, 204);
  assert.equal((await api('anna', 'POST', `/api/v1/events/${ev.id}/share`, { name: 'nobody', role: 'moderator' })).status, 404);
  assert.equal((await api('anna', 'POST', `/api/v1/events/${ev.id}/share`, { name: 'bram', role: 'king' })).status, 400);
  assert.equal((await api('bram', 'POST', `/api/v1/answers/${a1.body.id}/hide`)).status, 200);
  assert.equal((await ctl('bram', code1, 'next')).status, 403, 'a moderator cannot drive the session');
  assert.equal((await api('bram', 'PUT', `/api/v1/events/${ev.id}`, { summary: 'x' })).status, 403, 'nor edit the event');
  assert.equal((await api('bram', 'GET', `/api/v1/sessions/${code1}/results?hidden=1`)).status, 200);
  assert.equal((await ctl('carl', code1, 'next')).status, 403);
  const log = (await json(await api('anna', 'GET', `/api/v1/events/${ev.id}/log`))).body.log;
  assert.equal(log[0].user, 'bram');
  assert.equal(log[0].action, 'hide');
  assert.equal(log[0].answer, a1.body.id);
  assert.equal(log[0].session, code1);

  // the summary is in the report
  const md = await (await api('anna', 'GET', `/api/v1/sessions/${code1}/report?format=md`)).text();
  assert.match(md, /Een \*\*goede\*\* avond\./);
  // start again with empty results; the first session keeps its answer
  const s2 = (await json(await api('anna', 'POST', `/api/v1/events/${ev.id}/sessions`))).body;
  assert.notEqual(s2.code, code1);
  await ctl('anna', s2.code, 'next');
  const r2 = (await json(await api('anna', 'GET', `/api/v1/sessions/${s2.code}/results`))).body;
  assert.ok(r2.slides.every((x) => x.answers === 0));
  const r1 = (await json(await api('anna', 'GET', `/api/v1/sessions/${code1}/results?hidden=1`))).body;
  assert.equal(r1.slides[0].hidden, 1);
  // end the first session: no more answers, phones are told
  const ended = await json(await ctl('anna', code1, 'end'));
  assert.equal(ended.body.status, 'ended');
  const late = await new Participant(srv.base, code1).answer(state1.slide.id, 'te laat');
  assert.equal(late.status, 409);
  assert.equal(late.body.code, 'ended');
  // an ended code reveals nothing but that it ended
  const pub = await (await fetch(`${srv.base}/api/v1/sessions/${code1}`)).json();
  assert.equal(pub.status, 'ended');
  assert.equal(pub.event.title, undefined);
  assert.equal(pub.slide.title, '');
  const page = await fetch(`${srv.base}/${code1}`);
  assert.equal(page.status, 410);
  const html = await page.text();
  assert.match(html, /afgelopen/);
  assert.doesNotMatch(html, /Werkavond/);
  assert.equal((await fetch(`${srv.base}/api/v1/sessions/${code1}/qr.svg`)).status, 410);
  // facilitators still see its results
  assert.equal((await api('anna', 'GET', `/api/v1/sessions/${code1}/results`)).status, 200);
  const evNow = (await json(await api('anna', 'GET', `/api/v1/events/${ev.id}`))).body;
  assert.deepEqual(evNow.sessions.map((s) => [s.code, s.status, s.answers]), [[code1, 'ended', 1], [s2.code, 'live', 0]]);
  assert.deepEqual(evNow.shared, [{ name: 'bram', role: 'moderator' }]);

  // deleting: only the owner; the codes stop resolving
  assert.equal((await api('bram', 'DELETE', `/api/v1/events/${ev.id}`)).status, 403);
  assert.equal((await api('anna', 'DELETE', `/api/v1/events/${ev.id}`)).status, 204);
  assert.equal((await fetch(`${srv.base}/api/v1/sessions/${s2.code}`)).status, 404);
  assert.equal((await api('anna', 'GET', `/api/v1/events/${ev.id}`)).status, 404);
});

test('password change needs the current password and ends other logins', async () => {
  const login = (password) => fetch(`${srv.base}/login`, {
    method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ name: 'carl', password, next: '/app' }) });
  const res = await login('geheim-wachtwoord');
  assert.equal(res.status, 303);
  const cookie = res.headers.get('set-cookie').split(';')[0];
  const me = await (await fetch(`${srv.base}/api/v1/me`, { headers: { cookie } })).json();
  const change = (body, csrf = me.csrf) => fetch(`${srv.base}/api/v1/me/password`, {
    method: 'POST', headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  assert.equal((await change({ current: 'geheim-wachtwoord', new: 'nieuw-wachtwoord' }, 'x')).status, 403);
  assert.equal((await change({ current: 'fout', new: 'nieuw-wachtwoord' })).status, 403);
  assert.equal((await change({ current: 'geheim-wachtwoord', new: 'kort' })).status, 400);
  assert.equal((await change({ current: 'geheim-wachtwoord', new: 'nieuw-wachtwoord' })).status, 204);
  assert.equal((await fetch(`${srv.base}/api/v1/me`, { headers: { cookie } })).status, 401, 'the old login ended');
  assert.equal((await login('nieuw-wachtwoord')).status, 303);
});

test('images: PNG, JPEG and WebP up to 5 MiB, the type read from the bytes', async () => {
  const net = await import('node:net');
  const ev = (await json(await api('anna', 'POST', '/api/v1/events', { title: 'Met beeld' }))).body;
  const upload = (bytes, type = 'image/png') => fetch(`${srv.base}/api/v1/events/${ev.id}/images`, {
    method: 'POST', headers: { authorization: `Bearer ${tokens.anna}`, 'content-type': type }, body: bytes });
  const png = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(64, 7)]);
  const up = await json(await upload(png));
  assert.equal(up.status, 201);
  assert.match(up.body.url, new RegExp(`^/media/${ev.id}/[0-9a-f]{32}\\.png$`));
  const got = await fetch(`${srv.base}${up.body.url}`);
  assert.equal(got.headers.get('content-type'), 'image/png');
  assert.deepEqual(Buffer.from(await got.arrayBuffer()), png);
  const jpg = await json(await upload(Buffer.concat([Buffer.from('ffd8ffe0', 'hex'), Buffer.alloc(32)]), 'image/png'));
  assert.match(jpg.body.url, /\.jpg$/, 'the bytes decide, not the declared type');
  const fake = await json(await upload(Buffer.from('<svg onload=alert(1)></svg>'), 'image/png'));
  assert.equal(fake.status, 415);
  assert.match(fake.body.error, /PNG, JPEG or WebP/);
  assert.equal((await upload(Buffer.alloc(0))).status, 400);
  assert.equal((await api('bram', 'POST', `/api/v1/events/${ev.id}/images`)).status, 404);
  // 10 MB is refused before it is read
  const head = await new Promise((resolve) => {
    const s = net.connect(srv.port, '127.0.0.1');
    let out = '';
    s.on('data', (d) => { out += d; });
    s.on('close', () => resolve(out));
    s.on('error', () => resolve(out));
    s.write(`POST /api/v1/events/${ev.id}/images HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${tokens.anna}\r\nContent-Length: 10485760\r\n\r\n`);
  });
  assert.match(head, /^HTTP\/1.1 413/);
  // a deck refers to it; a duplicate keeps it
  const deck = `---\ntitle: Met beeld\n---\n\n# Kaart\n\n![De wijk](${up.body.url})\n`;
  const put = await json(await api('anna', 'PUT', `/api/v1/events/${ev.id}`, { deck }));
  assert.match(put.body.slides[0].html, new RegExp(`<img src="${up.body.url}" alt="De wijk"`));
  const dup = (await json(await api('anna', 'POST', '/api/v1/events', { duplicate: ev.id }))).body;
  const copy = up.body.url.replace(`/media/${ev.id}/`, `/media/${dup.id}/`);
  assert.equal((await fetch(`${srv.base}${copy}`)).status, 200);
  assert.equal((await fetch(`${srv.base}/media/${ev.id}/../../etc`)).status, 404);
});

test('the report draws the images of content slides (PNG, JPEG, WebP) and says which it cannot', async () => {
  const { execFileSync } = await import('node:child_process');
  const { writeFileSync } = await import('node:fs');
  const zlib = await import('node:zlib');
  // a real 32x20 PNG, made here: signature, IHDR, IDAT, IEND
  const crc = (buf) => { let c = ~0; for (const b of buf) { c ^= b; for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xEDB88320 & -(c & 1)); } return ~c >>> 0; };
  const chunk = (type, data) => { const len = Buffer.alloc(4); len.writeUInt32BE(data.length); const td = Buffer.concat([Buffer.from(type), data]); const c = Buffer.alloc(4); c.writeUInt32BE(crc(td)); return Buffer.concat([len, td, c]); };
  const ihdr = Buffer.alloc(13); ihdr.writeUInt32BE(32, 0); ihdr.writeUInt32BE(20, 4); ihdr[8] = 8; ihdr[9] = 2;
  const rows = Buffer.concat(Array.from({ length: 20 }, () => Buffer.concat([Buffer.from([0]), Buffer.alloc(96, 0x3c)])));
  const png = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
  // JPEG and WebP as Chromium writes them
  const { launchBrowser } = await import('./lib.mjs');
  const browser = await launchBrowser();
  const page = await browser.newPage({ viewport: { width: 64, height: 40 } });
  await page.setContent('<body style="background:#1f6f78"></body>');
  const jpg = await page.screenshot({ type: 'jpeg' });
  const webpUrl = await page.evaluate(() => {
    const c = document.createElement('canvas');
    c.width = 60; c.height = 40;
    const g = c.getContext('2d');
    g.fillStyle = '#c0392b'; g.fillRect(0, 0, 30, 40);
    g.fillStyle = 'rgba(20, 90, 160, 0.5)'; g.fillRect(30, 0, 30, 40);
    return c.toDataURL('image/webp', 0.9);
  });
  await browser.close();
  const webp = Buffer.from(webpUrl.split(',')[1], 'base64');
  assert.equal(webp.subarray(8, 12).toString(), 'WEBP');
  // a WebP that declares 16000 x 16000 pixels in 30 bytes: refused, never decoded
  const huge = Buffer.alloc(30);
  huge.write('RIFF', 0); huge.writeUInt32LE(22, 4); huge.write('WEBPVP8L', 8); huge.writeUInt32LE(10, 16);
  huge[20] = 0x2f; huge.writeUInt32LE((16000 - 1) | ((16000 - 1) << 14), 21);

  const ev = (await json(await api('anna', 'POST', '/api/v1/events', { title: 'Met beelden' }))).body;
  const up = async (bytes) => (await json(await fetch(`${srv.base}/api/v1/events/${ev.id}/images`, {
    method: 'POST', headers: { authorization: `Bearer ${tokens.anna}` }, body: bytes }))).body.url;
  const [a, b, c, d] = [await up(png), await up(jpg), await up(webp), await up(huge)];
  assert.match(c, /\.webp$/);
  const deck = `---\ntitle: Met beelden\nlang: nl\n---\n\n# De wijk\n\nVier beelden.\n\n![kaart](${a}) ![foto](${b}) ![schets](${c}) ![te groot](${d})\n\n---\n\n? open: Wat zie je?\n`;
  assert.equal((await api('anna', 'PUT', `/api/v1/events/${ev.id}`, { deck })).status, 200);
  const code = (await json(await api('anna', 'POST', `/api/v1/events/${ev.id}/sessions`))).body.code;
  const res = await api('anna', 'GET', `/api/v1/sessions/${code}/report?format=pdf`);
  assert.equal(res.status, 200);
  const file = `${env.dir}/beelden.pdf`;
  writeFileSync(file, Buffer.from(await res.arrayBuffer()));
  const list = execFileSync('pdfimages', ['-list', file], { encoding: 'utf8' });
  const images = list.trim().split('\n').slice(2).filter((l) => !/ smask /.test(l));
  assert.equal(images.length, 3, list); // PNG, JPEG and WebP; the huge one is not drawn
  assert.match(list, /jpeg/, 'the JPEG is embedded as it is');
  assert.ok(images.some((l) => /^\s*\d+\s+\d+\s+image\s+60\s+40\s/.test(l)), `the WebP at its own size:\n${list}`);
  assert.match(list, / smask +60 +40 /, 'the WebP keeps its transparency');
  const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  assert.match(text, /Afbeelding niet getoond: te groot om te tekenen \(16000 × 16000 pixels\)\./);
  // issue 16: an image's text is its alternative text (a Figure's /Alt), not a paragraph
  assert.doesNotMatch(text, /kaart|schets/);
  execFileSync('qpdf', ['--qdf', '--object-streams=disable', file, `${file}.qdf`]);
  const qdf = (await import('node:fs')).readFileSync(`${file}.qdf`, 'latin1');
  for (const alt of ['kaart', 'foto', 'schets']) assert.ok(qdf.includes(`/Alt (${alt})`), alt);
});
