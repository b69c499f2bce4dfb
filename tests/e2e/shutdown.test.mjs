// Stopping the server while it writes a report. The report is written on a
// thread of libuv's pool and reads the database as it goes; SIGTERM in the
// middle must stop it before the database closes. The server here is built
// with AddressSanitizer and UBSan: it must exit with 0, say nothing about
// memory, leave no temporary file, and leave the database whole.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT, ASAN_BIN, prepare, startServer, cleanup } from './lib.mjs';

const QUESTIONS = 12;
const ANSWERS = 1500; // per question: the whole report takes many seconds with the sanitizers

function sql(db, statement) {
  return execFileSync('sqlite3', [db, statement], { encoding: 'utf8' }).trim();
}

test('SIGTERM while a big report is written: a clean exit, the database whole', async (t) => {
  execFileSync('make', ['-s', 'inspraak-asan'], { cwd: ROOT, stdio: 'inherit' });
  assert.ok(existsSync(ASAN_BIN));
  const dir = mkdtempSync(path.join(tmpdir(), 'inspraak-e2e-'));
  const deck = path.join(dir, 'groot.md');
  const slides = Array.from({ length: QUESTIONS }, (_, i) => `? open: Vraag ${i + 1}: wat moet er beter in de wijk?\n`);
  writeFileSync(deck, `---\ntitle: Groot verslag\nlang: nl\n---\n\n# Welkom\n\n---\n\n${slides.join('\n---\n\n')}`);
  const env = prepare(deck, dir);
  // answers straight into the database: many, varied, spread over the questions
  sql(env.db, `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${ANSWERS}),
    q AS (SELECT id, ROW_NUMBER() OVER (ORDER BY position) AS k FROM slides WHERE json LIKE '%"kind":"open"%')
    INSERT INTO answers(session_id, slide_id, participant, client_id, value, at)
    SELECT (SELECT id FROM sessions), q.id, printf('%016x%016x', q.k, n.i), printf('c%d-%d', q.k, n.i),
      json_quote(printf('Antwoord %d op vraag %d: meer groen, veilige fietspaden, een buurthuis %s',
        n.i, q.k, substr('ontmoeten spelen wonen werken leren sporten', 1 + n.i % 30))),
      1600000000000 + n.i FROM n, q`);
  assert.equal(Number(sql(env.db, 'SELECT count(*) FROM answers')), QUESTIONS * ANSWERS);

  const tmp = path.join(dir, 'tmp');
  mkdirSync(tmp);
  const supp = path.join(ROOT, 'tests/fuzz/lsan.supp');
  const srv = await startServer(env, [], 0, {
    bin: ASAN_BIN,
    vars: {
      TMPDIR: tmp,
      ASAN_OPTIONS: 'detect_leaks=1:abort_on_error=0',
      LSAN_OPTIONS: `suppressions=${supp}:print_suppressions=0`,
      UBSAN_OPTIONS: 'print_stacktrace=1',
    },
  });
  try {
    const started = Date.now();
    const download = fetch(`${srv.base}/api/v1/sessions/${env.code}/report?format=pdf`, {
      headers: { authorization: `Bearer ${env.token}` },
    }).then((r) => r.status, (e) => e.cause?.code || e.message);
    // in the middle: the report is on its way, far from done
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(readdirSync(tmp).filter((f) => f.startsWith('inspraak-report-')).length, 1,
      'the report is being written');
    const exited = new Promise((r) => srv.proc.once('exit', (code, signal) => r({ code, signal })));
    const stopAt = Date.now();
    srv.proc.kill('SIGTERM');
    const { code, signal } = await exited;
    const stopped = Date.now() - stopAt;
    t.diagnostic(`stopped ${stopped} ms after SIGTERM, ${stopAt - started} ms into the report`);
    const out = srv.output();
    assert.equal(signal, null, out);
    assert.equal(code, 0, out);
    assert.doesNotMatch(out, /AddressSanitizer|LeakSanitizer|runtime error|ERROR|error:/, out);
    assert.match(out, /report of event \d+: stopped, the server is stopping/, out);
    assert.notEqual(await download, 200, 'the report was finished before the server stopped');
    assert.ok(stopped < 10000, `took ${stopped} ms to stop (the report ran ${stopAt - started} ms)`);
    assert.deepEqual(readdirSync(tmp), [], 'a temporary report file was left behind');
    assert.equal(sql(env.db, 'PRAGMA integrity_check'), 'ok');
    assert.equal(Number(sql(env.db, 'SELECT count(*) FROM answers')), QUESTIONS * ANSWERS);
  } finally {
    if (srv.proc.exitCode === null) srv.proc.kill('SIGKILL');
    cleanup(env);
  }
});
