// The website (docs/protocol.md, "Processes"): an event published as a
// process with phases and topics; residents contribute, support ("ik ook"),
// reply and flag, anonymously; a facilitator reacts; a topic closes at its
// phase's end date. Through the JSON API and through the plain forms.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import {
  prepare, startServer, stopServer, cleanup, Participant, control, gotoKind, randomId, run,
  sql as dbSql, PG,
} from './lib.mjs';

let env, srv, proc, choiceSlide, openSlide;

const api = (path, opts = {}) => fetch(`${srv.base}${path}`, {
  ...opts, headers: { authorization: `Bearer ${env.token}`, 'content-type': 'application/json', ...(opts.headers || {}) },
});
const day = (offset) => new Date(Date.now() + offset * 86400000).toISOString().slice(0, 10);
const config = (extra = {}) => ({
  published: true,
  slug: 'buurtavond',
  description: 'Wat vindt u van de buurt?\n\nPraat mee tot het einde van de maand.',
  phases: [
    { name: 'Ophalen', start: day(-10), end: day(30) },
    { name: 'Verwerken', start: day(-20), end: day(-1) },
    { name: 'Besluit', start: day(31), end: day(60) },
    { name: 'Wat is ermee gedaan', start: '', end: '' },
  ],
  topics: [
    { id: 1, title: 'Hoe kwam je hier?', body: '', phase: 0, slide: choiceSlide },
    { id: 2, title: 'Groen in de wijk', body: 'Waar mist u bomen?', phase: 0 },
    { id: 3, title: 'Parkeren', body: 'Al besproken.', phase: 1 },
  ],
  ...extra,
});
const post = (p, topic, text, extra = {}) => p.request(`/api/v1/processes/buurtavond/topics/${topic}/posts`, {
  method: 'POST', headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ id: randomId(), text, ...extra }),
});
const topicOf = async (p, id) => (await p.request(`/api/v1/processes/buurtavond/topics/${id}`)).json();
const form = (p, path, fields) => p.request(path, {
  method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});

before(async () => {
  env = prepare('tests/e2e/decks/phones.md');
  srv = await startServer(env);
  // the meeting: one vote in the live session before the website exists
  const slide = await gotoKind(srv.base, env.code, env.token, 'choice');
  choiceSlide = slide.id;
  const live = new Participant(srv.base, env.code);
  assert.equal((await live.answer(slide.id, [1])).status, 201);
  openSlide = (await gotoKind(srv.base, env.code, env.token, 'open')).id;
});
after(async () => {
  await stopServer(srv);
  cleanup(env);
});

test('a facilitator publishes a process; bad configurations are refused with a message', async () => {
  let res = await api('/api/v1/events/1/process');
  assert.equal(res.status, 200);
  assert.equal((await res.json()).published, false);
  const bad = [
    [{ slug: 'Hoofd Letters' }, /web address|webadres/],
    [{ slug: '12345' }, /digits only/],
    [{ phases: [{ name: 'X', start: '2026-13-01', end: '' }] }, /YYYY-MM-DD/],
    [{ phases: [{ name: 'X', start: day(2), end: day(1) }] }, /before it starts/],
    [{ phases: [{ name: '', start: '', end: '' }] }, /needs a name/],
    [{ topics: [{ title: 'X', phase: 9 }] }, /phase of the list/],
    [{ topics: [{ title: 'X', slide: 1 }] }, /question of this event/],
  ];
  for (const [extra, msg] of bad) {
    res = await api('/api/v1/events/1/process', { method: 'PUT', body: JSON.stringify(config(extra)) });
    assert.equal(res.status, 400, JSON.stringify(extra));
    assert.match((await res.json()).error, msg);
  }
  res = await api('/api/v1/events/1/process', { method: 'PUT', body: JSON.stringify(config({ slug: 'x' })), headers: { 'accept-language': 'nl' } });
  assert.match((await res.json()).error, /webadres/);
  // a participant cannot publish or read the workspace's view
  const p = new Participant(srv.base);
  assert.equal((await p.request('/api/v1/events/1/process', { method: 'PUT', body: '{}' })).status, 401);
  assert.equal((await p.request('/api/v1/events/1/process')).status, 401);
  assert.equal((await p.request('/api/v1/processes/buurtavond')).status, 404, 'nothing before publishing');

  res = await api('/api/v1/events/1/process', { method: 'PUT', body: JSON.stringify(config()) });
  assert.equal(res.status, 200);
  const ws = await res.json();
  assert.equal(ws.published, true);
  assert.equal(ws.slug, 'buurtavond');
  assert.deepEqual(ws.topics.map((t) => t.id), [1, 2, 3]);
  assert.ok(ws.questions.some((q) => q.id === choiceSlide && q.kind === 'choice'));
  assert.match(ws.code, /^\d{6}$/, 'the online channel is a self-paced session');

  proc = await (await p.request('/api/v1/processes/buurtavond')).json();
  assert.equal(proc.code, ws.code);
  assert.equal(proc.phases.length, 4);
  assert.deepEqual(proc.topics.map((t) => [t.title, t.open]),
    [['Hoe kwam je hier?', true], ['Groen in de wijk', true], ['Parkeren', false]]);
  // the same process by its event's number
  assert.equal((await p.request('/api/v1/processes/1')).status, 200);
  // the online channel keeps the self-paced protocol
  const q = await (await p.request(`/api/v1/sessions/${proc.code}/questionnaire`)).json();
  assert.equal(q.mode, 'self-paced');
});

test('residents contribute, support once each, reply one level deep; bad input is refused', async () => {
  const anna = new Participant(srv.base), bert = new Participant(srv.base);
  let res = await post(anna, 2, 'Meer bomen langs de Dorpsstraat, <b>graag</b>.');
  assert.equal(res.status, 201);
  const first = (await res.json()).id;
  // a retry with the same id is the same post
  const id = randomId();
  res = await post(anna, 2, 'Een bankje bij de speeltuin', { id });
  const second = (await res.json()).id;
  res = await post(anna, 2, 'Een bankje bij de speeltuin', { id });
  assert.equal(res.status, 200);
  assert.equal((await res.json()).id, second);

  for (const who of [anna, bert, bert]) {
    res = await who.request(`/api/v1/posts/${first}/support`, { method: 'POST' });
    assert.equal(res.status, 200);
  }
  assert.equal((await res.json()).supports, 2, 'one support per participant');

  res = await post(bert, 2, 'Eens, en ook bij school.', { parent: first });
  assert.equal(res.status, 201);
  const reply = (await res.json()).id;
  res = await post(bert, 2, 'Een reactie op een reactie', { parent: reply });
  assert.equal(res.status, 400);
  assert.match((await res.json()).error, /reageren op een bijdrage/);

  res = await post(bert, 2, '   ');
  assert.equal(res.status, 400);
  assert.match((await res.json()).error, /Schrijf eerst/);
  res = await post(bert, 2, 'x'.repeat(2001));
  assert.equal(res.status, 413);
  assert.match((await res.json()).error, /hooguit 2000 tekens/);
  res = await post(bert, 99, 'nergens');
  assert.equal(res.status, 404);
  res = await bert.request('/api/v1/processes/buurtavond/topics/2/posts', { method: 'POST', body: 'niet json' });
  assert.equal(res.status, 400);

  const t = await topicOf(anna, 2);
  assert.equal(t.contributions, 2);
  assert.deepEqual([t.page, t.pages], [1, 1]);
  assert.deepEqual(t.posts.map((x) => x.id), [second, first], 'newest first');
  const later = await (await anna.request('/api/v1/processes/buurtavond/topics/2?page=2')).json();
  assert.deepEqual(later.posts, []);
  assert.equal(later.contributions, 2);
  const p1 = t.posts.find((x) => x.id === first);
  assert.equal(p1.text, 'Meer bomen langs de Dorpsstraat, <b>graag</b>.');
  assert.equal(p1.supports, 2);
  assert.equal(p1.supported, true);
  assert.equal(p1.mine, true);
  assert.deepEqual(p1.replies.map((r) => r.id), [reply]);
  assert.equal((await topicOf(new Participant(srv.base), 2)).posts.find((x) => x.id === first).supported, false);
});

test('a topic closes at its phase\'s end date: posts and supports get 409', async () => {
  const p = new Participant(srv.base);
  let res = await post(p, 3, 'Te laat');
  assert.equal(res.status, 409);
  const body = await res.json();
  assert.equal(body.code, 'closed');
  assert.match(body.error, /gesloten/);
  res = await form(p, '/p/buurtavond/topics/3?lang=en', { action: 'post', id: randomId(), text: 'Too late', lang: 'en' });
  assert.equal(res.status, 409);
  const html = await res.text();
  assert.match(html, /This topic is closed/);
  assert.doesNotMatch(html, /name="text"/, 'no form on a closed topic');
});

test('the plain forms work without JavaScript: post, support, reply, flag, redirect back', async () => {
  const p = new Participant(srv.base);
  let res = await p.request('/p/buurtavond/topics/2');
  assert.equal(res.status, 200);
  let html = await res.text();
  assert.match(html, /<form method="post" action="\/p\/buurtavond\/topics\/2">/);
  const cid = html.match(/name="id" value="([^"]+)"/)[1];
  res = await form(p, '/p/buurtavond/topics/2', { action: 'post', id: cid, text: '<script>alert(1)</script> مرحبا بالجميع', lang: 'nl' });
  assert.equal(res.status, 303);
  const loc = res.headers.get('location');
  const postId = Number(loc.match(/#post-(\d+)$/)[1]);
  assert.match(loc, /^\/p\/buurtavond\/topics\/2\?sent=post#post-\d+$/);
  html = await (await p.request(loc.replace(/#.*/, ''))).text();
  assert.match(html, /Je bijdrage staat erbij/);
  assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt; مرحبا/);
  assert.doesNotMatch(html, /<script>alert/);
  assert.match(html, /dir="auto"/);

  res = await form(p, '/p/buurtavond/topics/2', { action: 'support', post: postId, lang: 'nl' });
  assert.equal(res.status, 303);
  html = await (await p.request(res.headers.get('location').replace(/#.*/, ''))).text();
  assert.match(html, /Je steun is geteld/);
  assert.match(html, /Je zei: ik ook/);

  res = await form(p, '/p/buurtavond/topics/2', { action: 'reply', parent: postId, id: randomId(), text: 'Goed idee', lang: 'nl' });
  assert.equal(res.status, 303);
  res = await form(p, '/p/buurtavond/topics/2', { action: 'reply', parent: postId, id: randomId(), text: '', lang: 'nl' });
  assert.equal(res.status, 400);
  assert.match(await res.text(), /Schrijf eerst je bijdrage/);

  res = await form(p, '/p/buurtavond/topics/2', { action: 'flag', post: postId, lang: 'nl' });
  assert.equal(res.status, 303);
  const ws = await (await api('/api/v1/events/1/process')).json();
  const flagged = ws.posts.find((x) => x.id === postId);
  assert.equal(flagged.flags, 1);
  assert.equal(flagged.reviewed, false);

  // English, and a redirect that keeps it
  res = await form(p, '/p/buurtavond/topics/2?lang=en', { action: 'post', id: randomId(), text: 'In English', lang: 'en' });
  assert.equal(res.headers.get('location').split('#')[0], '/p/buurtavond/topics/2?lang=en&sent=post');
  html = await (await p.request('/p/buurtavond/topics/2?lang=en')).text();
  assert.match(html, /<html lang="en">/);
  assert.match(html, /Join the conversation/);
});

test('the word list holds a post back; a moderator approves or hides; flags are kept', async () => {
  const p = new Participant(srv.base), other = new Participant(srv.base);
  let res = await post(p, 2, 'Wat een klote plan');
  assert.equal(res.status, 201);
  const held = await res.json();
  assert.equal(held.pending, true);
  assert.equal((await topicOf(p, 2)).posts.find((x) => x.id === held.id).pending, true, 'its writer sees it');
  assert.equal((await topicOf(other, 2)).posts.find((x) => x.id === held.id), undefined, 'others do not');
  // participants cannot moderate
  assert.equal((await p.request(`/api/v1/posts/${held.id}/show`, { method: 'POST' })).status, 401);
  res = await api(`/api/v1/posts/${held.id}/show`, { method: 'POST' });
  assert.equal(res.status, 200);
  assert.equal((await topicOf(other, 2)).posts.find((x) => x.id === held.id).text, 'Wat een klote plan');
  res = await api(`/api/v1/posts/${held.id}/hide`, { method: 'POST' });
  assert.deepEqual(await res.json(), { id: held.id, hidden: true, pending: false, reviewed: false });
  assert.equal((await topicOf(other, 2)).posts.find((x) => x.id === held.id), undefined);
  res = await api(`/api/v1/posts/${held.id}/keep`, { method: 'POST' });
  assert.equal((await res.json()).reviewed, true);
  assert.equal((await api('/api/v1/posts/999999/hide', { method: 'POST' })).status, 404);
  const log = await (await api('/api/v1/events/1/log')).json();
  assert.ok(log.log.some((l) => l.action === 'post-hide'));
});

test('a facilitator writes the municipality\'s reaction, also on a closed topic', async () => {
  let res = await api('/api/v1/events/1/process/reactions', { method: 'POST', body: JSON.stringify({ topic: 3, text: 'We leggen een nieuw parkeerplan voor.', id: randomId() }) });
  assert.equal(res.status, 201);
  const t = await topicOf(new Participant(srv.base), 3);
  assert.equal(t.reactions[0].text, 'We leggen een nieuw parkeerplan voor.');
  assert.equal(t.reactions[0].kind, 'reaction');
  const html = await (await fetch(`${srv.base}/p/buurtavond/topics/3`)).text();
  assert.match(html, /class="reaction"[^>]*><p class="reaction-label">Reactie van de gemeente/);
  const p = new Participant(srv.base);
  res = await p.request('/api/v1/events/1/process/reactions', { method: 'POST', body: '{}' });
  assert.equal(res.status, 401);
  res = await api('/api/v1/events/1/process/reactions', { method: 'POST', body: JSON.stringify({ topic: 3, text: '', id: randomId() }) });
  assert.equal(res.status, 400);
});

test('a question topic shows the meeting\'s answers by session and takes the online vote', async () => {
  const p = new Participant(srv.base);
  let html = await (await p.request('/p/buurtavond/topics/1')).text();
  assert.match(html, /Wat er op de bijeenkomst gezegd is/);
  assert.match(html, /Bijeenkomst van/);
  assert.match(html, /Bus: 100% \(1\)/);
  // the closed kind goes through the answers' path of the online channel
  assert.match(html, new RegExp(`action="/${proc.code}"`));
  const cid = html.match(/class="answer-form"><input type="hidden" name="id" value="([^"]+)"/)[1];
  const res = await form(p, `/${proc.code}`, { id: cid, slide: choiceSlide, back: '/p/buurtavond/topics/1', value: '0' });
  assert.equal(res.status, 303);
  assert.equal(res.headers.get('location'), '/p/buurtavond/topics/1?sent=answer#answer');
  html = await (await p.request('/p/buurtavond/topics/1')).text();
  assert.match(html, /Jouw antwoord/, 'what the reader gave, with the results when due');
  // a "back" that leaves the site is not followed
  const evil = await form(new Participant(srv.base), `/${proc.code}`, { id: randomId(), slide: choiceSlide, back: 'https://example.org/', value: '1' });
  assert.equal(evil.headers.get('location'), `/${proc.code}?sent=${choiceSlide}#q-${choiceSlide}`);
});

test('public pages are cacheable: ETag and 304, public for the process, private for a topic', async () => {
  let res = await fetch(`${srv.base}/p/buurtavond`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('cache-control'), /public/);
  assert.equal(res.headers.get('set-cookie'), null);
  const etag = res.headers.get('etag');
  const html = await res.text();
  assert.match(html, /Ophalen/);
  assert.match(html, /aria-current="step"/);
  assert.match(html, /href="\/p\/buurtavond\/topics\/2"/);
  res = await fetch(`${srv.base}/p/buurtavond`, { headers: { 'if-none-match': etag } });
  assert.equal(res.status, 304);
  res = await fetch(`${srv.base}/p/1?lang=en`);
  assert.match(await res.text(), /Topics/);
  // a change makes a new tag
  await post(new Participant(srv.base), 2, 'Nog een idee');
  res = await fetch(`${srv.base}/p/buurtavond`, { headers: { 'if-none-match': etag } });
  assert.equal(res.status, 200);
  const p = new Participant(srv.base);
  res = await p.request('/p/buurtavond/topics/2');
  assert.match(res.headers.get('cache-control'), /private/);
  const t = res.headers.get('etag');
  assert.equal((await p.request('/p/buurtavond/topics/2', { headers: { 'if-none-match': t } })).status, 304);
  assert.equal((await fetch(`${srv.base}/p/nergens`)).status, 404);
  assert.equal((await fetch(`${srv.base}/p/buurtavond/topics/42`)).status, 404);
});

test('posts, supports and the process survive a restart', async () => {
  const before = await topicOf(new Participant(srv.base), 2);
  await stopServer(srv);
  srv = await startServer(env);
  const after = await topicOf(new Participant(srv.base), 2);
  assert.deepEqual(after.posts.map((x) => [x.id, x.supports, x.replies.length]),
    before.posts.map((x) => [x.id, x.supports, x.replies.length]));
  const ws = await (await api('/api/v1/events/1/process')).json();
  assert.equal(ws.posts.find((x) => x.flags === 1 && !x.hidden).reviewed, false);
  // the meeting's answers of a session that ended are still shown
  await control(srv.base, env.code, env.token, 'end');
  // the hand-off: an ended session's phones are sent on to the website
  let res = await fetch(`${srv.base}/api/v1/sessions/${env.code}/website`);
  assert.equal(res.status, 200);
  assert.equal((await res.json()).path, '/p/buurtavond');
  res = await fetch(`${srv.base}/${env.code}`);
  assert.equal(res.status, 410);
  let page = await res.text();
  assert.match(page, /Praat verder online/);
  assert.match(page, /href="\/p\/buurtavond"/);
  await stopServer(srv);
  srv = await startServer(env);
  const html = await (await fetch(`${srv.base}/p/buurtavond/topics/1`)).text();
  assert.match(html, /Bijeenkomst van/);
  assert.match(html, /Bus: 100% \(1\)/);
  // also after a restart, when the ended session is no longer in memory
  res = await fetch(`${srv.base}/${env.code}`);
  assert.equal(res.status, 410);
  page = await res.text();
  assert.match(page, /href="\/p\/buurtavond"/);
  assert.equal((await fetch(`${srv.base}/12345678`)).status, 404);
});

test('the report carries the website: per topic its contributions, supports, replies and reactions', async () => {
  const rep = await (await api(`/api/v1/sessions/${proc.code}/report?format=json`)).json();
  const site = rep.website;
  assert.equal(site.slug, 'buurtavond');
  assert.equal(site.phases[0].name, 'Ophalen');
  const [q, green, parking] = site.topics;
  assert.equal(q.question, 1, 'a question topic names its question');
  assert.equal(rep.slides.find((s) => s.question === 1).title, 'Hoe kwam je hier?');
  assert.equal(green.phase, 'Ophalen');
  assert.ok(green.counts.contributions >= 4);
  assert.ok(green.counts.hidden >= 1, 'the hidden post is kept, marked');
  assert.equal(green.posts.find((x) => !x.visible).text, 'Wat een klote plan');
  const bomen = green.posts.find((x) => x.text.startsWith('Meer bomen'));
  assert.equal(bomen.supports, 2);
  assert.deepEqual(bomen.replies.map((r) => r.text), ['Eens, en ook bij school.']);
  assert.equal(parking.reactions[0].text, 'We leggen een nieuw parkeerplan voor.');
  assert.equal(parking.reactions[0].supports, undefined);
  const md = await (await api(`/api/v1/sessions/${proc.code}/report?format=md`)).text();
  assert.match(md, /## Op de website/);
  assert.match(md, /> \*\*Reactie van de gemeente:\*\* We leggen een nieuw parkeerplan voor\./);
  assert.ok(md.includes('- Meer bomen langs de Dorpsstraat, \\<b\\>graag\\</b\\>. (ik ook: 2)'), 'escaped, with its supports');
  assert.match(md, /  - Eens, en ook bij school\./);
  assert.doesNotMatch(md, /klote/, 'the document leaves hidden posts out');
  const xlsx = Buffer.from(await (await api(`/api/v1/sessions/${proc.code}/report?format=xlsx`)).arrayBuffer());
  const file = `${env.dir}/report.xlsx`;
  (await import('node:fs')).writeFileSync(file, xlsx);
  const unzip = (part) => execFileSync('unzip', ['-p', file, part], { encoding: 'utf8' });
  assert.match(unzip('xl/workbook.xml'), /name="Op de website"/);
  const strings = unzip('xl/worksheets/sheet*.xml'); // inline strings: the workbook is written with constant memory
  assert.match(strings, /We leggen een nieuw parkeerplan voor\./);
  assert.match(strings, /Eens, en ook bij school\./);
});

// issue 14: the documents a council reads show the process per topic and channel
test('the HTML and PDF reports show each topic with its counts per channel and the reactions', async () => {
  const rep = await (await api(`/api/v1/sessions/${proc.code}/report?format=json`)).json();
  const [q, green] = rep.website.topics;
  const counts = rep.slides.find((s) => s.question === 1).counts.sessions;
  const html = await (await api(`/api/v1/sessions/${proc.code}/report?format=html`)).text();
  const site = html.slice(html.indexOf('<section class=website>'));
  assert.match(site, /^<section class=website>\n<h3>Op de website<\/h3>/);
  // the question topic: the hall's and the online questionnaire's answers beside the website
  const qsec = site.slice(site.indexOf('>Hoe kwam je hier?</h4>'), site.indexOf('>Groen in de wijk</h4>'));
  assert.match(qsec, /Dit onderwerp is vraag 1\./);
  assert.match(qsec, new RegExp(`<th scope=row>Zaal, bijeenkomst 1</th><td class=n>${counts[0].participants}</td><td class=n>${counts[0].answers}</td><td class=n>–</td>`));
  assert.match(qsec, new RegExp(`<th scope=row>Online vragenlijst</th><td class=n>${counts[1].participants}</td><td class=n>${counts[1].answers}</td>`));
  assert.ok(counts[1].answers >= 1, 'the online vote counts in its channel');
  assert.match(qsec, new RegExp(`<th scope=row>Website</th><td class=n>${q.counts.participants}</td><td class=n>${q.counts.contributions}</td>`));
  // a topic of its own: the website's row only, with supports and replies
  const gsec = site.slice(site.indexOf('>Groen in de wijk</h4>'), site.indexOf('>Parkeren</h4>'));
  assert.doesNotMatch(gsec, /Zaal/);
  assert.match(gsec, new RegExp(`<th scope=row>Website</th><td class=n>${green.counts.participants}</td><td class=n>${green.counts.contributions}</td><td class=n>${green.counts.supports}</td><td class=n>${green.counts.replies}</td>`));
  assert.ok(gsec.includes('Meer bomen langs de Dorpsstraat, &lt;b&gt;graag&lt;/b&gt;.'), 'escaped');
  assert.match(gsec, /<p class=note>Ik ook: 2<\/p><ul><li><p dir=auto>Eens, en ook bij school\.<\/p><\/li>/);
  assert.doesNotMatch(site, /klote/, 'hidden posts are left out');
  assert.match(site, /<div class=reaction><p><strong>Reactie van de gemeente<\/strong><\/p><p dir=auto>We leggen een nieuw parkeerplan voor\.<\/p><\/div>/);

  const pdf = `${env.dir}/site.pdf`;
  (await import('node:fs')).writeFileSync(pdf, Buffer.from(await (await api(`/api/v1/sessions/${proc.code}/report?format=pdf`)).arrayBuffer()));
  const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
  assert.match(text, /Op de website/);
  const page = (title) => text.split('\f').find((p) => p.includes(title) && p.includes('Kanaal'));
  const qp = page('Hoe kwam je hier?');
  assert.match(qp, new RegExp(`Zaal, bijeenkomst 1\\s+${counts[0].participants}\\s+${counts[0].answers}\\s+–\\s+–`));
  assert.match(qp, new RegExp(`Online vragenlijst\\s+${counts[1].participants}\\s+${counts[1].answers}`));
  assert.match(qp, new RegExp(`Website\\s+${q.counts.participants}\\s+${q.counts.contributions}\\s+${q.counts.supports}\\s+${q.counts.replies}`));
  const gp = page('Groen in de wijk');
  assert.match(gp, new RegExp(`Website\\s+${green.counts.participants}\\s+${green.counts.contributions}\\s+${green.counts.supports}\\s+${green.counts.replies}`));
  assert.match(gp, /Meer bomen langs de Dorpsstraat, <b>graag<\/b>\./);
  assert.match(gp, /Ik ook: 2/);
  assert.match(gp, /Eens, en ook bij school\./);
  assert.match(page('Parkeren'), /Reactie van de gemeente\s+We leggen een nieuw parkeerplan voor\./);
  // tagged: the topic is a heading, the counts a table with header cells
  const struct = execFileSync('pdfinfo', ['-struct-text', pdf], { encoding: 'utf8' });
  assert.match(struct, /^  H2 \(block\)\n    "Groen in de wijk"\n/m);
  assert.match(struct, /TH\n\s+"Kanaal"/);
  assert.match(struct, /TH\n\s+"Website"/);
  assert.match(struct, /BlockQuote\n\s+P \(block\)\n\s+"Reactie van de gemeente"/);
});

test('at the end of its retention a process unlinks every answer and post from devices, and closes', async () => {
  const sql = (q) => dbSql(env, q); // SQLite or PostgreSQL (make test-pg)
  const p = new Participant(srv.base);
  let res = await post(p, 2, 'Nog net op tijd');
  const id = (await res.json()).id;
  const hash = sql(`SELECT participant FROM posts WHERE id=${id}`);
  const answerHashes = sql('SELECT participant FROM answers').split('\n');
  assert.equal((await topicOf(p, 2)).posts.find((x) => x.id === id).mine, true);
  let html = await (await fetch(`${srv.base}/p/buurtavond`)).text();
  assert.doesNotMatch(html, /weten we tot en met/);

  res = await api('/api/v1/events/1/process', { method: 'PUT', body: JSON.stringify(config({ retention: day(-1) })) });
  assert.equal(res.status, 200);
  for (let i = 0; i < 50 && (await topicOf(p, 2)).posts.find((x) => x.id === id)?.mine; i++) await new Promise((r) => setTimeout(r, 50));
  assert.equal((await topicOf(p, 2)).posts.find((x) => x.id === id).mine, false, 'no longer tied to its device');
  assert.notEqual(sql(`SELECT participant FROM posts WHERE id=${id}`), hash);
  assert.equal(sql(`SELECT count(*) FROM posts WHERE participant='${hash}'`), '0');
  for (const h of answerHashes) assert.equal(sql(`SELECT count(*) FROM answers WHERE participant='${h}'`), '0');
  const ws = await (await api('/api/v1/events/1/process')).json();
  assert.ok(ws.purged_at > 0);
  assert.equal(ws.retention, day(-1));
  html = await (await fetch(`${srv.base}/p/buurtavond`)).text();
  assert.match(html, /Niets is nog aan een apparaat gekoppeld/);
  res = await post(p, 2, 'Te laat');
  assert.equal(res.status, 409, 'the retention\'s end closes the topics');
  // a bad date is refused
  res = await api('/api/v1/events/1/process', { method: 'PUT', body: JSON.stringify(config({ retention: 'morgen' })) });
  assert.equal(res.status, 400);
});

test('purge unlinks the website\'s posts and supports from participants, or deletes the posts', async () => {
  const sql = (q) => dbSql(env, q); // SQLite or PostgreSQL (make test-pg)
  const hash = sql('SELECT participant FROM post_marks LIMIT 1');
  assert.match(hash, /^[0-9a-f]{32}$/);
  assert.ok(Number(sql("SELECT count(*) FROM posts WHERE participant != '00000000000000000000000000000000'")) > 1);
  await stopServer(srv);
  assert.match(run(['purge', '--event', '1', '--db', env.db]), /no longer linked/);
  assert.equal(sql('SELECT count(DISTINCT participant) FROM posts'), sql('SELECT count(*) FROM posts'));
  if (!PG) { // PostgreSQL's files belong to its server; VACUUM FULL rewrites the tables there
    const bytes = readFileSync(env.db).toString('latin1') + (existsSync(`${env.db}-wal`) ? readFileSync(`${env.db}-wal`).toString('latin1') : '');
    assert.equal(bytes.includes(hash), false, 'the old participant hash is gone from the file');
  }
  run(['purge', '--event', '1', '--answers', '--db', env.db]);
  assert.equal(sql('SELECT count(*) FROM posts'), '0');
  assert.equal(sql('SELECT count(*) FROM post_marks'), '0');
  srv = await startServer(env);
  const t = await (await fetch(`${srv.base}/api/v1/processes/buurtavond/topics/2`)).json();
  assert.deepEqual(t.posts, []);
});
