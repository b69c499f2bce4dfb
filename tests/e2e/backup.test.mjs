// `inspraak backup FILE` while the server takes answers: the copy is a
// consistent database holding at least every answer acknowledged before the
// backup began, and a server started on it (the restore) serves them.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { prepare, startServer, stopServer, cleanup, Participant, gotoKind, results, run } from './lib.mjs';

let env, srv, restored;
after(async () => {
  await stopServer(srv);
  await stopServer(restored);
  cleanup(env);
});

test('a backup taken during an answer storm restores to a working session', async () => {
  env = prepare();
  srv = await startServer(env);
  const slide = await gotoKind(srv.base, env.code, env.token, 'open');
  const answer = (i) => new Participant(srv.base, env.code).answer(slide.id, `antwoord ${i}`);
  let acked = 0;
  for (let i = 0; i < 50; i++) if ((await answer(i)).status === 201) acked++;
  assert.equal(acked, 50);
  // keep answering while the backup runs
  let stop = false, during = 0;
  const storm = (async () => {
    for (let i = 50; !stop && i < 5000; i++) if ((await answer(i)).status === 201) during++;
  })();
  const copy = path.join(env.dir, 'backup.db');
  const out = run(['backup', copy, '--db', env.db]);
  assert.match(out, /backup of .* written to/);
  stop = true;
  await storm;
  assert.equal(execFileSync('sqlite3', [copy, 'PRAGMA integrity_check'], { encoding: 'utf8' }).trim(), 'ok');
  const n = Number(execFileSync('sqlite3', [copy, `SELECT count(*) FROM answers WHERE slide_id=${slide.id}`], { encoding: 'utf8' }));
  assert.ok(n >= acked && n <= acked + during, `${n} answers in the copy`);
  assert.equal(existsSync(`${copy}-wal`), false, 'the copy is one file');

  // Refuses to overwrite.
  assert.throws(() => run(['backup', copy, '--db', env.db]), /exists already/);

  // Restore: a server on the copy serves the same session with its answers.
  restored = await startServer({ ...env, db: copy });
  const r = (await results(restored.base, env.code, env.token)).slides.find((s) => s.id === slide.id);
  assert.equal(r.answers, n);
});
