// Answer latency with and without hostile connections: 1,000 connections
// that send a request one byte every two seconds (and idle ones that send
// nothing), while 300 participants answer one after another. Prints p50,
// p99 and max of the answer round trip for both runs, side by side.
//
//   node bench/slow-clients.mjs [ATTACKERS]
//
// Loopback only, bounded: stops by itself after both runs.
import net from 'node:net';
import { prepare, startServer, stopServer, cleanup, Participant, gotoKind } from '../tests/e2e/lib.mjs';

const ATTACKERS = Math.min(Number(process.argv[2] || 1000), 5000);
const ANSWERS = 300;

function pct(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

async function measure(srv, env, slide) {
  const times = [];
  for (let i = 0; i < ANSWERS; i++) {
    const p = new Participant(srv.base, env.code);
    const t0 = performance.now();
    const r = await p.answer(slide.id, i % 3);
    times.push(performance.now() - t0);
    if (r.status !== 201) throw new Error(`answer ${i}: ${r.status}`);
  }
  return times;
}

function attack(port, n) {
  const socks = [];
  const request = 'POST /api/v1/sessions/000000/answers HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n';
  for (let i = 0; i < n; i++) {
    const s = net.connect(port, '127.0.0.1');
    s.on('error', () => {});
    if (i % 2 === 0) {
      let k = 0;
      s.timer = setInterval(() => { if (k < request.length) s.write(request[k++]); }, 2000);
    }
    socks.push(s);
  }
  return () => socks.forEach((s) => { clearInterval(s.timer); s.destroy(); });
}

const env = prepare();
const srv = await startServer(env);
const slide = await gotoKind(srv.base, env.code, env.token, 'choice');
await measure(srv, env, slide); // warm up
const quiet = await measure(srv, env, slide);
const stop = attack(srv.port, ATTACKERS);
await new Promise((r) => setTimeout(r, 1500));
const hostile = await measure(srv, env, slide);
stop();
console.log(`answers: ${ANSWERS} sequential, attackers: ${ATTACKERS} (half sending a byte every 2 s, half idle)`);
console.log('                p50 ms   p99 ms   max ms');
for (const [name, xs] of [['without', quiet], ['with', hostile]]) {
  console.log(`${name.padEnd(14)}${pct(xs, 50).toFixed(2).padStart(8)}${pct(xs, 99).toFixed(2).padStart(9)}${Math.max(...xs).toFixed(2).padStart(9)}`);
}
console.log(`ratio p50: ${(pct(hostile, 50) / pct(quiet, 50)).toFixed(2)}`);
await stopServer(srv);
cleanup(env);
process.exit(0);
