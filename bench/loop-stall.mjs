// Loop stall: does password work slow down everything else? Measures the
// latency of a static file (GET /static/participant.js) one request after
// another, first on a quiet server, then while twenty wrong passwords are
// always in flight (POST /api/v1/me/password with a wrong "current"), and
// prints the ratio of the medians. Issue 11 asks for at most 1.5; the
// script exits 1 above it.
//
//   node bench/loop-stall.mjs [REQUESTS]
//
// INSPRAAK_BIN runs another build of the server (an older one, say).
import http from 'node:http';
import { prepare, startServer, stopServer, cleanup } from '../tests/e2e/lib.mjs';

const REQUESTS = Math.min(Number(process.argv[2] || 300), 5000);
const IN_FLIGHT = 20;
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
function pct(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

function get(port) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    http.get({ host: '127.0.0.1', port, path: '/static/participant.js', agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(performance.now() - t0));
    }).on('error', reject);
  });
}

function wrongPassword(port, token) {
  const body = JSON.stringify({ current: 'niet-het-wachtwoord', new: 'nieuw-wachtwoord-1' });
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1', port, path: '/api/v1/me/password', method: 'POST', agent: false,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode)); });
    req.on('error', reject);
    req.end(body);
  });
}

// One request after another, 5 ms apart, so the samples spread over the
// time the password checks run rather than over a few milliseconds.
async function measure(port) {
  const times = [];
  for (let i = 0; i < REQUESTS; i++) {
    times.push(await get(port));
    await new Promise((r) => setTimeout(r, 5));
  }
  return times;
}

const env = prepare();
const srv = await startServer(env, [], 0, { bin: process.env.INSPRAAK_BIN });
try {
  await measure(srv.port); // warm up
  const quiet = await measure(srv.port);
  let running = true, checks = 0;
  const worker = async () => {
    while (running) {
      const status = await wrongPassword(srv.port, env.token);
      if (status !== 403) throw new Error(`password change: ${status}`);
      checks++;
    }
  };
  const workers = Array.from({ length: IN_FLIGHT }, worker);
  await new Promise((r) => setTimeout(r, 200));
  const busy = await measure(srv.port);
  running = false;
  await Promise.all(workers);
  const ratio = median(busy) / median(quiet);
  const f = (xs) => `median ${median(xs).toFixed(2)} ms, p99 ${pct(xs, 99).toFixed(2)} ms, max ${Math.max(...xs).toFixed(1)} ms`;
  console.log(`static file, quiet:                     ${f(quiet)} (${REQUESTS} requests)`);
  console.log(`static file, ${IN_FLIGHT} wrong passwords in flight: ${f(busy)} (${checks} password checks meanwhile)`);
  console.log(`ratio busy/quiet: ${ratio.toFixed(3)} (medians); wanted at most 1.5`);
  process.exitCode = ratio <= 1.5 ? 0 : 1;
} finally {
  await stopServer(srv);
  cleanup(env);
}
