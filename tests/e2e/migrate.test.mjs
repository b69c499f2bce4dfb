// inspraak migrate: a SQLite database with answers, a hidden answer, users
// and tokens, and the website's process, posts and supports, copied into an
// empty PostgreSQL database; the copy's counts and reports match, a second
// copy into it is refused, and a server on the copy goes on where the SQLite
// one stopped (the same codes, duplicates still recognised, new ids after
// the old ones). Only with INSPRAAK_TEST_PG (make test-pg), as it needs a
// PostgreSQL cluster.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  ROOT, BIN, PG, run, pgDatabase, sql, startServer, stopServer, cleanup, Participant, gotoKind,
  results,
} from './lib.mjs';

function cli(args) {
  return spawnSync(BIN, args, { encoding: 'utf8', cwd: ROOT });
}

test('a SQLite database moves to PostgreSQL completely', { skip: !PG && 'needs INSPRAAK_TEST_PG' }, async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'inspraak-e2e-'));
  const env = { dir, db: path.join(dir, 'test.db') };
  try {
    run(['user', 'add', 'anna', '--db', env.db], 'geheim-wachtwoord\n');
    const code = run(['import', 'tests/e2e/decks/all-types.md', '--owner', 'anna', '--db', env.db])
      .match(/code (\d{6,8})/)[1];
    const token = run(['token', 'anna', '--db', env.db]).trim();
    let srv = await startServer(env);
    const slide = await gotoKind(srv.base, code, token, 'open');
    const phones = Array.from({ length: 5 }, () => new Participant(srv.base, code));
    const sent = [];
    for (const [i, p] of phones.entries()) sent.push(await p.answer(slide.id, `antwoord ${i}, met "aanhalingstekens" en émoji 🌳`));
    for (const a of sent) assert.equal(a.status, 201);
    const hide = await fetch(`${srv.base}/api/v1/answers/${sent[0].body.id}/hide`, {
      method: 'POST', headers: { authorization: `Bearer ${token}` },
    });
    assert.ok(hide.status < 300, `hide ${hide.status}`);
    const before = await results(srv.base, code, token, true);
    // the website: a process, residents' posts, a reply and supports
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    let res = await fetch(`${srv.base}/api/v1/events/1/process`, {
      method: 'PUT', headers: auth,
      body: JSON.stringify({ published: true, slug: 'verder', description: 'Praat verder.', phases: [], topics: [{ id: 1, title: 'Groen', body: '', phase: -1 }] }),
    });
    assert.equal(res.status, 200);
    const posted = [];
    for (const [i, p] of phones.slice(0, 3).entries()) {
      res = await p.request('/api/v1/processes/verder/topics/1/posts', {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ id: `verder-post-${i}`, text: `bijdrage ${i}`, ...(i === 2 ? { parent: posted[0] } : {}) }),
      });
      assert.equal(res.status, 201);
      posted.push((await res.json()).id);
    }
    for (const p of phones) assert.equal((await p.request(`/api/v1/posts/${posted[0]}/support`, { method: 'POST' })).status, 200);
    const topicBefore = await (await fetch(`${srv.base}/api/v1/processes/verder/topics/1`)).json();
    await stopServer(srv);

    env.pg = pgDatabase();
    const m = cli(['migrate', '--db', env.db, '--to', env.pg]);
    assert.equal(m.status, 0, m.stderr);
    assert.match(m.stdout, /answers +5 rows/);
    assert.match(m.stdout, /users +1 rows/);
    assert.match(m.stdout, /reports of 1 events identical/);
    assert.doesNotMatch(m.stdout + m.stderr, /host=/); // the URL is not repeated
    assert.match(m.stdout, /posts +3 rows/);
    assert.match(m.stdout, /post_marks +5 rows/);
    assert.match(m.stdout, /processes +1 rows/);
    for (const t of ['answers', 'sessions', 'slides', 'tokens', 'moderation_log', 'processes', 'posts', 'post_marks']) {
      assert.equal(sql({ db: env.pg }, `SELECT count(*) FROM ${t}`), sql(env, `SELECT count(*) FROM ${t}`), t);
    }
    assert.equal(sql({ db: env.pg }, 'SELECT hidden FROM answers ORDER BY id LIMIT 1'), '1');

    // The JSON reports of both, written by `inspraak report`, are the same
    // but for the moment they were made.
    const json = (db) => {
      const out = path.join(dir, `r-${Math.random()}.json`);
      const r = cli(['report', '--db', db, '--code', code, '--format', 'json', '--out', out]);
      assert.equal(r.status, 0, r.stderr);
      return JSON.parse(readFileSync(out, 'utf8'));
    };
    const a = json(env.db), b = json(env.pg);
    delete a.generated_at; delete b.generated_at;
    assert.deepEqual(b, a);

    // Once is enough: a database with users or events is not written over.
    const again = cli(['migrate', '--db', env.db, '--to', env.pg]);
    assert.equal(again.status, 1);
    assert.match(again.stderr, /users or events already/);

    // A server on the copy: the same session, its token, its duplicates.
    srv = await startServer({ db: env.pg });
    try {
      assert.deepEqual(await results(srv.base, code, token, true), before);
      phones.forEach((p) => { p.base = srv.base; });
      const retry = await phones[1].answer(slide.id, 'wat dan ook', sent[1].id);
      assert.equal(retry.status, 200);
      assert.equal(retry.body.id, sent[1].body.id);
      const fresh = await phones[1].answer(slide.id, 'nog een antwoord');
      assert.equal(fresh.status, 201);
      assert.ok(fresh.body.id > Math.max(...sent.map((s) => s.body.id)));
      // the website on the copy: the same topic; a retried post is found,
      // a new one gets an id after the old ones
      const topicAfter = await (await fetch(`${srv.base}/api/v1/processes/verder/topics/1`)).json();
      assert.deepEqual(topicAfter.posts.map((x) => [x.id, x.text, x.supports, x.replies.length]),
        topicBefore.posts.map((x) => [x.id, x.text, x.supports, x.replies.length]));
      const postTo = (p, id, text) => p.request('/api/v1/processes/verder/topics/1/posts', {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id, text }),
      });
      res = await postTo(phones[1], 'verder-post-1', 'bijdrage 1');
      assert.equal(res.status, 200);
      assert.equal((await res.json()).id, posted[1]);
      res = await postTo(phones[3], 'verder-post-new', 'na de verhuizing');
      assert.equal(res.status, 201);
      assert.ok((await res.json()).id > Math.max(...posted));
      res = await phones[4].request(`/api/v1/posts/${posted[0]}/support`, { method: 'POST' });
      assert.equal((await res.json()).supports, 5, 'a support given before the copy still counts once');
    } finally { await stopServer(srv); }
  } finally { cleanup(env); }
});
