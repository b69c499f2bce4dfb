// The command line: every command has its own help, and a wrong option is
// named together with its command (exit 2).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ROOT, BIN, prepare, cleanup } from './lib.mjs';

const COMMANDS = ['serve', 'import', 'user', 'token', 'backup', 'purge', 'report'];

function cli(args, input) {
  return spawnSync(BIN, args, { input, encoding: 'utf8', cwd: ROOT });
}

test('serve --help prints serve\'s own options', () => {
  for (const args of [['serve', '--help'], ['serve', '-h'], ['help', 'serve']]) {
    const r = cli(args);
    assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stdout, /^usage: inspraak serve /, args.join(' '));
    for (const opt of ['--listen', '--demo', '--public-url', '--web', '--db'])
      assert.ok(r.stdout.includes(opt), `${args.join(' ')} names ${opt}`);
    assert.ok(!r.stdout.includes('--format'), 'no other command\'s options');
  }
});

test('every command has its own help; --help lists them all', () => {
  for (const c of COMMANDS) {
    const r = cli([c, '--help']);
    assert.equal(r.status, 0, `${c}: ${r.stderr}`);
    assert.match(r.stdout, new RegExp(`^usage: inspraak ${c} `), c);
    assert.equal(cli(['help', c]).stdout, r.stdout, `help ${c}`);
  }
  const all = cli(['--help']);
  assert.equal(all.status, 0);
  for (const c of COMMANDS) assert.match(all.stdout, new RegExp(`^  ${c} `, 'm'), c);
  assert.equal(cli(['help']).stdout, all.stdout);
  const none = cli([]);
  assert.equal(none.status, 2);
  assert.equal(none.stderr, all.stdout);
});

test('a wrong option or command says which, and exits 2', () => {
  for (const [args, want] of [
    [['serve', '--bogus'], /^inspraak serve: unknown option --bogus /],
    [['import', 'x.md', '--format=pdf'], /^inspraak import: unknown option --format /],
    [['token', 'anna', '-x'], /^inspraak token: unknown option -x /],
    [['backup', 'copy.db', '--db'], /^inspraak backup: --db needs a value /],
    [['user', 'frob', 'anna'], /^inspraak user: unknown verb frob/],
    [['purge'], /^inspraak purge: --event wants an event number/],
    [['frob'], /^inspraak: unknown command frob /],
    [['help', 'frob'], /^inspraak: unknown command frob /],
  ]) {
    const r = cli(args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, want, args.join(' '));
  }
});

test('options may come before the command, as they always could', () => {
  const env = prepare();
  try {
    const copy = path.join(env.dir, 'copy.db');
    const r = cli(['--db', env.db, 'backup', copy]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^backup of .* written to /);
    assert.ok(existsSync(copy));
    const list = cli(['user', 'list', `--db=${env.db}`]);
    assert.equal(list.status, 0, list.stderr);
    assert.match(list.stdout, /^anna +facilitator$/m);
  } finally { cleanup(env); }
});
