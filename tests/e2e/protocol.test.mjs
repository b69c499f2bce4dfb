// The protocol of docs/protocol.md against the real binary on loopback.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import {
  prepare, startServer, stopServer, cleanup, Participant, control, state, results, gotoKind,
  openStream, waitEvent, randomId,
} from './lib.mjs';

let env, srv;

before(async () => {
  env = prepare();
  srv = await startServer(env);
});
after(async () => {
  await stopServer(srv);
  cleanup(env);
});

// Sends raw bytes and returns everything the server answered before closing
// (or after `ms` without more data).
function raw(port, bytes, ms = 1500) {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    let out = '';
    const t = setTimeout(() => { sock.destroy(); resolve({ out, closed: false }); }, ms);
    sock.on('data', (d) => { out += d; });
    sock.on('close', () => { clearTimeout(t); resolve({ out, closed: true }); });
    sock.on('error', () => {});
    sock.write(bytes);
  });
}

test('session state is public JSON with revision, slide, voting and event', async () => {
  const st = await state(srv.base, env.code);
  assert.equal(st.code, env.code);
  assert.equal(typeof st.revision, 'number');
  assert.equal(st.event.title, 'Testavond');
  assert.equal(st.event.lang, 'nl');
  assert.equal(st.slide.kind, 'content');
  assert.equal(typeof st.slide.id, 'number');
  assert.equal(typeof st.open, 'boolean');
  assert.match(st.join_url, new RegExp(`/${env.code}$`));
  const res = await fetch(`${srv.base}/api/v1/sessions/99999999`);
  assert.equal(res.status, 404);
  assert.equal((await res.json()).code, 'not_found');
});

test('every response carries the security headers', async () => {
  const res = await fetch(`${srv.base}/api/v1/sessions/${env.code}`);
  assert.match(res.headers.get('content-security-policy'), /script-src 'self'/);
  assert.match(res.headers.get('content-security-policy'), /frame-ancestors 'none'/);
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
});

test('control needs a user; cookie requests also need the CSRF token', async () => {
  let res = await fetch(`${srv.base}/api/v1/sessions/${env.code}/control`, {
    method: 'POST', body: '{"action":"next"}' });
  assert.equal(res.status, 401);
  res = await fetch(`${srv.base}/api/v1/sessions/${env.code}/results`);
  assert.equal(res.status, 401);
  res = await control(srv.base, env.code, env.token, 'dance');
  assert.equal(res.status, 400);
  assert.match(res.body.error, /unknown action/);
  res = await control(srv.base, env.code, env.token, 'goto', { slide: 999999 });
  assert.equal(res.status, 400);
});

test('the participant stream sends state at once and on every change; Last-Event-ID is honoured', async () => {
  const url = `${srv.base}/api/v1/sessions/${env.code}/stream`;
  const s = await openStream(url);
  assert.equal(s.status, 200);
  assert.match(s.headers['content-type'], /text\/event-stream/);
  const first = await waitEvent(s, (e) => e.event === 'state');
  const st0 = JSON.parse(first.data);
  assert.equal(Number(first.id), st0.revision);
  const moved = await control(srv.base, env.code, env.token, 'next');
  assert.equal(moved.status, 200);
  const ev = await waitEvent(s, (e) => e.event === 'state' && Number(e.id) > st0.revision);
  assert.equal(JSON.parse(ev.data).slide.index, moved.body.slide.index);
  s.close();

  // Reconnecting with the current revision: nothing to send until a change.
  const cur = await state(srv.base, env.code);
  const s2 = await openStream(url, { 'Last-Event-ID': String(cur.revision) });
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(s2.events.filter((e) => e.event === 'state').length, 0);
  await control(srv.base, env.code, env.token, 'prev');
  const ev2 = await waitEvent(s2, (e) => e.event === 'state');
  assert.equal(Number(ev2.id), cur.revision + 1);
  s2.close();

  // With an old revision the current state comes at once.
  const s3 = await openStream(url, { 'Last-Event-ID': String(st0.revision) });
  const ev3 = await waitEvent(s3, (e) => e.event === 'state');
  assert.equal(Number(ev3.id), cur.revision + 1);
  s3.close();
});

test('open answers: stored after commit, duplicates not counted twice, limits and errors', async () => {
  const slide = await gotoKind(srv.base, env.code, env.token, 'open');
  const p = new Participant(srv.base, env.code);
  const a1 = await p.answer(slide.id, 'Meer groen in de wijk');
  assert.equal(a1.status, 201);
  assert.equal(a1.body.status, 'stored');
  assert.match(p.cookie, /^inspraak_p=[0-9a-f]{32}$/);
  const again = await p.answer(slide.id, 'Meer groen in de wijk', a1.id);
  assert.equal(again.status, 200);
  assert.equal(again.body.status, 'duplicate');
  assert.equal(again.body.id, a1.body.id);
  const a2 = await p.answer(slide.id, 'Betaalbare woningen');
  assert.equal(a2.status, 201);
  const a3 = await p.answer(slide.id, 'Nog een');
  assert.equal(a3.status, 409);
  assert.equal(a3.body.code, 'limit');

  const q = new Participant(srv.base, env.code);
  const long = await q.answer(slide.id, 'x'.repeat(101));
  assert.equal(long.status, 413);
  assert.equal(long.body.code, 'too_long');
  assert.match(long.body.error, /100/);
  const empty = await q.answer(slide.id, '   ');
  assert.equal(empty.status, 400);
  const wrongType = await q.answer(slide.id, 42);
  assert.equal(wrongType.status, 400);
  const badId = await q.answer(slide.id, 'hoi', 'short');
  assert.equal(badId.status, 400);
  assert.match(badId.body.error, /id/);
  const res = await q.request(`/api/v1/sessions/${env.code}/answers`, {
    method: 'POST', body: '{"id": "abcdefgh", "slide": ' });
  assert.equal(res.status, 400);
  assert.equal((await res.json()).code, 'invalid');
  // invalid UTF-8 inside a JSON string
  const bytes = Buffer.concat([Buffer.from(`{"id":"abcdefgh12","slide":${slide.id},"value":"a`),
    Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
  const bad = await q.request(`/api/v1/sessions/${env.code}/answers`, { method: 'POST', body: bytes });
  assert.equal(bad.status, 400);

  const r = await results(srv.base, env.code, env.token);
  const tally = r.slides.find((s) => s.id === slide.id);
  assert.equal(tally.answers, 2);
  assert.equal(tally.respondents, 1);
  assert.deepEqual(tally.items.map((i) => i.text), ['Betaalbare woningen', 'Meer groen in de wijk']);
});

test('answers to another slide or while voting is closed get 409', async () => {
  const slide = await gotoKind(srv.base, env.code, env.token, 'open');
  const p = new Participant(srv.base, env.code);
  const cloud = await gotoKind(srv.base, env.code, env.token, 'cloud');
  const stale = await p.answer(slide.id, 'te laat');
  assert.equal(stale.status, 409);
  assert.equal(stale.body.code, 'not_current');
  assert.match(stale.body.error, /niet meer actief/);
  await control(srv.base, env.code, env.token, 'close');
  const closed = await p.answer(cloud.id, ['buurt']);
  assert.equal(closed.status, 409);
  assert.equal(closed.body.code, 'closed');
  await control(srv.base, env.code, env.token, 'open');
  assert.equal((await p.answer(cloud.id, ['buurt'])).status, 201);
});

test('word cloud folds case, accents and Unicode form', async () => {
  const slide = await gotoKind(srv.base, env.code, env.token, 'cloud');
  for (const words of [['Café', 'Park'], ['cafe'], ['CAFÉ'], ['Cafe\u0301', 'park ']]) {
    const p = new Participant(srv.base, env.code);
    assert.equal((await p.answer(slide.id, words)).status, 201);
  }
  const p = new Participant(srv.base, env.code);
  assert.equal((await p.answer(slide.id, ['a', 'b', 'c', 'd'])).status, 400);
  const t = (await results(srv.base, env.code, env.token)).slides.find((s) => s.id === slide.id);
  const cafe = t.words.find((w) => w.text === 'Café');
  assert.equal(cafe.count, 4);
  assert.equal(t.words.find((w) => w.text.toLowerCase() === 'park').count, 2);
});

test('multiple choice single and multiple, with one vote per participant', async () => {
  const single = await gotoKind(srv.base, env.code, env.token, 'choice', 0);
  const p = new Participant(srv.base, env.code);
  assert.equal((await p.answer(single.id, 1)).status, 201);
  const twice = await p.answer(single.id, 2);
  assert.equal(twice.status, 409);
  assert.equal(twice.body.code, 'already_answered');
  assert.equal((await new Participant(srv.base, env.code).answer(single.id, [0, 1])).status, 400);
  assert.equal((await new Participant(srv.base, env.code).answer(single.id, 3)).status, 400);
  assert.equal((await new Participant(srv.base, env.code).answer(single.id, 1)).status, 201);
  let t = (await results(srv.base, env.code, env.token)).slides.find((s) => s.id === single.id);
  assert.deepEqual(t.options.map((o) => o.count), [0, 2, 0]);
  assert.equal(t.options[1].percent, 100);

  const multi = await gotoKind(srv.base, env.code, env.token, 'choice', 1);
  assert.equal((await new Participant(srv.base, env.code).answer(multi.id, [0, 2])).status, 201);
  assert.equal((await new Participant(srv.base, env.code).answer(multi.id, [2])).status, 201);
  t = (await results(srv.base, env.code, env.token)).slides.find((s) => s.id === multi.id);
  assert.deepEqual(t.options.map((o) => o.count), [1, 0, 2]);
  assert.equal(t.respondents, 2);
});

test('scales and rankings', async () => {
  const scale = await gotoKind(srv.base, env.code, env.token, 'scale');
  assert.equal((await new Participant(srv.base, env.code).answer(scale.id, [4, 2])).status, 201);
  assert.equal((await new Participant(srv.base, env.code).answer(scale.id, [5, 3])).status, 201);
  assert.equal((await new Participant(srv.base, env.code).answer(scale.id, [6, 3])).status, 400);
  assert.equal((await new Participant(srv.base, env.code).answer(scale.id, [4])).status, 400);
  let t = (await results(srv.base, env.code, env.token)).slides.find((s) => s.id === scale.id);
  assert.equal(t.statements[0].mean, 4.5);
  assert.deepEqual(t.statements[1].counts, [0, 1, 1, 0, 0]);

  const rank = await gotoKind(srv.base, env.code, env.token, 'rank');
  assert.equal((await new Participant(srv.base, env.code).answer(rank.id, [1, 0, 2])).status, 201);
  assert.equal((await new Participant(srv.base, env.code).answer(rank.id, [1, 2, 0])).status, 201);
  assert.equal((await new Participant(srv.base, env.code).answer(rank.id, [1, 1, 0])).status, 400);
  t = (await results(srv.base, env.code, env.token)).slides.find((s) => s.id === rank.id);
  assert.equal(t.options[0].label, 'Ontmoeting');
  assert.equal(t.options[0].mean, 1);
});

test('Q&A: ask, upvote others once, presenter marks answered; hide removes at once', async () => {
  const slide = await gotoKind(srv.base, env.code, env.token, 'qa');
  const asker = new Participant(srv.base, env.code);
  const q1 = await asker.answer(slide.id, 'Wanneer komt het nieuwe buurthuis?');
  assert.equal(q1.status, 201);
  const q2 = await asker.answer(slide.id, { ask: 'Hoe wordt er gecommuniceerd?' });
  assert.equal(q2.status, 201);
  const voter = new Participant(srv.base, env.code);
  assert.equal((await voter.answer(slide.id, { upvote: q2.body.id })).status, 201);
  assert.equal((await voter.answer(slide.id, { upvote: q2.body.id })).status, 409);
  assert.equal((await asker.answer(slide.id, { upvote: q1.body.id })).status, 409);
  const pub = await (await fetch(`${srv.base}/api/v1/sessions/${env.code}/questions`)).json();
  assert.equal(pub.items[0].id, q2.body.id);
  assert.equal(pub.items[0].votes, 1);

  const auth = { authorization: `Bearer ${env.token}` };
  let res = await fetch(`${srv.base}/api/v1/answers/${q1.body.id}/answered`, { method: 'POST', headers: auth });
  assert.equal(res.status, 200);
  res = await fetch(`${srv.base}/api/v1/answers/${q2.body.id}/hide`, { method: 'POST' });
  assert.equal(res.status, 401);
  res = await fetch(`${srv.base}/api/v1/answers/${q2.body.id}/hide`, { method: 'POST', headers: auth });
  assert.equal(res.status, 200);
  let t = (await results(srv.base, env.code, env.token)).slides.find((s) => s.id === slide.id);
  assert.deepEqual(t.items.map((i) => i.id), [q1.body.id]);
  assert.equal(t.items[0].answered, true);
  assert.equal(t.hidden, 1);
  const withHidden = (await results(srv.base, env.code, env.token, true)).slides.find((s) => s.id === slide.id);
  assert.equal(withHidden.items.find((i) => i.id === q2.body.id).hidden, true);
  res = await fetch(`${srv.base}/api/v1/answers/${q2.body.id}/show`, { method: 'POST', headers: auth });
  assert.equal(res.status, 200);
  t = (await results(srv.base, env.code, env.token)).slides.find((s) => s.id === slide.id);
  assert.equal(t.items.length, 2);
  res = await fetch(`${srv.base}/api/v1/answers/99999999/hide`, { method: 'POST', headers: auth });
  assert.equal(res.status, 404);
});

test('the presenter results stream receives coalesced tallies live', async () => {
  const slide = await gotoKind(srv.base, env.code, env.token, 'open');
  const s = await openStream(`${srv.base}/api/v1/sessions/${env.code}/results/stream`,
    { authorization: `Bearer ${env.token}` });
  assert.equal(s.status, 200);
  await waitEvent(s, (e) => e.event === 'state');
  const before = JSON.parse((await waitEvent(s, (e) => e.event === 'results' && JSON.parse(e.data).id === slide.id)).data);
  const n = 30;
  await Promise.all(Array.from({ length: n }, (_, i) =>
    new Participant(srv.base, env.code).answer(slide.id, `antwoord ${i}`)));
  const ev = await waitEvent(s, (e) => e.event === 'results' && JSON.parse(e.data).id === slide.id
    && JSON.parse(e.data).answers === before.answers + n);
  assert.ok(ev);
  // Coalesced: far fewer frames than answers.
  const frames = s.events.filter((e) => e.event === 'results' && JSON.parse(e.data).id === slide.id);
  assert.ok(frames.length < n, `${frames.length} frames for ${n} answers`);
  s.close();
  const unauth = await openStream(`${srv.base}/api/v1/sessions/${env.code}/results/stream`);
  assert.equal(unauth.status, 401);
  unauth.close();
});

test('too many answers from one participant get 429 with Retry-After', async () => {
  const slide = await gotoKind(srv.base, env.code, env.token, 'open');
  const p = new Participant(srv.base, env.code);
  await p.answer(slide.id, 'eerste');
  const statuses = [];
  let retry = null;
  for (let i = 0; i < 30; i++) {
    const r = await p.answer(slide.id, `nog ${i}`);
    statuses.push(r.status);
    if (r.status === 429) retry = r.res.headers.get('retry-after');
  }
  assert.ok(statuses.includes(429), statuses.join(','));
  assert.ok(Number(retry) >= 1);
});

test('the form fallback stores an answer without JavaScript', async () => {
  const slide = await gotoKind(srv.base, env.code, env.token, 'choice', 0);
  const p = new Participant(srv.base, env.code);
  const page = await p.request(`/${env.code}`);
  assert.equal(page.status, 200);
  const html = await page.text();
  assert.match(html, /<form method="post"/);
  const id = html.match(/name="id" value="([^"]+)"/)[1];
  const before = (await results(srv.base, env.code, env.token)).slides.find((s) => s.id === slide.id);
  const body = new URLSearchParams({ id, slide: String(slide.id), value: '2' });
  const res = await p.request(`/${env.code}`, { method: 'POST', body,
    headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  assert.equal(res.status, 303);
  assert.equal(res.headers.get('location'), `/${env.code}?sent=1`);
  const again = await p.request(`/${env.code}`, { method: 'POST', body,
    headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  assert.equal(again.status, 303); // the same form sent twice counts once
  const after = (await results(srv.base, env.code, env.token)).slides.find((s) => s.id === slide.id);
  assert.equal(after.options[2].count, before.options[2].count + 1);
  const bad = await p.request(`/${env.code}`, { method: 'POST', body: 'id=x',
    headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  assert.equal(bad.status, 400);
  assert.match(await bad.text(), /class="error"/);
});

test('HTTP limits: 431, 413, 405, 400 and slow headers are cut off', async () => {
  const big = `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(9000)}\r\n\r\n`;
  let r = await raw(srv.port, big);
  assert.match(r.out, /^HTTP\/1.1 431/);
  assert.ok(r.closed);
  r = await raw(srv.port, `POST /api/v1/sessions/${env.code}/answers HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n`);
  assert.match(r.out, /^HTTP\/1.1 413/);
  r = await raw(srv.port, 'BREW / HTTP/1.1\r\nHost: x\r\n\r\n');
  assert.match(r.out, /^HTTP\/1.1 (405|400)/);
  r = await raw(srv.port, 'PATCH / HTTP/1.1\r\nHost: x\r\n\r\n');
  assert.match(r.out, /^HTTP\/1.1 405/);
  r = await raw(srv.port, 'GET / HTTP/1.1\r\nHost x\r\n\r\n');
  assert.match(r.out, /^HTTP\/1.1 400/);
  assert.ok(r.closed);
  const t0 = Date.now();
  r = await raw(srv.port, 'GET / HTTP/1.1\r\nHo', 15000);
  assert.ok(r.closed, 'a client that never finishes its headers is disconnected');
  assert.ok(Date.now() - t0 < 14000);
});

test('keep-alive and pipelined requests are answered in order', async () => {
  const r = await raw(srv.port,
    `GET /api/v1/sessions/${env.code} HTTP/1.1\r\nHost: x\r\n\r\nGET /nope HTTP/1.1\r\nHost: x\r\n\r\n`, 800);
  const statuses = [...r.out.matchAll(/HTTP\/1.1 (\d+)/g)].map((m) => m[1]);
  assert.deepEqual(statuses, ['200', '404']);
});

// An answer POST is answered only after its commit; bytes that arrive in the
// meantime wait for it, and a client that half-closes still gets its answers.
test('requests sent while an answer is being stored, and a half-close, are answered in order', async () => {
  const slide = await gotoKind(srv.base, env.code, env.token, 'open');
  const post = (id) => {
    const body = JSON.stringify({ id, slide: slide.id, value: `tijdens het opslaan ${id}` });
    return `POST /api/v1/sessions/${env.code}/answers HTTP/1.1\r\nHost: x\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
  };
  const ids = [randomId(), randomId()];
  const out = await new Promise((resolve, reject) => {
    const sock = net.connect({ port: srv.port, host: '127.0.0.1', allowHalfOpen: true });
    let data = '';
    const t = setTimeout(() => { sock.destroy(); reject(new Error(`no close; got ${data}`)); }, 5000);
    sock.on('data', (d) => { data += d; });
    sock.on('end', () => { clearTimeout(t); sock.destroy(); resolve(data); });
    sock.on('error', reject);
    sock.on('connect', () => {
      sock.write(post(ids[0]));
      // the rest arrives while the first answer waits for its commit
      setImmediate(() => {
        sock.write(`GET /api/v1/sessions/${env.code} HTTP/1.1\r\nHost: x\r\n\r\n`);
        sock.write(post(ids[1]));
        sock.end();
      });
    });
  });
  const statuses = [...out.matchAll(/HTTP\/1.1 (\d+)/g)].map((m) => m[1]);
  assert.deepEqual(statuses, ['201', '200', '201']);
  const texts = (await results(srv.base, env.code, env.token)).slides
    .find((x) => x.id === slide.id).items.map((i) => i.text);
  for (const id of ids) assert.ok(texts.includes(`tijdens het opslaan ${id}`));
});

test('a restart keeps answers, tallies, revision and duplicate detection', async () => {
  const slide = await gotoKind(srv.base, env.code, env.token, 'open');
  const p = new Participant(srv.base, env.code);
  const a = await p.answer(slide.id, 'blijft bewaard');
  assert.equal(a.status, 201);
  const before = await results(srv.base, env.code, env.token);
  const st = await state(srv.base, env.code);
  await stopServer(srv, 'SIGKILL');
  srv = await startServer(env);
  const after = await results(srv.base, env.code, env.token);
  assert.deepEqual(after.slides, before.slides);
  const st2 = await state(srv.base, env.code);
  assert.equal(st2.revision, st.revision);
  assert.equal(st2.slide.id, slide.id);
  p.base = srv.base;
  const again = await p.answer(slide.id, 'blijft bewaard', a.id);
  assert.equal(again.status, 200);
  assert.equal(again.body.id, a.body.id);
});
