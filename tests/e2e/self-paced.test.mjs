// Self-paced sessions (docs/protocol.md, "Self-paced sessions"): the
// questions of an event stay open online between the meetings; participants
// answer any question in any order, with the same rules as live.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  prepare, startServer, stopServer, cleanup, Participant, control, state, results, openStream, waitEvent,
} from './lib.mjs';

let env, srv, online, slides;

const api = (path, opts = {}) => fetch(`${srv.base}${path}`, {
  ...opts, headers: { authorization: `Bearer ${env.token}`, 'content-type': 'application/json', ...(opts.headers || {}) },
});
const byTitle = (title) => slides.find((s) => s.title === title);
const questionnaire = async (p, code = online) => {
  const res = await p.request(`/api/v1/sessions/${code}/questionnaire`);
  return { status: res.status, body: await res.json() };
};
const mineOf = (q, title) => q.slides.find((s) => s.title === title);

before(async () => {
  env = prepare('tests/e2e/decks/phones.md');
  srv = await startServer(env);
});
after(async () => {
  await stopServer(srv);
  cleanup(env);
});

test('a facilitator opens the event online; bad requests are refused with a message', async () => {
  let res = await api('/api/v1/events/1/sessions', { method: 'POST', body: '{"mode":"self-paced"}' });
  assert.equal(res.status, 201);
  const s = await res.json();
  assert.equal(s.mode, 'self-paced');
  assert.equal(s.status, 'live');
  assert.match(s.join_url, new RegExp(`/${s.code}$`));
  online = s.code;

  res = await api('/api/v1/events/1/sessions', { method: 'POST', body: '{"mode":"weekly"}' });
  assert.equal(res.status, 400);
  assert.match((await res.json()).error, /"live" or "self-paced"/);
  res = await api('/api/v1/events/1/sessions', { method: 'POST', body: '{"mode":"weekly"}', headers: { 'accept-language': 'nl' } });
  assert.match((await res.json()).error, /online, in eigen tempo/);
  res = await api('/api/v1/events/1/sessions', { method: 'POST', body: 'not json' });
  assert.equal(res.status, 400);
  assert.equal((await res.json()).code, 'invalid');
  // participants cannot open sessions
  const p = new Participant(srv.base, online);
  res = await p.request('/api/v1/events/1/sessions', { method: 'POST', body: '{"mode":"self-paced"}' });
  assert.equal(res.status, 401);

  const ev = await (await api('/api/v1/events/1')).json();
  const modes = Object.fromEntries(ev.sessions.map((x) => [x.code, x.mode]));
  assert.equal(modes[online], 'self-paced');
  assert.equal(modes[env.code], 'live');

  const st = await state(srv.base, online);
  assert.equal(st.mode, 'self-paced');
  assert.equal(st.results, true, 'a self-paced session shows results where the deck says so');
  assert.equal((await state(srv.base, env.code)).mode, 'live');
});

test('the questionnaire lists every slide in order; a live session has none', async () => {
  const p = new Participant(srv.base, online);
  const { status, body } = await questionnaire(p);
  assert.equal(status, 200);
  assert.equal(body.mode, 'self-paced');
  assert.equal(body.questions, 8);
  assert.equal(body.answered, 0);
  slides = body.slides;
  assert.deepEqual(slides.map((s) => s.kind), ['content', 'choice', 'open', 'cloud', 'scale', 'rank', 'choice', 'qa', 'open']);
  assert.equal(slides[0].title, 'Welkom');
  assert.match(slides[0].html, /telefoon/);
  for (const s of slides.slice(1)) {
    assert.equal(s.used, 0);
    assert.deepEqual(s.mine, []);
    assert.ok(!('results' in s), 'no results before answering');
  }
  assert.ok(p.cookie, 'the questionnaire gives a participant cookie');

  const live = await questionnaire(new Participant(srv.base, env.code), env.code);
  assert.equal(live.status, 409);
  assert.equal(live.body.code, 'not_self_paced');
});

test('answers in any order, as live: allowances, validation and errors', async () => {
  const p = new Participant(srv.base, online);
  const rank = byTitle('Wat moet eerst?');
  const choice = byTitle('Hoe kwam je hier?');
  const open = byTitle('Open zonder moderatie');
  assert.equal((await p.answer(rank.id, [2, 0, 1])).status, 201);
  assert.equal((await p.answer(choice.id, 1)).status, 201);
  assert.equal((await p.answer(open.id, 'Een bankje bij de bushalte')).status, 201);

  let r = await p.answer(choice.id, 0);
  assert.equal(r.status, 409);
  assert.equal(r.body.code, 'already_answered');
  r = await p.answer(open.id, 'Nog een');
  assert.equal(r.status, 409);
  assert.equal(r.body.code, 'limit');
  r = await p.answer(choice.id + 0, 7);
  assert.equal(r.status, 400);
  r = await p.answer(slides[0].id, 'een inhoudsdia');
  assert.equal(r.status, 400);
  assert.equal(r.body.code, 'invalid');
  assert.match(r.body.error, /geen vraag met dat nummer/);
  r = await p.answer(999999, 'x');
  assert.equal(r.status, 400);
  r = await p.answer(byTitle('Wat moet beter in de wijk?').id, 'x'.repeat(400));
  assert.equal(r.status, 413);
  assert.equal(r.body.code, 'too_long');
  // a retry with the same id is the same answer
  const again = await p.answer(open.id, 'Een bankje bij de bushalte', r.id);
  assert.ok([200, 201, 409].includes(again.status));

  const { body } = await questionnaire(p);
  assert.equal(body.answered, 3);
  assert.deepEqual(mineOf(body, 'Wat moet eerst?').mine.map((m) => m.value), [[2, 0, 1]]);
  assert.deepEqual(mineOf(body, 'Hoe kwam je hier?').mine.map((m) => m.value), [[1]]);
  assert.deepEqual(mineOf(body, 'Open zonder moderatie').mine.map((m) => m.value), ['Een bankje bij de bushalte']);
  assert.equal(mineOf(body, 'Hoe kwam je hier?').used, 1);
  assert.equal(mineOf(body, 'Eén woord over je buurt').used, 0);

  // someone else sees none of it as theirs
  const other = await questionnaire(new Participant(srv.base, online));
  assert.equal(other.body.answered, 0);
  assert.deepEqual(mineOf(other.body, 'Hoe kwam je hier?').mine, []);
});

test('results appear after answering where the deck says phones, visible answers only', async () => {
  const p = new Participant(srv.base, online);
  const choice = byTitle('Hoe kwam je hier?');
  const screen = byTitle('Alleen op het scherm');
  let { body } = await questionnaire(p);
  assert.ok(!('results' in mineOf(body, 'Hoe kwam je hier?')));
  await p.answer(choice.id, 2);
  await p.answer(screen.id, 0);
  ({ body } = await questionnaire(p));
  const r = mineOf(body, 'Hoe kwam je hier?').results;
  assert.equal(r.respondents, 2);
  assert.deepEqual(r.options.map((o) => o.count), [0, 1, 1]);
  assert.ok(!('hidden' in r));
  assert.ok(!('results' in mineOf(body, 'Alleen op het scherm')), 'a screen-only question shows no results');

  // held answers: approve-before-show and the word list, as live
  const held = byTitle('Wat moet beter in de wijk?');
  const a = await p.answer(held.id, 'Meer licht in het park');
  assert.equal(a.status, 201);
  assert.equal(a.body.pending, true);
  const rude = await p.answer(byTitle('Open zonder moderatie').id, 'Wat een kut plan');
  assert.equal(rude.body.pending, true);
  ({ body } = await questionnaire(p));
  const h = mineOf(body, 'Wat moet beter in de wijk?');
  assert.deepEqual(h.mine, [{ id: a.body.id, value: 'Meer licht in het park', held: true }]);
  assert.equal(h.results.answers, 0);
  assert.ok(!JSON.stringify(body).includes('kut plan') || mineOf(body, 'Open zonder moderatie').mine.some((m) => m.held),
    'a held answer is shown only to its writer');
  const stranger = new Participant(srv.base, online);
  await stranger.answer(held.id, 'Een zebrapad');
  const seen = await questionnaire(stranger);
  assert.ok(!JSON.stringify(seen.body).includes('Meer licht'), 'someone else saw a held answer');
  assert.ok(!JSON.stringify(seen.body).includes('kut plan'));

  // a moderator approves: it counts for everyone
  const res = await api(`/api/v1/answers/${a.body.id}/show`, { method: 'POST' });
  assert.equal(res.status, 200);
  ({ body } = await questionnaire(p));
  const after = mineOf(body, 'Wat moet beter in de wijk?');
  assert.ok(!after.mine[0].held);
});

test('Q&A: ask, see the others, upvote once, never one\'s own', async () => {
  const qa = byTitle('Vragen aan de wethouder');
  const a = new Participant(srv.base, online);
  const b = new Participant(srv.base, online);
  const asked = await a.answer(qa.id, 'Komt er een speeltuin?');
  assert.equal(asked.status, 201);
  const { body } = await questionnaire(b);
  const items = mineOf(body, 'Vragen aan de wethouder').items;
  assert.deepEqual(items.map((i) => i.text), ['Komt er een speeltuin?']);
  assert.equal((await b.answer(qa.id, { upvote: asked.body.id })).status, 201);
  assert.equal((await b.answer(qa.id, { upvote: asked.body.id })).body.code, 'already_answered');
  assert.equal((await a.answer(qa.id, { upvote: asked.body.id })).body.code, 'own_question');
  const mine = (await questionnaire(b)).body;
  const q = mineOf(mine, 'Vragen aan de wethouder');
  assert.equal(q.items[0].votes, 1);
  assert.deepEqual(q.mine.map((m) => m.value), [{ upvote: asked.body.id }]);
});

test('the presenter, results and the streams work on a self-paced session', async () => {
  const st = (await control(srv.base, online, env.token, 'next')).body;
  assert.equal(st.slide.title, 'Hoe kwam je hier?');
  const all = await results(srv.base, online, env.token);
  const choice = all.slides.find((s) => s.id === byTitle('Hoe kwam je hier?').id);
  assert.equal(choice.respondents, 2);
  // phones of a self-paced session do not follow the presenter's slide
  const s = await openStream(`${srv.base}/api/v1/sessions/${online}/stream`);
  try {
    await waitEvent(s, (e) => e.event === 'state');
    const p = new Participant(srv.base, online);
    await p.answer(byTitle('Hoe kwam je hier?').id, 0);
    await new Promise((r) => setTimeout(r, 800));
    assert.ok(!s.events.some((e) => e.event === 'results' || e.event === 'qa'));
  } finally { s.close(); }
  // a live session still takes only its current slide
  const p = new Participant(srv.base, env.code);
  const r = await p.answer(byTitle('Wat moet eerst?').id, [0, 1, 2]);
  assert.equal(r.status, 409);
  assert.equal(r.body.code, 'not_current');
});

test('the page without JavaScript lists every question and sends any of them', async () => {
  const p = new Participant(srv.base, online);
  let page = await (await p.request(`/${online}`)).text();
  assert.match(page, /Je hebt 0 van de 8 vragen beantwoord/);
  const forms = (html) => (html.match(/<form method="post" action="\/\d+" class="answer-form">/g) || []).length;
  assert.equal(forms(page), 8);
  const cloud = byTitle('Eén woord over je buurt');
  const form = new URLSearchParams([['id', 'formcloud1'], ['slide', String(cloud.id)], ['value', 'Groen'], ['value', 'rustig'], ['value', 'thuis']]);
  const res = await p.request(`/${online}`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() });
  assert.equal(res.status, 303);
  assert.equal(res.headers.get('location'), `/${online}?sent=${cloud.id}#q-${cloud.id}`);
  page = await (await p.request(`/${online}?sent=${cloud.id}`)).text();
  assert.match(page, /Je hebt 1 van de 8 vragen beantwoord/);
  const section = page.slice(page.indexOf(`id="q-${cloud.id}"`), page.indexOf('</section>', page.indexOf(`id="q-${cloud.id}"`)));
  assert.match(section, /Bedankt, je antwoord is ontvangen/);
  assert.match(section, /Jouw antwoord.*Groen; rustig; thuis/s);
  assert.ok(!section.includes('<form'), 'the answered question still has its form');
  assert.equal(forms(page), 7);

  // a refused form says so at the top and at the question
  const bad = new URLSearchParams({ id: 'formchoice1', slide: String(byTitle('Hoe kwam je hier?').id), value: '9' });
  const refused = await p.request(`/${online}`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: bad.toString() });
  assert.equal(refused.status, 400);
  const text = await refused.text();
  assert.match(text, /Je antwoord is niet opgeslagen\. <a href="#q-\d+">Naar de vraag<\/a>/);
});

test('answers and the questionnaire survive a restart; ending closes it', async () => {
  const before = new Participant(srv.base, online);
  await before.answer(byTitle('Wat moet eerst?').id, [1, 2, 0]);
  await stopServer(srv);
  srv = await startServer(env);
  const p = new Participant(srv.base, online);
  p.cookie = before.cookie; // the same phone, back later
  const { body } = await questionnaire(p);
  assert.deepEqual(mineOf(body, 'Wat moet eerst?').mine.map((m) => m.value), [[1, 2, 0]]);
  assert.equal((await state(srv.base, online)).mode, 'self-paced');
  assert.equal((await p.answer(byTitle('Wat moet eerst?').id, [0, 1, 2])).body.code, 'already_answered');

  // the report has the online session, by name
  const md = await (await api(`/api/v1/sessions/${online}/report?format=md`)).text();
  assert.match(md, /\| Online, tussen de bijeenkomsten \| vanaf \d{4}-\d\d-\d\d \|/);
  const json = await (await api(`/api/v1/sessions/${online}/report?format=json`)).json();
  const sess = json.sessions.find((s) => s.code === online);
  assert.equal(sess.mode, 'self-paced');
  assert.equal(sess.name, 'Online, tussen de bijeenkomsten');
  assert.equal(json.sessions.find((s) => s.code === env.code).mode, 'live');

  assert.equal((await control(srv.base, online, env.token, 'end')).status, 200);
  const r = await p.answer(byTitle('Eén woord over je buurt').id, ['later']);
  assert.equal(r.status, 409);
  assert.equal(r.body.code, 'ended');
  assert.equal((await questionnaire(p)).status, 410);
  assert.equal((await p.request(`/${online}`)).status, 410);
});
