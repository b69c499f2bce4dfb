// No PostgreSQL round trip on the loop thread (issue 15; docs/postgresql.md,
// "Latency"): while another connection holds a lock on a table that a
// request reads, that request waits, and the phones of the same node are
// served meanwhile: one joins, follows a slide change on its stream and
// has its answer acknowledged. Once the lock is released the waiting
// request completes with the right reply. The locks need PostgreSQL (make
// test-pg); the last test, of a read moved off the loop, runs on both.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import {
  PG, prepare, run, startServer, stopServer, cleanup, Participant, control, state, openStream,
  waitEvent, waitFor,
} from './lib.mjs';

const SKIP = PG ? false : 'needs PostgreSQL (make test-pg)';
let env, srv, admin, carl;

before(async () => {
  env = prepare();
  // The presenter is an admin: an admin's rights come from the role, so
  // the slide change below reads nothing of the tables locked here.
  run(['user', 'add', 'root', '--role', 'admin', '--db', env.db], 'root-heel-geheim\n');
  admin = run(['token', 'root', '--db', env.db]).trim();
  run(['user', 'add', 'carl', '--db', env.db], 'geheim-wachtwoord\n');
  carl = run(['token', 'carl', '--db', env.db]).trim();
  srv = await startServer(env);
});
after(async () => {
  await stopServer(srv);
  cleanup(env);
});

// A second connection that takes an ACCESS EXCLUSIVE lock on table inside
// an open transaction; resolves once the lock is held. release() commits.
function lockTable(table) {
  const psql = spawn('psql', [env.db, '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1'],
    { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  psql.stdout.on('data', (d) => { out += d; });
  psql.stderr.on('data', (d) => { out += d; });
  psql.stdin.write(`BEGIN;\nLOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE;\n\\echo locked\n`);
  const exited = new Promise((r) => psql.once('exit', r));
  const release = async () => {
    if (psql.exitCode === null) psql.stdin.end('COMMIT;\n');
    await exited;
  };
  return waitFor(() => out.includes('locked'), 10000, `the lock on ${table}`)
    .then(() => ({ release }), async (e) => { psql.kill(); await exited; throw new Error(`${e.message}: ${out}`); });
}

// Whether a promise has settled, without waiting for it.
async function settled(p) {
  const marker = {};
  return (await Promise.race([p.then(() => true, () => true), Promise.resolve(marker)])) !== marker;
}

// What a phone does while the lock is held: join, follow a slide change
// that the admin makes, answer. Each step fails after a few seconds: on a
// loop that waits for the database none of them is served.
async function phoneMeanwhile() {
  const joined = await fetch(`${srv.base}/join?code=${env.code}`, { redirect: 'manual',
    signal: AbortSignal.timeout(8000) });
  assert.ok([200, 302, 303].includes(joined.status), `join: ${joined.status}`);
  const before = await state(srv.base, env.code);
  const stream = await openStream(`${srv.base}/api/v1/sessions/${env.code}/stream`);
  try {
    await waitEvent(stream, () => true, 8000);
    const moved = await control(srv.base, env.code, admin, before.slide.index > 0 ? 'prev' : 'next');
    assert.equal(moved.status, 200);
    const to = moved.body.slide.id;
    assert.notEqual(to, before.slide.id);
    await waitEvent(stream, (ev) => ev.data.includes(`"id":${to}`), 8000);
    // an open slide takes any text: go to one (through the admin) and answer
    let st = moved.body;
    for (let i = 0; st.slide.kind !== 'open' && i < 40; i++)
      st = (await control(srv.base, env.code, admin, 'next')).body;
    assert.equal(st.slide.kind, 'open');
    const p = new Participant(srv.base, env.code);
    const a = await p.answer(st.slide.id, 'Terwijl de database wacht');
    assert.ok(a.status === 200 || a.status === 201, `answer: ${a.status} ${JSON.stringify(a.body)}`);
  } finally {
    stream.close();
  }
}

// Starts request() while table is locked, checks that the phone is served
// meanwhile and that the request still waits, releases the lock and
// returns the request's response.
async function whileLocked(table, request) {
  const lock = await lockTable(table);
  let pending;
  try {
    pending = request();
    pending.catch(() => {});
    await new Promise((r) => setTimeout(r, 300)); // the read reaches the lock
    await phoneMeanwhile();
    assert.equal(await settled(pending), false, `the request waits for the lock on ${table}`);
  } finally {
    await lock.release();
  }
  return pending;
}

const asAnna = (path, opts = {}) => fetch(`${srv.base}${path}`,
  { ...opts, headers: { authorization: `Bearer ${env.token}`, ...(opts.headers || {}) } });

test('an image waits for a locked table; the phones do not', { skip: SKIP }, async () => {
  const ev = (await (await asAnna('/api/v1/events')).json()).events[0];
  const png = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(64, 9)]);
  const up = await asAnna(`/api/v1/events/${ev.id}/images`,
    { method: 'POST', headers: { 'content-type': 'image/png' }, body: png });
  assert.equal(up.status, 201);
  const url = (await up.json()).url;
  const got = await whileLocked('media', () => fetch(`${srv.base}${url}`));
  assert.equal(got.status, 200);
  assert.equal(got.headers.get('content-type'), 'image/png');
  assert.deepEqual(Buffer.from(await got.arrayBuffer()), png);
});

test('an event\'s access waits for a locked table; the phones do not', { skip: SKIP }, async () => {
  // a new event: its access was never read, so nothing of it is kept
  const made = await asAnna('/api/v1/events', { method: 'POST',
    headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 'Slot op de leden' }) });
  assert.equal(made.status, 201);
  const ev = await made.json();
  const got = await whileLocked('event_members', () => asAnna(`/api/v1/events/${ev.id}`));
  assert.equal(got.status, 200);
  const body = await got.json();
  assert.equal(body.id, ev.id);
  assert.equal(body.access, 'owner');
  assert.equal(body.title, 'Slot op de leden');
});

test('the workspace\'s list of events waits for a locked table; the phones do not', { skip: SKIP }, async () => {
  const got = await whileLocked('event_members', () => asAnna('/api/v1/events'));
  assert.equal(got.status, 200);
  const titles = (await got.json()).events.map((e) => e.title);
  assert.ok(titles.includes('Slot op de leden'), JSON.stringify(titles));
});

test('the website\'s editor and publishing wait for a locked table; the phones do not', { skip: SKIP }, async () => {
  const ev = (await (await asAnna('/api/v1/events')).json()).events.find((e) => e.title !== 'Slot op de leden');
  const page = await whileLocked('slides', () => asAnna(`/api/v1/events/${ev.id}/process`));
  assert.equal(page.status, 200);
  const editor = await page.json();
  assert.equal(editor.published, false);
  const question = editor.questions.find((q) => q.kind === 'open');
  assert.ok(question, JSON.stringify(editor.questions));
  const config = {
    published: true, slug: 'slot-op-de-dia', description: 'Waar gaat het over?', premoderate: false,
    phases: [{ name: 'Ophalen', start: '2026-01-01', end: '2099-12-31' }],
    topics: [{ id: 1, title: 'De open vraag', body: '', phase: 0, slide: question.id }],
  };
  const put = await whileLocked('slides', () => asAnna(`/api/v1/events/${ev.id}/process`, {
    method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(config) }));
  const body = await put.json();
  assert.equal(put.status, 200, JSON.stringify(body));
  assert.equal(body.published, true);
  assert.equal(body.slug, 'slot-op-de-dia');
  assert.ok(body.questions.some((q) => q.id === question.id));
  const site = await fetch(`${srv.base}/p/slot-op-de-dia`);
  assert.equal(site.status, 200);
  assert.match(await site.text(), /De open vraag/);
});

test('the moderation log waits for a locked table; the phones do not', { skip: SKIP }, async () => {
  const ev = (await (await asAnna('/api/v1/events')).json()).events.find((e) => e.title !== 'Slot op de leden');
  const got = await whileLocked('moderation_log', () => asAnna(`/api/v1/events/${ev.id}/log`));
  assert.equal(got.status, 200);
  assert.ok(Array.isArray((await got.json()).log));
});

test('a deck\'s export waits for a locked table; the phones do not', { skip: SKIP }, async () => {
  const ev = await (await asAnna('/api/v1/events', { method: 'POST',
    headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 'Met plaatje' }) })).json();
  const png = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(64, 5)]);
  const url = (await (await asAnna(`/api/v1/events/${ev.id}/images`,
    { method: 'POST', headers: { 'content-type': 'image/png' }, body: png })).json()).url;
  const deck = `---\ntitle: Met plaatje\nlang: nl\n---\n\n# Welkom\n\n![](${url})\n`;
  assert.equal((await asAnna(`/api/v1/events/${ev.id}`, { method: 'PUT',
    headers: { 'content-type': 'application/json' }, body: JSON.stringify({ deck }) })).status, 200);
  const got = await whileLocked('media', () => asAnna(`/api/v1/events/${ev.id}/deck.zip`));
  assert.equal(got.status, 200);
  assert.equal(got.headers.get('content-type'), 'application/zip');
  const zip = Buffer.from(await got.arrayBuffer());
  assert.equal(zip.subarray(0, 2).toString(), 'PK');
  assert.ok(zip.includes(Buffer.from(url.split('/').pop())), 'the image is in the zip');
});

test('a deck changed while its session is live and unanswered reaches its phones', async () => {
  const api = (method, path, body) => asAnna(path, { method,
    headers: { 'content-type': 'application/json' }, body: body && JSON.stringify(body) });
  const ev = await (await api('POST', '/api/v1/events', { title: 'Nog te wijzigen' })).json();
  const deck = '---\ntitle: Nog te wijzigen\nlang: nl\n---\n\n# Welkom\n\n---\n\n? open: Wat vind je?\n';
  assert.equal((await api('PUT', `/api/v1/events/${ev.id}`, { deck })).status, 200);
  const started = await api('POST', `/api/v1/events/${ev.id}/sessions`);
  assert.equal(started.status, 201);
  const code = (await started.json()).code;
  const stream = await openStream(`${srv.base}/api/v1/sessions/${code}/stream`);
  try {
    await waitEvent(stream, () => true, 8000);
    const changed = deck.replace('Nog te wijzigen\nlang', 'Gewijzigd\nlang').replace('# Welkom', '# Goedenavond');
    const put = await api('PUT', `/api/v1/events/${ev.id}`, { deck: changed });
    assert.equal(put.status, 200);
    await waitFor(async () => (await state(srv.base, code)).slide.title === 'Goedenavond', 8000, 'the new first slide');
    await waitEvent(stream, (e) => e.data.includes('Goedenavond'), 8000);
  } finally {
    stream.close();
  }
});

test('a user removed from an event loses it at once on the node where it was removed', async () => {
  const ev = (await (await asAnna('/api/v1/events')).json()).events[0];
  const asCarl = () => fetch(`${srv.base}/api/v1/events/${ev.id}`, { headers: { authorization: `Bearer ${carl}` } });
  assert.equal((await asCarl()).status, 404);
  const shared = await asAnna(`/api/v1/events/${ev.id}/share`, { method: 'POST',
    headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'carl', role: 'moderator' }) });
  assert.equal(shared.status, 204);
  const seen = await asCarl();
  assert.equal(seen.status, 200, 'shared: at once, though "none" was kept a moment ago');
  assert.equal((await seen.json()).access, 'moderator');
  assert.equal((await asAnna(`/api/v1/events/${ev.id}/share/carl`, { method: 'DELETE' })).status, 204);
  assert.equal((await asCarl()).status, 404, 'unshared: at once, though "moderator" was kept');
});
