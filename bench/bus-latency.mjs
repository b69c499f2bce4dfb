// bench/bus-latency.mjs — the time from an answer's acknowledgement on one
// node to the presenter's count on another (issue 15), on loopback.
//
//   scripts/pg-tmp node bench/bus-latency.mjs [ANSWERS] [RATE]
//
// Two `inspraak serve` nodes on one PostgreSQL database (INSPRAAK_PG_URL, a
// throwaway cluster of scripts/pg-tmp). A presenter's results stream is
// held on node B; ANSWERS phones (default 1000) answer an open question on
// node A, one after the other at RATE a second (default 50). For answer k
// the latency is the moment B's stream first shows at least k answers minus
// the moment A acknowledged answer k. The path: A's commit, A's flush (at
// most 100 ms later), A's NOTIFY on the bus, B's reload off the loop, B's
// flush (at most 100 ms), the frame on B's stream. Prints p50, p90, p99 and
// the maximum. Every process it starts is stopped by its PID.
import { execFileSync } from 'node:child_process';

const N = Number(process.argv[2] || 1000);
const RATE = Number(process.argv[3] || 50);
const URL0 = process.env.INSPRAAK_PG_URL || process.env.INSPRAAK_TEST_PG;
if (!URL0) {
  console.error('bus-latency: run it as scripts/pg-tmp node bench/bus-latency.mjs');
  process.exit(2);
}
// lib.mjs reads it when loaded: set before the import
process.env.INSPRAAK_TEST_PG = URL0;
const {
  pgDatabase, run, startServer, stopServer, cleanup, gotoKind, Participant, openStream,
} = await import('../tests/e2e/lib.mjs');

const db = pgDatabase();
run(['user', 'add', 'anna', '--db', db], 'geheim-wachtwoord\n');
const code = run(['import', 'tests/e2e/decks/all-types.md', '--owner', 'anna', '--db', db]).match(/code (\d{6,8})/)[1];
const token = run(['token', 'anna', '--db', db]).trim();
const env = { db, dir: '/nonexistent' };
const a = await startServer(env);
const b = await startServer(env);
try {
  const slide = await gotoKind(a.base, code, token, 'open');
  // B knows the slide before the stream starts
  for (let i = 0; i < 100; i++) {
    const st = await (await fetch(`${b.base}/api/v1/sessions/${code}`)).json();
    if (st.slide.id === slide.id) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const pres = await openStream(`${b.base}/api/v1/sessions/${code}/results/stream`, { authorization: `Bearer ${token}` });
  const seen = []; // seen[k]: when B first showed >= k answers
  let shown = 0;
  pres.res.on('data', () => {
    const now = performance.now();
    for (const ev of pres.events.splice(0)) {
      if (ev.event !== 'results') continue;
      const r = JSON.parse(ev.data);
      if (r.id !== slide.id) continue;
      for (let k = shown + 1; k <= r.answers; k++) seen[k] = now;
      shown = Math.max(shown, r.answers);
    }
  });
  const acked = [];
  const gap = 1000 / RATE;
  const t0 = performance.now();
  for (let k = 1; k <= N; k++) {
    const due = t0 + (k - 1) * gap;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const res = await new Participant(a.base, code).answer(slide.id, `antwoord ${k}`);
    if (res.status !== 201) throw new Error(`answer ${k}: ${res.status}`);
    acked[k] = performance.now();
  }
  const end = performance.now() + 10000;
  while (shown < N && performance.now() < end) await new Promise((r) => setTimeout(r, 20));
  pres.close();
  if (shown < N) throw new Error(`B showed ${shown} of ${N}`);
  const lat = [];
  for (let k = 1; k <= N; k++) lat.push(seen[k] - acked[k]);
  lat.sort((x, y) => x - y);
  const q = (p) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))].toFixed(1);
  const ver = execFileSync('psql', [URL0, '-XAtc', 'SHOW server_version'], { encoding: 'utf8' }).trim();
  console.log(`bus latency, ack on node A -> presenter's count on node B (${N} answers at ${RATE}/s, PostgreSQL ${ver}):`);
  console.log(`  p50 ${q(0.5)} ms   p90 ${q(0.9)} ms   p99 ${q(0.99)} ms   max ${lat.at(-1).toFixed(1)} ms   min ${lat[0].toFixed(1)} ms`);
} finally {
  await stopServer(a);
  await stopServer(b);
  cleanup(env);
}
