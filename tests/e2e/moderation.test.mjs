// Moderation: a question set to "moderation: approve" holds every answer
// back until a moderator shows it; elsewhere the word list holds back
// answers with a listed word. Held answers are in the moderators' view,
// never on the presenter's, and survive a restart as held.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { prepare, startServer, stopServer, cleanup, Participant, control, results, state, openStream, waitEvent } from './lib.mjs';

let env, srv;
before(async () => {
  env = prepare('tests/e2e/decks/moderated.md');
  srv = await startServer(env);
});
after(async () => {
  await stopServer(srv);
  cleanup(env);
});

const hide = (id, verb) => fetch(`${srv.base}/api/v1/answers/${id}/${verb}`, {
  method: 'POST', headers: { authorization: `Bearer ${env.token}` } });
const tallyOf = async (slide, hidden = false) =>
  (await results(srv.base, env.code, env.token, hidden)).slides.find((s) => s.id === slide);

test('approve-before-show holds answers until a moderator shows them', async () => {
  const slide = (await state(srv.base, env.code)).slide;
  assert.equal(slide.kind, 'open');
  const mod = await openStream(`${srv.base}/api/v1/sessions/${env.code}/results/stream?hidden=1`,
    { authorization: `Bearer ${env.token}` });
  const p = new Participant(srv.base, env.code);
  const a = await p.answer(slide.id, 'Meer bankjes op het plein');
  assert.equal(a.status, 201);
  assert.equal(a.body.pending, true);
  let t = await tallyOf(slide.id);
  assert.equal(t.answers, 0);
  assert.equal(t.items.length, 0);
  t = await tallyOf(slide.id, true);
  assert.deepEqual(t.items.map((i) => [i.text, i.hidden, i.pending]), [['Meer bankjes op het plein', true, true]]);
  await waitEvent(mod, (e) => e.event === 'results' && JSON.parse(e.data).id === slide.id
    && JSON.parse(e.data).items.some((i) => i.pending));
  assert.equal((await hide(a.body.id, 'show')).status, 200);
  t = await tallyOf(slide.id, true);
  assert.deepEqual(t.items.map((i) => [i.text, i.hidden ?? false, i.pending ?? false]), [['Meer bankjes op het plein', false, false]]);
  assert.equal((await tallyOf(slide.id)).answers, 1);
  // rejecting: hiding a held answer keeps it hidden and no longer waiting
  const b = await p.answer(slide.id, 'Iets anders');
  assert.equal(b.body.pending, true);
  assert.equal((await hide(b.body.id, 'hide')).status, 200);
  t = await tallyOf(slide.id, true);
  const rejected = t.items.find((i) => i.id === b.body.id);
  assert.equal(rejected.hidden, true);
  assert.equal(rejected.pending, undefined);
  mod.close();
});

test('the word list holds back answers with a listed word, folded, whole words only', async () => {
  const slide = (await control(srv.base, env.code, env.token, 'next')).body.slide;
  const p = new Participant(srv.base, env.code);
  const rude = await p.answer(slide.id, 'Wat een KLÔTE plan');
  assert.equal(rude.body.pending, true);
  const fine = await p.answer(slide.id, 'klotegoed is geen scheldwoord');
  assert.equal(fine.body.pending, undefined);
  const t = await tallyOf(slide.id);
  assert.deepEqual(t.items.map((i) => i.text), ['klotegoed is geen scheldwoord']);
  // cloud entries too
  const cloud = (await control(srv.base, env.code, env.token, 'next')).body.slide;
  const c = await new Participant(srv.base, env.code).answer(cloud.id, ['groen', 'shit']);
  assert.equal(c.body.pending, true);
  assert.equal((await tallyOf(cloud.id)).words.length, 0);
  const held = await tallyOf(cloud.id, true);
  assert.deepEqual(held.items.map((i) => [i.text, i.pending]), [['groen, shit', true]]);
  // still held after a restart
  await stopServer(srv, 'SIGKILL');
  srv = await startServer(env, [], srv.port);
  const again = await tallyOf(slide.id, true);
  assert.equal(again.items.find((i) => i.id === rude.body.id).pending, true);
  assert.equal((await tallyOf(slide.id)).answers, 1);
});

test('Q&A: a pinned question leads the list, for everyone, after a restart too', async () => {
  const deck = '---\ntitle: Vragenuur\n---\n\n? qa: Vragen\n';
  const { writeFileSync } = await import('node:fs');
  const path = `${env.dir}/qa.md`;
  writeFileSync(path, deck);
  const { run } = await import('./lib.mjs');
  const code = run(['import', path, '--owner', 'anna', '--db', env.db]).match(/code (\d+)/)[1];
  await stopServer(srv);
  srv = await startServer(env, [], srv.port);
  const slide = (await state(srv.base, code)).slide;
  const asker = new Participant(srv.base, code);
  const q1 = await asker.answer(slide.id, 'eerste vraag');
  const q2 = await asker.answer(slide.id, 'tweede vraag');
  const voter = new Participant(srv.base, code);
  await voter.answer(slide.id, { upvote: q1.body.id });
  const order = async () => (await (await fetch(`${srv.base}/api/v1/sessions/${code}/questions`)).json()).items.map((i) => i.id);
  assert.deepEqual(await order(), [q1.body.id, q2.body.id]);
  const pin = await fetch(`${srv.base}/api/v1/answers/${q2.body.id}/pin`, { method: 'POST', headers: { authorization: `Bearer ${env.token}` } });
  assert.deepEqual(await pin.json(), { id: q2.body.id, pinned: true });
  assert.deepEqual(await order(), [q2.body.id, q1.body.id]);
  await stopServer(srv, 'SIGKILL');
  srv = await startServer(env, [], srv.port);
  assert.deepEqual(await order(), [q2.body.id, q1.body.id]);
  const log = await (await fetch(`${srv.base}/api/v1/events`, { headers: { authorization: `Bearer ${env.token}` } })).json();
  assert.ok(log.events.length >= 2);
});
