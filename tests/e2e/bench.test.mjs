// The load generator of bench/run, at a small N, to prove it works: every
// held stream receives every slide change, and a small answer storm is
// acknowledged in full. No timing is asserted; bench/run measures that.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { ROOT, prepare, startServer, stopServer, cleanup, control, Participant } from './lib.mjs';

const LOADGEN = path.join(ROOT, 'build/bench/loadgen');

function loadgen(args) {
  const out = execFileSync(LOADGEN, args, { encoding: 'utf8', timeout: 120000 });
  return Object.fromEntries(out.trim().split('\n').map((l) => l.split(' ')).map(([k, v]) => [k, Number(v)]));
}

test('bench: the load generator holds 200 streams and sees every change', async () => {
  execFileSync('make', ['-s', 'bench'], { cwd: ROOT, stdio: 'inherit' });
  const env = prepare('bench/deck.md');
  const srv = await startServer(env);
  try {
    const N = 200, changes = 6;
    const fan = loadgen(['fanout', '--port', String(srv.port), '--code', env.code, '--token', env.token,
      '--n', String(N), '--changes', String(changes), '--idle', '0', '--addrs', '4',
      '--pid', String(srv.proc.pid)]);
    assert.equal(fan.connected, N);
    assert.equal(fan.publish_errors, 0);
    assert.equal(fan.delivered, N * changes);
    assert.equal(fan.lost, 0);
    assert.ok(fan.rss_held_kib > 0);

    const res = await control(srv.base, env.code, env.token, 'next');
    assert.equal(res.body.slide.kind, 'choice');
    const storm = loadgen(['storm', '--port', String(srv.port), '--code', env.code, '--token', env.token,
      '--n', '100', '--window', '0.5', '--pid', String(srv.proc.pid)]);
    assert.equal(storm.ok, 100);
    assert.equal(storm.errors, 0);
    assert.equal(storm.count_after, storm.count_before + 100);

    const ingest = loadgen(['ingest', '--port', String(srv.port), '--code', env.code,
      '--conns', '4', '--secs', '0.5']);
    assert.ok(ingest.ok > 0);
    assert.equal(ingest.errors, 0);

    // memory next to a live screen: Q&A slide, presenter and moderator streams
    const qa = await control(srv.base, env.code, env.token, 'next');
    assert.equal(qa.body.slide.kind, 'qa');
    for (let i = 0; i < 3; i++) {
      const a = await new Participant(srv.base, env.code).answer(qa.body.slide.id, `Vraag ${i}?`);
      assert.equal(a.status, 201);
    }
    const mem = loadgen(['fanout', '--port', String(srv.port), '--code', env.code, '--token', env.token,
      '--n', '50', '--changes', '0', '--idle', '0', '--presenter', '2', '--pid', String(srv.proc.pid)]);
    assert.equal(mem.presenter_streams, 2);
    assert.equal(mem.connected, 50);
    assert.ok(mem.rss_held_kib > 0);
  } finally {
    await stopServer(srv);
    cleanup(env);
  }
});

// --ports spreads connections over nodes (bench/multinode); here the same
// node twice, so that it runs without a second process: every stream still
// sees every change, and the storm follows a results stream per "node".
test('bench: the load generator spreads streams and answers over --ports', async () => {
  execFileSync('make', ['-s', 'bench'], { cwd: ROOT, stdio: 'inherit' });
  const env = prepare('bench/deck.md');
  const srv = await startServer(env);
  try {
    const ports = `${srv.port},${srv.port}`;
    const fan = loadgen(['fanout', '--ports', ports, '--code', env.code, '--token', env.token,
      '--n', '100', '--changes', '2', '--idle', '0', '--addrs', '4', '--pid', String(srv.proc.pid)]);
    assert.equal(fan.connected, 100);
    assert.equal(fan.delivered, 200);
    assert.equal(fan.lost, 0);

    const res = await control(srv.base, env.code, env.token, 'next');
    assert.equal(res.body.slide.kind, 'choice');
    const storm = loadgen(['storm', '--ports', ports, '--code', env.code, '--token', env.token,
      '--n', '60', '--window', '0.5']);
    assert.equal(storm.ok, 60);
    assert.equal(storm.errors, 0);
    assert.equal(storm.node1_count_after, storm.node1_count_before + 60);
    assert.equal(storm.node2_count_after, storm.node2_count_before + 60);
    assert.equal(storm.nodes_complete, 2);
    assert.ok(storm.count_after_last_ack_ms >= 0);
  } finally {
    await stopServer(srv);
    cleanup(env);
  }
});
