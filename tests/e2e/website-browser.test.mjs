// The website in Chromium: a facilitator publishes the event as a process
// from the event page's Website tab; a resident on a phone (390x844, no
// JavaScript at all) opens the process page, contributes, supports and
// replies; the facilitator writes the municipality's reaction; a closed
// topic refuses. Screenshots at 320 and 1280 px, Dutch and English, with a
// long text and an Arabic one, land in tests/e2e/out/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { prepare, startServer, stopServer, cleanup, Participant, ROOT, launchBrowser, randomId, logIn } from './lib.mjs';

const OUT = path.join(ROOT, 'tests/e2e/out');
let env, srv, browser;
const day = (offset) => new Date(Date.now() + offset * 86400000).toISOString().slice(0, 10);
const LONG = 'Wat ik belangrijk vind is dat iedereen in de wijk zich thuis voelt, ook wie hier net woont. '.repeat(8)
  + 'Eenheelerglangwoordzonderspatiesdatnietmagoverlopenopeensmallescherm'.repeat(2);
const ARABIC = 'نحتاج إلى مزيد من الأشجار والمقاعد في الحي، وإلى مكان يلتقي فيه الجيران.';

async function newPage(viewport, opts = {}) {
  const ctx = await browser.newContext({ viewport, ...opts });
  const page = await ctx.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e.message));
  return page;
}

async function facilitator() {
  const page = await newPage({ width: 1280, height: 900 }, { locale: 'nl-NL' });
  await logIn(page, srv.base, `/app/events/1`);
  return page;
}

// A phone without JavaScript: everything must work with plain forms.
const phone = (width = 390, height = 844) => newPage({ width, height }, { isMobile: true, hasTouch: true, javaScriptEnabled: false });

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

test('the facilitator publishes the process from the Website tab', async () => {
  const page = await facilitator();
  await page.click('#tab-website');
  const panel = page.locator('#panel-website');
  await panel.locator('text=Nog niet gepubliceerd').waitFor();
  await panel.getByLabel('Gepubliceerd').check();
  await panel.getByLabel('Webadres').fill('buurtavond');
  await panel.getByLabel('Beschrijving').fill('Op de buurtavond spraken we over de wijk. Praat hier verder over de onderwerpen.');
  const phases = [['Ophalen', day(-7), day(30)], ['Verwerken', day(-30), day(-1)], ['Besluit', day(31), day(60)], ['Wat is ermee gedaan', '', '']];
  for (const [i, [name, start, end]] of phases.entries()) {
    await panel.locator('button', { hasText: '+ Fase' }).click();
    const row = panel.locator('.site-phases > li').nth(i);
    await row.getByLabel('Naam van de fase').fill(name);
    if (start) await row.getByLabel('Begint op').fill(start);
    if (end) await row.getByLabel('Eindigt op').fill(end);
  }
  const topics = [['Groen in de wijk', 'Waar mist u bomen, bankjes of een plek om elkaar te zien?', 'Ophalen', ''],
    ['', '', 'Ophalen', 'Hoe kwam je hier?'], ['Parkeren', 'Dit bespraken we al.', 'Verwerken', '']];
  for (const [i, [title, body, phase, question]] of topics.entries()) {
    await panel.locator('button', { hasText: '+ Onderwerp' }).click();
    const row = panel.locator('.site-topics > li').nth(i);
    if (question) await row.getByLabel('Vraag van de bijeenkomst').selectOption({ label: `${question} (Meerkeuze)` });
    if (title) await row.getByLabel('Titel').fill(title);
    if (body) await row.getByLabel('Toelichting').fill(body);
    await row.getByLabel('Fase').selectOption({ label: phase });
  }
  await panel.locator('#save-site').click();
  await panel.locator('.site-status a[href="/p/buurtavond"]').waitFor();
  assert.equal(await panel.locator('.site-topics > li').nth(1).getByLabel('Titel').inputValue(), 'Hoe kwam je hier?');
  await page.screenshot({ path: path.join(OUT, 'website-workspace.png'), fullPage: true });
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a resident on a phone contributes, supports and replies, without JavaScript', async () => {
  // someone else was first
  const other = new Participant(srv.base);
  let res = await other.request('/api/v1/processes/buurtavond/topics/1/posts', {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: randomId(), text: 'Meer bomen langs de Dorpsstraat.' }),
  });
  const first = (await res.json()).id;

  const p = await phone();
  await p.goto(`${srv.base}/p/buurtavond`);
  assert.equal(await p.locator('h1').innerText(), 'Buurtavond');
  assert.match(await p.locator('.phase.current').innerText(), /Ophalen/);
  await p.screenshot({ path: path.join(OUT, 'website-phone-process.png'), fullPage: true });
  await p.click('text=Groen in de wijk');
  await p.waitForURL('**/p/buurtavond/topics/1');

  await p.getByLabel('Jouw bijdrage').fill('Een bankje bij de speeltuin, graag met schaduw.');
  await p.click('button:has-text("Plaatsen")');
  await p.locator('.notice', { hasText: 'Je bijdrage staat erbij' }).waitFor();
  const mine = p.locator('article.post', { hasText: 'Een bankje bij de speeltuin' });
  assert.equal(await mine.count(), 1);

  // "ik ook" on the other resident's contribution, once
  const theirs = p.locator(`#post-${first}`);
  await theirs.locator('button.support').click();
  await p.locator('.notice', { hasText: 'Je steun is geteld' }).waitFor();
  assert.match(await p.locator(`#post-${first} .supports`).innerText(), /Je zei: ik ook \(1\)/);
  assert.equal(await p.locator(`#post-${first} button.support`).count(), 0);

  // a reply, behind a details element
  await p.locator(`#post-${first} summary`).click();
  await p.locator(`#post-${first} textarea`).fill('Eens! En ook bij de school.');
  await p.locator(`#post-${first} button:has-text("Reactie plaatsen")`).click();
  await p.locator(`#post-${first} .replies .reply`, { hasText: 'ook bij de school' }).waitFor();

  // a long text and an Arabic one
  for (const text of [LONG, ARABIC]) {
    await p.getByLabel('Jouw bijdrage').fill(text);
    await p.click('button:has-text("Plaatsen")');
    await p.locator('.notice', { hasText: 'Je bijdrage staat erbij' }).waitFor();
  }
  assert.equal(await p.locator('article.post .post-text', { hasText: 'نحتاج' }).getAttribute('dir'), 'auto');
  const overflow = await p.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
  assert.equal(overflow, false, 'nothing is wider than the phone');
  await p.screenshot({ path: path.join(OUT, 'website-phone-topic.png'), fullPage: true });

  // an empty contribution is refused on the page, in words
  await p.getByLabel('Jouw bijdrage').fill('   ');
  await p.click('button:has-text("Plaatsen")');
  await p.locator('.error', { hasText: 'Schrijf eerst je bijdrage' }).waitFor();
  assert.deepEqual(p.errors, []);
  await p.context().close();
});

test('the facilitator writes the municipality\'s reaction; the resident sees it marked', async () => {
  const page = await facilitator();
  await page.click('#tab-website');
  const box = page.locator('.site-topic-reactions', { hasText: 'Groen in de wijk' });
  await box.getByLabel('Tekst van de reactie').fill('Dank voor de ideeën. We planten dit najaar twaalf bomen langs de Dorpsstraat.');
  await box.locator('button', { hasText: 'Reactie plaatsen' }).click();
  await page.locator('.site-topic-reactions', { hasText: 'Groen in de wijk' }).locator('li', { hasText: 'twaalf bomen' }).waitFor();
  assert.deepEqual(page.errors, []);
  await page.context().close();

  const p = await phone();
  await p.goto(`${srv.base}/p/buurtavond/topics/1`);
  const reaction = p.locator('.reaction');
  assert.match(await reaction.innerText(), /Reactie van de gemeente[\s\S]*twaalf bomen/);
  await p.context().close();
});

test('a reported contribution waits in the moderation panel; the moderator hides it', async () => {
  const p = await phone();
  await p.goto(`${srv.base}/p/buurtavond/topics/1`);
  const post = p.locator('article.post', { hasText: 'Een bankje bij de speeltuin' });
  const id = (await post.getAttribute('id')).slice('post-'.length);
  await post.locator('button.flag').click();
  await p.locator('.notice', { hasText: 'de moderatoren kijken ernaar' }).waitFor();
  assert.match(await p.locator(`#post-${id} .flagged`).innerText(), /Gemeld/);
  await p.context().close();

  const { code } = await (await fetch(`${srv.base}/api/v1/processes/buurtavond`)).json();
  const page = await facilitator();
  await page.goto(`${srv.base}/app/moderate/${code}`);
  const item = page.locator(`.site-moderation li[data-post="${id}"]`);
  await item.waitFor();
  assert.match(await item.innerText(), /1 keer gemeld/);
  await page.screenshot({ path: path.join(OUT, 'website-moderation.png'), fullPage: true });
  await item.locator('button', { hasText: 'Verbergen' }).click();
  await page.locator('.site-moderation', { hasText: 'Niets om naar te kijken' }).waitFor();
  assert.deepEqual(page.errors, []);
  await page.context().close();

  const html = await (await fetch(`${srv.base}/p/buurtavond/topics/1`)).text();
  assert.doesNotMatch(html, /Een bankje bij de speeltuin/);
});

test('a closed topic shows no form and refuses a post', async () => {
  const p = await phone();
  await p.goto(`${srv.base}/p/buurtavond/topics/3`);
  assert.match(await p.locator('.closed').innerText(), /Dit onderwerp is gesloten/);
  assert.equal(await p.locator('textarea').count(), 0);
  const res = await p.request.post(`${srv.base}/p/buurtavond/topics/3`, { form: { action: 'post', id: randomId(), text: 'Te laat', lang: 'nl' }, maxRedirects: 0 });
  assert.equal(res.status(), 409);
  assert.match(await res.text(), /Dit onderwerp is gesloten/);
  await p.context().close();
});

test('screenshots: 320 and 1280 px, Dutch and English; the question topic takes a vote', async () => {
  for (const [w, h] of [[320, 640], [1280, 900]]) {
    for (const lang of ['nl', 'en']) {
      const p = await phone(w, h);
      const q = lang === 'en' ? '?lang=en' : '';
      await p.goto(`${srv.base}/p/buurtavond${q}`);
      assert.equal(await p.getAttribute('html', 'lang'), lang);
      await p.screenshot({ path: path.join(OUT, `website-process-${w}-${lang}.png`), fullPage: true });
      await p.goto(`${srv.base}/p/buurtavond/topics/1${q}`);
      const overflow = await p.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
      assert.equal(overflow, false, `topic page fits ${w}px`);
      await p.screenshot({ path: path.join(OUT, `website-topic-${w}-${lang}.png`), fullPage: true });
      await p.context().close();
    }
  }
  const p = await phone(320, 640);
  await p.goto(`${srv.base}/p/buurtavond/topics/2`);
  await p.locator('#answer input[type=radio]').first().check();
  await p.locator('#answer button[type=submit]').click();
  await p.waitForURL('**/p/buurtavond/topics/2?sent=answer#answer');
  await p.locator('#answer .given', { hasText: 'Jouw antwoord' }).waitFor();
  await p.screenshot({ path: path.join(OUT, 'website-question-320-nl.png'), fullPage: true });
  await p.context().close();
});

test('the hand-off: at the end of the meeting a phone offers to carry on online', async () => {
  const page = await newPage({ width: 390, height: 844 }, { isMobile: true, hasTouch: true });
  await page.goto(`${srv.base}/${env.code}`);
  await page.waitForSelector('#main');
  const res = await fetch(`${srv.base}/api/v1/sessions/${env.code}/control`, {
    method: 'POST', headers: { authorization: `Bearer ${env.token}`, 'content-type': 'application/json' }, body: '{"action":"end"}',
  });
  assert.equal(res.status, 200);
  const link = page.locator('.handoff a', { hasText: 'Praat verder online' });
  await link.waitFor();
  await page.screenshot({ path: path.join(OUT, 'website-handoff-phone.png') });
  await link.click();
  await page.waitForURL('**/p/buurtavond');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
