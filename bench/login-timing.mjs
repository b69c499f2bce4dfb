// Login timing: does the answer's time tell whether a user name exists?
// Logs in with a wrong password, alternately as an existing user and as a
// name that does not exist, TRIES times each, and prints the ratio of the
// median times (known / unknown). Issue 11 asks for 0.8 to 1.25; the
// script exits 1 outside that range.
//
//   node bench/login-timing.mjs [TRIES]
//
// INSPRAAK_BIN runs another build of the server (an older one, say).
//
// Failed logins use up a budget of five per account and per address, so
// every known try uses an account of its own and every try a loopback
// address of its own (127.0.0.2, 127.0.0.3, ...): the budget is never hit.
import http from 'node:http';
import { prepare, startServer, stopServer, cleanup, run } from '../tests/e2e/lib.mjs';

const TRIES = Math.min(Number(process.argv[2] || 40), 200);

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function login(port, name, localAddress) {
  const body = new URLSearchParams({ name, password: 'niet-het-wachtwoord', next: '/' }).toString();
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = http.request({
      host: '127.0.0.1', port, path: '/login', method: 'POST', localAddress, agent: false,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) },
    }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, ms: performance.now() - t0 }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const env = prepare();
console.log(`login-timing: adding ${TRIES} users (one Argon2id hash each) ...`);
for (let i = 0; i < TRIES; i++)
  run(['user', 'add', `bekend${i}`, '--db', env.db], 'een-goed-wachtwoord\n');
const srv = await startServer(env, [], 0, { bin: process.env.INSPRAAK_BIN });
try {
  let addr = 2;
  const next = () => `127.0.${Math.floor(addr / 250)}.${(addr++ % 250) + 2}`;
  // warm up: the decoy hash is made by the first unknown name
  await login(srv.port, 'opwarmen', next());
  await login(srv.port, 'anna', next());
  const known = [], unknown = [];
  for (let i = 0; i < TRIES; i++) {
    const k = await login(srv.port, `bekend${i}`, next());
    const u = await login(srv.port, `onbekend${i}`, next());
    if (k.status !== 401 || u.status !== 401) throw new Error(`status ${k.status} / ${u.status}`);
    known.push(k.ms);
    unknown.push(u.ms);
  }
  const ratio = median(known) / median(unknown);
  const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
  console.log(`known names:   median ${median(known).toFixed(1)} ms, mean ${mean(known).toFixed(1)} ms (${TRIES} tries)`);
  console.log(`unknown names: median ${median(unknown).toFixed(1)} ms, mean ${mean(unknown).toFixed(1)} ms (${TRIES} tries)`);
  console.log(`ratio known/unknown: ${ratio.toFixed(3)} (medians), ${(mean(known) / mean(unknown)).toFixed(3)} (means); wanted 0.8 to 1.25`);
  process.exitCode = ratio >= 0.8 && ratio <= 1.25 ? 0 : 1;
} finally {
  await stopServer(srv);
  cleanup(env);
}
