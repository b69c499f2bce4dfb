// Trust: codes cannot be enumerated, a venue's shared address is no
// obstacle, nothing identifying is stored, roles hold on every path.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { prepare, startServer, stopServer, cleanup, Participant, gotoKind } from './lib.mjs';

let env, srv;
before(async () => {
  env = prepare();
  srv = await startServer(env);
});
after(async () => {
  await stopServer(srv);
  cleanup(env);
});

test('500 phones behind one address can all answer', async () => {
  const slide = await gotoKind(srv.base, env.code, env.token, 'choice');
  const phones = Array.from({ length: 500 }, () => new Participant(srv.base, env.code));
  const statuses = [];
  for (let i = 0; i < phones.length; i += 50) {
    const batch = await Promise.all(phones.slice(i, i + 50).map((p, k) => p.answer(slide.id, (i + k) % 3)));
    statuses.push(...batch.map((r) => r.status));
  }
  assert.equal(statuses.filter((s) => s === 201).length, 500);
});

test('nothing that identifies a person is stored', async () => {
  const dump = execFileSync('sqlite3', [env.db, '.dump'], { encoding: 'utf8' });
  assert.doesNotMatch(dump, /127\.0\.0\.1/);
  assert.doesNotMatch(dump, /node|undici|Mozilla|user.agent/i);
  // participant tokens are stored only as keyed hashes, never as sent
  const p = new Participant(srv.base, env.code);
  await p.request(`/${env.code}`);
  const token = p.cookie.split('=')[1];
  const slide = await gotoKind(srv.base, env.code, env.token, 'open');
  assert.equal((await p.answer(slide.id, 'privacy')).status, 201);
  assert.doesNotMatch(execFileSync('sqlite3', [env.db, '.dump'], { encoding: 'utf8' }), new RegExp(token));
});

test('participants reach no facilitator path', async () => {
  const p = new Participant(srv.base, env.code);
  await p.request(`/${env.code}`);
  const routes = [
    ['GET', '/api/v1/me'],
    ['GET', `/api/v1/sessions/${env.code}/results`],
    ['GET', `/api/v1/sessions/${env.code}/results?hidden=1`],
    ['GET', `/api/v1/sessions/${env.code}/results/stream`],
    ['POST', `/api/v1/sessions/${env.code}/control`, '{"action":"next"}'],
    ['POST', '/api/v1/answers/1/hide'],
    ['POST', '/api/v1/answers/1/show'],
    ['POST', '/api/v1/answers/1/answered'],
    ['POST', '/api/v1/answers/1/unanswered'],
    ['POST', '/api/v1/answers/1/pin'],
    ['POST', '/api/v1/me/password', '{"current":"x","new":"yyyyyyyy"}'],
    ['GET', '/api/v1/events'],
    ['POST', '/api/v1/events', '{"title":"x"}'],
    ['GET', '/api/v1/events/1'],
    ['PUT', '/api/v1/events/1', '{"summary":"x"}'],
    ['DELETE', '/api/v1/events/1'],
    ['GET', '/api/v1/events/1/deck.md'],
    ['GET', '/api/v1/events/1/deck.json'],
    ['POST', '/api/v1/events/1/sessions'],
    ['POST', '/api/v1/events/1/share', '{"name":"anna","role":"moderator"}'],
    ['POST', '/api/v1/events/1/images', 'x'],
    ['GET', '/api/v1/events/1/log'],
    ['GET', '/api/v1/users'],
    ['POST', '/api/v1/users', '{"name":"x","password":"yyyyyyyy"}'],
    ['DELETE', '/api/v1/users/anna'],
  ];
  for (const [method, path, body] of routes) {
    const res = await p.request(path, { method, body });
    assert.equal(res.status, 401, `${method} ${path}`);
    await res.body?.cancel();
  }
  for (const page of ['/app', `/app/events/1`, `/app/moderate/${env.code}`]) {
    const res = await p.request(page);
    assert.equal(res.status, 303, page);
    assert.match(res.headers.get('location'), /^\/login\?next=/);
  }
  const present = await p.request(`/present/${env.code}`);
  assert.equal(present.status, 303);
  assert.match(present.headers.get('location'), /^\/login\?next=/);
  // a forged or foreign session cookie is no better
  const forged = await fetch(`${srv.base}/api/v1/me`, { headers: { cookie: `inspraak_s=${'a'.repeat(64)}` } });
  assert.equal(forged.status, 401);
  const bearer = await fetch(`${srv.base}/api/v1/me`, { headers: { authorization: `Bearer ${'b'.repeat(64)}` } });
  assert.equal(bearer.status, 401);
});

test('purge unlinks answers from participants, or deletes them, leaving no trace in the file', async () => {
  const { readFileSync, existsSync } = await import('node:fs');
  const { run } = await import('./lib.mjs');
  const slide = await gotoKind(srv.base, env.code, env.token, 'open');
  const p = new Participant(srv.base, env.code);
  assert.equal((await p.answer(slide.id, 'een')).status, 201);
  assert.equal((await p.answer(slide.id, 'twee')).status, 201);
  const hash = execFileSync('sqlite3', [env.db, "SELECT participant FROM answers WHERE value='\"een\"'"], { encoding: 'utf8' }).trim();
  assert.match(hash, /^[0-9a-f]{32}$/);
  await stopServer(srv);
  const event = execFileSync('sqlite3', [env.db, 'SELECT id FROM events LIMIT 1'], { encoding: 'utf8' }).trim();
  assert.match(run(['purge', '--event', event, '--db', env.db]), /no longer linked/);
  const count = (q) => execFileSync('sqlite3', [env.db, q], { encoding: 'utf8' }).trim();
  assert.equal(count('SELECT count(DISTINCT participant) FROM answers'), count('SELECT count(*) FROM answers'));
  const bytes = readFileSync(env.db).toString('latin1') + (existsSync(`${env.db}-wal`) ? readFileSync(`${env.db}-wal`).toString('latin1') : '');
  assert.equal(bytes.includes(hash), false, 'the old participant hash is gone from the file');
  assert.throws(() => run(['purge', '--event', '999', '--db', env.db]), /no event 999/);
  assert.match(run(['purge', '--event', event, '--answers', '--db', env.db]), /answers deleted/);
  assert.equal(count('SELECT count(*) FROM answers'), '0');
  srv = await startServer(env, [], srv.port);
  const r = (await (await fetch(`${srv.base}/api/v1/sessions/${env.code}/results`, { headers: { authorization: `Bearer ${env.token}` } })).json());
  assert.ok(r.slides.every((s) => s.answers === 0));
});


test('join codes cannot be enumerated: failed look-ups are limited per address', async () => {
  let limited = null;
  for (let i = 0; i < 80 && !limited; i++) {
    const code = String(10000000 + i * 7919);
    const res = await fetch(`${srv.base}/api/v1/sessions/${code}`);
    if (res.status === 429) limited = res;
    else assert.equal(res.status, 404);
  }
  assert.ok(limited, 'look-ups were limited');
  assert.ok(Number(limited.headers.get('retry-after')) >= 1);
  assert.match((await limited.json()).error, /onbekende codes/);
  // while limited, even a real code is refused, as a page too
  const page = await fetch(`${srv.base}/${env.code}`);
  assert.equal(page.status, 429);
  assert.match(await page.text(), /onbekende codes/);
});

test('logins slow down after failures, per account and per address, and say so', async () => {
  const login = (password) => fetch(`${srv.base}/login`, {
    method: 'POST', redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ name: 'anna', password, next: '/' }),
  });
  for (let i = 0; i < 5; i++) assert.equal((await login(`fout-${i}`)).status, 401);
  const blocked = await login('geheim-wachtwoord'); // even the right one waits now
  assert.equal(blocked.status, 429);
  assert.match(await blocked.text(), /Te veel mislukte pogingen. Probeer het over \d+ seconden opnieuw/);
});
