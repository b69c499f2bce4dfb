// The login page in the visitor's language: Dutch unless the browser
// prefers English, a link to the other language that keeps where to go
// next, and its messages in the language the form was shown in.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { prepare, startServer, stopServer, cleanup, launchBrowser } from './lib.mjs';

let env, srv;

before(async () => {
  env = prepare();
  srv = await startServer(env);
});
after(async () => {
  await stopServer(srv);
  cleanup(env);
});

const page = async (p, headers = {}) => {
  const res = await fetch(srv.base + p, { headers, redirect: 'manual' });
  return { status: res.status, vary: res.headers.get('vary'), html: await res.text() };
};
const post = async (fields) => {
  const res = await fetch(`${srv.base}/login`, {
    method: 'POST', redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
  return { status: res.status, html: await res.text(), location: res.headers.get('location') };
};

test('the login page is Dutch by default and English when the browser prefers it', async () => {
  const nl = await page('/login?next=/app');
  assert.equal(nl.status, 200);
  assert.match(nl.html, /<html lang="nl">/);
  assert.match(nl.html, /<h1>Inloggen<\/h1>/);
  assert.match(nl.html, /<label for="password">Wachtwoord<\/label>/);
  assert.match(nl.html, /<a href="\/login\?lang=en&amp;next=\/app" lang="en" hreflang="en">English<\/a>/);
  assert.match(nl.vary || '', /Accept-Language/i);

  const en = await page('/login?next=/app', { 'accept-language': 'en-GB,en;q=0.9,nl;q=0.5' });
  assert.match(en.html, /<html lang="en">/);
  assert.match(en.html, /<h1>Log in<\/h1>/);
  assert.match(en.html, /<input type="hidden" name="lang" value="en">/);
  assert.match(en.html, />Nederlands<\/a>/);

  // a language it does not speak: Dutch; Dutch preferred: Dutch
  assert.match((await page('/login', { 'accept-language': 'fr, de;q=0.8' })).html, /<h1>Inloggen<\/h1>/);
  assert.match((await page('/login', { 'accept-language': 'nl, en;q=0.8' })).html, /<h1>Inloggen<\/h1>/);
  // the switch wins over the browser, and keeps a next with a query safely
  const sw = await page(`/login?lang=nl&next=${encodeURIComponent('/app/events/1?x="<b>#report')}`, { 'accept-language': 'en' });
  assert.match(sw.html, /<h1>Inloggen<\/h1>/);
  assert.match(sw.html, /href="\/login\?lang=en&amp;next=\/app\/events\/1%3Fx%3D%22%3Cb%3E%23report"/);
  assert.ok(!sw.html.includes('"<b>'), 'the next path is written unescaped');
});

test('a failed login answers in the language of the form', async () => {
  const en = await post({ name: 'anna', password: 'verkeerd-wachtwoord', next: '/app', lang: 'en' });
  assert.equal(en.status, 401);
  assert.match(en.html, /<html lang="en">/);
  assert.match(en.html, /role="alert">Unknown name or wrong password\.<\/p>/);
  const nl = await post({ name: 'anna', password: 'verkeerd-wachtwoord', next: '/app', lang: 'nl' });
  assert.match(nl.html, /role="alert">Onbekende naam of verkeerd wachtwoord\.<\/p>/);
  // the name stays, escaped, and the password is asked again
  assert.match(nl.html, /<input id="name" name="name"[^>]* value="anna">/);
  assert.match(nl.html, /<input id="password"[^>]* autofocus>/);
  assert.doesNotMatch(nl.html, /verkeerd-wachtwoord/);
  const odd = await post({ name: '"><script>x</script>', password: 'verkeerd-wachtwoord', lang: 'nl' });
  assert.match(odd.html, /value="&quot;&gt;&lt;script&gt;x&lt;\/script&gt;"/);
  assert.doesNotMatch(odd.html, /<script>x/);
  const missing = await post({ name: '', password: '', lang: 'en' });
  assert.equal(missing.status, 400);
  assert.match(missing.html, /Enter your name and password\./);
  const ok = await post({ name: 'anna', password: 'geheim-wachtwoord', next: '/app', lang: 'en' });
  assert.equal(ok.status, 303);
  assert.equal(ok.location, '/app');
});

test('in Chromium the switch goes to the other language and the login still comes back to the page', async () => {
  const browser = await launchBrowser();
  try {
    const ctx = await browser.newContext({ locale: 'en-GB' });
    const p = await ctx.newPage();
    await p.goto(`${srv.base}/app`);
    await p.waitForSelector('h1');
    assert.equal(await p.textContent('h1'), 'Log in');
    await p.click('text=Nederlands');
    await p.waitForSelector('html[lang=nl]');
    assert.equal(await p.textContent('h1'), 'Inloggen');
    await p.fill('#name', 'anna');
    await p.fill('#password', 'fout');
    await p.click('button[type=submit]');
    await p.waitForSelector('.error');
    assert.match(await p.textContent('.error'), /verkeerd wachtwoord/);
    await p.fill('#name', 'anna');
    await p.fill('#password', 'geheim-wachtwoord');
    await p.click('button[type=submit]');
    await p.waitForURL(`${srv.base}/app`);
  } finally { await browser.close(); }
});
