// Issue 15, "rate limits and one-vote rules hold across nodes": what used to
// hold per node only. Two `inspraak serve` processes share one PostgreSQL
// database of the throwaway cluster (make test-pg), addressed directly (no
// nginx needed). A phone whose requests alternate between the nodes gets
// one answer budget in total, not one per node (util/bucket.h); a reaction
// on one node floats on the other node's presenter stream; a deck replaced
// on one node is served by the other; an address confirmed through one
// node may take part through the other in a process that asks for one, and
// an invitation code used through one node through the other in a panel;
// failed logins on both nodes count together.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  PG, prepare, run, startServer, stopServer, cleanup, state, gotoKind, Participant,
  openStream, waitEvent, waitFor, randomId,
} from './lib.mjs';
import { startSmtp } from './smtp.mjs';

const SKIP_PG = PG ? false : 'needs PostgreSQL (make test-pg)';

let env, a, b, smtp, panelEvent;

const api = (base, path, opts = {}) => fetch(`${base}${path}`, {
  ...opts, headers: { authorization: `Bearer ${env.token}`, 'content-type': 'application/json', ...(opts.headers || {}) },
});
const day = (offset) => new Date(Date.now() + offset * 86400000).toISOString().slice(0, 10);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

before(async () => {
  if (!PG) return;
  env = prepare('tests/e2e/decks/hall.md');
  smtp = await startSmtp();
  const mail = ['--smtp-url', smtp.url, '--mail-from', 'inspraak@gemeente.test', '--metrics-local'];
  a = await startServer(env, mail);
  // the process is set up before the second node starts: it reads it then
  const res = await api(a.base, '/api/v1/events/1/process', {
    method: 'PUT',
    body: JSON.stringify({
      published: true, slug: 'buurt', description: 'Praat mee.', email_login: true,
      email_required: true, phases: [{ name: 'Ophalen', start: day(-10), end: day(30) }],
      topics: [{ id: 1, title: 'Groen in de wijk', body: 'Waar mist u bomen?', phase: 0 }],
    }),
  });
  assert.equal(res.status, 200, await res.text());
  // and a panel's process, on an event of its own
  const code = run(['import', 'tests/e2e/decks/all-types.md', '--owner', 'anna', '--db', env.db]).match(/code (\d{6,8})/)[1];
  panelEvent = (await state(a.base, code)).event.id;
  const panel = await api(a.base, `/api/v1/events/${panelEvent}/process`, {
    method: 'PUT',
    body: JSON.stringify({
      published: true, slug: 'panel', description: 'Het panel.', invite_only: true,
      phases: [{ name: 'Ophalen', start: day(-10), end: day(30) }],
      topics: [{ id: 1, title: 'Verkeer', body: 'Waar is het onveilig?', phase: 0 }],
    }),
  });
  assert.equal(panel.status, 200, await panel.text());
  b = await startServer(env, mail);
});
after(async () => {
  if (!PG) return;
  await stopServer(a);
  await stopServer(b);
  if (smtp) await smtp.stop();
  cleanup(env);
});

test('a phone whose answers alternate between two nodes has one budget, not two', { skip: SKIP_PG }, async (t) => {
  const slide = await gotoKind(a.base, env.code, env.token, 'open');
  await waitFor(async () => (await state(b.base, env.code)).slide.id === slide.id, 10000, 'the slide on b');
  // One phone (one cookie), each request to the other node, at a pace of
  // twenty a second: a budget is 20 at once and 2 a second after
  // (routes.c), so one budget lets about 22 through before the first 429,
  // and a budget per node about twice that. What the nodes spend before
  // they hear of each other is the overshoot (docs/deploy.md): at this
  // pace a few requests within the bus's 100 ms.
  const phone = new Participant(a.base, env.code);
  const statuses = [];
  for (let i = 0; i < 80; i++) {
    phone.base = i % 2 ? b.base : a.base;
    // the answer's value is refused after the budget was taken (answers.c:
    // budget first), so no answer is stored and the pace stays even
    const res = await phone.request(`/api/v1/sessions/${env.code}/answers`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: randomId(), slide: slide.id, value: { not: 'text' } }),
    });
    statuses.push(res.status);
    await res.arrayBuffer();
    if (res.status === 429) break;
    await sleep(50);
  }
  const first = statuses.indexOf(429);
  t.diagnostic(`${first} requests let through before the first 429`);
  assert.ok(first > 0, `never refused: ${statuses.join(' ')}`);
  assert.ok(statuses.slice(0, first).every((s) => s === 400), statuses.join(' '));
  assert.ok(first >= 20, `refused before one budget was spent: ${statuses.join(' ')}`);
  assert.ok(first <= 32, `${first} let through: more than one budget and its overshoot`);
});

test('a reaction on one node floats on the presenter stream of the other', { skip: SKIP_PG }, async () => {
  const pres = await openStream(`${b.base}/api/v1/sessions/${env.code}/results/stream`, { authorization: `Bearer ${env.token}` });
  try {
    assert.equal(pres.status, 200);
    const send = (p, reaction) => p.request(`/api/v1/sessions/${env.code}/reactions`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ reaction }) });
    const people = Array.from({ length: 3 }, () => new Participant(a.base, env.code));
    for (const p of people) assert.equal((await send(p, 'heart')).status, 202);
    // coalesced: the three hearts come in one or more frames, adding up to three
    const hearts = () => pres.events.filter((ev) => ev.event === 'reactions')
      .reduce((n, ev) => n + (JSON.parse(ev.data).heart || 0), 0);
    await waitFor(() => hearts() === 3, 10000, 'three hearts on b');
    // and not counted twice on a: a's own stream gets its three, no echo
    const own = await openStream(`${a.base}/api/v1/sessions/${env.code}/results/stream`, { authorization: `Bearer ${env.token}` });
    try {
      assert.equal((await send(people[0], 'clap')).status, 202);
      await waitEvent(own, (ev) => ev.event === 'reactions' && JSON.parse(ev.data).clap === 1, 10000);
      await waitEvent(pres, (ev) => ev.event === 'reactions' && JSON.parse(ev.data).clap === 1, 10000);
      await sleep(500);
      const claps = own.events.filter((ev) => ev.event === 'reactions').reduce((n, ev) => n + (JSON.parse(ev.data).clap || 0), 0);
      assert.equal(claps, 1);
    } finally {
      own.close();
    }
  } finally {
    pres.close();
  }
});

test('a deck replaced on one node is served by the other', { skip: SKIP_PG }, async () => {
  // a session of its own: the hall's has answers by now, and a deck is
  // replaced only while none were given
  const code = run(['import', 'tests/e2e/decks/all-types.md', '--owner', 'anna', '--db', env.db]).match(/code (\d{6,8})/)[1];
  const before = await state(b.base, code); // b holds it in memory from here
  assert.equal(before.event.title, 'Testavond');
  assert.equal((await state(a.base, code)).event.title, 'Testavond');
  const deck = '---\ntitle: Nieuwe avond\nlang: nl\n---\n\n# Welkom terug\n\n---\n\n? open: Wat nu?\n';
  const res = await api(a.base, `/api/v1/events/${before.event.id}`, { method: 'PUT', body: JSON.stringify({ deck }) });
  assert.equal(res.status, 200, await res.text());
  assert.equal((await state(a.base, code)).event.title, 'Nieuwe avond');
  const st = await waitFor(async () => {
    const s = await state(b.base, code);
    return s.event.title === 'Nieuwe avond' && s;
  }, 10000, 'the new deck on b');
  assert.equal(st.slide.count, 2);
  assert.equal(st.slide.index, 0);
  // and b takes answers on the new deck's question
  const open = await gotoKind(b.base, code, env.token, 'open');
  const p = new Participant(b.base, code);
  assert.equal((await p.answer(open.id, 'verder')).status, 201);
});

test('an address confirmed through one node takes part through the other', { skip: SKIP_PG }, async () => {
  const address = `bewoner-${Date.now()}@example.test`;
  const form = (p, path, fields) => p.request(path, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
  const post = (p, text) => p.request('/api/v1/processes/buurt/topics/1/posts', {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id: randomId(), text }),
  });
  const resident = new Participant(a.base);
  // without a confirmed address: refused on both nodes
  let res = await post(resident, 'Nog zonder adres');
  assert.equal(res.status, 403);
  resident.base = b.base;
  assert.equal((await post(resident, 'Nog zonder adres')).status, 403);
  // confirmed through a
  resident.base = a.base;
  assert.equal((await form(resident, '/p/buurt/email', { address })).status, 303);
  const msg = await waitFor(() => smtp.messages().find((m) => m.to === address), 15000, 'the mail');
  const link = new URL(msg.links.find((l) => l.includes('/confirm?t=')));
  res = await form(resident, '/p/buurt/confirm', { t: link.searchParams.get('t') });
  assert.equal(res.status, 303);
  assert.equal(res.headers.get('location'), '/p/buurt/account?sent=confirmed');
  assert.equal((await post(resident, 'Via a, bevestigd')).status, 201);
  // and through b, without b restarting
  resident.base = b.base;
  await waitFor(async () => {
    const r = await post(resident, 'Via b, bevestigd');
    await r.arrayBuffer();
    return r.status === 201;
  }, 10000, 'a post through b');
  assert.match(await (await resident.request('/p/buurt/account')).text(), /Je e-mailadres is bevestigd/);
});

test('an invitation code used through one node takes part through the other', { skip: SKIP_PG }, async () => {
  let res = await api(a.base, `/api/v1/events/${panelEvent}/process/invites`, { method: 'POST', body: JSON.stringify({ count: 1 }) });
  assert.equal(res.status, 201);
  const [code] = (await res.json()).codes;
  const post = (p, text) => p.request('/api/v1/processes/panel/topics/1/posts', {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id: randomId(), text }),
  });
  const member = new Participant(b.base);
  assert.equal((await post(member, 'Nog geen lid')).status, 403);
  member.base = a.base;
  res = await member.request('/p/panel/invite', {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ code }).toString(),
  });
  assert.equal(res.status, 303);
  assert.equal((await post(member, 'Lid, via a')).status, 201);
  member.base = b.base;
  await waitFor(async () => {
    const r = await post(member, 'Lid, via b');
    await r.arrayBuffer();
    return r.status === 201;
  }, 10000, 'a post through b');
});

test('failed logins alternating between two nodes count together', { skip: SKIP_PG }, async () => {
  run(['user', 'add', 'bert', '--db', env.db], 'bert-wachtwoord\n');
  const login = (base, password) => fetch(`${base}/login`, {
    method: 'POST', redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ name: 'bert', password, next: '/' }),
  });
  // five failures at once are allowed (auth.c): three on a, two on b
  for (let i = 0; i < 5; i++) {
    const res = await login(i % 2 ? b.base : a.base, `fout-${i}`);
    assert.equal(res.status, 401);
    await res.arrayBuffer();
  }
  // then b refuses even the right password, though it saw only two
  await waitFor(async () => {
    const res = await login(b.base, 'bert-wachtwoord');
    await res.arrayBuffer();
    return res.status === 429;
  }, 10000, 'b to refuse');
});

test('the bus refused no message and dropped no note on the way', { skip: SKIP_PG }, async () => {
  const metric = async (n, name) => Number((await (await fetch(`${n.base}/metrics`)).text())
    .split('\n').find((l) => l.startsWith(name))?.split(' ')[1]);
  for (const n of [a, b]) {
    assert.ok(await metric(n, 'inspraak_bus_messages_total{dir="heard"}') > 0);
    assert.equal(await metric(n, 'inspraak_bus_refused_total'), 0);
    assert.equal(await metric(n, 'inspraak_bus_notes_dropped_total'), 0);
  }
});
