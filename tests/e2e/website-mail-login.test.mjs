// The website's e-mail ladder (src/app/login_mail.c; docs/protocol.md,
// "E-mail on the website") through a real SMTP server: a one-time link
// confirms an address and makes a second browser the same participant,
// the digest tells of a reaction, a reply and a new phase, one signed link
// unsubscribes, and the retention's end purges every address. Bad input:
// an invalid address, a reused, expired or unknown link, floods for one
// address and from one participant, a closed topic.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  prepare, startServer, stopServer, cleanup, Participant, randomId, sql, PG, gotoKind,
} from './lib.mjs';
import { startSmtp } from './smtp.mjs';

let choiceSlide, env, srv, smtp;
const ADDRESS = 'bewoner@example.test';

const api = (path, opts = {}) => fetch(`${srv.base}${path}`, {
  ...opts, headers: { authorization: `Bearer ${env.token}`, 'content-type': 'application/json', ...(opts.headers || {}) },
});
const day = (offset) => new Date(Date.now() + offset * 86400000).toISOString().slice(0, 10);
const config = (extra = {}) => ({
  published: true,
  slug: 'buurt',
  description: 'Praat mee over de buurt.',
  email_login: true,
  phases: [
    { name: 'Ophalen', start: day(-10), end: day(30) },
    { name: 'Verwerken', start: day(-20), end: day(-1) },
  ],
  topics: [
    { id: 1, title: 'Groen in de wijk', body: 'Waar mist u bomen?', phase: 0 },
    { id: 2, title: 'Parkeren', body: 'Al besproken.', phase: 1 },
    { id: 3, title: 'Hoe kwam je hier?', body: '', phase: 0, slide: choiceSlide },
  ],
  ...extra,
});
const form = (p, path, fields) => p.request(path, {
  method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});
const post = (p, topic, text, extra = {}) => p.request(`/api/v1/processes/buurt/topics/${topic}/posts`, {
  method: 'POST', headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ id: randomId(), text, ...extra }),
});
const poll = async (fn, what, timeout = 15000) => {
  const end = Date.now() + timeout;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};
const mailsTo = (to) => smtp.messages().filter((m) => m.to === to);
// the confirm link of the newest mail to an address, after n of them arrived
async function linkFor(to, n) {
  await poll(() => mailsTo(to).length >= n, `mail ${n} to ${to}`);
  const msg = mailsTo(to)[n - 1];
  const link = msg.links.find((l) => l.includes('/confirm?t='));
  assert.ok(link, msg.text);
  return { msg, link: new URL(link) };
}
async function confirm(p, link) {
  let res = await p.request(link.pathname + link.search);
  assert.equal(res.status, 200);
  const page = await res.text();
  assert.match(page, /<form method="post" action="\/p\/buurt\/confirm">/);
  res = await form(p, '/p/buurt/confirm', { t: link.searchParams.get('t') });
  return res;
}

before(async () => {
  env = prepare('tests/e2e/decks/phones.md');
  smtp = await startSmtp();
  srv = await startServer(env, ['--smtp-url', smtp.url, '--mail-from', 'inspraak@gemeente.test']);
  choiceSlide = (await gotoKind(srv.base, env.code, env.token, 'choice')).id;
  const res = await api('/api/v1/events/1/process', { method: 'PUT', body: JSON.stringify(config()) });
  const body = await res.text();
  assert.equal(res.status, 200, body);
  assert.equal(JSON.parse(body).email_login, true);
});
after(async () => {
  await stopServer(srv);
  if (smtp) await smtp.stop();
  if (env) cleanup(env);
});

test('the process page links to the e-mail page, which asks for an address', async () => {
  const page = await (await fetch(`${srv.base}/p/buurt`)).text();
  assert.match(page, /href="\/p\/buurt\/account"/);
  const res = await fetch(`${srv.base}/p/buurt/account?lang=en`);
  assert.equal(res.status, 200);
  const html = await res.text();
  assert.match(html, /Your e-mail address/);
  assert.match(html, /action="\/p\/buurt\/email"/);
});

test('an invalid address is refused on the page, and nothing is sent', async () => {
  const p = new Participant(srv.base);
  for (const address of ['geen-adres', 'a@b', 'x@y.nl\r\nBcc: z@y.nl', '', 'a'.repeat(250) + '@b.nl']) {
    const res = await form(p, '/p/buurt/email', { address });
    assert.equal(res.status, 400, address);
    assert.match(await res.text(), /Dat is geen e-mailadres/);
  }
  assert.equal(smtp.messages().length, 0);
});

let first, second;

test('a link confirms the address; on a second browser it makes the same participant', async () => {
  first = new Participant(srv.base);
  assert.equal((await post(first, 1, 'Meer bomen in de Dorpsstraat')).status, 201);
  const firstCookie = first.cookie;
  let res = await form(first, '/p/buurt/email', { address: ` ${ADDRESS.toUpperCase()} ` });
  assert.equal(res.status, 303);
  assert.equal(res.headers.get('location'), '/p/buurt/account?sent=mail');
  assert.match(await (await first.request('/p/buurt/account?sent=mail')).text(), /Als dit adres gebruikt kan worden/);
  const { msg, link } = await linkFor(ADDRESS, 1);
  assert.match(msg.subject, /Je link voor/);
  assert.equal(msg.headers.from, 'inspraak@gemeente.test');
  assert.match(msg.text, /30 minuten geldig/);
  res = await confirm(first, link);
  assert.equal(res.status, 303);
  assert.equal(res.headers.get('location'), '/p/buurt/account?sent=confirmed');
  assert.equal(first.cookie, firstCookie, 'the first device keeps its participant');
  assert.match(await (await first.request('/p/buurt/account')).text(), /Je e-mailadres is bevestigd/);

  // a second browser asks for a link and follows it
  second = new Participant(srv.base);
  await form(second, '/p/buurt/email', { address: ADDRESS });
  const again = await linkFor(ADDRESS, 2);
  assert.notEqual(second.cookie, firstCookie);
  res = await confirm(second, again.link);
  assert.equal(res.status, 303);
  assert.equal(second.cookie, firstCookie, 'the second browser is the same participant now');
  const topic = await (await second.request('/api/v1/processes/buurt/topics/1')).json();
  const mine = topic.posts.find((q) => q.text === 'Meer bomen in de Dorpsstraat');
  assert.equal(mine.mine, true);
  // supports count one per person: the second browser's support is the first's
  const id = mine.id;
  assert.equal((await first.request(`/api/v1/posts/${id}/support`, { method: 'POST' })).status, 200);
  const s2 = await (await second.request(`/api/v1/posts/${id}/support`, { method: 'POST' })).json();
  assert.equal(s2.supports, 1);
  // the address is stored once, with only hashes of the links
  assert.equal(sql(env, `SELECT count(*) FROM mail_people WHERE address='${ADDRESS}'`), '1');
  const tokens = sql(env, 'SELECT hash FROM mail_tokens').split('\n');
  assert.ok(tokens.every((h) => /^[0-9a-f]{64}$/.test(h)));
  assert.ok(!tokens.includes(again.link.searchParams.get('t')));
});

test('a reused, an expired and an unknown link each get a clear page with a new request', async () => {
  const p = new Participant(srv.base);
  const { link } = await linkFor(ADDRESS, 2);
  let res = await form(p, '/p/buurt/confirm', { t: link.searchParams.get('t') });
  assert.equal(res.status, 410);
  let html = await res.text();
  assert.match(html, /Deze link is al gebruikt/);
  assert.match(html, /action="\/p\/buurt\/email"/);

  await form(p, '/p/buurt/email', { address: 'later@example.test' });
  const late = await linkFor('later@example.test', 1);
  sql(env, "UPDATE mail_tokens SET expires_at=1 WHERE address='later@example.test'");
  res = await form(p, '/p/buurt/confirm', { t: late.link.searchParams.get('t'), lang: 'en' });
  assert.equal(res.status, 410);
  html = await res.text();
  assert.match(html, /This link has expired/);
  assert.match(html, /Send me a link/);

  res = await form(p, '/p/buurt/confirm', { t: 'nietsbestaands' });
  assert.equal(res.status, 404);
  assert.match(await res.text(), /Deze link kennen we niet/);
});

test('a flood for one address sends three links an hour, and the answer stays the same', async () => {
  const flood = 'vaak@example.test';
  for (let i = 0; i < 6; i++) {
    const res = await form(new Participant(srv.base), '/p/buurt/email', { address: flood });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/p/buurt/account?sent=mail');
  }
  await poll(() => mailsTo(flood).length >= 3, 'three mails');
  // the others were refused by the store: give them the time to arrive if
  // they were sent at all
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(mailsTo(flood).length, 3);
});

test('a flood from one participant is cut off silently', async () => {
  const p = new Participant(srv.base);
  for (let i = 0; i < 8; i++) {
    const res = await form(p, '/p/buurt/email', { address: `veel${i}@example.test` });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/p/buurt/account?sent=mail');
  }
  await poll(() => smtp.messages().filter((m) => /^veel\d@/.test(m.to)).length >= 5, 'five mails');
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(smtp.messages().filter((m) => /^veel\d@/.test(m.to)).length, 5);
});

test('a contribution to a closed topic is refused with 409', async () => {
  const res = await post(new Participant(srv.base), 2, 'Te laat');
  assert.equal(res.status, 409);
});

test('the digest tells of a reaction, a reply and a new phase; one link unsubscribes', async () => {
  let res = await form(second, '/p/buurt/digest', { on: '1' });
  assert.equal(res.status, 303);
  assert.equal(res.headers.get('location'), '/p/buurt/account?sent=digest_on');
  assert.match(await (await first.request('/p/buurt/account')).text(), /Stop de samenvatting/);
  // nothing new yet: no digest
  res = await api('/api/v1/events/1/process/digest', { method: 'POST', body: '{}' });
  assert.deepEqual(await res.json(), { subscribers: 1, queued: 0 });

  const mine = (await (await first.request('/api/v1/processes/buurt/topics/1')).json()).posts[0];
  assert.equal((await post(new Participant(srv.base), 1, 'Ja, bij de school ook!', { parent: mine.id })).status, 201);
  res = await api('/api/v1/events/1/process/reactions', { method: 'POST', body: JSON.stringify({ topic: 1, text: 'We planten dit najaar twintig bomen.', id: randomId() }) });
  assert.equal(res.status, 201);
  const phases = [
    { name: 'Ophalen', start: day(-10), end: day(-1) },
    { name: 'Verwerken', start: day(0), end: day(30) },
  ];
  res = await api('/api/v1/events/1/process', { method: 'PUT', body: JSON.stringify(config({ phases, topics: [
    { id: 1, title: 'Groen in de wijk', body: 'Waar mist u bomen?', phase: 1 },
    { id: 2, title: 'Parkeren', body: 'Al besproken.', phase: 0 },
  ] })) });
  assert.equal(res.status, 200);
  res = await api('/api/v1/events/1/process/digest', { method: 'POST', body: '{}' });
  assert.deepEqual(await res.json(), { subscribers: 1, queued: 1 });
  const digest = await smtp.waitFor((m) => m.to === ADDRESS && /Nieuws over/.test(m.subject));
  assert.match(digest.text, /Een nieuwe fase is begonnen: Verwerken/);
  assert.match(digest.text, /We planten dit najaar twintig bomen/);
  assert.match(digest.text, /Ja, bij de school ook!/);
  const unsub = digest.links.find((l) => l.includes('/unsubscribe?'));
  assert.equal(digest.headers['list-unsubscribe'], `<${unsub}>`);
  assert.equal(digest.headers['list-unsubscribe-post'], 'List-Unsubscribe=One-Click');
  // once sent, the same news is not sent again
  await poll(async () => {
    const r = await api('/api/v1/events/1/process/digest', { method: 'POST', body: '{}' });
    return (await r.json()).queued === 0;
  }, 'the digest clock to move');

  // a forged link is refused; the real one needs no login
  const u = new URL(unsub);
  const forged = new URL(unsub);
  forged.searchParams.set('s', '0'.repeat(32));
  const stranger = new Participant(srv.base);
  res = await stranger.request(forged.pathname + forged.search);
  assert.equal(res.status, 400);
  res = await stranger.request(u.pathname + u.search);
  assert.equal(res.status, 200);
  assert.match(await res.text(), /Meld mij af/);
  res = await stranger.request(u.pathname + u.search, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'List-Unsubscribe=One-Click',
  });
  assert.equal(res.status, 303);
  assert.equal(res.headers.get('location'), '/p/buurt/account?sent=unsubscribed');
  res = await api('/api/v1/events/1/process/digest', { method: 'POST', body: '{}' });
  assert.deepEqual(await res.json(), { subscribers: 0, queued: 0 });
});

test('a digest about one topic tells only of that topic', async () => {
  let res = await second.request('/p/buurt/digest', {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'on=1&topic=2&topic=999',
  });
  assert.equal(res.status, 303);
  const page = await (await second.request('/p/buurt/account')).text();
  assert.match(page, /<input type="checkbox" name="topic" id="topic-2" value="2" checked>/);
  assert.match(page, /<input type="checkbox" name="topic" id="topic-1" value="1">/);
  assert.equal(sql(env, `SELECT topics FROM mail_people WHERE address='${ADDRESS}'`), ',2,');
  // a reaction on topic 1: nothing for this reader
  res = await api('/api/v1/events/1/process/reactions', { method: 'POST', body: JSON.stringify({ topic: 1, text: 'Over groen: de bomen komen.', id: randomId() }) });
  assert.equal(res.status, 201);
  res = await api('/api/v1/events/1/process/digest', { method: 'POST', body: '{}' });
  assert.deepEqual(await res.json(), { subscribers: 1, queued: 0 });
  res = await api('/api/v1/events/1/process/reactions', { method: 'POST', body: JSON.stringify({ topic: 2, text: 'Over parkeren: er komt een vergunning.', id: randomId() }) });
  assert.equal(res.status, 201);
  const before = mailsTo(ADDRESS).length;
  res = await api('/api/v1/events/1/process/digest', { method: 'POST', body: '{}' });
  assert.deepEqual(await res.json(), { subscribers: 1, queued: 1 });
  await poll(() => mailsTo(ADDRESS).length > before, 'the topic digest');
  const digest = mailsTo(ADDRESS).at(-1);
  assert.match(digest.text, /er komt een vergunning/);
  assert.doesNotMatch(digest.text, /de bomen komen/);
  // the whole process again: nothing ticked
  res = await form(second, '/p/buurt/digest', { on: '1' });
  assert.equal(res.status, 303);
  assert.equal(sql(env, `SELECT topics FROM mail_people WHERE address='${ADDRESS}'`), '');
  res = await form(second, '/p/buurt/digest', { on: '0' });
  assert.equal(res.headers.get('location'), '/p/buurt/account?sent=digest_off');
});

test('a process that takes only confirmed addresses refuses others, with a message', async () => {
  let res = await api('/api/v1/events/1/process', { method: 'PUT', body: JSON.stringify(config({ email_required: true })) });
  assert.equal((await res.json()).email_required, true);
  res = await post(new Participant(srv.base), 1, 'Zonder adres');
  assert.equal(res.status, 403);
  assert.match((await res.json()).error, /bevestigd e-mailadres/);
  assert.equal((await post(first, 1, 'Met een bevestigd adres')).status, 201);
  res = await api('/api/v1/events/1/process', { method: 'PUT', body: JSON.stringify(config()) });
  assert.equal((await res.json()).email_required, false);
});

test('a panel: the facilitator makes codes, each is used once, only members take part', async () => {
  let res = await api('/api/v1/events/1/process', { method: 'PUT', body: JSON.stringify(config({ invite_only: true })) });
  assert.equal((await res.json()).invite_only, true);
  for (const count of [0, 501, 'x']) {
    res = await api('/api/v1/events/1/process/invites', { method: 'POST', body: JSON.stringify({ count }) });
    assert.equal(res.status, 400);
  }
  res = await api('/api/v1/events/1/process/invites', { method: 'POST', body: JSON.stringify({ count: 3 }) });
  assert.equal(res.status, 201);
  const { codes } = await res.json();
  assert.equal(codes.length, 3);
  assert.ok(codes.every((c) => /^[A-HJ-NP-Z2-9]{10}$/.test(c)));
  res = await fetch(`${srv.base}/api/v1/events/1/process/invites`, { method: 'POST', body: '{"count":1}' });
  assert.equal(res.status, 401);

  const stranger = new Participant(srv.base);
  res = await post(stranger, 1, 'Ik hoor er niet bij');
  assert.equal(res.status, 403);
  assert.match((await res.json()).error, /uitnodigingscode/);
  assert.match(await (await fetch(`${srv.base}/p/buurt`)).text(), /href="\/p\/buurt\/invite"/);

  const member = new Participant(srv.base);
  assert.equal((await member.request('/p/buurt/invite')).status, 200);
  const typed = `${codes[0].slice(0, 5).toLowerCase()}-${codes[0].slice(5)}`;
  res = await form(member, '/p/buurt/invite', { code: typed });
  assert.equal(res.status, 303);
  assert.equal(res.headers.get('location'), '/p/buurt/invite?sent=joined');
  assert.equal((await post(member, 1, 'Als lid van het panel')).status, 201);
  // the question topic's answers go through the online channel: the panel only there too
  const online = (await (await member.request('/api/v1/processes/buurt')).json()).code;
  const vote = (p) => p.request(`/api/v1/sessions/${online}/answers`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id: randomId(), slide: choiceSlide, value: [0] }),
  });
  res = await vote(stranger);
  assert.equal(res.status, 403);
  assert.match((await res.json()).error, /uitnodigingscode/);
  assert.equal((await vote(member)).status, 201);
  res = await form(stranger, '/p/buurt/invite', { code: codes[0] });
  assert.equal(res.status, 409);
  assert.match(await res.text(), /al door iemand anders gebruikt/);
  res = await form(stranger, '/p/buurt/invite', { code: 'ZZZZZZZZZZ' });
  assert.equal(res.status, 400);
  assert.match(await res.text(), /Deze code kennen we niet/);

  res = await api('/api/v1/events/1/process/invites?format=csv');
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^text\/csv/);
  const csv = (await res.text()).trim().split('\r\n');
  assert.equal(csv[0], 'code,used');
  assert.deepEqual(csv.slice(1).sort(), [`${codes[0]},yes`, `${codes[1]},no`, `${codes[2]},no`].sort());
  res = await api('/api/v1/events/1/process', { method: 'PUT', body: JSON.stringify(config()) });
  assert.equal(res.status, 200);
});

test('a resident removes their address', async () => {
  let res = await form(new Participant(srv.base), '/p/buurt/forget', {});
  assert.equal(res.status, 403, 'only a confirmed participant');
  res = await form(first, '/p/buurt/forget', {});
  assert.equal(res.status, 303);
  assert.equal(res.headers.get('location'), '/p/buurt/account?sent=forgotten');
  assert.equal(sql(env, `SELECT count(*) FROM mail_people WHERE address='${ADDRESS}'`), '0');
  assert.match(await (await second.request('/p/buurt/account')).text(), /Stuur mij een link/);
});

test('after the retention end no address is left in the database', async () => {
  // one more confirmed address, so there is something to purge, and a
  // link asked for before the end and followed after it
  const p = new Participant(srv.base);
  await form(p, '/p/buurt/email', { address: 'blijft@example.test' });
  const { link } = await linkFor('blijft@example.test', 1);
  assert.equal((await confirm(p, link)).status, 303);
  await form(p, '/p/buurt/email', { address: 'te-laat@example.test' });
  const late = await linkFor('te-laat@example.test', 1);
  assert.ok(sql(env, 'SELECT count(*) FROM mail_people') !== '0');
  const res = await api('/api/v1/events/1/process', { method: 'PUT', body: JSON.stringify(config({ retention: day(-1) })) });
  assert.equal(res.status, 200);
  await poll(() => sql(env, 'SELECT count(*) FROM mail_people') === '0'
    && sql(env, 'SELECT count(*) FROM mail_tokens') === '0', 'the purge');
  assert.equal(sql(env, "SELECT count(*) FROM invite_codes WHERE participant <> ''"), '0');
  const res2 = await form(p, '/p/buurt/confirm', { t: late.link.searchParams.get('t') });
  assert.equal(res2.status, 409);
  const dump = PG ? execFileSync('pg_dump', [env.db], { encoding: 'utf8' })
    : execFileSync('sqlite3', [env.db, '.dump'], { encoding: 'utf8' });
  assert.doesNotMatch(dump, /@example\.test/);
  // and no new link can be asked for
  const after = await form(p, '/p/buurt/email', { address: 'nieuw@example.test' });
  assert.equal(after.status, 409);
});

test('without email_login the e-mail pages are not there', async () => {
  const res = await api('/api/v1/events/1/process', { method: 'PUT', body: JSON.stringify(config({ email_login: false })) });
  assert.equal(res.status, 200);
  assert.equal((await fetch(`${srv.base}/p/buurt/account`)).status, 404);
  assert.doesNotMatch(await (await fetch(`${srv.base}/p/buurt`)).text(), /\/p\/buurt\/account/);
});
