// Issue 15, "any node serves any request", for the website and the sociale
// kaart: each node keeps the processes, their posts and marks, and the
// kaart's entries and settings in memory. Two `inspraak serve` processes
// share one PostgreSQL database of the throwaway cluster (make test-pg),
// addressed directly, both started before anything is published: what node
// a changes, node b learns through the bus (BUS_SITE, BUS_KAART) and reads
// from the database, within the bus's interval and one read.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  PG, prepare, run, state, control, gotoKind, startServer, stopServer, cleanup, Participant, waitFor,
  randomId, freePort,
} from './lib.mjs';
import { startSmtp } from './smtp.mjs';

const SKIP_PG = PG ? false : 'needs PostgreSQL (make test-pg)';

let env, a, b;

const api = (base, path, opts = {}) => fetch(`${base}${path}`, {
  ...opts, headers: { authorization: `Bearer ${env.token}`, 'content-type': 'application/json', ...(opts.headers || {}) },
});
const day = (offset) => new Date(Date.now() + offset * 86400000).toISOString().slice(0, 10);
const text = async (base, path) => {
  const res = await fetch(`${base}${path}`);
  return { status: res.status, text: await res.text() };
};
const topicOf = async (p, id) => (await p.request(`/api/v1/processes/buurt/topics/${id}`)).json();
const post = (p, topic, body) => p.request(`/api/v1/processes/buurt/topics/${topic}/posts`, {
  method: 'POST', headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ id: randomId(), text: body }),
});

// a post's answer, once it is stored
const stored = async (res) => {
  const body = await res.text();
  assert.equal(res.status, 201, body);
  return JSON.parse(body);
};

// the process as a facilitator saves it; extra phases and topics added
const config = (phases = [], topics = []) => JSON.stringify({
  published: true, slug: 'buurt', description: 'Praat mee over de buurt.',
  phases: [{ name: 'Ophalen', start: day(-10), end: day(30) }, ...phases],
  topics: [{ id: 1, title: 'Groen in de wijk', body: 'Waar mist u bomen?', phase: 0 }, ...topics],
});

// A logged-in browser on one node: its cookie, and the forms' CSRF token.
async function login(base) {
  const res = await fetch(`${base}/login`, {
    method: 'POST', redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ name: 'anna', password: 'geheim-wachtwoord' }),
  });
  assert.equal(res.status, 303);
  const user = { base, cookie: res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ') };
  const page = await get(user, '/app/kaart/new');
  user.csrf = /name="csrf" value="([0-9a-f]{64})"/.exec(page.text)?.[1];
  assert.ok(user.csrf, 'the form has a CSRF token');
  return user;
}
async function get(user, p) {
  const res = await fetch(user.base + p, { headers: { cookie: user.cookie }, redirect: 'manual' });
  return { status: res.status, text: await res.text(), location: res.headers.get('location') };
}
async function form(user, p, fields) {
  const body = new URLSearchParams({ csrf: user.csrf });
  for (const [k, v] of Object.entries(fields)) for (const x of [].concat(v)) body.append(k, x);
  const res = await fetch(user.base + p, {
    method: 'POST', redirect: 'manual', body,
    headers: { cookie: user.cookie, 'content-type': 'application/x-www-form-urlencoded' },
  });
  return { status: res.status, text: await res.text(), location: res.headers.get('location') };
}

before(async () => {
  if (!PG) return;
  env = prepare('tests/e2e/decks/hall.md');
  a = await startServer(env);
  b = await startServer(env);
});
let smtp;
after(async () => {
  if (!PG) return;
  await stopServer(a);
  await stopServer(b);
  await smtp?.stop();
  cleanup(env);
});

test('a process published and changed on one node is shown by the other', { skip: SKIP_PG }, async () => {
  assert.equal((await text(b.base, '/p/buurt')).status, 404, 'nothing before publishing');
  let res = await api(a.base, '/api/v1/events/1/process', { method: 'PUT', body: config() });
  assert.equal(res.status, 200);
  const page = await waitFor(async () => {
    const r = await text(b.base, '/p/buurt');
    return r.status === 200 && r;
  }, 10000, 'the process on b');
  assert.match(page.text, /Praat mee over de buurt/);
  assert.match(page.text, /Groen in de wijk/);
  assert.match(page.text, /Ophalen/);
  // its online channel, which a started, is served by b too
  const code = (await (await fetch(`${a.base}/api/v1/processes/buurt`)).json()).code;
  assert.match(code, /^\d{6,8}$/);
  await waitFor(async () => (await (await fetch(`${b.base}/api/v1/processes/buurt`)).json()).code === code,
    10000, 'the online channel on b');
  // a new phase and a new topic in it
  res = await api(a.base, '/api/v1/events/1/process', {
    method: 'PUT',
    body: config([{ name: 'Kiezen', start: day(-1), end: day(40) }],
      [{ title: 'Verkeer bij de school', body: 'Waar is het onveilig?', phase: 1 }]),
  });
  assert.equal(res.status, 200);
  const changed = await waitFor(async () => {
    const r = await text(b.base, '/p/buurt');
    return /Verkeer bij de school/.test(r.text) && r;
  }, 10000, 'the new topic on b');
  assert.match(changed.text, /Kiezen/);
  const json = await (await fetch(`${b.base}/api/v1/processes/buurt`)).json();
  assert.deepEqual(json.phases.map((p) => p.name), ['Ophalen', 'Kiezen']);
  assert.deepEqual(json.topics.map((t) => t.title), ['Groen in de wijk', 'Verkeer bij de school']);
  // a browser's ETag of one node is not taken by the other, whose count
  // of changes is its own: never a 304 for what the other node drew
  const etag = async (node, inm) => {
    const r = await fetch(`${node.base}/p/buurt`, { headers: inm ? { 'if-none-match': inm } : {} });
    await r.arrayBuffer();
    return { status: r.status, etag: r.headers.get('etag') };
  };
  const fromA = (await etag(a)).etag, fromB = (await etag(b)).etag;
  assert.ok(fromA && fromB);
  assert.notEqual(fromA, fromB);
  assert.equal((await etag(b, fromA)).status, 200);
  assert.equal((await etag(b, fromB)).status, 304);
});

test('a contribution made on one node is listed on the other', { skip: SKIP_PG }, async (t) => {
  const resident = new Participant(a.base);
  const { id } = await stored(await post(resident, 1, 'Meer bomen aan de Kruisweg'));
  const stored_at = Date.now();
  const reader = new Participant(b.base);
  await waitFor(async () => (await topicOf(reader, 1)).posts?.some((x) => x.id === id),
    10000, 'the post on b');
  t.diagnostic(`listed on b ${Date.now() - stored_at} ms after a stored it`);
  assert.match((await text(b.base, '/p/buurt/topics/1')).text, /Meer bomen aan de Kruisweg/);
});

test('a support through one node and then through the other counts once', { skip: SKIP_PG }, async () => {
  const writer = new Participant(a.base);
  const { id } = await stored(await post(writer, 1, 'Een bankje bij de vijver'));
  const fan = new Participant(a.base);
  let res = await fan.request(`/api/v1/posts/${id}/support`, { method: 'POST' });
  assert.equal(res.status, 200);
  assert.equal((await res.json()).supports, 1);
  // the same person (the same cookie) through b: b knows the post and the
  // support, and the database keeps one support per participant anyway
  fan.base = b.base;
  const supports = async (node) => {
    const p = new Participant(node.base);
    return (await topicOf(p, 1)).posts?.find((x) => x.id === id)?.supports;
  };
  await waitFor(async () => (await supports(b)) === 1, 10000, 'the support on b');
  res = await fan.request(`/api/v1/posts/${id}/support`, { method: 'POST' });
  assert.equal(res.status, 200);
  assert.equal((await res.json()).supports, 1, 'once per person');
  const mine = (await topicOf(fan, 1)).posts.find((x) => x.id === id);
  assert.equal(mine.supported, true);
  // a second person through b makes two, on both nodes
  const other = new Participant(b.base);
  res = await other.request(`/api/v1/posts/${id}/support`, { method: 'POST' });
  assert.equal((await res.json()).supports, 2);
  await waitFor(async () => (await supports(a)) === 2, 10000, 'two supports on a');
  assert.equal(await supports(b), 2);
  // through b at once, whether or not b heard of a's support yet: b's
  // answer counts it once all the same, and so do both nodes after
  const { id: second } = await stored(await post(writer, 1, 'Een speeltuin'));
  const reader = new Participant(b.base);
  await waitFor(async () => (await topicOf(reader, 1)).posts.some((x) => x.id === second),
    10000, 'the second post on b');
  const quick = new Participant(a.base);
  res = await quick.request(`/api/v1/posts/${second}/support`, { method: 'POST' });
  assert.equal((await res.json()).supports, 1);
  quick.base = b.base;
  res = await quick.request(`/api/v1/posts/${second}/support`, { method: 'POST' });
  assert.deepEqual(await res.json(), { id: second, supports: 1, supported: true });
  for (const node of [a, b]) {
    const p = new Participant(node.base);
    await waitFor(async () => (await topicOf(p, 1)).posts.find((x) => x.id === second)?.supports === 1,
      10000, 'one support on each node');
  }
});

test('a moderator\'s hide on one node hides the post on the other', { skip: SKIP_PG }, async () => {
  const resident = new Participant(a.base);
  const { id } = await stored(await post(resident, 1, 'Dit moet weg'));
  const reader = new Participant(b.base);
  await waitFor(async () => (await topicOf(reader, 1)).posts.some((x) => x.id === id),
    10000, 'the post on b');
  const res = await api(a.base, `/api/v1/posts/${id}/hide`, { method: 'POST' });
  assert.equal(res.status, 200);
  await waitFor(async () => !(await topicOf(reader, 1)).posts.some((x) => x.id === id),
    10000, 'the post hidden on b');
  assert.doesNotMatch((await text(b.base, '/p/buurt/topics/1')).text, /Dit moet weg/);
});

test('a question topic on the other node shows what its meeting said', { skip: SKIP_PG }, async () => {
  const code = run(['import', 'tests/e2e/decks/phones.md', '--owner', 'anna', '--db', env.db]).match(/code (\d{6,8})/)[1];
  const slide = await gotoKind(a.base, code, env.token, 'choice');
  assert.equal((await new Participant(a.base, code).answer(slide.id, [1])).status, 201);
  const event = (await state(a.base, code)).event.id;
  assert.equal((await control(a.base, code, env.token, 'end')).status, 200);
  const res = await api(a.base, `/api/v1/events/${event}/process`, {
    method: 'PUT',
    body: JSON.stringify({ published: true, slug: 'vervoer', description: 'Hoe kwam u?',
      phases: [], topics: [{ id: 1, title: 'Hoe kwam je hier?', body: '', slide: slide.id }] }),
  });
  assert.equal(res.status, 200);
  assert.match((await text(a.base, '/p/vervoer/topics/1')).text, /Bus: 100% \(1\)/);
  const page = await waitFor(async () => {
    const r = await text(b.base, '/p/vervoer/topics/1');
    return /Bus: 100% \(1\)/.test(r.text) && r;
  }, 10000, 'the meeting\'s answers on b');
  assert.match(page.text, /Bijeenkomst van/);
});

test('a process whose event is deleted on one node is gone from the other', { skip: SKIP_PG }, async () => {
  const code = run(['import', 'tests/e2e/decks/all-types.md', '--owner', 'anna', '--db', env.db]).match(/code (\d{6,8})/)[1];
  const event = (await state(a.base, code)).event.id;
  let res = await api(a.base, `/api/v1/events/${event}/process`, {
    method: 'PUT',
    body: JSON.stringify({ published: true, slug: 'weg', description: 'Even.', phases: [], topics: [] }),
  });
  assert.equal(res.status, 200);
  await waitFor(async () => (await text(b.base, '/p/weg')).status === 200, 10000, 'the process on b');
  res = await api(a.base, `/api/v1/events/${event}`, { method: 'DELETE' });
  assert.equal(res.status, 204);
  assert.equal((await text(a.base, '/p/weg')).status, 404);
  await waitFor(async () => (await text(b.base, '/p/weg')).status === 404, 10000, 'the process gone on b');
});

test('a kaart entry published on one node is found on the other, and its edit', { skip: SKIP_PG }, async () => {
  const anna = await login(a.base);
  const fields = { name: 'Taalcafé De Brug', themes: ['Taal'], neighbourhood: 'Kruiskamp',
    description: 'Elke dinsdag Nederlands oefenen.', status: 'published' };
  const made = await form(anna, '/app/kaart/new', fields);
  assert.equal(made.status, 303, made.text);
  const id = Number(/\/app\/kaart\/(\d+)/.exec(made.location)[1]);
  const page = await waitFor(async () => {
    const r = await text(b.base, `/kaart/${id}`);
    return r.status === 200 && r;
  }, 10000, 'the entry on b');
  assert.match(page.text, /Taalcafé De Brug/);
  await waitFor(async () => /Taalcafé De Brug/.test((await text(b.base, '/kaart?q=taalcafe')).text),
    10000, 'the entry in b\'s list');
  const edited = await form(anna, `/app/kaart/${id}`, { ...fields, description: 'Nu ook op donderdag.' });
  assert.equal(edited.status, 303, edited.text);
  await waitFor(async () => /Nu ook op donderdag/.test((await text(b.base, `/kaart/${id}`)).text),
    10000, 'the edit on b');
  const entries = (await (await fetch(`${b.base}/api/v1/kaart/entries`)).json()).entries;
  assert.equal(entries.filter((e) => e.id === id).length, 1);
});

test('the kaart\'s themes changed on one node show on the other\'s form', { skip: SKIP_PG }, async () => {
  const onA = await login(a.base);
  const onB = await login(b.base);
  assert.doesNotMatch((await get(onB, '/app/kaart/new')).text, /Moestuinen/);
  const saved = await form(onA, '/app/kaart/themes', { themes: 'Taal\nMoestuinen', reconfirm_months: '3' });
  assert.equal(saved.status, 303, saved.text);
  await waitFor(async () => /value="Moestuinen"/.test((await get(onB, '/app/kaart/new')).text),
    10000, 'the new theme on b\'s form');
  const settings = (await get(onB, '/app/kaart/themes')).text;
  assert.match(settings, /name="reconfirm_months"[^>]*value="3"/);
});

test('an entry due for re-confirmation is asked once, though both nodes\' rounds run', { skip: SKIP_PG }, async () => {
  const anna = await login(a.base);
  const made = await form(anna, '/app/kaart/new', { name: 'Buurtmoestuin Oost', themes: ['Taal'],
    email: 'moestuin@oost.example', last_checked: '2025-01-15', status: 'published' });
  assert.equal(made.status, 303, made.text);
  // both nodes again, now sending mail, started together: each runs its
  // first round a few seconds after its start
  await Promise.all([stopServer(a), stopServer(b)]);
  smtp = await startSmtp();
  const start = async () => {
    const port = await freePort();
    return startServer(env, ['--smtp-url', smtp.url, '--mail-from', 'kaart@inspraak.test',
      '--public-url', `http://127.0.0.1:${port}`], port);
  };
  [a, b] = await Promise.all([start(), start()]);
  const mail = await smtp.waitFor((m) => m.to.includes('moestuin@oost.example'), 30000);
  assert.match(mail.subject, /Kloppen uw gegevens/);
  // both rounds have run by now (the first comes 3 s after a start)
  await new Promise((r) => setTimeout(r, 5000));
  assert.equal(smtp.messages().filter((m) => m.to.includes('moestuin@oost.example')).length, 1);
  const id = Number(/\/app\/kaart\/(\d+)/.exec(made.location)[1]);
  for (const node of [a, b]) {
    const onIt = await login(node.base);
    assert.match((await get(onIt, `/app/kaart/${id}`)).text, /reconfirm-asked/);
  }
});
