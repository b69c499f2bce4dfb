// Results on phones (`results: phones` in the deck): what the participant
// stream carries, how often, and what it never carries (docs/protocol.md,
// "Participant stream").
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  prepare, startServer, stopServer, cleanup, Participant, control, state, openStream, waitEvent,
} from './lib.mjs';

let env, srv;

before(async () => {
  env = prepare('tests/e2e/decks/phones.md');
  srv = await startServer(env);
});
after(async () => {
  await stopServer(srv);
  cleanup(env);
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const streamUrl = () => `${srv.base}/api/v1/sessions/${env.code}/stream`;
const resultsOf = (s, id) => s.events.filter((e) => e.event === 'results').map((e) => JSON.parse(e.data))
  .filter((r) => id == null || r.id === id);

// Goes to the slide whose title is title and returns it.
async function gotoTitle(title) {
  let st = await state(srv.base, env.code);
  while (st.slide.index > 0) st = (await control(srv.base, env.code, env.token, 'prev')).body;
  for (;;) {
    if (st.slide.title === title) return st.slide;
    const next = (await control(srv.base, env.code, env.token, 'next')).body;
    if (next.slide.index === st.slide.index) throw new Error(`no slide ${title}`);
    st = next;
  }
}

async function moderate(id, verb) {
  const res = await fetch(`${srv.base}/api/v1/answers/${id}/${verb}`, {
    method: 'POST', headers: { authorization: `Bearer ${env.token}` } });
  assert.equal(res.status, 200);
}

test('a phones slide sends its visible tally on connect and as answers arrive', async () => {
  const slide = await gotoTitle('Hoe kwam je hier?');
  assert.equal(slide.results_on_phones, true);
  const s = await openStream(streamUrl());
  try {
    const first = await waitEvent(s, (e) => e.event === 'results');
    const r0 = JSON.parse(first.data);
    assert.equal(r0.id, slide.id);
    assert.equal(r0.kind, 'choice');
    assert.equal(r0.respondents, 0);
    assert.deepEqual(r0.options.map((o) => o.label), ['Fiets', 'Bus', 'Lopend']);
    assert.ok(!('hidden' in r0), 'phones are not told how many answers were hidden');
    // the results frame has no id: Last-Event-ID stays the state's revision
    assert.equal(first.id, null);

    const p = new Participant(srv.base, env.code);
    assert.equal((await p.answer(slide.id, 1)).status, 201);
    const ev = await waitEvent(s, (e) => e.event === 'results' && JSON.parse(e.data).respondents === 1);
    const r1 = JSON.parse(ev.data);
    assert.deepEqual(r1.options.map((o) => o.count), [0, 1, 0]);
    assert.equal(r1.options[1].percent, 100);
  } finally { s.close(); }

  // a phone that reconnects with the current revision gets no state, but the results
  const st = await state(srv.base, env.code);
  const again = await openStream(streamUrl(), { 'last-event-id': String(st.revision) });
  try {
    const ev = await waitEvent(again, (e) => e.event === 'results');
    assert.equal(JSON.parse(ev.data).respondents, 1);
    assert.ok(!again.events.some((e) => e.event === 'state'));
  } finally { again.close(); }
});

test('results for phones are coalesced to at most two a second, the last one complete', async () => {
  const slide = await gotoTitle('Hoe kwam je hier?');
  const before = (await state(srv.base, env.code));
  assert.equal(before.slide.id, slide.id);
  const s = await openStream(streamUrl());
  const presenter = await openStream(`${srv.base}/api/v1/sessions/${env.code}/results/stream`,
    { authorization: `Bearer ${env.token}` });
  try {
    await waitEvent(s, (e) => e.event === 'results');
    const start = resultsOf(s).length;
    const t0 = Date.now();
    const people = Array.from({ length: 30 }, () => new Participant(srv.base, env.code));
    // thirty answers over about 1.5 seconds
    for (const [i, p] of people.entries()) {
      assert.equal((await p.answer(slide.id, i % 3)).status, 201);
      await sleep(50);
    }
    const want = 31; // one answer from the test before
    await waitEvent(s, (e) => e.event === 'results' && JSON.parse(e.data).respondents === want, 3000);
    const elapsed = Date.now() - t0;
    const got = resultsOf(s).slice(start);
    // two a second, plus one at the start of the window
    assert.ok(got.length <= Math.ceil(elapsed / 500) + 1, `${got.length} frames in ${elapsed} ms`);
    assert.ok(got.length >= 2, 'results arrive while answers come in, not only at the end');
    // the presenter is fed more often than phones
    const pres = presenter.events.filter((e) => e.event === 'results' && JSON.parse(e.data).id === slide.id);
    assert.ok(pres.length > got.length, `presenter ${pres.length}, phones ${got.length}`);
    assert.deepEqual(got.at(-1).options.map((o) => o.count), [10, 11, 10]);
  } finally { s.close(); presenter.close(); }
});

test('slides without the setting send no results; Q&A sends its list as before', async () => {
  const slide = await gotoTitle('Alleen op het scherm');
  assert.equal(slide.results_on_phones, false);
  const s = await openStream(streamUrl());
  try {
    await waitEvent(s, (e) => e.event === 'state');
    const p = new Participant(srv.base, env.code);
    assert.equal((await p.answer(slide.id, 0)).status, 201);
    await sleep(1200);
    assert.deepEqual(resultsOf(s), []);

    // Q&A with results: phones — its qa event already is the list
    const qa = (await control(srv.base, env.code, env.token, 'next')).body.slide;
    assert.equal(qa.kind, 'qa');
    assert.equal((await p.answer(qa.id, { ask: 'Wanneer komt de speeltuin?' })).status, 201);
    await waitEvent(s, (e) => e.event === 'qa' && JSON.parse(e.data).items.length === 1);
    await sleep(700);
    assert.deepEqual(resultsOf(s), []);
  } finally { s.close(); }
});

test('hidden and pending answers never reach phones, nor times', async () => {
  const slide = await gotoTitle('Wat moet beter in de wijk?'); // moderation: approve
  const s = await openStream(streamUrl());
  try {
    await waitEvent(s, (e) => e.event === 'results' && JSON.parse(e.data).id === slide.id);
    const p = new Participant(srv.base, env.code);
    const held = await p.answer(slide.id, 'Geheim: alleen voor de moderator');
    assert.equal(held.status, 201);
    assert.equal(held.body.pending, true);
    const ok = await p.answer(slide.id, 'Meer bankjes bij de vijver');
    assert.equal(ok.body.pending, true);
    await sleep(800);
    assert.ok(!s.raw.includes('Geheim'), 'a pending answer reached a phone');
    assert.ok(!s.raw.includes('bankjes'));
    await moderate(ok.body.id, 'show');
    const ev = await waitEvent(s, (e) => e.event === 'results' && e.data.includes('bankjes'));
    const r = JSON.parse(ev.data);
    assert.equal(r.answers, 1);
    assert.deepEqual(r.items, [{ id: ok.body.id, text: 'Meer bankjes bij de vijver' }]);
    assert.ok(!s.raw.includes('Geheim'));
    assert.ok(!s.raw.includes('"at"') && !s.raw.includes('"pending"') && !s.raw.includes('"hidden"'));

    // hiding a shown answer takes it off the phones
    await moderate(ok.body.id, 'hide');
    const gone = await waitEvent(s, (e) => e.event === 'results' && JSON.parse(e.data).answers === 0);
    assert.deepEqual(JSON.parse(gone.data).items, []);
  } finally { s.close(); }
});

test('hide-results keeps results from phones until they are shown again', async () => {
  const slide = await gotoTitle('Eén woord over je buurt');
  assert.equal((await control(srv.base, env.code, env.token, 'hide-results')).status, 200);
  const s = await openStream(streamUrl());
  try {
    const st = JSON.parse((await waitEvent(s, (e) => e.event === 'state')).data);
    assert.equal(st.results, false);
    const p = new Participant(srv.base, env.code);
    assert.equal((await p.answer(slide.id, ['Gezellig', 'groen'])).status, 201);
    await sleep(900);
    assert.deepEqual(resultsOf(s), [], 'results went out while the presenter hid them');
    await control(srv.base, env.code, env.token, 'show-results');
    const ev = await waitEvent(s, (e) => e.event === 'results');
    const r = JSON.parse(ev.data);
    assert.equal(r.kind, 'cloud');
    assert.deepEqual(r.words.map((w) => w.text).sort(), ['Gezellig', 'groen']);
  } finally { s.close(); }
});

test('scale and rank results carry means; open lists are cut short for phones', async () => {
  const scale = await gotoTitle('Hoe eens ben je het hiermee?');
  const s = await openStream(streamUrl());
  try {
    const p = new Participant(srv.base, env.code);
    assert.equal((await p.answer(scale.id, [4, 2])).status, 201);
    const r = JSON.parse((await waitEvent(s, (e) => e.event === 'results' && JSON.parse(e.data).answers === 1)).data);
    assert.deepEqual(r.statements.map((x) => x.mean), [4, 2]);
    assert.equal(r.scale_max, 5);
    assert.deepEqual(r.labels, ['Oneens', 'Eens']);

    const rank = (await control(srv.base, env.code, env.token, 'next')).body.slide;
    assert.equal((await p.answer(rank.id, [2, 0, 1])).status, 201);
    const rr = JSON.parse((await waitEvent(s, (e) => e.event === 'results' && JSON.parse(e.data).id === rank.id &&
      JSON.parse(e.data).answers === 1)).data);
    assert.deepEqual(rr.options.map((o) => o.label), ['Werk', 'Onderwijs', 'Ontmoeting']);
  } finally { s.close(); }

  const open = await gotoTitle('Open zonder moderatie');
  const people = Array.from({ length: 25 }, () => new Participant(srv.base, env.code));
  for (const [i, p] of people.entries()) assert.equal((await p.answer(open.id, `Antwoord ${i}`)).status, 201);
  const s2 = await openStream(streamUrl());
  try {
    const r = JSON.parse((await waitEvent(s2, (e) => e.event === 'results' && JSON.parse(e.data).answers === 25)).data);
    assert.equal(r.items.length, 20);
    assert.equal(r.items[0].text, 'Antwoord 24', 'newest first');
  } finally { s2.close(); }
});

test('the page without JavaScript shows the results to those who answered', async () => {
  const slide = await gotoTitle('Hoe kwam je hier?');
  const voter = new Participant(srv.base, env.code);
  await voter.request(`/${env.code}`); // gets a cookie
  let page = await (await voter.request(`/${env.code}`)).text();
  assert.ok(!page.includes('class="results"'), 'results before answering');
  const form = new URLSearchParams({ id: 'formvote123', slide: String(slide.id), value: '2' });
  const res = await voter.request(`/${env.code}`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() });
  assert.equal(res.status, 303);
  page = await (await voter.request(`/${env.code}?sent=1`)).text();
  assert.match(page, /<h2 id="results-\d+">Tussenstand<\/h2>/);
  assert.match(page, /Lopend: \d+% \(\d+\)<meter/);
  assert.match(page, /32 deelnemers/);

  // a stranger sees the question only, until voting closes
  const stranger = new Participant(srv.base, env.code);
  page = await (await stranger.request(`/${env.code}`)).text();
  assert.ok(!page.includes('class="results"'));
  await control(srv.base, env.code, env.token, 'close');
  page = await (await stranger.request(`/${env.code}`)).text();
  assert.match(page, /<h2 id="results-\d+">Resultaten<\/h2>/);
  await control(srv.base, env.code, env.token, 'open');
});
