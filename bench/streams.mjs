// Memory of held participant streams: starts inspraak on loopback with a
// fresh database, opens N participant streams (default 1000), and reports
// the server's resident memory before and after, and per stream. Then
// moves the slide once and reports how long until every stream had it.
//
//   node bench/streams.mjs [N]
//
// Bounded: at most 20000 streams, all on 127.0.0.1, stops by itself.
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { prepare, startServer, stopServer, cleanup, control } from '../tests/e2e/lib.mjs';

const N = Math.min(Number(process.argv[2] || 1000), 20000);

function rssKiB(pid) {
  const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/);
  return Number(m[1]);
}

const env = prepare();
const srv = await startServer(env);
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
await new Promise((r) => setTimeout(r, 300));
const idle = rssKiB(srv.proc.pid);

const streams = [];
let revisionSeen = new Array(N).fill(0);
let target = 0, reached = 0, tStart = 0, tLast = 0, resolveAll;
for (let i = 0; i < N; i++) {
  await new Promise((resolve, reject) => {
    const req = http.get(`${srv.base}/api/v1/sessions/${env.code}/stream`, { agent }, (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        const m = chunk.match(/id: (\d+)/g);
        if (!m) return;
        const rev = Number(m[m.length - 1].slice(4));
        if (rev > revisionSeen[i]) {
          revisionSeen[i] = rev;
          if (target && rev >= target && ++reached === N) { tLast = performance.now(); resolveAll(); }
        }
      });
      resolve();
    });
    req.on('error', reject);
    streams.push(req);
  });
}
await new Promise((r) => setTimeout(r, 500));
const held = rssKiB(srv.proc.pid);

const all = new Promise((r) => { resolveAll = r; });
tStart = performance.now();
const res = await control(srv.base, env.code, env.token, 'next');
target = res.body.revision;
reached = revisionSeen.filter((r) => r >= target).length;
if (reached === N) tLast = performance.now(); else await all;

console.log(`streams: ${N}`);
console.log(`server RSS idle: ${idle} KiB, with streams: ${held} KiB`);
console.log(`RSS per stream: ${((held - idle) * 1024 / N).toFixed(0)} bytes`);
console.log(`slide change reached all ${N} streams in ${(tLast - tStart).toFixed(1)} ms`);
for (const r of streams) r.destroy();
await stopServer(srv);
cleanup(env);
process.exit(0);
