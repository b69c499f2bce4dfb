// Issue 11, trust II and operations: nothing slow on the loop, no user
// enumeration, no open redirect, library text never reaches a phone,
// answers that cannot be seen are refused, streams carry the security
// headers, and the operator's paths (/healthz, /readyz, /metrics).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { writeFileSync } from 'node:fs';
import zlib from 'node:zlib';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { prepare, startServer, stopServer, cleanup, Participant, gotoKind, run } from './lib.mjs';

const METRICS_TOKEN = 'metrics-token-for-the-tests-0123456789';
let env, srv;
before(async () => {
  env = prepare();
  run(['user', 'add', 'root', '--role', 'admin', '--db', env.db], 'root-heel-geheim\n');
  env.rootToken = run(['token', 'root', '--db', env.db]).trim();
  const tokenFile = path.join(env.dir, 'metrics-token');
  writeFileSync(tokenFile, `${METRICS_TOKEN}\n`);
  srv = await startServer(env, ['--metrics-token-file', tokenFile]);
});
after(async () => {
  await stopServer(srv);
  cleanup(env);
});

async function metric(name) {
  const res = await fetch(`${srv.base}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  assert.equal(res.status, 200);
  const line = (await res.text()).split('\n').find((l) => l.startsWith(`${name} `));
  assert.ok(line, `no metric ${name}`);
  return Number(line.split(' ')[1]);
}

function login(fields, headers = {}) {
  return fetch(`${srv.base}/login`, {
    method: 'POST', redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
  });
}

// Sends raw bytes, collects what comes back until the peer closes or ms pass.
function raw(request, ms = 600) {
  return new Promise((resolve, reject) => {
    const sock = net.connect(srv.port, '127.0.0.1', () => sock.write(request));
    let got = '';
    const t = setTimeout(() => { sock.destroy(); resolve(got); }, ms);
    sock.on('data', (d) => { got += d; });
    sock.on('end', () => { clearTimeout(t); resolve(got); });
    sock.on('error', reject);
  });
}

test('issue 11: wrong current passwords are checked off the loop; static files do not wait', async () => {
  const change = () => fetch(`${srv.base}/api/v1/me/password`, {
    method: 'POST',
    headers: { authorization: `Bearer ${env.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ current: 'niet-het-wachtwoord', new: 'nieuw-wachtwoord-1' }),
  }).then((r) => ({ status: r.status, at: performance.now() }));
  const before = await metric('inspraak_password_hashes_total');
  const changes = Array.from({ length: 6 }, change);
  await new Promise((r) => setTimeout(r, 30)); // the six are read first
  const stat = await fetch(`${srv.base}/static/participant.js`).then((r) => ({ status: r.status, at: performance.now() }));
  const done = await Promise.all(changes);
  assert.equal(stat.status, 200);
  assert.deepEqual(done.map((d) => d.status), [403, 403, 403, 403, 403, 403]);
  assert.ok(stat.at < Math.min(...done.map((d) => d.at)),
    `the static file came ${Math.round(stat.at - Math.min(...done.map((d) => d.at)))} ms after the first password answer`);
  assert.equal(await metric('inspraak_password_hashes_total'), before + 6);
});

test('issue 11: an admin adding a user hashes off the loop too', async () => {
  const add = fetch(`${srv.base}/api/v1/users`, {
    method: 'POST',
    headers: { authorization: `Bearer ${env.rootToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'dirk', password: 'dirk-zijn-wachtwoord', role: 'moderator' }),
  }).then((r) => ({ status: r.status, at: performance.now() }));
  await new Promise((r) => setTimeout(r, 30));
  const health = await fetch(`${srv.base}/healthz`).then((r) => ({ status: r.status, at: performance.now() }));
  const made = await add;
  assert.equal(made.status, 201);
  assert.equal(health.status, 200);
  assert.ok(health.at < made.at);
  const again = await login({ name: 'dirk', password: 'dirk-zijn-wachtwoord', next: '/app' });
  assert.equal(again.status, 303);
});

test('issue 11: an unknown name costs the same password check as a known one', async () => {
  const before = await metric('inspraak_password_hashes_total');
  assert.equal((await login({ name: 'niemand-hier', password: 'wat-dan-ook-1' })).status, 401);
  assert.equal(await metric('inspraak_password_hashes_total'), before + 1);
  assert.equal((await login({ name: 'root', password: 'wat-dan-ook-1' })).status, 401);
  assert.equal(await metric('inspraak_password_hashes_total'), before + 2);
});

test('issue 11: after login, next goes only to a path on this site', async () => {
  const where = async (next) => (await login({ name: 'anna', password: 'geheim-wachtwoord', next })).headers.get('location');
  assert.equal(await where('/\t/evil.example/x'), '/');
  assert.equal(await where('/\u000b/evil.example/x'), '/');
  assert.equal(await where('//evil.example/x'), '/');
  assert.equal(await where('/\\evil.example/x'), '/');
  assert.equal(await where('/app/events/1'), '/app/events/1');
  // the link login decodes the same way
  const res = await fetch(`${srv.base}/login?token=${'0'.repeat(64)}&next=/%09/evil.example/x`, { redirect: 'manual' });
  assert.doesNotMatch(await res.text(), /evil\.example/);
});

test('issue 11: event streams send the security headers; HEAD gets no events', async () => {
  for (const [p, auth] of [[`/api/v1/sessions/${env.code}/stream`, {}],
    [`/api/v1/sessions/${env.code}/results/stream`, { authorization: `Bearer ${env.token}` }]]) {
    const ctl = new AbortController();
    const res = await fetch(srv.base + p, { headers: auth, signal: ctl.signal });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-security-policy'), /default-src 'self'/);
    assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
    assert.equal(res.headers.get('x-frame-options'), 'DENY');
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    ctl.abort();
    const authz = auth.authorization ? `Authorization: ${auth.authorization}\r\n` : '';
    const head = await raw(`HEAD ${p} HTTP/1.1\r\nHost: x\r\n${authz}Connection: close\r\n\r\n`);
    assert.match(head, /^HTTP\/1\.1 200 /);
    assert.match(head, /Content-Security-Policy: /);
    assert.equal(head.split('\r\n\r\n')[1], '', `HEAD got a body: ${JSON.stringify(head.slice(-80))}`);
  }
});

test('issue 11: a body jansson refuses gets our own words, in the event language', async () => {
  const slide = await gotoKind(srv.base, env.code, env.token, 'open');
  const p = new Participant(srv.base, env.code);
  const res = await p.request(`/api/v1/sessions/${env.code}/answers`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: `{"id":"abcdefgh-nul","slide":${slide.id},"value":"a\\u0000b"}`,
  });
  const body = await res.json();
  assert.equal(res.status, 400);
  assert.doesNotMatch(body.error, /JSON_ALLOW_NUL|allowed|string/i);
  assert.match(body.error, /JSON/);
});

test('issue 11: an answer no one can see is refused; a bidi override is not stored', async () => {
  const slide = await gotoKind(srv.base, env.code, env.token, 'open');
  const p = new Participant(srv.base, env.code);
  const none = await p.answer(slide.id, '\u200b\u200d\u00ad');
  assert.equal(none.status, 400);
  assert.match(none.body.error, /zichtbare tekens|visible characters/);
  const sneaky = await p.answer(slide.id, 'bestand\u202egnp.exe');
  assert.equal(sneaky.status, 201);
  const res = await fetch(`${srv.base}/api/v1/sessions/${env.code}/results`, { headers: { authorization: `Bearer ${env.token}` } });
  const text = await res.text();
  assert.match(text, /bestandgnp\.exe/);
  assert.doesNotMatch(text, /\u202e|\\u202e/i);
});

test('issue 11: an event without an owner is for admins only', async () => {
  const out = run(['import', 'tests/e2e/decks/moderated.md', '--db', env.db]);
  assert.match(out, /only admins see it/);
  const code = out.match(/code (\d+)/)[1];
  const id = Number(out.match(/event (\d+)/)[1]);
  const list = async (token) => (await (await fetch(`${srv.base}/api/v1/events`, { headers: { authorization: `Bearer ${token}` } })).json()).events;
  assert.ok(!(await list(env.token)).some((e) => e.id === id));
  assert.equal((await fetch(`${srv.base}/api/v1/events/${id}`, { headers: { authorization: `Bearer ${env.token}` } })).status, 404);
  const ctl = await fetch(`${srv.base}/api/v1/sessions/${code}/control`, {
    method: 'POST', headers: { authorization: `Bearer ${env.token}`, 'content-type': 'application/json' },
    body: '{"action":"next"}',
  });
  assert.ok(ctl.status === 403 || ctl.status === 404, `control: ${ctl.status}`);
  const mine = (await list(env.rootToken)).find((e) => e.id === id);
  assert.equal(mine.access, 'admin');
  assert.equal(mine.owner, '');
});

test('issue 11: /healthz and /readyz need no login; /metrics needs its token', async () => {
  const h = await fetch(`${srv.base}/healthz`);
  assert.equal(h.status, 200);
  assert.equal(await h.text(), 'ok\n');
  const r = await fetch(`${srv.base}/readyz`);
  assert.equal(r.status, 200);
  assert.equal((await fetch(`${srv.base}/metrics`)).status, 403);
  assert.equal((await fetch(`${srv.base}/metrics`, { headers: { authorization: 'Bearer wrong' } })).status, 403);
  assert.equal((await fetch(`${srv.base}/metrics`, { headers: { authorization: `Bearer ${env.token}` } })).status, 403);
  // the counters move
  const stored = await metric('inspraak_answers_stored_total');
  const refused = await metric('inspraak_answers_refused_total{code="400"}');
  const slide = await gotoKind(srv.base, env.code, env.token, 'open');
  const p = new Participant(srv.base, env.code);
  assert.equal((await p.answer(slide.id, 'telt mee')).status, 201);
  assert.equal((await p.answer(slide.id, 'geen goed id', 'kort')).status, 400);
  assert.equal(await metric('inspraak_answers_stored_total'), stored + 1);
  assert.equal(await metric('inspraak_answers_refused_total{code="400"}'), refused + 1);
  const text = await (await fetch(`${srv.base}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
  assert.match(text, /^inspraak_commit_group_size_count [1-9]/m);
  assert.match(text, /^inspraak_flush_seconds_bucket\{le="\+Inf"\} \d+/m);
  assert.match(text, /^process_resident_memory_bytes [1-9]/m);
  assert.match(text, /^inspraak_streams_open\{kind="participant"\} \d+/m);
});

test('issue 11: --metrics-local opens /metrics to loopback peers only', async () => {
  const local = await startServer(env, ['--metrics-local']);
  try {
    const res = await fetch(`${local.base}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
  } finally {
    await stopServer(local);
  }
});

test('issue 11: --log-format json writes one JSON object per line, with no address or answer', async () => {
  const j = await startServer(env, ['--log-format', 'json']);
  const slide = await gotoKind(j.base, env.code, env.token, 'open');
  const p = new Participant(j.base, env.code);
  assert.equal((await p.answer(slide.id, 'geheim-antwoord-in-de-log')).status, 201);
  assert.equal((await p.answer(slide.id, '\u200b')).status, 400);
  await fetch(`${j.base}/login`, { method: 'POST', body: 'name=anna&password=fout-fout-fout',
    headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  await stopServer(j);
  const out = j.output();
  const lines = out.split('\n').filter((l) => l.startsWith('{'));
  assert.ok(lines.length >= 1, out);
  for (const l of lines) {
    const o = JSON.parse(l);
    assert.ok(o.time && o.level && o.msg);
    assert.doesNotMatch(l, /127\.0\.0\.1/);
  }
  assert.doesNotMatch(out, /geheim-antwoord|fout-fout/);
});

test('issue 11: static files come precompressed by Accept-Encoding, with Vary and strong ETags', async () => {
  const get = (name, headers = {}) => fetch(`${srv.base}/static/${name}`, { headers });
  // fetch() would decompress: read the bytes through a raw request instead
  const rawGet = async (name, enc, extra = '') => {
    const text = await new Promise((resolve, reject) => {
      const chunks = [];
      const sock = net.connect(srv.port, '127.0.0.1', () => sock.write(
        `GET /static/${name} HTTP/1.1\r\nHost: x\r\nAccept-Encoding: ${enc}\r\n${extra}Connection: close\r\n\r\n`));
      sock.on('data', (d) => chunks.push(d));
      sock.on('end', () => resolve(Buffer.concat(chunks)));
      sock.on('error', reject);
    });
    const cut = text.indexOf('\r\n\r\n');
    const head = text.subarray(0, cut).toString();
    const header = (k) => (head.match(new RegExp(`^${k}: (.*)$`, 'mi')) || [])[1];
    return { status: Number(head.split(' ')[1]), head, header, body: text.subarray(cut + 4) };
  };
  const plain = Buffer.from(await (await get('participant.js')).arrayBuffer());
  const id = await rawGet('participant.js', 'identity');
  assert.equal(id.header('Content-Encoding'), undefined);
  assert.equal(id.header('Vary'), 'Accept-Encoding');
  assert.deepEqual(id.body, plain);
  const br = await rawGet('participant.js', 'gzip, deflate, br');
  assert.equal(br.header('Content-Encoding'), 'br');
  assert.equal(br.header('Vary'), 'Accept-Encoding');
  assert.deepEqual(zlib.brotliDecompressSync(br.body), plain);
  const gz = await rawGet('participant.js', 'gzip, br;q=0');
  assert.equal(gz.header('Content-Encoding'), 'gzip');
  assert.deepEqual(zlib.gunzipSync(gz.body), plain);
  // three representations, three strong tags; a tag matches its own only
  const tags = new Set([id.header('ETag'), br.header('ETag'), gz.header('ETag')]);
  assert.equal(tags.size, 3);
  for (const t of tags) assert.match(t, /^"[^"]+"$/);
  assert.equal((await rawGet('participant.js', 'br', `If-None-Match: ${br.header('ETag')}\r\n`)).status, 304);
  assert.equal((await rawGet('participant.js', 'gzip', `If-None-Match: ${br.header('ETag')}\r\n`)).status, 200);
  // the participant page in one small round: under 60 KiB even as it is,
  // and a fraction of it as a phone receives it
  const page = await fetch(`${srv.base}/${env.code}`, { headers: { 'accept-encoding': 'br' } });
  const html = await page.text();
  const assets = [...html.matchAll(/(?:src|href)="\/static\/([^"]+)"/g)].map((m) => m[1]);
  const js = plain.toString();
  for (const m of js.matchAll(/from '\.\/([^']+)'/g)) assets.push(m[1]);
  let sent = Buffer.byteLength(html);
  for (const a of new Set(assets)) sent += (await rawGet(a, 'br')).body.length;
  assert.ok(sent < 30 * 1024, `participant page sends ${sent} bytes`);
});

test('behind a proxy on this host, the budget per address follows X-Real-IP', async () => {
  const fail = (i, ip) => login({ name: `proxy-${ip}-${i}`, password: 'fout-fout-fout' }, { 'x-real-ip': ip });
  for (let i = 0; i < 5; i++) assert.equal((await fail(i, '198.51.100.7')).status, 401);
  assert.equal((await fail(5, '198.51.100.7')).status, 429);
  // another visitor behind the same proxy is not locked out
  assert.equal((await fail(0, '198.51.100.8')).status, 401);
  assert.equal((await login({ name: 'anna', password: 'geheim-wachtwoord' }, { 'x-real-ip': '198.51.100.9' })).status, 303);
});

// Holds the database's write lock from another process for ms; resolves
// once the lock is taken, with a promise of its release.
function holdWriteLock(db, ms) {
  const py = spawn('python3', ['-c', `
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=10)
c.execute('BEGIN IMMEDIATE')
print('locked', flush=True)
time.sleep(${ms / 1000})
c.execute('COMMIT')
`, db], { stdio: ['ignore', 'pipe', 'inherit'] });
  const released = new Promise((r) => py.on('exit', r));
  return new Promise((resolve) => py.stdout.once('data', () => resolve({ released })));
}

test('issue 11: writing events and images waits off the loop', async () => {
  const auth = { authorization: `Bearer ${env.token}` };
  const { released } = await holdWriteLock(env.db, 1500);
  const t0 = performance.now();
  const made = fetch(`${srv.base}/api/v1/events`, {
    method: 'POST', headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ title: 'Terwijl de schijf wacht' }),
  }).then(async (r) => ({ status: r.status, body: await r.json(), at: performance.now() - t0 }));
  await new Promise((r) => setTimeout(r, 50));
  const health = await fetch(`${srv.base}/healthz`).then((r) => ({ status: r.status, at: performance.now() - t0 }));
  const page = await fetch(`${srv.base}/${env.code}`).then((r) => ({ status: r.status, at: performance.now() - t0 }));
  const ev = await made;
  await released;
  assert.equal(health.status, 200);
  assert.equal(page.status, 200);
  assert.equal(ev.status, 201);
  assert.ok(health.at < 1000 && page.at < 1000, `the loop waited: ${Math.round(health.at)} ms, ${Math.round(page.at)} ms`);
  assert.ok(ev.at > 1000, `the event was written through the lock? ${Math.round(ev.at)} ms`);
  // an image, a change and a delete while the lock is held again
  const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000' +
    '1f15c4890000000d49444154789c6300010000050001' + '0d0a2db40000000049454e44ae426082', 'hex');
  const { released: released2 } = await holdWriteLock(env.db, 1000);
  const t1 = performance.now();
  const img = fetch(`${srv.base}/api/v1/events/${ev.body.id}/images`, { method: 'POST', headers: { ...auth, 'content-type': 'image/png' }, body: png })
    .then((r) => ({ status: r.status, at: performance.now() - t1 }));
  const put = fetch(`${srv.base}/api/v1/events/${ev.body.id}`, {
    method: 'PUT', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ summary: 'Samenvatting' }),
  }).then((r) => ({ status: r.status, at: performance.now() - t1 }));
  const session = fetch(`${srv.base}/api/v1/events/${ev.body.id}/sessions`, { method: 'POST', headers: auth })
    .then((r) => r.status);
  const shared = fetch(`${srv.base}/api/v1/events/${ev.body.id}/share`, {
    method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'root', role: 'moderator' }),
  }).then((r) => r.status);
  await new Promise((r) => setTimeout(r, 50));
  const h2 = await fetch(`${srv.base}/healthz`).then(() => performance.now() - t1);
  const [i, u, sess, sh] = await Promise.all([img, put, session, shared]);
  await released2;
  assert.ok(h2 < 700, `the loop waited ${Math.round(h2)} ms`);
  assert.equal(i.status, 201);
  assert.equal(u.status, 200);
  assert.equal(sess, 201);
  assert.equal(sh, 204);
  const del = await fetch(`${srv.base}/api/v1/events/${ev.body.id}`, { method: 'DELETE', headers: auth });
  assert.equal(del.status, 204);
  assert.equal((await fetch(`${srv.base}/api/v1/events/${ev.body.id}`, { headers: auth })).status, 404);
});
