// The sociale kaart over HTTP (docs/sociale-kaart.md): the editor's form
// with its errors per field in Dutch and English, who may change the kaart
// (CSRF, moderators), a resident's contact kept out of public until it is
// confirmed, the list's search, filters and pages and the map's API, an
// answer promoted to a draft, and HSDS 3 JSON export then import giving
// the same entries, through the workspace and the command line.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { prepare, startServer, stopServer, cleanup, run, gotoKind, Participant, freePort, sql, randomId, PG, pgDatabase } from './lib.mjs';
import { startSmtp } from './smtp.mjs';

let env, srv, anna, mo, smtp;

// A logged-in browser without JavaScript: its cookie, and the CSRF token
// the workspace's forms carry.
async function login(name, password) {
  const res = await fetch(`${srv.base}/login`, {
    method: 'POST', redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ name, password }),
  });
  assert.equal(res.status, 303);
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const user = { cookie };
  const page = await get(user, '/app/kaart/new');
  user.csrf = /name="csrf" value="([0-9a-f]{64})"/.exec(page.text)?.[1];
  return user;
}

async function get(user, p) {
  const res = await fetch(srv.base + p, { headers: user ? { cookie: user.cookie } : {}, redirect: 'manual' });
  return { status: res.status, text: await res.text(), location: res.headers.get('location') };
}

async function post(user, p, fields, { csrf = true } = {}) {
  const body = new URLSearchParams();
  if (csrf) body.append('csrf', user.csrf);
  for (const [k, v] of Object.entries(fields)) for (const x of [].concat(v)) body.append(k, x);
  const res = await fetch(srv.base + p, {
    method: 'POST', redirect: 'manual', body,
    headers: { cookie: user.cookie, 'content-type': 'application/x-www-form-urlencoded' },
  });
  return { status: res.status, text: await res.text(), location: res.headers.get('location') };
}

const api = async (q = '') => (await (await fetch(`${srv.base}/api/v1/kaart/entries${q}`)).json()).entries;

before(async () => {
  env = prepare('examples/samenleven-in-diversiteit.md');
  run(['user', 'add', 'mo', '--role', 'moderator', '--db', env.db], 'geheim-wachtwoord\n');
  srv = await startServer(env);
  anna = await login('anna', 'geheim-wachtwoord');
  mo = await login('mo', 'geheim-wachtwoord');
});
after(async () => {
  await stopServer(srv);
  await smtp?.stop();
  cleanup(env);
});

test('the editor names every wrong field beside it, in Dutch and in English', async () => {
  const bad = { name: '', url: 'javascript:alert(1)', email: 'geen adres', phone: 'bel me',
    lat: '91', opens_MO: '17:00', closes_MO: '09:00', last_checked: '2026-02-30', status: 'published' };
  const nl = await post(anna, '/app/kaart/new', { ...bad, lang: 'nl' });
  assert.equal(nl.status, 422);
  for (const [f, text] of [['name', 'Vul dit veld in'], ['url', 'https://'], ['email', 'geen geldig e-mailadres'],
    ['phone', 'geen geldig telefoonnummer'], ['latitude', 'breedte tussen -90 en 90'], ['opens_MO', 'sluiten na openen'],
    ['last_checked', '2026-12-03']]) {
    assert.match(nl.text, new RegExp(`id="e-${f}">[^<]*${text.replace(/[.*+?()[\]]/g, '\\$&')}`), f);
  }
  // what was typed stays, escaped
  assert.match(nl.text, /value="javascript:alert\(1\)"/);
  const en = await post(anna, '/app/kaart/new', { ...bad, lang: 'en' });
  assert.equal(en.status, 422);
  assert.match(en.text, /id="e-email">This is not a valid e-mail address/);
  assert.match(en.text, /aria-describedby="e-email"/);
  // a name over 120 characters, too many themes of a list
  const long = await post(anna, '/app/kaart/new', { name: 'x'.repeat(121), target_groups: Array(22).fill('a').join(',') });
  assert.match(long.text, /id="e-name"/);
  assert.match(long.text, /id="e-target_groups"/);
  assert.deepEqual(await api(), []);
});

test('only facilitators change the kaart, and only with the form\'s token', async () => {
  assert.equal((await post(anna, '/app/kaart/new', { name: 'Zonder token' }, { csrf: false })).status, 403);
  assert.equal((await get(mo, '/app/kaart')).status, 403);
  assert.equal((await post(mo, '/app/kaart/new', { name: 'Door een moderator' })).status, 403);
  const nobody = await get(null, '/app/kaart');
  assert.equal(nobody.status, 303);
  assert.match(nobody.location, /^\/login\?next=/);
  assert.equal((await get(null, '/app/kaart/hsds.json')).status, 303);
});

test('an answer becomes a draft; a resident\'s contact stays private until confirmed', async () => {
  const slide = await gotoKind(srv.base, env.code, env.token, 'open');
  const r = await new Participant(srv.base, env.code).answer(slide.id,
    'Buurthuis De Kruisweg, bel Fatima op 06 12345678 of fatima@voorbeeld.example');
  assert.equal(r.status, 201);
  const res = await fetch(`${srv.base}/api/v1/answers/${r.body.id}/kaart`, {
    method: 'POST', headers: { authorization: `Bearer ${env.token}` } });
  assert.equal(res.status, 201);
  const { id, url } = await res.json();
  assert.equal(url, `/app/kaart/${id}`);
  const draft = await get(anna, url);
  assert.match(draft.text, /<option value="draft" selected>/);
  assert.match(draft.text, /Buurthuis De Kruisweg, bel Fatima/);
  assert.equal((await get(null, `/kaart/${id}`)).status, 404); // a draft is not public
  // the facilitator copies the contact from the answer and publishes
  const fields = { name: 'Buurthuis De Kruisweg', themes: ['Ontmoeting'], neighbourhood: 'Kruiskamp',
    email: 'fatima@voorbeeld.example', phone: '06 12345678', status: 'published', source_text: 'Buurthuis De Kruisweg' };
  assert.equal((await post(anna, url, fields)).status, 303);
  let page = await get(null, `/kaart/${id}`);
  assert.equal(page.status, 200);
  assert.doesNotMatch(page.text, /fatima@|12345678/);
  assert.doesNotMatch(page.text, /Buurthuis De Kruisweg, bel/); // what was said stays inside
  const hsds = await get(anna, '/app/kaart/hsds.json');
  assert.doesNotMatch(hsds.text, /fatima@/);
  // confirmed (by the organisation, or a facilitator who asked): shown
  assert.equal((await post(anna, url, { ...fields, contact_confirmed: '1' })).status, 303);
  page = await get(null, `/kaart/${id}`);
  assert.match(page.text, /href="mailto:fatima@voorbeeld.example"/);
  assert.match(page.text, /href="tel:0612345678"/);
  // the log names who did what
  const ws = await get(anna, url);
  assert.match(ws.text, /anna: create-from-answer/);
  assert.match(ws.text, /anna: published/);
  // the event's JSON report names what became of its answers
  const out = path.join(env.dir, 'report.json');
  run(['report', '--code', env.code, '--format', 'json', '--out', out, '--db', env.db]);
  const report = JSON.parse(readFileSync(out, 'utf8'));
  assert.deepEqual(report.kaart.map((k) => [k.id, k.name, k.url, k.status, k.answer_id]),
    [[id, 'Buurthuis De Kruisweg', `/kaart/${id}`, 'published', r.body.id]]);
  assert.doesNotMatch(JSON.stringify(report.kaart), /fatima/);
  // moderators may not promote
  const r2 = await new Participant(srv.base, env.code).answer(slide.id, 'Nog een initiatief');
  const modToken = run(['token', 'mo', '--db', env.db]).trim();
  const refused = await fetch(`${srv.base}/api/v1/answers/${r2.body.id}/kaart`, {
    method: 'POST', headers: { authorization: `Bearer ${modToken}` } });
  assert.ok([403, 404].includes(refused.status));
});

test('a website contribution becomes a draft, and the process page links the kaart', async () => {
  const bearer = { authorization: `Bearer ${env.token}`, 'content-type': 'application/json' };
  const day = (o) => new Date(Date.now() + o * 86400000).toISOString().slice(0, 10);
  let res = await fetch(`${srv.base}/api/v1/events/1/process`, { method: 'PUT', headers: bearer,
    body: JSON.stringify({ published: true, slug: 'samenleven', description: 'Praat verder.',
      phases: [{ name: 'Ophalen', start: day(-1), end: day(30) }],
      topics: [{ id: 1, title: 'Initiatieven', body: 'Wie doet er al wat?', phase: 0 }] }) });
  assert.equal(res.status, 200, await res.text());
  const resident = new Participant(srv.base, env.code);
  res = await resident.request('/api/v1/processes/samenleven/topics/1/posts', { method: 'POST',
    headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: randomId(), text: 'Moestuin De Groene Hoek\nSamen tuinieren op zaterdag' }) });
  assert.equal(res.status, 201);
  const postId = (await res.json()).id;
  res = await fetch(`${srv.base}/api/v1/posts/${postId}/kaart`, { method: 'POST', headers: bearer });
  assert.equal(res.status, 201);
  const { url } = await res.json();
  const draft = await get(anna, url);
  assert.match(draft.text, /value="Moestuin De Groene Hoek"/);
  assert.match(draft.text, /\/p\/samenleven\/topics\/1/);
  assert.match((await get(anna, '/app/kaart')).text, new RegExp(`Bijdrage ${postId}`));
  // the kaart has a public entry (an earlier test published one): linked
  const page = await get(null, '/p/samenleven');
  assert.match(page.text, /<a href="\/kaart">Wie doet wat in de stad\? Bekijk de sociale kaart<\/a>/);
});

test('search with Dutch stems, filters as shareable URLs, pages of 20, and the map\'s API', async () => {
  const orgs = [];
  for (let i = 1; i <= 23; i++) {
    orgs.push({ name: `Sportclub ${i}`, services: [{ status: 'active', attributes: [
      { link_type: 'theme', value: 'Sport en bewegen' }, { link_type: 'neighbourhood', value: i % 2 ? 'Schothorst' : 'Vathorst' },
      { link_type: 'target_group', value: 'Jongeren' }, { link_type: 'inspraak_status', value: 'published' }],
    languages: [{ name: i === 7 ? 'Turks' : 'Nederlands' }] }] });
  }
  orgs.push({ name: 'Vrouwencentrum Ontmoeten', description: 'Wekelijkse ontmoetingen voor vrouwen uit alle culturen.',
    services: [{ status: 'active', attributes: [{ link_type: 'theme', value: 'Ontmoeting' }] }],
    locations: [{ latitude: 52.156, longitude: 5.389, addresses: [{ address_1: 'Plein 2', city: 'Amersfoort' }] }] });
  const imp = await fetch(`${srv.base}/app/kaart/hsds.json`, { method: 'POST',
    headers: { cookie: anna.cookie, 'x-csrf-token': anna.csrf, 'content-type': 'application/json' }, body: JSON.stringify(orgs) });
  assert.equal(imp.status, 200);
  assert.deepEqual(await imp.json(), { imported: 24 });

  const sport = await get(null, '/kaart?thema=Sport+en+bewegen');
  assert.match(sport.text, /23 gevonden/);
  assert.equal((sport.text.match(/class="kaart-card"/g) || []).length, 20);
  assert.match(sport.text, /href="\/kaart\?thema=Sport\+en\+bewegen&amp;pagina=2">2</);
  const p2 = await get(null, '/kaart?thema=Sport+en+bewegen&pagina=2');
  assert.equal((p2.text.match(/class="kaart-card"/g) || []).length, 3);
  assert.match((await get(null, '/kaart?wijk=Vathorst')).text, /11 gevonden/);
  assert.match((await get(null, '/kaart?taal=Turks')).text, /1 gevonden/);
  assert.match((await get(null, '/kaart?doelgroep=Jongeren&wijk=Schothorst')).text, /12 gevonden/);
  // stems: "ontmoeting", "ontmoetingen" and "ontmoeten" find each other
  for (const q of ['ontmoeting', 'Ontmoetingen', 'ontmoeten', 'vrouw culturen', 'VROUWENCENTRUM']) {
    assert.match((await get(null, `/kaart?q=${encodeURIComponent(q)}`)).text, /Vrouwencentrum Ontmoeten/, q);
  }
  assert.match((await get(null, '/kaart?q=zwembad')).text, /0 gevonden/);
  assert.match((await get(null, '/kaart?q=%3Cscript%3E')).text, /value="&lt;script&gt;"/);
  // the map's element and API carry the same query
  const list = await get(null, '/kaart?q=ontmoeten&thema=Ontmoeting');
  assert.match(list.text, /<div id="kaart-map" data-entries="\/api\/v1\/kaart\/entries\?q=ontmoeten&amp;thema=Ontmoeting" hidden><\/div>/);
  assert.match(list.text, /<script src="\/static\/kaart-map.js" defer><\/script>/);
  const found = await api('?q=ontmoeten&thema=Ontmoeting');
  const vc = found.find((e) => e.name === 'Vrouwencentrum Ontmoeten');
  assert.deepEqual(Object.keys(vc).sort(), ['id', 'lat', 'lon', 'name', 'neighbourhood', 'themes', 'url']);
  assert.equal(vc.url, `/kaart/${vc.id}`);
  assert.equal(vc.lat, 52.156);
  assert.equal(vc.neighbourhood, null);
  const noPin = (await api('?wijk=Vathorst'))[0];
  assert.equal(noPin.lat, null);
  assert.equal(noPin.lon, null);
  assert.equal((await api('?wijk=Vathorst')).length, 11); // the API is not paged
  const entry = await get(null, `/kaart/${vc.id}?lang=en`);
  assert.match(entry.text, /<html lang="en">/);
  assert.match(entry.text, new RegExp(`data-entries="/api/v1/kaart/entries\\?id=${vc.id}"`));
  assert.match(entry.text, /<address>Plein 2<br>Amersfoort<\/address>/);
  // the editor's pin fieldset for the map script
  const ed = await get(anna, `/app/kaart/${vc.id}`);
  assert.match(ed.text, /<fieldset id="kaart-pin">/);
  assert.match(ed.text, /name="lat" type="number" value="52.156000"/);
});

test('HSDS export then import gives the same entries (workspace and command line)', async () => {
  const exported = JSON.parse((await get(anna, '/app/kaart/hsds.json')).text);
  assert.ok(exported.length >= 25);
  const one = exported.find((o) => o.name === 'Vrouwencentrum Ontmoeten');
  assert.equal(one.services[0].organization_id, one.id);
  assert.equal(one.locations[0].addresses[0].city, 'Amersfoort');
  // into a new database with the command line, and out again
  const file = path.join(env.dir, 'kaart.json');
  const db2 = path.join(env.dir, 'second.db');
  writeFileSync(file, JSON.stringify(exported));
  assert.match(run(['kaart', 'import', '--db', db2, file]), new RegExp(`${exported.length} entries imported`));
  const again = path.join(env.dir, 'again.json');
  run(['kaart', 'export', '--db', db2, again]);
  const strip = (orgs) => JSON.parse(JSON.stringify(orgs).replace(/"inspraak-kaart-\d+/g, '"ID'));
  assert.deepEqual(strip(JSON.parse(readFileSync(again, 'utf8'))), strip(exported));
  // the tabular form: a zip of CSV files, from the workspace and the command line
  const zres = await fetch(`${srv.base}/app/kaart/hsds.zip`, { headers: { cookie: anna.cookie } });
  assert.equal(zres.status, 200);
  assert.equal(zres.headers.get('content-type'), 'application/zip');
  const zip = Buffer.from(await zres.arrayBuffer());
  assert.equal(zip.subarray(0, 2).toString(), 'PK');
  for (const f of ['organizations.csv', 'services.csv', 'locations.csv', 'schedules.csv', 'attributes.csv']) assert.ok(zip.includes(f), f);
  const zfile = path.join(env.dir, 'kaart.zip');
  writeFileSync(zfile, zip);
  const db3 = path.join(env.dir, 'third.db');
  assert.match(run(['kaart', 'import', '--db', db3, zfile]), new RegExp(`${exported.length} entries imported`));
  const fromCsv = path.join(env.dir, 'from-csv.json');
  run(['kaart', 'export', '--db', db3, fromCsv]);
  assert.deepEqual(strip(JSON.parse(readFileSync(fromCsv, 'utf8'))), strip(exported));
  // a file that is no HSDS changes nothing
  writeFileSync(file, JSON.stringify([{ name: '' }]));
  assert.throws(() => run(['kaart', 'import', '--db', db2, file]), /organization 1: the field name/);
});

test('every N months an entry is asked to confirm by mail; without an answer it is marked stale', async () => {
  // the settings: no review of claims, ask every 6 months
  const settings = await post(anna, '/app/kaart/themes', { themes: 'Taal\nOntmoeting', reconfirm_months: '6' });
  assert.equal(settings.status, 303);
  assert.match((await get(anna, '/app/kaart/themes')).text, /name="claim_review" value="1">/); // unchecked now
  assert.equal((await post(anna, '/app/kaart/themes', { themes: 'Taal', reconfirm_months: '-1' })).status, 422);
  const made = await post(anna, '/app/kaart/new', { name: 'Repair Café Soesterkwartier', themes: ['Taal'],
    email: 'repair@soest.example', last_checked: '2025-01-15', status: 'published' });
  const id = Number(/\/app\/kaart\/(\d+)/.exec(made.location)[1]);
  // a server that sends mail; its first check comes a few seconds after start
  await stopServer(srv);
  smtp = await startSmtp();
  const port = await freePort();
  const start = () => startServer(env, ['--smtp-url', smtp.url, '--mail-from', 'kaart@inspraak.test',
    '--public-url', `http://127.0.0.1:${port}`], port);
  srv = await start();
  const mail = await smtp.waitFor((m) => m.to.includes('repair@soest.example'), 30000);
  assert.match(mail.subject, /Kloppen uw gegevens/);
  assert.match(mail.text, /14 dagen/);
  const link = mail.links.find((l) => l.includes('/kaart/claim/'));
  anna = await login('anna', 'geheim-wachtwoord');
  assert.match((await get(anna, `/app/kaart/${id}`)).text, /\(zonder account\): reconfirm-asked/);
  assert.doesNotMatch((await get(null, `/kaart/${id}`)).text, /Verouderd/);
  // fifteen days later without an answer: stale, still listed, with its label
  const old = "'2025-06-01'";
  sql(env, env.db.startsWith('postgresql:')
    ? `UPDATE kaart_entries SET doc = jsonb_set(doc::jsonb, '{reconfirm_asked}', '"2025-06-01"')::text WHERE id = ${id}`
    : `UPDATE kaart_entries SET doc = json_set(doc, '$.reconfirm_asked', ${old}) WHERE id = ${id}`);
  await stopServer(srv);
  srv = await start();
  for (let i = 0; i < 150; i++) {
    if ((await get(null, `/kaart/${id}`)).text.includes('Verouderd')) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.match((await get(null, `/kaart/${id}`)).text, /badge stale">Verouderd/);
  assert.match((await get(null, '/kaart?q=repair')).text, /badge stale">Verouderd/);
  assert.equal(smtp.messages().filter((m) => m.to.includes('repair@soest.example')).length, 1); // asked once
  // the organisation confirms through the link after all: current again
  const form = await fetch(link);
  assert.equal(form.status, 200);
  const done = await fetch(link, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ name: 'Repair Café Soesterkwartier', themes: 'Taal', email: 'repair@soest.example' }) });
  assert.equal(done.status, 200);
  assert.match(await done.text(), /De vermelding is bijgewerkt/);
  const page = (await get(null, `/kaart/${id}`)).text;
  assert.doesNotMatch(page, /Verouderd/);
  assert.match(page, /Laatst gecontroleerd op \d{4}-\d{2}-\d{2}/);
  assert.match(page, /href="mailto:repair@soest.example"/);
});

test('inspraak migrate carries the kaart into PostgreSQL', { skip: PG ? false : 'PostgreSQL only (make test-pg)' }, () => {
  const src = path.join(env.dir, 'to-migrate.db');
  const file = path.join(env.dir, 'few.json');
  writeFileSync(file, JSON.stringify([
    { name: 'Inloophuis De Wissel', services: [{ status: 'active', attributes: [{ link_type: 'theme', value: 'Ontmoeting' }] }] },
    { name: 'Naaicafé', services: [{ status: 'inactive' }] },
  ]));
  run(['kaart', 'import', '--db', src, file]);
  env.pg = pgDatabase();
  run(['migrate', '--to', env.pg, '--db', src]);
  const out = path.join(env.dir, 'migrated.json');
  run(['kaart', 'export', '--db', env.pg, out]);
  assert.deepEqual(JSON.parse(readFileSync(out, 'utf8')).map((o) => [o.name, o.services[0].status]),
    [['Inloophuis De Wissel', 'active'], ['Naaicafé', 'inactive']]);
  // the ids go on after the copied ones
  run(['kaart', 'import', '--db', env.pg, file]);
  run(['kaart', 'export', '--db', env.pg, out]);
  assert.deepEqual(JSON.parse(readFileSync(out, 'utf8')).map((o) => o.id).slice(-1), ['inspraak-kaart-4']);
});
