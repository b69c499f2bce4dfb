// A self-paced session in Chromium: the facilitator opens the event online
// from the event page, a resident answers three questions out of order on a
// phone (390x844), reloads and sees what they gave; the facilitator sees the
// counts, and the report has the online session. Screenshots land in
// tests/e2e/out/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { prepare, startServer, stopServer, cleanup, Participant, ROOT, launchBrowser, logIn } from './lib.mjs';

const OUT = path.join(ROOT, 'tests/e2e/out');
let env, srv, browser, online;

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

test('the facilitator opens the event online from the event page', async () => {
  const page = await facilitator();
  await page.click('#tab-sessions');
  await page.click('#new-online');
  await page.waitForSelector('.form-msg >> text=online open');
  const msg = await page.textContent('.panel-sessions .form-msg');
  online = msg.match(/code (\d{3} \d{3})/)[1].replace(' ', '');
  assert.match(msg, new RegExp(`/${online}`));
  const row = page.locator(`article.session[data-code="${online}"]`);
  await row.locator('.pill.online').waitFor();
  assert.equal(await row.locator('a', { hasText: 'Openbare pagina' }).getAttribute('href'), `/${online}`);
  await page.screenshot({ path: path.join(OUT, 'workspace-online-session.png') });
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a resident answers three questions out of order, reloads and sees them', async () => {
  const phone = await newPage({ width: 390, height: 844 }, { isMobile: true, hasTouch: true });
  await phone.goto(`${srv.base}/${online}`);
  await phone.waitForSelector('#questionnaire');
  assert.match(await phone.textContent('#progress'), /Je hebt 0 van de 8 vragen beantwoord/);
  assert.equal(await phone.locator('section.slide.q').count(), 8);
  await phone.screenshot({ path: path.join(OUT, 'phone-online-start.png') });

  // fifth question first: the ranking
  const rank = phone.locator('section.q[data-kind=rank]');
  await rank.scrollIntoViewIfNeeded();
  await rank.locator('.rank-list li >> nth=2 >> button >> nth=0').click(); // Werk one up
  await rank.locator('button.send').click();
  await rank.locator('.given >> text=Jouw antwoord').waitFor();
  assert.match(await rank.locator('.given').innerText(), /Onderwijs\s+Werk\s+Ontmoeting/);
  await rank.locator('.results .result-rank').waitFor(); // results: phones
  await rank.screenshot({ path: path.join(OUT, 'phone-online-rank.png') });

  // then the first: a choice, while another resident answers it too
  const other = new Participant(srv.base, online);
  const choiceId = Number((await phone.getAttribute('section.q[data-kind=choice] >> nth=0', 'id')).slice(2));
  assert.equal((await other.answer(choiceId, 0)).status, 201);
  const choice = phone.locator(`#q-${choiceId}`);
  await choice.scrollIntoViewIfNeeded();
  await choice.locator('label.option >> text=Bus').click();
  await choice.locator('button.send').click();
  await choice.locator('.given li >> text=Bus').waitFor();
  await choice.locator('.result-count >> text=2 deelnemers').waitFor();
  assert.match(await choice.locator('.results').innerText(), /✓ jouw keuze/);

  // then the second: an open question that waits for a moderator
  const open = phone.locator('section.q[data-kind=open] >> nth=0');
  await open.scrollIntoViewIfNeeded();
  await open.locator('textarea').fill('Meer licht in het park, ook na tienen');
  await open.locator('button.send').click();
  await open.locator('.thanks >> text=moderator').waitFor();
  await open.locator('.mine-list >> text=wacht op een moderator').waitFor();
  // two answers allowed: the form stays for the second
  assert.equal(await open.locator('textarea').count(), 1);
  assert.match(await phone.textContent('#progress'), /Je hebt 3 van de 8 vragen beantwoord/);
  assert.match(await phone.locator('.q-index li.done').first().innerText(), /✓ beantwoord/);
  await phone.screenshot({ path: path.join(OUT, 'phone-online-answered.png') });
  await open.screenshot({ path: path.join(OUT, 'phone-online-open.png') });

  // a reload shows what was given, read back from the server
  await phone.evaluate(() => localStorage.clear());
  await phone.reload();
  await phone.waitForSelector('#questionnaire');
  await phone.waitForFunction(() => /3 van de 8/.test(document.getElementById('progress').textContent));
  assert.match(await phone.locator('section.q[data-kind=rank] .given').innerText(), /Onderwijs\s+Werk\s+Ontmoeting/);
  assert.match(await phone.locator(`#q-${choiceId} .given`).innerText(), /Bus/);
  assert.equal(await phone.locator(`#q-${choiceId} form`).count(), 0, 'an answered vote has no form');
  assert.match(await phone.locator('section.q[data-kind=open] >> nth=0').innerText(), /Meer licht in het park/);
  assert.equal(await phone.locator('.q-index li.done').count(), 3);
  await phone.screenshot({ path: path.join(OUT, 'phone-online-reloaded.png'), fullPage: true });
  assert.deepEqual(phone.errors, []);
  await phone.context().close();
});

test('the facilitator sees the counts and the report has the online session', async () => {
  const page = await facilitator();
  await page.click('#tab-sessions');
  const row = page.locator(`article.session[data-code="${online}"]`);
  await row.waitFor();
  assert.match(await row.innerText(), /4 antwoorden/); // three from the phone, one from the other resident
  const res = await page.evaluate(async (code) => (await fetch(`/api/v1/sessions/${code}/report?format=md`)).text(), online);
  assert.match(res, /Online, tussen de bijeenkomsten/);
  const html = await page.evaluate(async (code) => (await fetch(`/api/v1/sessions/${code}/report?format=html`)).text(), online);
  assert.match(html, /<td>Online, tussen de bijeenkomsten<\/td>/);
  // the presenter screen runs on it as on any session
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.goto(`${srv.base}/present/${online}`);
  await page.waitForSelector('#join-line strong');
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => document.getElementById('slide-title').textContent === 'Hoe kwam je hier?');
  await page.waitForFunction(() => [...document.querySelectorAll('.bar-row')].some((r) => r.textContent.includes('Bus') && r.querySelector('.value').textContent.startsWith('1')));
  await page.waitForTimeout(700); // the slide's fade-in
  await page.screenshot({ path: path.join(OUT, 'present-online.png') });
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('without JavaScript every question is a form of its own', async () => {
  const page = await newPage({ width: 390, height: 844 }, { javaScriptEnabled: false });
  await page.goto(`${srv.base}/${online}`);
  const cloud = page.locator('section.q[data-kind=cloud]');
  await cloud.locator('input[name=value] >> nth=0').fill('Groen');
  await cloud.locator('button[type=submit]').click();
  await page.waitForURL(/\?sent=\d+#q-\d+$/);
  await page.locator('section.q[data-kind=cloud] .notice >> text=Bedankt').waitFor();
  assert.match(await page.locator('section.q[data-kind=cloud] .given').innerText(), /Groen/);
  await page.screenshot({ path: path.join(OUT, 'phone-online-nojs.png') });
  await page.context().close();
});
