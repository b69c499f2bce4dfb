// A full disk: the database lives on a small tmpfs that is then filled.
// Submissions fail loudly with 503 and a clear message, nothing stored is
// damaged, and the server recovers by itself when space returns.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeSync, openSync, closeSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { prepare, startServer, stopServer, Participant, gotoKind, results, state } from './lib.mjs';

let mnt, env, srv;

before(async () => {
  mnt = mkdtempSync(path.join(tmpdir(), 'inspraak-disk-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=3m', 'tmpfs', mnt]);
  env = prepare('tests/e2e/decks/all-types.md', mnt);
  srv = await startServer(env);
});
after(async () => {
  await stopServer(srv);
  execFileSync('umount', [mnt]);
  rmSync(mnt, { recursive: true, force: true });
});

function fill(file) {
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(64 * 1024, 120);
  try { for (;;) writeSync(fd, chunk); } catch (e) { assert.equal(e.code, 'ENOSPC'); }
  // the last bytes too, so not even a page is left
  try { for (;;) writeSync(fd, chunk, 0, 512); } catch { /* full */ }
  closeSync(fd);
}

test('answers get 503 while the disk is full and go in again once there is room', async () => {
  const slide = await gotoKind(srv.base, env.code, env.token, 'open');
  const p = new Participant(srv.base, env.code);
  const first = await p.answer(slide.id, 'voor de volle schijf');
  assert.equal(first.status, 201);
  const before = (await results(srv.base, env.code, env.token)).slides.find((s) => s.id === slide.id);

  const filler = path.join(mnt, 'filler');
  fill(filler);
  const ids = [];
  for (let i = 0; i < 3; i++) {
    const q = new Participant(srv.base, env.code);
    const r = await q.answer(slide.id, `tijdens volle schijf ${i}`);
    assert.equal(r.status, 503);
    assert.equal(r.body.code, 'unavailable');
    assert.match(r.body.error, /niet worden opgeslagen/);
    ids.push({ q, id: r.id, text: `tijdens volle schijf ${i}` });
  }
  // reading goes on, and nothing was counted
  assert.equal((await state(srv.base, env.code)).code, env.code);
  const during = (await results(srv.base, env.code, env.token)).slides.find((s) => s.id === slide.id);
  assert.deepEqual(during, before);

  rmSync(filler);
  for (const { q, id, text } of ids) {
    const r = await q.answer(slide.id, text, id);
    assert.equal(r.status, 201, 'the same answer, sent again, is stored now');
  }
  const after = (await results(srv.base, env.code, env.token)).slides.find((s) => s.id === slide.id);
  assert.equal(after.answers, before.answers + 3);
  await stopServer(srv);
  assert.equal(execFileSync('sqlite3', [env.db, 'PRAGMA integrity_check'], { encoding: 'utf8' }).trim(), 'ok');
  assert.equal(execFileSync('sqlite3', [env.db, `SELECT count(*) FROM answers WHERE slide_id=${slide.id}`],
    { encoding: 'utf8' }).trim(), String(before.answers + 3));
  srv = await startServer(env);
});
