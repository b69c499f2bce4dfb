// The sociale kaart's map (issue 17): the test draws its own MBTiles file
// with cairo (bench/mkmbtiles: the tiles of zoom 0 to 12 that cover a box
// around Utrecht, 88 of them, with a dot on its centre), starts the
// server with --tiles, and checks the tiles (TMS rows flipped, ETag, 404s),
// the map config, and in Chromium at 390 px a page with the map: the tiles
// come from /kaart/tiles, the entries' pins show and open a popup from the
// keyboard, no request leaves the origin, axe-core finds nothing; then the
// facilitator's form, where a click places the pin and typing moves it.
// Without a tile source the map stays hidden and Leaflet is not loaded;
// with --tile-url the Content-Security-Policy admits that origin only.
//
// The pages are small fixtures that follow the contract with the entries
// (docs/sociale-kaart.md): a web folder of links to web/ plus two pages and
// the entries' JSON, served through inspraak's own static tree.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { prepare, startServer, stopServer, cleanup, ROOT, launchBrowser } from './lib.mjs';

const OUT = path.join(ROOT, 'tests/e2e/out');
const MKMBTILES = path.join(ROOT, 'build/bench/mkmbtiles');
const AXE = readFileSync(path.join(ROOT, 'tests/e2e/node_modules/axe-core/axe.min.js'), 'utf8');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

const ENTRIES = {
  entries: [
    { id: 1, name: 'Taalcafé De Brug', url: '/kaart/1', lat: 52.0907, lon: 5.1214, themes: ['taal'], neighbourhood: 'Binnenstad' },
    { id: 2, name: 'Buurthuis Oase <Overvecht>', url: '/kaart/2', lat: 52.1152, lon: 5.1119, themes: ['ontmoeting'], neighbourhood: 'Overvecht' },
    { id: 3, name: 'Samen Koken Kanaleneiland', url: '/kaart/3', lat: 52.0757, lon: 5.0958, themes: ['eten'], neighbourhood: 'Kanaleneiland' },
    { id: 4, name: 'Telefooncirkel (zonder adres)', url: '/kaart/4', lat: null, lon: null, themes: [], neighbourhood: '' },
  ],
};

const page = (lang, title, body) => `<!doctype html>
<html lang="${lang}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title><link rel="stylesheet" href="/static/site.css">
<script src="/static/kaart-map.js" defer></script></head>
<body><main><h1>${title}</h1>
${body}
</main></body></html>
`;

const LIST = (lang) => page(lang, lang === 'en' ? 'Social map' : 'Sociale kaart', `
<form method="get" action="/kaart"><label for="q">Zoeken</label> <input id="q" name="q"> <button>Zoek</button></form>
<div id="kaart-map" data-entries="/static/kaart-test/entries.json" hidden></div>
<ul>${ENTRIES.entries.map((e) => `<li><a href="${e.url}">${e.name.replace(/</g, '&lt;')}</a></li>`).join('')}</ul>`);

const FORM = page('nl', 'Organisatie bewerken', `
<form method="post" action="/app/kaart/1">
<fieldset id="kaart-pin"><legend>Plek</legend>
<label for="lat">Breedtegraad</label> <input type="number" id="lat" name="lat" step="any" min="-90" max="90">
<label for="lon">Lengtegraad</label> <input type="number" id="lon" name="lon" step="any" min="-180" max="180">
</fieldset>
<button>Opslaan</button></form>`);

let env, browser, mbtiles, web;

// A web folder: links to everything of web/ and web/static/, plus the fixtures.
function fixtureWeb(dir) {
  const w = path.join(dir, 'web');
  mkdirSync(path.join(w, 'static/kaart-test'), { recursive: true });
  for (const name of readdirSync(path.join(ROOT, 'web'))) {
    if (name !== 'static') symlinkSync(path.join(ROOT, 'web', name), path.join(w, name));
  }
  for (const name of readdirSync(path.join(ROOT, 'web/static'))) {
    symlinkSync(path.join(ROOT, 'web/static', name), path.join(w, 'static', name));
  }
  writeFileSync(path.join(w, 'static/kaart-test/list.html'), LIST('nl'));
  writeFileSync(path.join(w, 'static/kaart-test/list-en.html'), LIST('en'));
  writeFileSync(path.join(w, 'static/kaart-test/form.html'), FORM);
  // the workspace draws its forms after the page loaded
  writeFileSync(path.join(w, 'static/kaart-test/late.html'), page('nl', 'Werkruimte', '<div id="view"></div>'));
  writeFileSync(path.join(w, 'static/kaart-test/entries.json'), JSON.stringify(ENTRIES));
  // an entry's page: data-entries names that one entry
  writeFileSync(path.join(w, 'static/kaart-test/entry.html'), page('nl', ENTRIES.entries[2].name,
    '<p>Kanaleneiland, Utrecht</p>\n<div id="kaart-map" data-entries="/static/kaart-test/entry-3.json" hidden></div>'));
  writeFileSync(path.join(w, 'static/kaart-test/entry-3.json'), JSON.stringify({ entries: [ENTRIES.entries[2]] }));
  writeFileSync(path.join(w, 'static/kaart-test/all.html'), LIST('nl').replace('entries.json', 'placed.json'));
  writeFileSync(path.join(w, 'static/kaart-test/placed.json'), JSON.stringify({ entries: ENTRIES.entries.slice(0, 3) }));
  return w;
}

before(async () => {
  mkdirSync(OUT, { recursive: true });
  assert.ok(existsSync(MKMBTILES), 'make build/bench/mkmbtiles first (make e2e does)');
  assert.ok(existsSync(path.join(ROOT, 'web/static/leaflet/leaflet.js')), 'Leaflet is copied by make (scripts/deps installs it)');
  env = prepare();
  mbtiles = path.join(env.dir, 'utrecht.mbtiles');
  execFileSync(MKMBTILES, [mbtiles, '12']);
  web = fixtureWeb(env.dir);
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  cleanup(env);
});

async function withServer(extra, fn) {
  const srv = await startServer(env, ['--web', web, ...extra]);
  try {
    await fn(srv);
  } finally {
    await stopServer(srv);
  }
}

// A page that records every request and every error or policy complaint.
async function open(srv, url, viewport = { width: 390, height: 844 }, opts = {}) {
  const ctx = await browser.newContext({ viewport, ...opts });
  const p = await ctx.newPage();
  p.requests = [];
  p.tiles = [];
  p.problems = [];
  p.on('request', (r) => p.requests.push(r.url()));
  p.on('response', (r) => { if (r.url().includes('/kaart/tiles/')) p.tiles.push(r.status()); });
  p.on('pageerror', (e) => p.problems.push(e.message));
  p.on('console', (m) => { if (/Content Security Policy|kaart-map/.test(m.text())) p.problems.push(m.text()); });
  await p.goto(srv.base + url);
  return p;
}

async function audit(srv, url, viewport) {
  const p = await open(srv, url, viewport, { bypassCSP: true });
  await p.locator('.leaflet-marker-icon').first().waitFor({ timeout: 15000 });
  await p.addScriptTag({ content: AXE });
  const v = await p.evaluate(async (tags) => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return r.violations.map((x) => `${x.id}: ${x.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
  }, TAGS);
  await p.context().close();
  return v;
}

test('tiles come from the MBTiles file, rows flipped, with ETag and 404s', async () => {
  await withServer(['--tiles', mbtiles], async (srv) => {
    const cfg = await (await fetch(`${srv.base}/api/v1/kaart/map`)).json();
    assert.equal(cfg.tiles, '/kaart/tiles/{z}/{x}/{y}.png');
    assert.equal(cfg.attribution, 'Testtegels van inspraak');
    assert.deepEqual(cfg.bounds.map((p) => p.map((x) => Math.round(x * 100) / 100)), [[51.95, 4.8], [52.25, 5.45]]);
    assert.equal(cfg.minzoom, 0);
    assert.equal(cfg.maxzoom, 12);

    // Utrecht's tile at zoom 3 is x 4, y 2 (from the north): row 5 in the file
    const res = await fetch(`${srv.base}/kaart/tiles/3/4/2.png`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'image/png');
    assert.match(res.headers.get('cache-control'), /public, max-age=\d+/);
    const body = Buffer.from(await res.arrayBuffer());
    const stored = execFileSync('sqlite3', [mbtiles,
      'SELECT hex(tile_data) FROM tiles WHERE zoom_level = 3 AND tile_column = 4 AND tile_row = 5'], { encoding: 'utf8' }).trim();
    assert.equal(body.toString('hex').toUpperCase(), stored);
    const etag = res.headers.get('etag');
    assert.match(etag, /^"[0-9a-f]{16}"$/);
    const again = await fetch(`${srv.base}/kaart/tiles/3/4/2.png`, { headers: { 'if-none-match': etag } });
    assert.equal(again.status, 304);
    const head = await fetch(`${srv.base}/kaart/tiles/0/0/0.png`, { method: 'HEAD' });
    assert.equal(head.status, 200);

    for (const bad of ['4/0/0.png', '3/8/0.png', '3/0/8.png', '25/0/0.png', '3/4/2.jpg', '03/4/2.png',
      '3/4/2', '3/4/2.png/x', '-1/0/0.png', '3/4/99999999999999999999.png']) {
      const r = await fetch(`${srv.base}/kaart/tiles/${bad}`);
      assert.equal(r.status, 404, bad);
    }
    const policy = res.headers.get('content-security-policy');
    assert.match(policy, /img-src 'self' data:;/);
  });
});

test('on a phone the list page shows the pins on self-served tiles, nothing leaves the origin', async () => {
  await withServer(['--tiles', mbtiles], async (srv) => {
    const p = await open(srv, '/static/kaart-test/list.html');
    const map = p.locator('#kaart-map');
    await p.locator('.leaflet-marker-icon').first().waitFor({ timeout: 15000 });
    assert.equal(await map.isVisible(), true);
    assert.equal(await p.locator('.leaflet-marker-icon').count(), 3, 'three entries have a place');
    // the text alternative: the list is the full view
    assert.equal(await p.locator('#kaart-map-note').textContent(),
      'De kaart toont 3 van de 4 uit de lijst: wie een vaste plek heeft. De lijst is het volledige overzicht.');
    assert.equal(await map.getAttribute('aria-describedby'), 'kaart-map-note');
    // tiles loaded, from our own path
    await p.waitForFunction(() => [...document.querySelectorAll('.leaflet-tile')].some((i) => i.complete && i.naturalWidth === 256), null, { timeout: 15000 });
    assert.ok(p.tiles.length > 0 && p.tiles.every((s) => s === 200), `tile answers: ${p.tiles}`);
    const srcs = await p.locator('img.leaflet-tile').evaluateAll((imgs) => imgs.map((i) => i.src));
    assert.ok(srcs.length > 0 && srcs.every((s) => s.includes('/kaart/tiles/')), srcs.join(' '));
    // the attribution is shown as text
    assert.match(await p.locator('.leaflet-control-attribution').textContent(), /Testtegels van inspraak/);

    // keyboard: a marker is a focusable button named after its entry; Enter opens its popup
    const marker = p.locator('.leaflet-marker-icon[title="Buurthuis Oase <Overvecht>"]');
    assert.equal(await marker.getAttribute('tabindex'), '0');
    assert.equal(await marker.getAttribute('role'), 'button');
    await marker.focus();
    await p.keyboard.press('Enter');
    const link = p.locator('.leaflet-popup-content a');
    await link.waitFor();
    assert.equal(await link.textContent(), 'Buurthuis Oase <Overvecht>');
    assert.equal(await link.getAttribute('href'), '/kaart/2');
    // the map pans until the whole popup shows, and its link has the focus
    await p.waitForFunction(() => {
      const m = document.querySelector('#kaart-map').getBoundingClientRect();
      const popup = document.querySelector('.leaflet-popup');
      const q = popup.getBoundingClientRect();
      return q.top >= m.top && q.left >= m.left && q.right <= m.right && getComputedStyle(popup).opacity === '1';
    }, null, { timeout: 5000 });
    assert.equal(await p.evaluate(() => document.activeElement.textContent), 'Buurthuis Oase <Overvecht>');
    await p.screenshot({ path: path.join(OUT, 'kaart-map-390.png'), fullPage: true });

    // every request went to the server itself
    const origin = new URL(srv.base).origin;
    const away = p.requests.filter((u) => !u.startsWith('data:') && new URL(u).origin !== origin);
    assert.deepEqual(away, []);
    assert.ok(p.requests.some((u) => u.endsWith('/static/leaflet/leaflet.js')));
    assert.deepEqual(p.problems, []);
    await p.context().close();

    const wide = await open(srv, '/static/kaart-test/list-en.html', { width: 1280, height: 900 });
    await wide.locator('.leaflet-marker-icon').first().waitFor({ timeout: 15000 });
    await wide.waitForFunction(() => [...document.querySelectorAll('.leaflet-tile')].some((i) => i.complete && i.naturalWidth === 256), null, { timeout: 15000 });
    assert.match(await wide.locator('#kaart-map-note').textContent(), /^The map shows 3 of the 4 in the list/);
    assert.equal(await wide.locator('.leaflet-control-zoom-in').getAttribute('title'), 'Zoom in');
    await wide.screenshot({ path: path.join(OUT, 'kaart-map-1280.png'), fullPage: true });
    assert.deepEqual(wide.problems, []);
    await wide.context().close();

    // at 320 px nothing runs off the page
    const narrow = await open(srv, '/static/kaart-test/list.html', { width: 320, height: 640 });
    await narrow.locator('.leaflet-marker-icon').first().waitFor({ timeout: 15000 });
    const overflow = await narrow.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.equal(overflow, 0);
    await narrow.screenshot({ path: path.join(OUT, 'kaart-map-320.png'), fullPage: true });
    await narrow.context().close();

    for (const [url, width] of [['/static/kaart-test/list.html', 390], ['/static/kaart-test/list-en.html', 1280]]) {
      assert.deepEqual(await audit(srv, url, { width, height: 844 }), [], `axe on ${url} at ${width}`);
    }
  });
});

test('an entry\'s page shows its one pin', async () => {
  await withServer(['--tiles', mbtiles], async (srv) => {
    const p = await open(srv, '/static/kaart-test/entry.html');
    await p.locator('.leaflet-marker-icon').first().waitFor({ timeout: 15000 });
    assert.equal(await p.locator('.leaflet-marker-icon').count(), 1);
    assert.equal(await p.locator('.leaflet-marker-icon').getAttribute('title'), 'Samen Koken Kanaleneiland');
    assert.equal(await p.locator('#kaart-map-note').textContent(), 'De kaart toont de plek van dit adres.');
    // every entry of a list placed: said so
    const all = await open(srv, '/static/kaart-test/all.html');
    await all.locator('.leaflet-marker-icon').first().waitFor({ timeout: 15000 });
    assert.equal(await all.locator('#kaart-map-note').textContent(), 'De kaart toont alle 3 uit de lijst. De lijst is het volledige overzicht.');
    await all.context().close();
    assert.deepEqual(p.problems, []);
    await p.context().close();
    assert.deepEqual(await audit(srv, '/static/kaart-test/entry.html', { width: 390, height: 844 }), []);
  });
});

test('on the form a click places the pin and typing moves it', async () => {
  await withServer(['--tiles', mbtiles], async (srv) => {
    const p = await open(srv, '/static/kaart-test/form.html');
    const map = p.locator('#kaart-pin .leaflet-container');
    await map.waitFor({ timeout: 15000 });
    await p.waitForFunction(() => [...document.querySelectorAll('.leaflet-tile')].some((i) => i.complete && i.naturalWidth === 256), null, { timeout: 15000 });
    assert.equal(await p.locator('.leaflet-marker-icon').count(), 0);
    const box = await map.boundingBox();
    await p.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await p.locator('.leaflet-marker-icon').waitFor();
    const lat = Number(await p.inputValue('#lat'));
    const lon = Number(await p.inputValue('#lon'));
    // the view starts on the file's bounds, around Utrecht
    assert.ok(lat > 51.9 && lat < 52.3 && lon > 4.7 && lon < 5.5, `${lat}, ${lon}`);
    assert.match(await p.inputValue('#lat'), /^-?\d+\.\d{6}$/);

    // typing moves the pin
    const before = await p.locator('.leaflet-marker-icon').boundingBox();
    await p.fill('#lat', '52.2');
    await p.fill('#lon', '5.3');
    await p.waitForFunction((b) => {
      const r = document.querySelector('.leaflet-marker-icon').getBoundingClientRect();
      return Math.abs(r.x - b.x) > 2 || Math.abs(r.y - b.y) > 2;
    }, before, { timeout: 5000 });

    // dragging writes the inputs again
    const m = await p.locator('.leaflet-marker-icon').boundingBox();
    await p.mouse.move(m.x + m.width / 2, m.y + m.height - 2);
    await p.mouse.down();
    await p.mouse.move(m.x + m.width / 2 - 40, m.y + m.height + 30, { steps: 5 });
    await p.mouse.up();
    await p.waitForFunction(() => document.querySelector('#lat').value !== '52.2', null, { timeout: 5000 });
    assert.ok(Number(await p.inputValue('#lat')) < 52.2);
    assert.ok(Number(await p.inputValue('#lon')) < 5.3);
    await p.screenshot({ path: path.join(OUT, 'kaart-map-form-390.png'), fullPage: true });
    assert.deepEqual(p.problems, []);
    await p.context().close();
  });
});

test('a form drawn after the page loaded gets its map too', async () => {
  await withServer(['--tiles', mbtiles], async (srv) => {
    const p = await open(srv, '/static/kaart-test/late.html');
    await p.waitForLoadState('networkidle');
    // nothing to show yet: not even the map's config was asked
    assert.equal(p.requests.some((u) => u.includes('/api/v1/kaart/map')), false);
    await p.evaluate((html) => {
      document.getElementById('view').innerHTML = html;
    }, FORM.slice(FORM.indexOf('<form'), FORM.indexOf('</form>') + 7));
    await p.locator('#kaart-pin .leaflet-container').waitFor({ timeout: 15000 });
    assert.equal(await p.locator('#kaart-pin .leaflet-container').count(), 1);
    assert.deepEqual(p.problems, []);
    await p.context().close();
  });
});

test('without a tile source the map stays hidden and Leaflet is not loaded', async () => {
  await withServer([], async (srv) => {
    const cfg = await (await fetch(`${srv.base}/api/v1/kaart/map`)).json();
    assert.equal(cfg.tiles, null);
    assert.equal((await fetch(`${srv.base}/kaart/tiles/0/0/0.png`)).status, 404);
    const p = await open(srv, '/static/kaart-test/list.html');
    await p.waitForResponse((r) => r.url().endsWith('/api/v1/kaart/map'));
    await p.waitForLoadState('networkidle');
    assert.equal(await p.locator('#kaart-map').isHidden(), true);
    assert.equal(p.requests.some((u) => u.includes('/static/leaflet/')), false);
    assert.equal(await p.locator('#kaart-map-note').count(), 0);
    await p.context().close();
  });
});

test('--tile-url: the map names the template and the policy admits its origin only', async () => {
  const tpl = 'https://service.pdok.nl/brt/achtergrondkaart/wmts/v2_0/standaard/EPSG:3857/{z}/{x}/{y}.png';
  await withServer(['--tile-url', tpl, '--tile-attribution', 'Kaartgegevens © Kadaster'], async (srv) => {
    const res = await fetch(`${srv.base}/api/v1/kaart/map`);
    const cfg = await res.json();
    assert.equal(cfg.tiles, tpl);
    assert.equal(cfg.attribution, 'Kaartgegevens © Kadaster');
    assert.equal(cfg.bounds, null);
    assert.match(res.headers.get('content-security-policy'), /img-src 'self' data: https:\/\/service\.pdok\.nl; style-src 'self'; script-src 'self';/);
    // the page's own requests still stay home: the browser here is not let out
    assert.equal((await fetch(`${srv.base}/kaart/tiles/0/0/0.png`)).status, 404);
  });
  // a template that could bend the policy is refused at start
  const bad = execFileSync('sh', ['-c', `"${path.join(ROOT, 'inspraak')}" serve --db "${env.db}" --tile-url "https://x; script-src *;/{z}/{x}/{y}" 2>&1; echo "exit $?"`], { encoding: 'utf8' });
  assert.match(bad, /--tile-url has a host/);
  assert.match(bad, /exit 2/);
});
