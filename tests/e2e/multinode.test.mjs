// Issue 15: several nodes on one database. Three `inspraak serve` processes
// share one PostgreSQL database of the throwaway cluster (make test-pg) and
// sit behind a real nginx; any node serves any request. A phone, the
// presenter and a moderator on different nodes see the same slide and the
// same results; a hide on one node removes the answer everywhere. A node
// killed with SIGKILL during an answer storm loses nothing acknowledged;
// PostgreSQL restarted during a session makes nodes answer 503 and they
// recover by themselves. And on SQLite: a session imported while a server
// serves the same file is served at once (no restart).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  PG, prepare, run, sql, startServer, stopServer, cleanup, control, state, results, gotoKind,
  Participant, openStream, waitEvent, randomId, launchBrowser, waitFor, startNginx, stopNginx,
} from './lib.mjs';

const SKIP_PG = PG ? false : 'needs PostgreSQL (make test-pg)';

// ---- SQLite: a session made by another process ----

test('a session imported while the server serves its SQLite file is served at once', { skip: !!PG }, async () => {
  const env = prepare();
  const srv = await startServer(env);
  try {
    assert.equal((await state(srv.base, env.code)).code, env.code);
    // an unknown code: 404, and remembered as unknown for a moment
    assert.equal((await fetch(`${srv.base}/api/v1/sessions/99999999`)).status, 404);
    const out = run(['import', 'tests/e2e/decks/all-types.md', '--owner', 'anna', '--db', env.db]);
    const code = out.match(/code (\d{6,8})/)[1];
    // typed into the front page's form first
    const join = await fetch(`${srv.base}/join?code=${code}`, { redirect: 'manual' });
    assert.equal(join.status, 303);
    const st = await state(srv.base, code);
    assert.equal(st.code, code);
    assert.equal(st.status, 'live');
    // it takes answers and its stream works, as any session loaded at start
    const slide = await gotoKind(srv.base, code, env.token, 'open');
    const p = new Participant(srv.base, code);
    assert.equal((await p.answer(slide.id, 'vanaf de opdrachtregel')).status, 201);
    const r = await results(srv.base, code, env.token);
    assert.equal(r.slides.find((s) => s.id === slide.id).answers, 1);
    // the page too
    assert.equal((await fetch(`${srv.base}/${code}`)).status, 200);
  } finally {
    await stopServer(srv);
    cleanup(env);
  }
});

// ---- three nodes on PostgreSQL behind nginx ----

let env, nodes = [], ngx;

async function startNodes() {
  nodes = [];
  for (let i = 0; i < 3; i++) nodes.push(await startServer(env, ['--metrics-local']));
  ngx = await startNginx(nodes.map((n) => n.port));
}

before(async () => {
  if (!PG) return;
  env = prepare();
  await startNodes();
});
after(async () => {
  if (!PG) return;
  await stopNginx(ngx);
  for (const n of nodes) await stopServer(n);
  cleanup(env);
});

const slideOf = (r, id) => r.slides.find((s) => s.id === id);

async function hide(base, id, verb = 'hide') {
  return fetch(`${base}/api/v1/answers/${id}/${verb}`, {
    method: 'POST', headers: { authorization: `Bearer ${env.token}` },
  });
}

test('any node serves any request: the same slide, the same results, a hide everywhere', { skip: SKIP_PG }, async () => {
  const [a, b, c] = nodes;
  const slide = await gotoKind(a.base, env.code, env.token, 'open');
  for (const n of nodes) {
    await waitFor(async () => (await state(n.base, env.code)).slide.id === slide.id, 5000, 'the slide on every node');
  }
  // a presenter's stream on b, a moderator's on c
  const pres = await openStream(`${b.base}/api/v1/sessions/${env.code}/results/stream`, { authorization: `Bearer ${env.token}` });
  const mod = await openStream(`${c.base}/api/v1/sessions/${env.code}/results/stream?hidden=1`, { authorization: `Bearer ${env.token}` });
  try {
    // one phone whose requests go round the nodes through nginx
    const phone = new Participant(ngx.base, env.code);
    const first = await phone.answer(slide.id, 'een bankje bij de bushalte');
    assert.equal(first.status, 201);
    const second = await phone.answer(slide.id, 'meer groen op het plein');
    assert.equal(second.status, 201);
    // a retry on another node: the same answer, not a second one
    const again = await new Participant(a.base, env.code).answer(slide.id, 'meer groen op het plein', second.id);
    assert.equal(again.status, 200);
    assert.equal(again.body.id, second.body.id);

    const texts = (ev) => JSON.parse(ev.data).items?.map((i) => i.text) || [];
    await waitEvent(pres, (ev) => ev.event === 'results' && texts(ev).length === 2, 5000);
    await waitEvent(mod, (ev) => ev.event === 'results' && texts(ev).length === 2, 5000);
    for (const n of nodes) {
      await waitFor(async () => slideOf(await results(n.base, env.code, env.token), slide.id).answers === 2, 5000, `two answers on ${n.base}`);
    }

    // the moderator on c hides the first; gone on every node
    assert.equal((await hide(c.base, first.body.id)).status, 200);
    const shown = (ev) => ev.event === 'results' && texts(ev).length === 1 && !texts(ev).includes('een bankje bij de bushalte');
    await waitEvent(pres, shown, 5000);
    for (const n of nodes) {
      await waitFor(async () => {
        const s = slideOf(await results(n.base, env.code, env.token), slide.id);
        return s.answers === 1 && s.hidden === 1;
      }, 5000, `the hide on ${n.base}`);
    }
    // shown again on a: back on b's presenter stream
    const from = pres.events.length;
    assert.equal((await hide(a.base, first.body.id, 'show')).status, 200);
    await waitFor(() => pres.events.slice(from).some((ev) => ev.event === 'results' && texts(ev).length === 2), 5000, 'the answer shown again');
  } finally {
    pres.close();
    mod.close();
  }
});

test('a session made on one node is served by the others at once', { skip: SKIP_PG }, async () => {
  const out = run(['import', 'tests/e2e/decks/all-types.md', '--owner', 'anna', '--db', env.db]);
  const code = out.match(/code (\d{6,8})/)[1];
  for (const n of nodes) assert.equal((await state(n.base, code)).code, code);
  assert.equal((await fetch(`${ngx.base}/${code}`)).status, 200);
  // typed into the front page's form, on a node that has not seen it yet
  const fresh = run(['import', 'tests/e2e/decks/all-types.md', '--owner', 'anna', '--db', env.db]).match(/code (\d{6,8})/)[1];
  const join = await fetch(`${nodes[2].base}/join?code=${fresh.slice(0, 3)}+${fresh.slice(3)}`, { redirect: 'manual' });
  assert.equal(join.status, 303);
  assert.equal(join.headers.get('location'), `/${fresh}`);
  // a login token made by another process works on every node
  const token = run(['token', 'anna', '--db', env.db]).trim();
  for (const n of nodes) {
    const r = await fetch(`${n.base}/api/v1/sessions/${code}/results`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(r.status, 200);
  }
});

test('a login made on one node works on the others; its logout ends it everywhere within seconds', { skip: SKIP_PG }, async () => {
  const [a, b, c] = nodes;
  const res = await fetch(`${a.base}/login`, {
    method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ name: 'anna', password: 'geheim-wachtwoord', next: '/app' }) });
  assert.equal(res.status, 303);
  const cookie = res.headers.get('set-cookie').split(';')[0];
  const me = (n) => fetch(`${n.base}/api/v1/me`, { headers: { cookie } });
  for (const n of nodes) assert.equal((await me(n)).status, 200);
  // made up: refused everywhere, also when asked again (kept as unknown)
  for (let i = 0; i < 2; i++) {
    const r = await fetch(`${b.base}/api/v1/me`, { headers: { authorization: `Bearer ${'0'.repeat(64)}` } });
    assert.equal(r.status, 401);
  }
  const csrf = (await (await me(c)).json()).csrf;
  assert.equal((await fetch(`${c.base}/logout`, { method: 'POST', redirect: 'manual', headers: { cookie, 'x-csrf-token': csrf } })).status, 303);
  assert.equal((await me(c)).status, 401, 'at once where it logged out');
  for (const n of [a, b]) await waitFor(async () => (await me(n)).status === 401, 10000, `the logout on ${n.base}`);
});

test('in Chromium: the phone, the presenter and the moderator on three nodes', { skip: SKIP_PG }, async () => {
  const [a, b, c] = nodes;
  const slide = await gotoKind(b.base, env.code, env.token, 'open');
  const browser = await launchBrowser();
  try {
    const login = async (base, next) => {
      const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
      await page.goto(`${base}/login?next=${next}`);
      await page.fill('#name', 'anna');
      await page.fill('#password', 'geheim-wachtwoord');
      await page.click('button[type=submit]');
      await page.waitForURL(`${base}${next}`);
      return page;
    };
    const pres = await login(b.base, `/present/${env.code}`);
    const mod = await login(c.base, `/app/moderate/${env.code}`);
    const phone = await (await browser.newContext({ viewport: { width: 320, height: 640 }, isMobile: true })).newPage();
    await phone.goto(`${a.base}/${env.code}`);
    await phone.waitForSelector('textarea, input[type=text]');
    // the presenter on b moves on and back: the phone on a follows
    const next = (await control(b.base, env.code, env.token, 'next')).body;
    await phone.waitForFunction((t) => document.body.innerText.includes(t), next.slide.title, { timeout: 10000 });
    await control(b.base, env.code, env.token, 'prev');
    await phone.waitForFunction((t) => document.body.innerText.includes(t), slide.title, { timeout: 10000 });

    const text = `fietsstraat ${randomId().slice(0, 6)}`;
    await phone.fill('textarea, input[type=text]', text);
    await phone.click('form button[type=submit]');
    await pres.waitForFunction((t) => document.body.innerText.includes(t), text, { timeout: 10000 });
    const item = mod.locator('li.mod-item', { hasText: text });
    await item.waitFor({ timeout: 10000 });
    await item.locator('.mod-row button').first().click();
    await pres.waitForFunction((t) => !document.body.innerText.includes(t), text, { timeout: 10000 });
    await item.locator('.hidden-tag:not([hidden])').waitFor({ timeout: 10000 });
    const id = Number(await item.getAttribute('data-id'));
    for (const n of nodes) {
      await waitFor(async () => !slideOf(await results(n.base, env.code, env.token), slide.id).items.some((i) => i.id === id),
        5000, `the hidden answer gone on ${n.base}`);
    }
  } finally {
    await browser.close();
  }
});

test('one vote per phone holds across nodes: the database decides between two at once', { skip: SKIP_PG }, async () => {
  const [a, b] = nodes;
  const code = run(['import', 'tests/e2e/decks/all-types.md', '--owner', 'anna', '--db', env.db]).match(/code (\d{6,8})/)[1];
  const slide = await gotoKind(a.base, code, env.token, 'choice');
  await waitFor(async () => (await state(b.base, code)).slide.id === slide.id, 5000, 'the slide on b');
  const PHONES = 20;
  const outcomes = await Promise.all(Array.from({ length: PHONES }, async () => {
    // the phone's cookie first, so both votes are the same participant's
    const p = new Participant(a.base, code);
    await p.request(`/${code}`);
    const q = new Participant(b.base, code);
    q.cookie = p.cookie;
    const [x, y] = await Promise.all([p.answer(slide.id, [0]), q.answer(slide.id, [1])]);
    return [x.status, y.status].sort();
  }));
  for (const o of outcomes) assert.deepEqual(o, [201, 409]);
  const n = sql({ db: env.db }, `SELECT count(*) FROM answers a JOIN sessions s ON s.id = a.session_id WHERE s.code = '${code}'`);
  assert.equal(Number(n), PHONES);
  for (const node of [a, b]) {
    await waitFor(async () => slideOf(await results(node.base, code, env.token), slide.id).answers === PHONES, 5000, `${PHONES} votes on ${node.base}`);
  }
});

// Phones that answer until acknowledged, as participant.js does: the same
// client id again after a failure (a node gone, nginx's 502, a 503).
async function answerUntilStored(base, code, slide, value, id, ms = 30000) {
  const p = new Participant(base, code);
  const end = Date.now() + ms;
  for (;;) {
    try {
      const r = await p.answer(slide, value, id);
      if (r.status === 201 || r.status === 200) return r.body.id;
      if (r.status !== 502 && r.status !== 503 && r.status !== 504) throw new Error(`answer: ${r.status} ${JSON.stringify(r.body)}`);
    } catch (e) {
      if (String(e.message).startsWith('answer:')) throw e;
    }
    if (Date.now() > end) throw new Error(`answer ${id} never acknowledged`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('kill -9 a node during an answer storm: nothing acknowledged is lost, retries stored once', { skip: SKIP_PG }, async () => {
  const code = run(['import', 'tests/e2e/decks/all-types.md', '--owner', 'anna', '--db', env.db]).match(/code (\d{6,8})/)[1];
  const slide = await gotoKind(ngx.base, code, env.token, 'open');
  const PHONES = 300;
  // every phone holds a stream through nginx
  const streams = [];
  for (let i = 0; i < PHONES; i++) streams.push(await openStream(`${ngx.base}/api/v1/sessions/${code}/stream`));
  try {
    await waitFor(() => streams.every((s) => s.events.some((e) => e.event === 'state')), 10000, 'every stream\'s state');
    const revision = String(JSON.parse(streams[0].events.find((e) => e.event === 'state').data).revision);

    const victim = nodes[1];
    const acked = new Map();
    const storm = [];
    for (let i = 0; i < PHONES; i++) {
      const id = randomId();
      storm.push((async () => {
        await new Promise((r) => setTimeout(r, Math.random() * 1500));
        acked.set(id, await answerUntilStored(ngx.base, code, slide.id, `antwoord ${i}`, id));
      })());
    }
    await new Promise((r) => setTimeout(r, 500));
    victim.proc.kill('SIGKILL');
    await new Promise((r) => victim.proc.once('exit', r));
    await Promise.all(storm);
    assert.equal(acked.size, PHONES);

    // Every acknowledged answer is stored, each once.
    const rows = sql({ db: env.db }, `SELECT a.id, a.client_id FROM answers a JOIN sessions s ON s.id = a.session_id WHERE s.code = '${code}'`)
      .split('\n').filter(Boolean).map((l) => l.split('|'));
    assert.equal(rows.length, PHONES, 'one row per phone');
    const byClient = new Map(rows.map(([id, cid]) => [cid, Number(id)]));
    for (const [cid, id] of acked) assert.equal(byClient.get(cid), id, `answer ${cid}`);
    // a retry of an acknowledged answer on a surviving node: the same id
    const [cid, id] = acked.entries().next().value;
    assert.equal((await new Participant(nodes[2].base, code).answer(slide.id, 'antwoord', cid)).body.id, id);

    // The surviving nodes count them all.
    for (const n of [nodes[0], nodes[2]]) {
      await waitFor(async () => slideOf(await results(n.base, code, env.token), slide.id).answers === PHONES, 10000, `${PHONES} on ${n.base}`);
    }

    // The streams of the node that died reconnect through nginx with their
    // Last-Event-ID and get the next state from a node that lives.
    const dead = streams.filter((s) => s.res.complete || s.res.destroyed);
    assert.ok(dead.length > 0, 'some streams were on the killed node');
    const again = [];
    for (const s of dead) again.push(await openStream(`${ngx.base}/api/v1/sessions/${code}/stream`, { 'Last-Event-ID': revision }));
    try {
      for (const s of again) assert.equal(s.status, 200);
      // the state did not change: a resumed stream is not sent it again
      await new Promise((r) => setTimeout(r, 300));
      assert.ok(again.every((s) => !s.events.some((e) => e.event === 'state')), 'no state replayed on resume');
      const next = (await control(nodes[0].base, code, env.token, 'next')).body;
      await waitFor(() => again.every((s) => s.events.some((e) => e.event === 'state' && JSON.parse(e.data).slide.id === next.slide.id)),
        10000, 'the next slide on every resumed stream');
    } finally {
      for (const s of again) s.close();
    }
  } finally {
    for (const s of streams) s.close();
    // the killed node comes back for the tests after this one
    nodes[1] = await startServer(env, ['--metrics-local'], nodes[1].port);
  }
});

// The cluster of make test-pg (scripts/pg-tmp): its folder is the URL's
// host, its data under data/; as root it runs as the postgres user.
function pgCtl(...args) {
  const host = new URL(PG).searchParams.get('host');
  const bindir = readdirSync('/usr/lib/postgresql').sort().map((v) => `/usr/lib/postgresql/${v}/bin`).at(-1);
  const cmd = [`${bindir}/pg_ctl`, '-D', `${host}/data`, ...args];
  const as = process.getuid() === 0 ? ['runuser', '-u', 'postgres', '--'] : [];
  return execFileSync(as[0] || cmd[0], [...as.slice(1), ...(as.length ? cmd : cmd.slice(1))], { encoding: 'utf8' });
}

test('PostgreSQL restarted during a session: 503 meanwhile, then the nodes recover by themselves', { skip: SKIP_PG }, async () => {
  const [a, b] = nodes;
  const slide = await gotoKind(a.base, env.code, env.token, 'choice');
  await waitFor(async () => (await state(b.base, env.code)).slide.id === slide.id, 5000, 'the slide on b');
  const host = new URL(PG).searchParams.get('host');
  // the options the cluster was started with (socket folder, port...)
  const opts = readFileSync(`${host}/data/postmaster.opts`, 'utf8').trim().split(/ (?=")/).slice(1)
    .map((s) => s.replace(/^"|"$/g, '')).filter((s, i, all) => s !== '-D' && all[i - 1] !== '-D');
  pgCtl('stop', '-m', 'fast', '-w');
  try {
    const p = new Participant(a.base, env.code);
    const r = await p.answer(slide.id, [0]);
    assert.equal(r.status, 503);
    assert.equal(r.body.code, 'unavailable');
    assert.ok(r.body.error.length > 10, `a message: ${JSON.stringify(r.body)}`);
    // the state is still served from memory
    assert.equal((await state(b.base, env.code)).slide.id, slide.id);
  } finally {
    pgCtl('start', '-w', '-l', `${host}/server.log`, '-o', opts.map((o) => (/\s/.test(o) ? `'${o}'` : o)).join(' '));
  }
  // the nodes recover without a restart: answers are stored again
  const p = new Participant(nodes[0].base, env.code);
  const id = randomId();
  await waitFor(async () => [200, 201].includes((await p.answer(slide.id, [1], id)).status), 20000, 'an answer stored after the restart');
  // the bus reconnected: a change on a reaches b, and b's answers reach a
  await waitFor(async () => {
    await control(a.base, env.code, env.token, 'close');
    return !(await state(b.base, env.code)).open;
  }, 20000, 'the bus again');
  await control(a.base, env.code, env.token, 'open');
  await waitFor(async () => (await state(b.base, env.code)).open, 5000, 'voting open on b');
  // the bus says so in /metrics: up again, after a second connection
  const metric = async (n, name) => Number((await (await fetch(`${n.base}/metrics`)).text())
    .split('\n').find((l) => l.startsWith(name))?.split(' ')[1]);
  assert.equal(await metric(b, 'inspraak_bus_up'), 1);
  assert.ok(await metric(b, 'inspraak_bus_reloads_total{why="connect"}') >= 2);
  assert.ok(await metric(b, 'inspraak_bus_messages_total{dir="heard"}') > 0);
  const q = new Participant(b.base, env.code);
  const r = await q.answer(slide.id, [2]);
  assert.equal(r.status, 201, `${JSON.stringify(r.body)}: ${b.output().slice(-1500)}`);
  await waitFor(async () => slideOf(await results(a.base, env.code, env.token), slide.id).answers >= 2, 5000, 'b\'s answer on a');
});
