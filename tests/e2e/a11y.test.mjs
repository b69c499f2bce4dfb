// Accessibility (issue 16): axe-core with the WCAG 2.1 A and AA rules on
// every page, at 390 and 1280 pixels wide, in Dutch and in English: the join
// page, the participant page in every question state, the form without
// JavaScript, the self-paced page, the website's public pages (issue 14),
// the login page, the presenter, every workspace page and the HTML report. Then the accessibility tree in
// Chromium for what a screen reader hears of live results.
//
// axe-core is injected as a script, which the pages' strict
// Content-Security-Policy would refuse: the audit contexts bypass it (the
// policy itself is tested in security.test.mjs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { prepare, startServer, stopServer, cleanup, control, state, run, Participant, ROOT, launchBrowser, randomId } from './lib.mjs';

const AXE = readFileSync(path.join(ROOT, 'tests/e2e/node_modules/axe-core/axe.min.js'), 'utf8');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const WIDTHS = [390, 1280];
const LANGS = ['nl', 'en'];

// The same kinds of question in English, for the English participant pages.
const DECK_EN = `---
title: Test evening
subtitle: Every kind of question
lang: en
---

# Welcome

A *content slide* with a list:

- one
- two

---

? open: What matters to you?
max-length: 100
answers: 2

---

? cloud: One word about your neighbourhood
entries: 3

---

? choice: How did you get here?
results: phones
- Bike
- Bus
- On foot

---

? choice: Which topics?
multiple: yes
- Housing
- Work
- Care

---

? scale: How much do you agree?
scale: 5
labels: Disagree | Agree
- The neighbourhood is safe
- There is enough green

---

? rank: What comes first?
- Education
- Meeting
- Work

---

? qa: Questions for the alderman

---

# Thank you!
`;

let env, srv, browser, codes, eventIds, slides;

// Every slide of the session, in order, walking from the first.
async function walk(code) {
  let st = await state(srv.base, code);
  while (st.slide.index > 0) st = (await control(srv.base, code, env.token, 'prev')).body;
  const list = [st.slide];
  for (;;) {
    const res = await control(srv.base, code, env.token, 'next');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const next = res.body;
    if (next.slide.index === list[list.length - 1].index) return list;
    list.push(next.slide);
  }
}
const found = []; // every violation, with the page it was on
let audited = 0;

async function context(lang, width, opts = {}) {
  return browser.newContext({
    viewport: { width, height: width < 600 ? 844 : 800 },
    locale: lang === 'en' ? 'en-GB' : 'nl-NL',
    bypassCSP: true,
    ...opts,
  });
}

async function login(ctx, lang) {
  const p = await ctx.newPage();
  await ctx.addInitScript((l) => localStorage.setItem('inspraak-lang', l), lang);
  await p.goto(`${srv.base}/login?next=/app&lang=${lang}`);
  await p.fill('#name', 'anna');
  await p.fill('#password', 'geheim-wachtwoord');
  await p.click('button[type=submit]');
  await p.waitForURL(`${srv.base}/app`);
  return p;
}

// Runs axe on the page as it is; remembers what it finds under `name`.
async function audit(page, name) {
  await page.addScriptTag({ content: AXE });
  const v = await page.evaluate(async (tags) => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return r.violations.map((x) => ({ id: x.id, help: x.help,
      nodes: x.nodes.slice(0, 4).map((n) => `${n.target.join(' ')}: ${n.failureSummary.replace(/\s+/g, ' ')}`),
      count: x.nodes.length }));
  }, TAGS);
  audited++;
  for (const x of v) found.push({ page: name, ...x });
  return v;
}

const settle = (page) => page.waitForTimeout(250);

before(async () => {
  env = prepare('tests/e2e/decks/all-types.md');
  const deck = path.join(env.dir, 'english.md');
  writeFileSync(deck, DECK_EN);
  const out = run(['import', deck, '--owner', 'anna', '--db', env.db]);
  codes = { nl: env.code, en: out.match(/code (\d{6,8})/)[1] };
  eventIds = { nl: 1, en: 2 };
  srv = await startServer(env);
  browser = await launchBrowser();
  // an answer on every question, so that results have something to show
  slides = {};
  for (const lang of LANGS) {
    slides[lang] = await walk(codes[lang]);
    const p = new Participant(srv.base, codes[lang]);
    for (const s of slides[lang]) {
      const value = { open: 'Fiets en groen', cloud: ['fiets'], choice: s.multiple ? [0, 2] : 1,
        scale: [4, 2], rank: [2, 0, 1], qa: 'Wanneer komt het park?' }[s.kind];
      if (value === undefined) continue;
      await control(srv.base, codes[lang], env.token, 'goto', { slide: s.id });
      const r = await p.answer(s.id, value);
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
    await control(srv.base, codes[lang], env.token, 'goto', { slide: slides[lang][0].id });
  }
});

after(async () => {
  await browser?.close();
  await stopServer(srv);
  cleanup(env);
});

test('the join and login pages', async () => {
  for (const lang of LANGS) {
    for (const w of WIDTHS) {
      const ctx = await context(lang, w);
      const p = await ctx.newPage();
      await p.goto(`${srv.base}/`);
      await audit(p, `join ${lang} ${w}`);
      await p.goto(`${srv.base}/join?code=12`);
      await audit(p, `join error ${lang} ${w}`);
      await p.goto(`${srv.base}/login?lang=${lang}`);
      await audit(p, `login ${lang} ${w}`);
      await ctx.close();
    }
  }
});

// Fills in something for the question on the page and sends it.
async function answerInPage(p, kind) {
  const f = p.locator('form.answer-form');
  if (kind === 'open' || kind === 'qa') await f.locator('textarea').fill('Meer bankjes');
  else if (kind === 'cloud') await f.locator('input[type=text]').first().fill('groen');
  else if (kind === 'choice') await f.locator('input').first().check();
  else if (kind === 'scale') {
    for (const fs of await f.locator('fieldset').all()) await fs.locator('input').first().check();
  }
  await f.locator('button.send').click();
  await p.waitForSelector('.feedback p');
}

const onSlide = (p, s) => p.waitForSelector(`section.slide[data-kind="${s.kind}"]${s.title && s.kind !== 'content' ? `:has(h1:text-is("${s.title}"))` : ''}`);

test('the participant page in every question state', async () => {
  for (const lang of LANGS) {
    const code = codes[lang];
    const pages = [];
    for (const w of WIDTHS) {
      const ctx = await context(lang, w, w < 600 ? { isMobile: true, hasTouch: true } : {});
      const p = await ctx.newPage();
      await p.goto(`${srv.base}/${code}`);
      pages.push({ p, w });
    }
    for (const s of slides[lang]) {
      await control(srv.base, code, env.token, 'goto', { slide: s.id });
      for (const { p, w } of pages) {
        await onSlide(p, s);
        await settle(p);
        await audit(p, `participant ${lang} ${w} ${s.kind} ${s.index} open`);
        if (s.kind !== 'content') {
          await answerInPage(p, s.kind);
          await audit(p, `participant ${lang} ${w} ${s.kind} ${s.index} answered`);
        }
      }
      if (s.kind === 'content') continue;
      await control(srv.base, code, env.token, 'show-results');
      await control(srv.base, code, env.token, 'close');
      for (const { p, w } of pages) {
        await settle(p);
        await audit(p, `participant ${lang} ${w} ${s.kind} ${s.index} closed with results`);
      }
      await control(srv.base, code, env.token, 'open');
      await control(srv.base, code, env.token, 'hide-results');
    }
    for (const { p } of pages) await p.context().close();
  }
});

test('the form without JavaScript, before and after sending', async () => {
  for (const lang of LANGS) {
    const code = codes[lang];
    for (const w of WIDTHS) {
      // Without the page's script (axe itself needs JavaScript): what a
      // browser without JavaScript shows is the form the server wrote.
      const ctx = await context(lang, w);
      await ctx.route('**/static/*.js', (r) => r.abort());
      const p = await ctx.newPage();
      for (const s of slides[lang]) {
        await control(srv.base, code, env.token, 'goto', { slide: s.id });
        await p.goto(`${srv.base}/${code}`);
        await audit(p, `no-js ${lang} ${w} ${s.kind} ${s.index}`);
        if (s.kind === 'open' || s.kind === 'qa') {
          await p.locator('main form textarea').first().fill('Meer bankjes');
          await p.locator('main form button[type=submit]').click();
          await p.waitForURL(/sent=/);
          await audit(p, `no-js ${lang} ${w} ${s.kind} ${s.index} sent`);
        }
      }
      await ctx.close();
    }
    await control(srv.base, code, env.token, 'goto', { slide: slides[lang][0].id });
  }
});

test('the self-paced page', async () => {
  for (const lang of LANGS) {
    const res = await fetch(`${srv.base}/api/v1/events/${eventIds[lang]}/sessions`, {
      method: 'POST', body: '{"mode":"self-paced"}',
      headers: { authorization: `Bearer ${env.token}`, 'content-type': 'application/json' } });
    assert.equal(res.status, 201);
    const online = (await res.json()).code;
    for (const w of WIDTHS) {
      const ctx = await context(lang, w);
      const p = await ctx.newPage();
      await p.goto(`${srv.base}/${online}`);
      await p.waitForSelector('#questionnaire');
      await audit(p, `self-paced ${lang} ${w}`);
      const rank = p.locator('section.q[data-kind=rank]');
      await rank.locator('button.send').click();
      await rank.locator('.given').waitFor();
      await audit(p, `self-paced ${lang} ${w} answered`);
      await ctx.close();
    }
  }
});

// The website (issue 14): the process page, a question topic, a topic with a
// contribution, its support and a reply, its form sent empty (the error
// state, as a browser without the form's own check would send it) and a
// closed topic with the municipality's reaction.
test('the website\'s public pages', async () => {
  const day = (offset) => new Date(Date.now() + offset * 86400000).toISOString().slice(0, 10);
  const headers = { authorization: `Bearer ${env.token}`, 'content-type': 'application/json' };
  const json = { 'content-type': 'application/json' };
  for (const lang of LANGS) {
    const slug = `buurt-${lang}`;
    const nl = lang === 'nl';
    const config = {
      published: true, slug,
      description: nl ? 'Wat vindt u van de buurt?' : 'What do you think of the neighbourhood?',
      phases: [{ name: nl ? 'Ophalen' : 'Gather', start: day(-10), end: day(30) },
        { name: nl ? 'Verwerken' : 'Process', start: day(-20), end: day(-1) }],
      topics: [
        { id: 1, title: slides[lang].find((s) => s.kind === 'choice').title, body: '', phase: 0,
          slide: slides[lang].find((s) => s.kind === 'choice').id },
        { id: 2, title: nl ? 'Groen in de wijk' : 'Green streets', body: nl ? 'Waar mist u bomen?' : 'Where are trees missing?', phase: 0 },
        { id: 3, title: nl ? 'Parkeren' : 'Parking', body: '', phase: 1 },
      ],
    };
    let res = await fetch(`${srv.base}/api/v1/events/${eventIds[lang]}/process`, { method: 'PUT', headers, body: JSON.stringify(config) });
    assert.equal(res.status, 200, await res.text());
    const a = new Participant(srv.base), b = new Participant(srv.base);
    const posts = `/api/v1/processes/${slug}/topics/2/posts`;
    res = await a.request(posts, { method: 'POST', headers: json, body: JSON.stringify({ id: randomId(), text: nl ? 'Meer bomen langs de singel' : 'More trees along the canal' }) });
    assert.equal(res.status, 201);
    const first = (await res.json()).id;
    assert.equal((await b.request(`/api/v1/posts/${first}/support`, { method: 'POST' })).status, 200);
    res = await b.request(posts, { method: 'POST', headers: json, body: JSON.stringify({ id: randomId(), parent: first, text: nl ? 'Eens' : 'Agreed' }) });
    assert.equal(res.status, 201);
    res = await fetch(`${srv.base}/api/v1/events/${eventIds[lang]}/process/reactions`, { method: 'POST', headers,
      body: JSON.stringify({ topic: 3, text: nl ? 'We maken een parkeerplan.' : 'We are making a parking plan.', id: randomId() }) });
    assert.equal(res.status, 201);
    for (const w of WIDTHS) {
      const ctx = await context(lang, w);
      const p = await ctx.newPage();
      await p.goto(`${srv.base}/p/${slug}?lang=${lang}`);
      await audit(p, `website process ${lang} ${w}`);
      await p.goto(`${srv.base}/p/${slug}/topics/1?lang=${lang}`);
      await audit(p, `website question topic ${lang} ${w}`);
      await p.goto(`${srv.base}/p/${slug}/topics/2?lang=${lang}`);
      await p.getByText(nl ? 'Meer bomen langs de singel' : 'More trees along the canal').first().waitFor();
      await audit(p, `website topic ${lang} ${w}`);
      await p.evaluate(() => document.querySelectorAll('[required]').forEach((e) => e.removeAttribute('required')));
      await Promise.all([p.waitForNavigation(), p.locator('#text').evaluate((t) => t.form.requestSubmit())]);
      assert.equal(await p.locator('#text').getAttribute('aria-invalid'), 'true');
      await audit(p, `website topic ${lang} ${w} error`);
      await p.goto(`${srv.base}/p/${slug}/topics/3?lang=${lang}`);
      await audit(p, `website closed topic ${lang} ${w}`);
      await ctx.close();
    }
  }
});

test('the presenter on every slide, with and without results, and the join screen', async () => {
  for (const lang of LANGS) {
    const code = codes[lang];
    for (const w of WIDTHS) {
      const ctx = await context(lang, w);
      const p = await login(ctx, lang);
      await control(srv.base, code, env.token, 'goto', { slide: slides[lang][0].id });
      await p.goto(`${srv.base}/present/${code}`);
      await p.waitForSelector('#stage:not(.loading)');
      for (const s of slides[lang]) {
        await control(srv.base, code, env.token, 'goto', { slide: s.id });
        await settle(p);
        await audit(p, `presenter ${lang} ${w} ${s.kind} ${s.index}`);
        if (s.kind === 'content') continue;
        await control(srv.base, code, env.token, 'show-results');
        await p.waitForTimeout(600);
        await audit(p, `presenter ${lang} ${w} ${s.kind} ${s.index} results`);
        await control(srv.base, code, env.token, 'hide-results');
      }
      await p.keyboard.press('j');
      await settle(p);
      await audit(p, `presenter ${lang} ${w} join screen`);
      await p.keyboard.press('j');
      // the presenter view: the slide, the next one, the notes and the clock
      await p.goto(`${srv.base}/present/${code}/view`);
      await p.waitForTimeout(800);
      await audit(p, `presenter view ${lang} ${w}`);
      await ctx.close();
    }
  }
});

test('every workspace page and the HTML report', async () => {
  for (const lang of LANGS) {
    for (const w of WIDTHS) {
      const ctx = await context(lang, w);
      const p = await login(ctx, lang);
      await p.waitForSelector('main h1');
      await settle(p);
      await audit(p, `dashboard ${lang} ${w}`);
      for (const tab of ['slides', 'sessions', 'summary', 'report', 'share', 'log']) {
        await p.goto(`${srv.base}/app/events/${eventIds[lang]}#${tab}`);
        await p.waitForSelector('[role=tablist]');
        if (!await p.locator(`#tab-${tab}`).count()) continue; // sharing: owners and admins
        await p.waitForSelector(`#panel-${tab}:not([hidden])`);
        await p.waitForTimeout(500);
        await audit(p, `event ${lang} ${w} ${tab}`);
      }
      for (const where of [`moderate/${codes[lang]}`, `remote/${codes[lang]}`, 'account', 'nothing-here']) {
        await p.goto(`${srv.base}/app/${where}`);
        await p.waitForSelector('main h1');
        await p.waitForTimeout(400);
        await audit(p, `${where.split('/')[0]} ${lang} ${w}`);
      }
      // the report comes as a download: its text, opened as a page
      const res = await ctx.request.get(`${srv.base}/api/v1/sessions/${codes[lang]}/report?format=html`);
      assert.equal(res.status(), 200);
      await p.goto('about:blank');
      await p.setContent(await res.text());
      await audit(p, `report.html ${lang} ${w}`);
      await ctx.close();
    }
  }
});

const slideOf = (lang, kind, nth = 0) => slides[lang].filter((s) => s.kind === kind)[nth];

test('the presenter: a throttled summary for screen readers, read on demand; page turning pauses', async () => {
  const ctx = await context('nl', 1280);
  const p = await login(ctx, 'nl');
  const choice = slideOf('nl', 'choice');
  await control(srv.base, codes.nl, env.token, 'goto', { slide: choice.id });
  await control(srv.base, codes.nl, env.token, 'show-results');
  await p.goto(`${srv.base}/present/${codes.nl}`);
  await p.waitForSelector('#stage:not(.loading)');
  const region = p.locator('#live-summary');
  const voter = () => new Participant(srv.base, codes.nl);
  await voter().answer(choice.id, 0);
  await p.waitForFunction(() => /^\d+ antwoorden?, meeste stemmen: /.test(document.getElementById('live-summary').textContent));
  const first = await region.textContent();
  // the tree a screen reader reads: a status with the summary, the buttons by name
  const tree = await p.locator('body').ariaSnapshot();
  assert.match(tree, /- status: "?\d+ antwoorden?, meeste stemmen: /, tree);
  assert.match(tree, /button "Lees resultaten voor \(V\)"/, tree);
  assert.match(tree, /Fiets \d+ ?, \d+%/, tree); // a count and its percentage read apart
  // more answers at once: not read out on every change
  for (let i = 0; i < 3; i++) await voter().answer(choice.id, 0);
  await p.waitForTimeout(1500);
  assert.equal(await region.textContent(), first);
  // but within the interval the newest summary comes
  await p.waitForFunction((f) => !['', f].includes(document.getElementById('live-summary').textContent), first, { timeout: 12000 });
  assert.match(await region.textContent(), /meeste stemmen: Fiets/);
  // V reads the whole result: every option with its votes
  await p.keyboard.press('v');
  await p.waitForFunction(() => /Fiets: \d+ stem/.test(document.getElementById('live-summary').textContent));
  assert.match(await region.textContent(), /Bus: \d+ stem.*Lopend: \d+ stem/);
  // P pauses the automatic page turning (WCAG 2.2.2), and says so in an alert
  await p.keyboard.press('p');
  await p.waitForFunction(() => /niet meer vanzelf om/.test(document.getElementById('error').textContent));
  assert.equal(await p.getAttribute('#error', 'role'), 'alert');
  // every control is reached with Tab and shows where the focus is
  await p.locator('#btn-prev').focus();
  const ring = await p.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.notEqual(ring, 'none');
  await control(srv.base, codes.nl, env.token, 'hide-results');
  await ctx.close();
});

test('a phone: its own answer is confirmed aloud, the results can be read out', async () => {
  const ctx = await context('en', 390, { isMobile: true, hasTouch: true });
  const p = await ctx.newPage();
  const choice = slideOf('en', 'choice'); // results: phones
  await control(srv.base, codes.en, env.token, 'goto', { slide: choice.id });
  await control(srv.base, codes.en, env.token, 'show-results');
  await p.goto(`${srv.base}/${codes.en}`);
  await onSlide(p, choice);
  await answerInPage(p, 'choice');
  await p.waitForFunction(() => /^Thanks, your vote/.test(document.getElementById('live').textContent));
  const read = p.getByRole('button', { name: 'Read the results aloud' });
  await read.waitFor();
  const tree = await p.locator('main').ariaSnapshot();
  assert.match(tree, /heading "Results so far" \[level=2\]|heading "Results[^"]*" \[level=2\]/, tree);
  await read.click();
  await p.waitForFunction(() => [...document.querySelectorAll('[role=status]')].some((r) => /^\d+ answers?\. Bike: /.test(r.textContent)));
  await control(srv.base, codes.en, env.token, 'hide-results');
  await ctx.close();
});

test('320 px and 200 % zoom: the pages reflow without sideways scrolling; contrast and motion preferences apply', async () => {
  const ctx = await context('nl', 320, { reducedMotion: 'reduce' });
  const p = await login(ctx, 'nl');
  const wide = () => p.evaluate(() => document.documentElement.scrollWidth);
  // 320 CSS pixels (WCAG 1.4.10), and 640: a 1280-pixel window at 200 % (1.4.4)
  for (const width of [320, 640]) {
    await p.setViewportSize({ width, height: 800 });
    for (const url of ['/', `/${codes.nl}`, '/app', `/app/events/${eventIds.nl}#slides`, `/app/events/${eventIds.nl}#sessions`, '/app/account']) {
      await p.goto(srv.base + url);
      await p.waitForTimeout(400);
      assert.ok(await wide() <= width, `${url}: ${await wide()} px wide at ${width}`);
    }
  }
  await p.setViewportSize({ width: 320, height: 800 });
  await p.goto(`${srv.base}/${codes.nl}`);
  const muted = () => p.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--muted').trim());
  const normal = await muted();
  await p.emulateMedia({ contrast: 'more' });
  assert.notEqual(await muted(), normal);
  assert.equal(await p.evaluate(() => matchMedia('(prefers-reduced-motion: reduce)').matches), true);
  assert.equal(await p.evaluate(() => getComputedStyle(document.querySelector('main')).transitionDuration), '0s');
  await ctx.close();
});

test('a phone whose results the presenter keeps back, and a session that has ended', async () => {
  for (const lang of LANGS) {
    const code = codes[lang];
    const choice = slideOf(lang, 'choice'); // results: phones in English; none in Dutch
    await control(srv.base, code, env.token, 'goto', { slide: choice.id });
    await control(srv.base, code, env.token, 'hide-results');
    for (const w of WIDTHS) {
      const ctx = await context(lang, w);
      const p = await ctx.newPage();
      await p.goto(`${srv.base}/${code}`);
      await onSlide(p, choice);
      await answerInPage(p, 'choice');
      await settle(p);
      await audit(p, `participant ${lang} ${w} results kept back`);
      await ctx.close();
    }
    assert.equal((await control(srv.base, code, env.token, 'end')).status, 200);
    for (const w of WIDTHS) {
      const ctx = await context(lang, w);
      const p = await ctx.newPage();
      await p.goto(`${srv.base}/${code}`);
      await settle(p);
      await audit(p, `participant ${lang} ${w} ended`);
      await ctx.close();
      const pres = await context(lang, w);
      const pp = await login(pres, lang);
      await pp.goto(`${srv.base}/present/${code}`); // what an ended session's address shows
      await pp.waitForTimeout(800);
      await audit(pp, `presenter ${lang} ${w} ended`);
      await pres.close();
    }
  }
});

test('axe-core finds no violation on any page', () => {
  const lines = found.map((f) => `${f.page}: ${f.id} (${f.count}): ${f.help}\n    ${f.nodes.join('\n    ')}`);
  assert.ok(audited > 200, `only ${audited} pages audited`);
  assert.equal(found.length, 0, `\n${lines.join('\n')}`);
});
