// Results on phones in Chromium at 390x844: a participant answers each kind
// of question and sees the results, with another participant's answer
// arriving live; a phone that did not answer sees them when voting closes;
// the presenter can keep them back. Screenshots land in tests/e2e/out/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { prepare, startServer, stopServer, cleanup, control, state, Participant, ROOT, launchBrowser } from './lib.mjs';

const OUT = path.join(ROOT, 'tests/e2e/out');
let env, srv, browser;

async function phonePage(opts = {}) {
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, ...opts });
  const page = await ctx.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e.message));
  return page;
}

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

// The results block's text with runs of white space as one space.
const resultsText = (page) => page.evaluate(() => document.querySelector('.results')?.innerText.replace(/\s+/g, ' ') ?? '');

before(async () => {
  mkdirSync(OUT, { recursive: true });
  env = prepare('tests/e2e/decks/phones.md');
  srv = await startServer(env);
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await stopServer(srv);
  cleanup(env);
});

test('a phone sees the results after answering, and another answer arrives live', async () => {
  const phone = await phonePage();
  await phone.goto(`${srv.base}/${env.code}`);
  const other = new Participant(srv.base, env.code);
  const shot = (name) => phone.screenshot({ path: path.join(OUT, `phone-results-${name}.png`), fullPage: true });

  // choice
  const choice = await gotoTitle('Hoe kwam je hier?');
  await phone.waitForSelector('section.slide[data-kind=choice] form');
  assert.equal(await phone.$('.results'), null, 'no results before answering');
  await phone.click('label.option >> text=Bus');
  await phone.click('button.send');
  await phone.waitForSelector('.thanks');
  await phone.waitForFunction(() => document.querySelector('.results .result-count')?.textContent === '1 deelnemer');
  assert.match(await resultsText(phone), /Tussenstand/);
  assert.match(await resultsText(phone), /Bus 100% · 1 stem/);
  assert.match(await resultsText(phone), /✓ jouw keuze/);
  assert.equal((await other.answer(choice.id, 0)).status, 201);
  await phone.waitForFunction(() => document.querySelector('.results .result-count')?.textContent === '2 deelnemers');
  assert.match(await resultsText(phone), /Fiets 50% · 1 stem/);
  assert.match(await resultsText(phone), /Bus 50% · 1 stem/);
  await shot('choice');

  // open, held for a moderator: the own answer is not shown before approval
  const open = await gotoTitle('Wat moet beter in de wijk?');
  await phone.waitForSelector('section.slide[data-kind=open] form');
  await phone.fill('textarea', 'Meer bankjes bij de vijver');
  await phone.click('button.send');
  await phone.waitForSelector('.thanks >> text=moderator');
  await phone.waitForSelector('.results .waiting >> text=Nog geen antwoorden');
  const a = await other.answer(open.id, 'Een zebrapad bij de school, want de kinderen steken daar elke ochtend over');
  await fetch(`${srv.base}/api/v1/answers/${a.body.id}/show`, { method: 'POST', headers: { authorization: `Bearer ${env.token}` } });
  await phone.waitForSelector('.result-answers li >> text=zebrapad');
  assert.ok(!(await resultsText(phone)).includes('bankjes'), 'a held answer showed on a phone');
  await shot('open');

  // cloud
  const cloud = await gotoTitle('Eén woord over je buurt');
  await phone.waitForSelector('section.slide[data-kind=cloud] form');
  await phone.fill('input >> nth=0', 'Groen');
  await phone.fill('input >> nth=1', 'gezellig');
  await phone.click('button.send');
  await phone.waitForSelector('.result-word >> text=Groen');
  await other.answer(cloud.id, ['groen', 'rustig', 'Samen']);
  await phone.waitForFunction(() => [...document.querySelectorAll('.result-words li')].some((li) => li.innerText.replace(/\s+/g, ' ') === 'Groen 2×'));
  await shot('cloud');

  // scale
  const scale = await gotoTitle('Hoe eens ben je het hiermee?');
  await phone.waitForSelector('section.slide[data-kind=scale] form');
  await phone.click('fieldset.scale >> nth=0 >> label.rating >> nth=3');
  await phone.click('fieldset.scale >> nth=1 >> label.rating >> nth=1');
  await phone.click('button.send');
  await phone.waitForSelector('.result-scale');
  await other.answer(scale.id, [5, 3]);
  await phone.waitForFunction(() => document.querySelector('.result-scale')?.innerText.includes('gemiddeld 4,5 van 5 · 2 stemmen'));
  assert.match(await resultsText(phone), /✓ jouw score: 4/);
  await shot('scale');

  // rank
  const rank = await gotoTitle('Wat moet eerst?');
  await phone.waitForSelector('section.slide[data-kind=rank] form');
  await phone.click('.rank-list li >> nth=2 >> button >> nth=0'); // Werk one up
  await phone.click('button.send');
  await phone.waitForSelector('.result-rank');
  await other.answer(rank.id, [2, 0, 1]);
  await phone.waitForFunction(() => document.querySelector('.results .result-count')?.textContent === '2 deelnemers');
  // Onderwijs and Werk share place 1,5 (ties go by deck order); the phone says where it put each
  assert.match(await resultsText(phone), /1 Onderwijs gemiddelde plaats 1,5 ✓ bij jou op plaats 1 2 Werk gemiddelde plaats 1,5 ✓ bij jou op plaats 2 3 Ontmoeting gemiddelde plaats 3,0/);
  await shot('rank');

  // the presenter keeps the results back, then shows them again
  await control(srv.base, env.code, env.token, 'hide-results');
  await phone.waitForSelector('.results .waiting >> text=De resultaten verschijnen straks');
  await control(srv.base, env.code, env.token, 'show-results');
  await phone.waitForSelector('.result-rank');
  assert.deepEqual(phone.errors, []);
  await phone.context().close();
});

test('a phone that did not answer sees the results when voting closes; screen-only slides show none', async () => {
  const phone = await phonePage();
  await phone.goto(`${srv.base}/${env.code}`);
  await gotoTitle('Hoe kwam je hier?');
  await phone.waitForSelector('section.slide[data-kind=choice] form');
  assert.equal(await phone.$('.results'), null);
  await control(srv.base, env.code, env.token, 'close');
  await phone.waitForSelector('.closed >> text=Stemmen is gesloten');
  await phone.waitForSelector('.results h2 >> text=Resultaten');
  assert.match(await resultsText(phone), /2 deelnemers/);
  await phone.screenshot({ path: path.join(OUT, 'phone-results-closed.png'), fullPage: true });
  await control(srv.base, env.code, env.token, 'open');

  await gotoTitle('Alleen op het scherm');
  await phone.waitForSelector('section.slide[data-kind=choice] form');
  await phone.click('label.option >> text=Ja');
  await phone.click('button.send');
  await phone.waitForSelector('.thanks');
  await phone.waitForTimeout(800);
  assert.equal(await phone.$('.results'), null);
  assert.match(await phone.textContent('.waiting'), /grote scherm/);
  assert.deepEqual(phone.errors, []);
  await phone.context().close();
});

test('without JavaScript the page shows the results after answering', async () => {
  await gotoTitle('Hoe kwam je hier?');
  const page = await phonePage({ javaScriptEnabled: false });
  await page.goto(`${srv.base}/${env.code}`);
  await page.check('input[name=value][value="2"]');
  await page.click('button[type=submit]');
  await page.waitForURL(`**/${env.code}?sent=1`);
  assert.match(await page.textContent('.results'), /Lopend: 33% \(1\)/);
  await page.screenshot({ path: path.join(OUT, 'phone-results-nojs.png'), fullPage: true });
  await page.context().close();
});
