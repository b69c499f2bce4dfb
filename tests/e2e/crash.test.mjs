// No answer lost: an answer storm while the server is killed with SIGKILL
// at random moments, several cycles. After each restart every answer that
// was acknowledged is stored exactly once, the phones' retries (same ids)
// are never counted twice, and the tallies equal a recount from the store.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  prepare, startServer, stopServer, cleanup, Participant, gotoKind, results, sql as sqlOn,
} from './lib.mjs';

const CYCLES = 4;
const PHONES = 150;
let env, srv;

before(async () => {
  env = prepare();
  srv = await startServer(env);
});
after(async () => {
  await stopServer(srv);
  cleanup(env);
});

function sql(query) {
  return sqlOn(env, query);
}

test(`${CYCLES} cycles of SIGKILL during an answer storm lose nothing and count nothing twice`, async () => {
  const slide = await gotoKind(srv.base, env.code, env.token, 'open');
  const sent = [];      // every answer a phone tried: { phone, id, text }
  const acked = new Map(); // client id -> server id, from 201/200
  let cycle = 0;
  for (; cycle < CYCLES; cycle++) {
    const phones = Array.from({ length: PHONES }, () => new Participant(srv.base, env.code));
    const storm = phones.map(async (p, i) => {
      const text = `cyclus ${cycle} telefoon ${i}`;
      const id = `c${cycle}-p${i}-${Math.random().toString(36).slice(2, 10)}`;
      sent.push({ phone: p, id, text });
      await new Promise((r) => setTimeout(r, Math.random() * 150));
      try {
        const r = await p.answer(slide.id, text, id);
        if (r.status === 201 || r.status === 200) acked.set(id, r.body.id);
      } catch { /* the server died under this request: the phone retries later */ }
    });
    await new Promise((r) => setTimeout(r, 20 + Math.random() * 120));
    await stopServer(srv, 'SIGKILL');
    await Promise.all(storm);
    srv = await startServer(env, [], srv.port);
    // After the restart every acknowledged answer is there, once. (One
    // query for all of them: a client per answer costs a connection each,
    // which a PostgreSQL server makes slowly.)
    const ids = [...acked.keys()].map((id) => `'${id}'`).join(',') || "''";
    const found = new Map(sql(`SELECT client_id, count(*), min(id) FROM answers
      WHERE client_id IN (${ids}) GROUP BY client_id`).split('\n').filter(Boolean)
      .map((line) => { const [c, n, id] = line.split('|'); return [c, { n, id }]; }));
    for (const [clientId, serverId] of acked) {
      assert.equal(found.get(clientId)?.n, '1', clientId);
      assert.equal(found.get(clientId)?.id, String(serverId), clientId);
    }
  }
  // The phones resume: every answer not yet acknowledged is sent again with
  // its own id; those that were stored before the crash come back as 200.
  let duplicates = 0;
  for (const s of sent) {
    s.phone.base = srv.base;
    const r = await s.phone.answer(slide.id, s.text, s.id);
    assert.ok(r.status === 201 || r.status === 200, `status ${r.status}`);
    if (r.status === 200) duplicates++;
    if (acked.has(s.id)) {
      assert.equal(r.status, 200);
      assert.equal(r.body.id, acked.get(s.id));
    }
  }
  const stored = Number(sql(`SELECT count(*) FROM answers WHERE slide_id=${slide.id}`));
  assert.equal(stored, sent.length, 'every answer stored exactly once');
  assert.equal(Number(sql(`SELECT count(DISTINCT client_id) FROM answers WHERE slide_id=${slide.id}`)), sent.length);
  // The tally after one more restart equals a recount from the store.
  await stopServer(srv, 'SIGKILL');
  srv = await startServer(env, [], srv.port);
  const tally = (await results(srv.base, env.code, env.token)).slides.find((x) => x.id === slide.id);
  assert.equal(tally.answers, stored);
  assert.equal(tally.respondents, Number(sql(`SELECT count(DISTINCT participant) FROM answers WHERE slide_id=${slide.id}`)));
  console.log(`crash cycles: ${cycle}, answers sent: ${sent.length}, acknowledged before a crash: ${acked.size}, found again on retry: ${duplicates}`);
});
