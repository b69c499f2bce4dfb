// Issue 12, the hall: a stress deck (every kind at its documented maxima,
// long labels and descriptions, an image, code, answers of 2,000
// characters, Arabic, Hebrew, Ethiopic, Chinese, emoji ZWJ sequences) on the
// presenter screen at 1920x1080, 1280x720 and 1024x768 and on phones of 320
// and 390 px. Bounding boxes: no text leaves the stage or the viewport,
// nothing in the slide overlaps the footer, no two answer cards overlap, and
// right-to-left answers have the computed direction rtl. The phone messages
// for held answers and the word cloud's allowance are checked here too.
// Screenshots land in tests/e2e/out/ (stage-*.png, phone-*.png).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import path from 'node:path';
import { prepare, startServer, stopServer, cleanup, control, state, Participant, ROOT, launchBrowser } from './lib.mjs';

const OUT = path.join(ROOT, 'tests/e2e/out');
const STAGES = [[1920, 1080], [1280, 720], [1024, 768]];
const PHONES = [320, 390];
let env, srv, browser;

const ARABIC = 'الحديقة رقم 3 في Oost، جميلة جداً، شكراً!';
const HEBREW = 'הפארק ליד הנהר הוא המקום הכי יפה בשכונה, במיוחד בערב.';
const ETHIOPIC = 'በወንዙ አጠገብ ያለው መናፈሻ በሰፈሩ ውስጥ በጣም ቆንጆ ቦታ ነው።';
const CHINESE = '河边的公园是这个街区最美的地方，尤其是在傍晚的时候。';
const EMOJI = 'Samen 👩‍👩‍👧‍👦 picknicken 🏳️‍🌈 in het park 🧑🏽‍🦯 👨‍🚒';
const LONG = ('Het mooiste plekje is de oude boomgaard achter de school. ' +
  'Daar staan appelbomen die ouder zijn dan de wijk zelf, en in de zomer zit de halve buurt er in de schaduw. ').repeat(16).slice(0, 2000);
const LINES = 'Eerste regel over het bankje\nTweede regel over de vijver\nDerde regel: de eendjes';

// A PNG of w x h: a calm gradient, made here so the test needs no file.
function png(w, h) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => { let c = 0xffffffff; for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8); return (c ^ 0xffffffff) >>> 0; };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type), data]);
    const c = Buffer.alloc(4); c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const raw = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++) {
    raw[y * (w * 3 + 1)] = 0;
    for (let x = 0; x < w; x++) {
      const o = y * (w * 3 + 1) + 1 + x * 3;
      raw[o] = 60 + (x * 120) / w; raw[o + 1] = 140 + (y * 80) / h; raw[o + 2] = 110;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0); ihdr.writeUInt32BE(h, 4); ihdr[8] = 8; ihdr[9] = 2;
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}
const IMAGE = png(1600, 1000);

async function gotoIndex(index) {
  let st = await state(srv.base, env.code);
  while (st.slide.index > index) st = (await control(srv.base, env.code, env.token, 'prev')).body;
  while (st.slide.index < index) st = (await control(srv.base, env.code, env.token, 'next')).body;
  return st.slide;
}

let slides = [];

before(async () => {
  mkdirSync(OUT, { recursive: true });
  env = prepare('tests/e2e/decks/stress.md');
  srv = await startServer(env);
  browser = await launchBrowser();
  // every slide, in order
  let st = await state(srv.base, env.code);
  for (;;) {
    slides.push(st.slide);
    const next = (await control(srv.base, env.code, env.token, 'next')).body;
    if (next.slide.index === st.slide.index) break;
    st = next;
  }
  const people = Array.from({ length: 24 }, () => new Participant(srv.base, env.code));
  const texts = [ARABIC, HEBREW, ETHIOPIC, CHINESE, EMOJI, LONG, LINES, 'Kort.', 'De bankjes bij de vijver',
    'Het speeltuintje op de hoek van de Dorpsstraat en de Kerkweg, waar mijn kinderen altijd spelen.',
    'Bij de bibliotheek: rustig, met wifi en koffie.', `${ARABIC}\n${HEBREW}`];
  for (const s of slides) {
    await gotoIndex(s.index);
    for (const [i, p] of people.entries()) {
      let value = null;
      if (s.kind === 'choice') value = [i % 20, (i * 7) % 20].filter((v, k, a) => a.indexOf(v) === k);
      if (s.kind === 'scale') value = s.statements.map((_, k) => 1 + ((i + k) % s.scale_max));
      if (s.kind === 'rank') value = s.options.map((_, k) => (k + i) % s.options.length);
      if (s.kind === 'open' && !s.title.includes('goedkeuring') && i < texts.length + 6) value = texts[i % texts.length];
      if (s.kind === 'cloud' && !s.title.includes('goedkeuring')) value = [['park', 'groen', 'الحديقة', 'גינה', '公园', 'ጓሮ'][i % 6], ['rustig', 'gezellig', 'ruimte voor iedereen', '👩‍👩‍👧‍👦'][i % 4]];
      if (s.kind === 'qa' && !s.title.includes('goedkeuring') && i < 10) value = { ask: [ARABIC, LONG, LINES, HEBREW, 'Wanneer gaat de schop de grond in?', CHINESE, ETHIOPIC, EMOJI, 'Komt er een hondenuitlaatplek?', 'Wie betaalt het onderhoud?'][i] };
      if (value == null) continue;
      const r = await p.answer(s.id, value);
      assert.ok(r.status === 201, `${s.kind} ${s.title}: ${r.status} ${JSON.stringify(r.body)}`);
    }
  }
  await gotoIndex(0);
});
after(async () => {
  await browser?.close();
  await stopServer(srv);
  cleanup(env);
});

async function presenter(width, height) {
  const ctx = await browser.newContext({ viewport: { width, height } });
  const page = await ctx.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e.message));
  await page.route('**/media/**', (route) => route.fulfill({ status: 200, contentType: 'image/png', body: IMAGE }));
  await page.goto(`${srv.base}/login?next=/present/${env.code}`);
  await page.fill('#name', 'anna');
  await page.fill('#password', 'geheim-wachtwoord');
  await page.click('button[type=submit]');
  await page.waitForURL(`**/present/${env.code}`);
  await page.waitForSelector('#join-line strong');
  return page;
}

// Every visible element with text of its own, in CSS pixels of the page.
function textBoxes(page, root) {
  return page.evaluate((sel) => {
    const out = [];
    for (const e of document.querySelectorAll(`${sel} *`)) {
      if (!e.checkVisibility({ visibilityProperty: true, opacityProperty: true })) continue;
      if (e.closest('.sr-only')) continue; // for screen readers, clipped to nothing on purpose
      const own = [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
      if (!own && e.tagName !== 'IMG') continue;
      // inside a box that scrolls by itself (a code block on a phone): that box counts
      if (e.closest('pre') && e.tagName !== 'PRE') continue;
      const r = e.getBoundingClientRect();
      if (!r.width || !r.height) continue;
      out.push({ tag: e.tagName, cls: String(e.className), text: e.textContent.slice(0, 40), left: r.left, right: r.right, top: r.top, bottom: r.bottom });
    }
    return out;
  }, root);
}

async function checkStage(page, label) {
  await page.waitForTimeout(900); // arrivals and glides settle
  const geo = await page.evaluate(() => {
    const r = (id) => { const b = document.getElementById(id).getBoundingClientRect(); return { left: b.left, right: b.right, top: b.top, bottom: b.bottom }; };
    return { stage: r('stage'), foot: r('foot') };
  });
  const boxes = await textBoxes(page, '#stage');
  const tol = 1.5;
  for (const b of boxes) {
    const where = `${label}: ${b.tag}.${b.cls} "${b.text}"`;
    assert.ok(b.left >= geo.stage.left - tol && b.right <= geo.stage.right + tol, `${where} leaves the stage sideways (${b.left}..${b.right})`);
    assert.ok(b.top >= geo.stage.top - tol && b.bottom <= geo.stage.bottom + tol, `${where} leaves the stage (${b.top}..${b.bottom})`);
  }
  const inBody = await textBoxes(page, '#body');
  for (const b of inBody) {
    assert.ok(b.bottom <= geo.foot.top + tol, `${label}: ${b.tag}.${b.cls} "${b.text}" runs under the footer (${b.bottom} > ${geo.foot.top})`);
  }
  // cards on one page never overlap; nor does the description overlap the view
  const overlaps = await page.evaluate(() => {
    const vis = (e) => e.checkVisibility({ visibilityProperty: true, opacityProperty: true });
    const rects = [...document.querySelectorAll('.card, .bar-row, .scale-row, .qa-item, .description, .pager')].filter(vis).map((e) => [e.className, e.getBoundingClientRect()]);
    const bad = [];
    for (let i = 0; i < rects.length; i++) for (let j = i + 1; j < rects.length; j++) {
      const [ca, a] = rects[i], [cb, b] = rects[j];
      if (a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1) bad.push(`${ca} / ${cb}`);
    }
    return bad;
  });
  assert.deepEqual(overlaps, [], `${label}: overlapping boxes`);
  // masonry: the columns of a page of cards differ by less than one card
  const cols = await page.evaluate(() => {
    const vis = [...document.querySelectorAll('.card')].filter((e) => e.checkVisibility({ visibilityProperty: true }));
    const by = new Map();
    let tallest = 0;
    for (const c of vis) {
      const r = c.getBoundingClientRect();
      const x = Math.round(r.left);
      by.set(x, Math.max(by.get(x) || 0, r.bottom));
      tallest = Math.max(tallest, r.height);
    }
    return { n: vis.length, bottoms: [...by.values()], tallest };
  });
  if (cols.n > 1) {
    assert.equal(cols.bottoms.length, Math.min(3, cols.n), `${label}: ${cols.n} cards in ${cols.bottoms.length} columns`);
    const spread = Math.max(...cols.bottoms) - Math.min(...cols.bottoms);
    assert.ok(spread <= cols.tallest + 2, `${label}: columns differ by ${spread}px, more than a card (${cols.tallest}px)`);
  }
  // the smallest text on the stage, in stage pixels
  return page.evaluate(() => {
    let min = Infinity;
    for (const e of document.querySelectorAll('#body *')) {
      if (!e.checkVisibility({ visibilityProperty: true })) continue;
      if (![...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim())) continue;
      if (e.closest('.pager, .hist, pre, small, .value')) continue;
      min = Math.min(min, parseFloat(getComputedStyle(e).fontSize));
    }
    return min;
  });
}

for (const [w, h] of STAGES) {
  test(`the stage at ${w}x${h}: every slide fits, nothing overlaps the footer, RTL reads right`, async () => {
    const page = await presenter(w, h);
    for (const s of slides) {
      await gotoIndex(s.index);
      await page.waitForFunction((t) => document.querySelector('#stage:not(.loading)') && (t === '' || document.getElementById('slide-title').textContent === t || document.querySelector('.content')), s.kind === 'content' ? '' : s.title);
      if (s.kind === 'content') await page.waitForFunction(() => [...document.querySelectorAll('.content img')].every((i) => i.complete));
      const label = `${w}x${h} ${s.index + 1} ${s.kind}`;
      await page.waitForTimeout(900); // arrivals and glides settle
      await page.screenshot({ path: path.join(OUT, `stage-${w}x${h}-${String(s.index + 1).padStart(2, '0')}-${s.kind}.png`) });
      const min = await checkStage(page, label);
      if (s.kind !== 'cloud') assert.ok(min >= 24, `${label}: text at ${min}px is below the readable minimum`);
      if (s.kind === 'open' && !s.title.includes('goedkeuring')) {
        // every page of answers fits; the Arabic and Hebrew answers are laid out right to left
        const dirs = await page.evaluate(([ar, he]) => [...document.querySelectorAll('.card')]
          .filter((c) => c.textContent === ar || c.textContent === he).map((c) => getComputedStyle(c).direction), [ARABIC, HEBREW]);
        assert.ok(dirs.length >= 2 && dirs.every((d) => d === 'rtl'), `directions ${dirs}`);
        const pages = await page.evaluate(() => {
          const p = document.querySelector('.pager');
          return p && !p.hidden ? Number(p.textContent.split('/')[1]) : 1;
        });
        assert.ok(pages >= 2, 'answers of 2,000 characters need pages');
        // line breaks are kept: the card is as tall as three lines
        const lines = await page.evaluate((t) => {
          const c = [...document.querySelectorAll('.card')].find((x) => x.textContent === t);
          const cs = getComputedStyle(c);
          return Math.round((c.clientHeight - parseFloat(cs.paddingTop) - parseFloat(cs.paddingBottom)) / parseFloat(cs.lineHeight));
        }, LINES);
        assert.equal(lines, 3);
        for (let i = 1; i < pages; i++) {
          await page.keyboard.press('a');
          await page.waitForTimeout(500);
          await checkStage(page, `${label} page ${i + 1}`);
          await page.screenshot({ path: path.join(OUT, `stage-${w}x${h}-${String(s.index + 1).padStart(2, '0')}-${s.kind}-page${i + 1}.png`) });
        }
        // P pauses the turning, and says so on the page pill
        await page.keyboard.press('p');
        await page.waitForFunction(() => /gepauzeerd/.test(document.querySelector('.pager')?.textContent || ''));
        await page.keyboard.press('p');
      }
      if (s.kind === 'qa' && !s.title.includes('goedkeuring')) {
        const dir = await page.evaluate((t) => { const e = [...document.querySelectorAll('.qa-item .text')].find((x) => x.textContent === t); return e && getComputedStyle(e).direction; }, ARABIC);
        assert.equal(dir, 'rtl');
      }
    }
    // the keys overlay lists the page keys
    await page.keyboard.press('?');
    const keysText = await page.textContent('#keys-list');
    assert.match(keysText, /pagina/i);
    await page.screenshot({ path: path.join(OUT, `stage-${w}x${h}-keys.png`) });
    await page.keyboard.press('Escape');
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });
}

async function phone(width) {
  const ctx = await browser.newContext({ viewport: { width, height: 760 }, isMobile: true, hasTouch: true });
  const page = await ctx.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e.message));
  await page.route('**/media/**', (route) => route.fulfill({ status: 200, contentType: 'image/png', body: IMAGE }));
  return page;
}

async function checkPhone(page, label) {
  const sideways = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(sideways <= 0, `${label}: the page scrolls sideways by ${sideways}px`);
  const vw = await page.evaluate(() => window.innerWidth);
  for (const b of await textBoxes(page, 'body')) {
    assert.ok(b.left >= -0.5 && b.right <= vw + 0.5, `${label}: ${b.tag}.${b.cls} "${b.text}" leaves the viewport (${b.left}..${b.right})`);
  }
}

for (const width of PHONES) {
  test(`a ${width} px phone: every slide fits the width, RTL reads right`, async () => {
    const page = await phone(width);
    await page.goto(`${srv.base}/${env.code}`);
    for (const s of slides) {
      await gotoIndex(s.index);
      await page.waitForSelector(`section.slide[data-kind=${s.kind}]`);
      await page.waitForTimeout(300);
      const label = `${width}px ${s.index + 1} ${s.kind}`;
      await checkPhone(page, label);
      if (s.kind === 'qa' && !s.title.includes('goedkeuring')) {
        const dir = await page.evaluate((t) => { const e = [...document.querySelectorAll('.qa-text')].find((x) => x.textContent === t); return e && getComputedStyle(e).direction; }, ARABIC);
        assert.equal(dir, 'rtl');
      }
      if (s.kind === 'choice') {
        const dir = await page.evaluate(() => { const e = [...document.querySelectorAll('label.option span')].find((x) => /الدراجة/.test(x.textContent)); return e && getComputedStyle(e).direction; });
        assert.equal(dir, 'rtl');
      }
      await page.screenshot({ path: path.join(OUT, `phone-${width}-${String(s.index + 1).padStart(2, '0')}-${s.kind}.png`), fullPage: true });
      if (s.kind === 'open' && s.results_on_phones) {
        // answered: the results list the answers, the Arabic one right to left
        await page.fill('textarea', `${ARABIC}\nTweede regel`);
        await page.click('button.send');
        await page.waitForSelector('.results .result-answers li');
        await checkPhone(page, `${label} results`);
        const dir = await page.evaluate((t) => { const e = [...document.querySelectorAll('.result-answers li')].find((x) => x.textContent.startsWith(t)); return e && getComputedStyle(e).direction; }, ARABIC);
        assert.equal(dir, 'rtl');
        await page.screenshot({ path: path.join(OUT, `phone-${width}-${String(s.index + 1).padStart(2, '0')}-${s.kind}-results.png`), fullPage: true });
      }
    }
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });
}

test('phones say that an answer waits for a moderator, and a word cloud keeps its form', async () => {
  const page = await phone(390);
  await page.goto(`${srv.base}/${env.code}`);
  const find = (title) => slides.find((s) => s.title === title);

  await gotoIndex(find('Wat moet er anders? (met goedkeuring)').index);
  await page.waitForSelector('section.slide[data-kind=open] textarea');
  await page.fill('textarea', 'Meer bankjes');
  await page.click('button.send');
  await page.waitForSelector('.feedback .thanks');
  // two answers allowed: the form stays, and so does the waiting line
  assert.match(await page.textContent('.feedback'), /zodra een moderator het heeft bekeken/);
  await page.fill('textarea', 'En minder auto’s');
  await page.click('button.send');
  await page.waitForFunction(() => !document.querySelector('textarea') && /ontvangen/.test(document.querySelector('.feedback')?.textContent));
  assert.match(await page.textContent('.feedback'), /ontvangen\. Het verschijnt op het scherm zodra een moderator/);
  await page.screenshot({ path: path.join(OUT, 'phone-390-held-open.png'), fullPage: true });

  await gotoIndex(find('Eén woord (met goedkeuring)').index);
  await page.waitForSelector('section.slide[data-kind=cloud] input');
  await page.fill('section.slide input >> nth=0', 'bomen');
  await page.click('button.send');
  await page.waitForFunction(() => /ontvangen/.test(document.querySelector('.feedback')?.textContent));
  assert.match(await page.textContent('.feedback'), /moderator/);
  // one of three words used: two boxes left, and the hint says so
  assert.equal(await page.locator('section.slide .words input').count(), 2);
  assert.match(await page.textContent('section.slide .hint'), /nog 2 woorden/);
  await page.fill('section.slide input >> nth=0', 'water');
  await page.fill('section.slide input >> nth=1', 'stilte');
  await page.click('button.send');
  await page.waitForFunction(() => !document.querySelector('section.slide .words') && /ontvangen/.test(document.querySelector('.feedback')?.textContent));
  assert.match(await page.textContent('.feedback'), /moderator/);
  await page.screenshot({ path: path.join(OUT, 'phone-390-held-cloud.png'), fullPage: true });

  await gotoIndex(find('Vragen (met goedkeuring)').index);
  await page.waitForSelector('section.slide[data-kind=qa] textarea');
  await page.fill('textarea', 'Komt er verlichting?');
  await page.click('button.send');
  await page.waitForFunction(() => /ingestuurd/.test(document.querySelector('.feedback')?.textContent));
  assert.match(await page.textContent('.feedback'), /Je vraag is ingestuurd\. Hij verschijnt op het scherm zodra een moderator hem/);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('without JavaScript a held answer says it waits for a moderator', async () => {
  const s = slides.find((x) => x.title === 'Wat moet er anders? (met goedkeuring)');
  await gotoIndex(s.index);
  const p = new Participant(srv.base, env.code);
  await p.request(`/${env.code}`);
  const res = await p.request(`/${env.code}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `slide=${s.id}&value=${encodeURIComponent('Zonder script')}&id=${'x'.repeat(22)}`,
  });
  assert.equal(res.status, 303);
  const loc = res.headers.get('location');
  assert.match(loc, /held=1/);
  const html = await (await p.request(loc)).text();
  assert.match(html, /zodra een moderator het heeft bekeken/);
});

test('the HTML report lays out right-to-left answers right to left', async () => {
  const res = await fetch(`${srv.base}/api/v1/sessions/${env.code}/report?format=html`,
    { headers: { authorization: `Bearer ${env.token}` } });
  assert.equal(res.status, 200);
  const html = await res.text();
  const page = await (await browser.newContext({ viewport: { width: 1024, height: 800 } })).newPage();
  await page.setContent(html);
  const dirs = await page.evaluate(([ar, he]) => [...document.querySelectorAll('ul.cards li')]
    .filter((li) => li.textContent.startsWith(ar) || li.textContent.startsWith(he))
    .map((li) => getComputedStyle(li).direction), [ARABIC, HEBREW]);
  assert.ok(dirs.length >= 2 && dirs.every((d) => d === 'rtl'), `directions ${dirs}`);
  await page.screenshot({ path: path.join(OUT, 'report-html-rtl.png'), fullPage: false });
  await page.context().close();
});

test('without JavaScript the answers on a phone read in their own direction too', async () => {
  const s = slides.find((x) => x.kind === 'open' && x.results_on_phones);
  await gotoIndex(s.index);
  const p = new Participant(srv.base, env.code);
  assert.equal((await p.answer(s.id, 'Mijn antwoord zonder script')).status, 201);
  const html = await (await p.request(`/${env.code}`)).text();
  assert.ok(html.includes(`<li dir=auto>${ARABIC}</li>`), 'the Arabic answer with dir=auto');
  const qa = slides.find((x) => x.kind === 'qa' && !x.title.includes('goedkeuring'));
  await gotoIndex(qa.index);
  const page = await (await p.request(`/${env.code}`)).text();
  assert.ok(page.includes(`<span class="qa-text" dir=auto>${HEBREW}</span>`), 'the Hebrew question with dir=auto');
});
