// The report end to end: the origin conference answered over HTTP in two
// sessions of one event, then `inspraak report` in every format, checked
// through the tools a reader would use (pdftotext, pdfinfo, pdftoppm, a CSV
// parser, the XLSX's own XML, JSON.parse).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  ROOT, BIN, PG, prepare, startServer, stopServer, cleanup, Participant, gotoKind, control,
  sql as sqlOn,
} from './lib.mjs';

const ORIGIN = JSON.parse(readFileSync(path.join(ROOT, 'tests/e2e/data/origin-answers.json'), 'utf8'));
const DAY1 = Date.UTC(2020, 9, 16, 9), DAY2 = Date.UTC(2020, 9, 26, 9);

function sql(db, statement) {
  return sqlOn({ db }, statement);
}

// A second session of the same event, and both dated as the real meetings.
function secondSession(env) {
  sql(env.db, `UPDATE sessions SET started_at=${DAY1} WHERE code='${env.code}'`);
  sql(env.db, `INSERT INTO sessions(event_id, code, started_at) SELECT event_id, '7000001', ${DAY2}
    FROM sessions WHERE code='${env.code}'`);
  return '7000001';
}

function report(env, args) {
  return spawnSync(BIN, ['report', '--db', env.db, ...args], { encoding: 'utf8', cwd: ROOT });
}

const squash = (s) => s.replace(/\s+/g, ' ').trim();
// Text extracted from a PDF breaks lines wherever the layout did (after a
// slash, inside right-to-left words) and pdftotext joins words split at a
// hyphen: compare without white space, direction marks or hyphens.
const bare = (s) => s.replace(/[\s\u200e\u200f\u202a-\u202e\u00ad-]+/g, '');

// RFC 4180: quoted fields may hold commas, doubled quotes and line breaks.
function parseCsv(text) {
  const rows = [];
  let row = [], field = '', i = 0, quoted = false;
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i += 2; continue; }
      if (c === '"') { quoted = false; i++; continue; }
      field += c; i++; continue;
    }
    if (c === '"') { quoted = true; i++; continue; }
    if (c === ',') { row.push(field); field = ''; i++; continue; }
    if (c === '\r' && text[i + 1] === '\n') { row.push(field); rows.push(row); row = []; field = ''; i += 2; continue; }
    field += c; i++;
  }
  if (field || row.length) { row.push(field); rows.push(row); }
  return rows;
}

async function answerAll(base, code, token, perQuestion) {
  for (let q = 0; q < perQuestion.length; q++) {
    const slide = await gotoKind(base, code, token, 'open', q);
    for (const text of perQuestion[q]) {
      const r = await new Participant(base, code).answer(slide.id, text);
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
  }
}

test('the origin conference over two sessions, in every format', async () => {
  const env = prepare('examples/samenleven-in-diversiteit.md');
  const code2 = secondSession(env);
  const srv = await startServer(env);
  try {
    // the first half of each question's answers on 16 October, the rest on 26 October
    const half = ORIGIN.map((q) => Math.ceil(q.answers.length / 2));
    await answerAll(srv.base, env.code, env.token, ORIGIN.map((q, i) => q.answers.slice(0, half[i])));
    await answerAll(srv.base, code2, env.token, ORIGIN.map((q, i) => q.answers.slice(half[i])));
    // one inappropriate answer, hidden by the moderator: left out and counted
    const slide = await gotoKind(srv.base, code2, env.token, 'open', 0);
    const bad = await new Participant(srv.base, code2).answer(slide.id, 'iets onaardigs');
    const hid = await fetch(`${srv.base}/api/v1/answers/${bad.body.id}/hide`, {
      method: 'POST', headers: { authorization: `Bearer ${env.token}` },
    });
    assert.equal(hid.status, 200);

    // the same report as a download from the facilitator's pages
    const url = (q) => `${srv.base}/api/v1/sessions/${env.code}/report?${q}`;
    const auth = { headers: { authorization: `Bearer ${env.token}` } };
    assert.equal((await fetch(url('format=pdf'))).status, 401);
    for (const q of ['format=doc', '', 'format=pdf&session=x', 'format=pdf&session=0']) {
      const r = await fetch(url(q), auth);
      assert.equal(r.status, 400, q);
      assert.match((await r.json()).error, /format|session/);
    }
    const three = await fetch(url('format=pdf&session=3'), auth);
    assert.equal(three.status, 400);
    assert.equal((await three.json()).error, 'this event has 2 sessions; there is no session 3');
    // the same refusals in Dutch, as the workspace's pages ask for them
    const nl = { headers: { ...auth.headers, 'accept-language': 'nl' } };
    const nlThree = await fetch(url('format=pdf&session=3'), nl);
    assert.equal(nlThree.status, 400);
    assert.equal((await nlThree.json()).error, 'Dit evenement heeft 2 sessies; er is geen sessie 3.');
    const nlFormat = await fetch(url('format=doc'), nl);
    assert.equal((await nlFormat.json()).error, 'Het formaat moet pdf, md, html, csv, xlsx of json zijn.');
    const nlSession = await fetch(url('format=pdf&session=x'), { headers: { ...auth.headers, 'accept-language': 'nl-NL,nl;q=0.9,en;q=0.8' } });
    assert.match((await nlSession.json()).error, /^De sessie moet een sessienummer zijn/);
    const types = { pdf: 'application/pdf', md: 'text/markdown', html: 'text/html', csv: 'text/csv',
      xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', json: 'application/json' };
    for (const [fmt, type] of Object.entries(types)) {
      const r = await fetch(url(`format=${fmt}`), auth);
      assert.equal(r.status, 200, fmt);
      assert.ok(r.headers.get('content-type').startsWith(type), r.headers.get('content-type'));
      assert.equal(r.headers.get('content-disposition'),
        `attachment; filename="samenleven-in-diversiteit-resultaten.${fmt}"`);
      const body = Buffer.from(await r.arrayBuffer());
      if (fmt === 'pdf') {
        writeFileSync(path.join(env.dir, 'download.pdf'), body);
        assert.match(execFileSync('pdfinfo', [path.join(env.dir, 'download.pdf')], { encoding: 'utf8' }),
          /Pages:\s+\d+/);
      }
      if (fmt === 'json') assert.equal(JSON.parse(body.toString()).sessions.length, 2);
    }
    const one = await fetch(url('format=csv&session=2'), auth);
    assert.equal(one.status, 200);
    assert.match(one.headers.get('content-disposition'), /resultaten-sessie-2\.csv"$/);
  } finally { await stopServer(srv); }

  try {
    const out = (ext) => path.join(env.dir, `report.${ext}`);
    for (const fmt of ['pdf', 'md', 'html', 'csv', 'xlsx', 'json']) {
      const r = report(env, ['--code', env.code, '--format', fmt, '--out', out(fmt)]);
      assert.equal(r.status, 0, `${fmt}: ${r.stderr}`);
    }

    // PDF: opens, every answer once, questions in order, continuation marks
    const info = execFileSync('pdfinfo', [out('pdf')], { encoding: 'utf8' });
    assert.match(info, /Page size:\s+841\.89 x 595\.28/);
    execFileSync('pdftoppm', ['-png', '-r', '20', '-f', '1', '-l', '3', out('pdf'), path.join(env.dir, 'page')]);
    // the themes pages quote answers again, in part: leave them out when
    // counting how often each answer is in the PDF
    const pages = execFileSync('pdftotext', [out('pdf'), '-'], { encoding: 'utf8' }).split('\f');
    const themePages = pages.filter((p) => p.includes("Thema's: "));
    assert.equal(new Set(themePages.map((p) => ORIGIN.findIndex((q) => squash(p).includes(q.title)))).size, 3,
      'no themes pages for every question');
    const pdfText = squash(pages.filter((p) => !p.includes("Thema's: ")).join('\n'));
    assert.ok(pdfText.includes('Werkconferentie 16 en 26 oktober 2020'));
    assert.ok(pdfText.includes('16 oktober 2020') && pdfText.includes('26 oktober 2020'));
    // answers are checked in the appendix (issue 16: the overview before it
    // names themes and counts; a slide of the deck may say the same)
    const inAppendix = (p) => p.includes('Bijlage: alle antwoorden') && !p.includes('Inhoud');
    const results = squash(pages.filter((p) => inAppendix(p) && !p.includes("Thema's: ")).join('\n'));
    let rest = bare(results);
    const all = ORIGIN.flatMap((q) => q.answers).map(bare).sort((a, b) => b.length - a.length);
    for (const a of all) {
      const first = rest.indexOf(a);
      assert.ok(first >= 0, `missing from the PDF: ${a}`);
      rest = rest.slice(0, first) + ' | ' + rest.slice(first + a.length);
      assert.equal(rest.indexOf(a), -1, `twice in the PDF: ${a}`);
    }
    assert.ok(!pdfText.includes('iets onaardigs'), 'a hidden answer is in the PDF');
    let at = 0;
    for (const q of ORIGIN) {
      const i = results.indexOf(q.title, at);
      assert.ok(i >= at, `question out of order: ${q.title}`);
      at = i;
    }
    assert.ok(pdfText.includes('(1/2)'), 'no question spans pages');
    for (const m of pdfText.matchAll(/\((\d)\/(\d)\)/g)) {
      for (let k = 1; k <= Number(m[2]); k++) assert.ok(pdfText.includes(`(${k}/${m[2]})`));
    }
    // every footer says which page of how many
    const count = Number(info.match(/Pages:\s+(\d+)/)[1]);
    assert.equal(pages.length, count + 1); // a form feed ends every page
    pages.slice(0, count).forEach((p, i) => assert.match(p, new RegExp(`\\b${i + 1} van ${count}\\s*$`), `page ${i + 1}`));

    // CSV: one row per answer, hidden one marked
    const rows = parseCsv(readFileSync(out('csv'), 'utf8'));
    assert.deepEqual(rows[0], ['event', 'session', 'session date', 'slide', 'question', 'type', 'value', 'time', 'visible']);
    const values = rows.slice(1).filter((r) => r[8] === 'true').map((r) => r[6]);
    assert.deepEqual(values.sort(), ORIGIN.flatMap((q) => q.answers).sort());
    assert.deepEqual(rows.slice(1).filter((r) => r[8] === 'false').map((r) => r[6]), ['iets onaardigs']);
    assert.deepEqual([...new Set(rows.slice(1).map((r) => r[1] + ' ' + r[2]))], ['1 2020-10-16', '2 2020-10-26']);

    // JSON: counts per session and combined
    const json = JSON.parse(readFileSync(out('json'), 'utf8'));
    assert.equal(json.sessions.length, 2);
    const qs = json.slides.filter((s) => s.kind === 'open');
    assert.equal(qs.length, 3);
    assert.equal(qs[0].counts.combined.answers, ORIGIN[0].answers.length);
    assert.equal(qs[0].counts.combined.hidden, 1);
    assert.equal(qs[0].counts.sessions[0].answers + qs[0].counts.sessions[1].answers, ORIGIN[0].answers.length);

    // themes: every visible answer of an open question in exactly one theme,
    // labels that are words participants wrote, the same themes every time
    const again = report(env, ['--code', env.code, '--format', 'json', '--out', out('again.json')]);
    assert.equal(again.status, 0, again.stderr);
    const json2 = JSON.parse(readFileSync(out('again.json'), 'utf8'));
    qs.forEach((q, i) => {
      assert.ok(q.themes.length >= 3, `few themes for ${q.title}: ${JSON.stringify(q.themes)}`);
      assert.deepEqual(q.themes, json2.slides.filter((s) => s.kind === 'open')[i].themes);
      const ids = q.themes.flatMap((t) => t.answers).sort((a, b) => a - b);
      assert.deepEqual(ids, q.answers.filter((a) => a.visible).map((a) => a.id).sort((a, b) => a - b));
      for (const t of q.themes) {
        assert.equal(t.count, t.answers.length);
        if (t.stem === null) { assert.equal(t.label, 'Overig'); continue; }
        assert.ok(t.count >= 2);
        const texts = t.answers.map((id) => q.answers.find((a) => a.id === id).text.toLowerCase());
        assert.ok(texts.some((x) => x.includes(t.label)), `label ${t.label} in none of its answers`);
        assert.ok(squash(themePages.join(' ')).includes(t.label), `label ${t.label} not in the PDF`);
      }
    });
    // the origin's themes: meeting each other is what its people asked for first
    assert.ok(qs[1].themes[0].label === 'ontmoeten', JSON.stringify(qs[1].themes.map((t) => t.label)));

    // Markdown and HTML: every answer there, the hidden one not
    const md = readFileSync(out('md'), 'utf8');
    const html = readFileSync(out('html'), 'utf8');
    assert.ok(md.includes('Werkconferentie 16 en 26 oktober 2020'));
    assert.ok(html.startsWith('<!DOCTYPE html>') && !html.includes('<script'));
    assert.ok(!md.includes('onaardigs') && !html.includes('onaardigs'));
    assert.equal(md.match(/^#### Thema's$/gm).length, 3);
    assert.equal(html.match(/<h4>Thema's<\/h4>/g).length, 3);
    assert.ok(md.includes(`**${qs[1].themes[0].label}** (${qs[1].themes[0].count})`));

    // bad arguments: a clear message and exit 2
    for (const args of [[], ['--event', 'x', '--format', 'pdf', '--out', out('x')],
      ['--event', '1', '--format', 'doc', '--out', out('x')],
      ['--event', '1', '--code', env.code, '--format', 'md', '--out', out('x')],
      ['--event', '1', '--session', '3', '--format', 'md', '--out', out('x')],
      ['--event', '99', '--format', 'md', '--out', out('x')],
      ['--event', '1', '--format', 'md']]) {
      const r = report(env, args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /inspraak report: /);
    }
    const one = report(env, ['--event', '1', '--session', '2', '--format', 'json', '--out', out('s2.json')]);
    assert.equal(one.status, 0, one.stderr);
    assert.deepEqual(JSON.parse(readFileSync(out('s2.json'), 'utf8')).sessions.map((s) => s.number), [2]);
  } finally { cleanup(env); }
});

const TRICKY = [
  'komma, "aanhalingstekens" en een\nnieuwe regel',
  '<script>alert(1)</script> & <b>vet</b>',
  'مرحبا بالجميع في المدينة',
  'Emoji 🎉👩🏽‍💻 en Türkçe çok güzel, 中文也可以',
  '=SUM(A1:A2)',
  '# geen kop *en* [geen](link)',
];

test('answers with commas, quotes, newlines, HTML, right-to-left text and emoji round-trip', async () => {
  const env = prepare();
  const srv = await startServer(env);
  try {
    const slide = await gotoKind(srv.base, env.code, env.token, 'open');
    for (const t of TRICKY) {
      const r = await new Participant(srv.base, env.code).answer(slide.id, t);
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
    await control(srv.base, env.code, env.token, 'next');
    const qa = await gotoKind(srv.base, env.code, env.token, 'qa');
    assert.equal((await new Participant(srv.base, env.code).answer(qa.id, 'Een vraag uit de zaal?')).status, 201);
  } finally { await stopServer(srv); }
  try {
    const out = (ext) => path.join(env.dir, `tricky.${ext}`);
    for (const fmt of ['csv', 'json', 'xlsx', 'pdf', 'html', 'md']) {
      const r = report(env, ['--event', '1', '--format', fmt, '--out', out(fmt)]);
      assert.equal(r.status, 0, `${fmt}: ${r.stderr}`);
    }
    const csv = parseCsv(readFileSync(out('csv'), 'utf8')).slice(1).filter((r) => r[5] === 'open').map((r) => r[6]);
    assert.deepEqual(csv.sort(), [...TRICKY].sort());
    const json = JSON.parse(readFileSync(out('json'), 'utf8'));
    const open = json.slides.find((s) => s.kind === 'open');
    assert.deepEqual(open.answers.map((a) => a.value).sort(), [...TRICKY].sort());
    // XLSX: the strings as stored in the workbook, never as formulas
    const sheet = execFileSync('unzip', ['-p', out('xlsx'), 'xl/worksheets/sheet2.xml'], { encoding: 'utf8' });
    assert.ok(!sheet.includes('<f>'), 'a formula cell in the workbook');
    // (constant-memory mode writes strings inline in the sheets, not shared)
    const shared = execFileSync('unzip', ['-p', out('xlsx'), 'xl/worksheets/sheet*.xml'], { encoding: 'utf8' });
    const strings = [...shared.matchAll(/<t[^>]*>([\s\S]*?)<\/t>/g)].map((m) => m[1]
      .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'")
      .replace(/&amp;/g, '&'));
    for (const t of TRICKY) assert.ok(strings.includes(t), `not in the workbook: ${t}`);
    // HTML: escaped, never markup
    const html = readFileSync(out('html'), 'utf8');
    assert.ok(!html.includes('<script>alert') && html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
    // PDF: the scripts render as text (pango never read them as markup)
    const text = execFileSync('pdftotext', [out('pdf'), '-'], { encoding: 'utf8' });
    assert.ok(text.includes('<script>alert(1)</script> & <b>vet</b>'));
    assert.ok(text.includes('中文也可以') && text.includes('Türkçe'));
    assert.ok(bare(text).includes(bare(TRICKY[2])));
    // a Q&A question with questions takes its cards' page, and no page saying it has none
    // (in the appendix: the contents and the overview name the question too)
    const qaPages = text.split('\f').filter((p) => p.includes('Vragen aan de wethouder') &&
      p.includes('Bijlage: alle antwoorden') && !p.includes('Inhoud'));
    assert.equal(qaPages.length, 1, qaPages.join('\n---\n'));
    assert.ok(qaPages[0].includes('Een vraag uit de zaal?') && !qaPages[0].includes('Geen antwoorden'));
    // the footers in the event's language
    const n = text.split('\f').length - 1;
    assert.match(text, new RegExp(`\\b1 van ${n}\\s*\\f`));
    sql(env.db, "UPDATE events SET lang='en'");
    const en = report(env, ['--event', '1', '--format', 'pdf', '--out', out('en.pdf')]);
    assert.equal(en.status, 0, en.stderr);
    const enText = execFileSync('pdftotext', [out('en.pdf'), '-'], { encoding: 'utf8' });
    assert.match(enText, new RegExp(`\\b${n} of ${n}\\s*\\f$`));
  } finally { cleanup(env); }
});

test('one participant, one answer, one vote and one hidden answer are said in the singular', async () => {
  const env = prepare();
  const srv = await startServer(env);
  try {
    const open = await gotoKind(srv.base, env.code, env.token, 'open');
    assert.equal((await new Participant(srv.base, env.code).answer(open.id, 'Alleen ik')).status, 201);
    const bad = await new Participant(srv.base, env.code).answer(open.id, 'iets onaardigs');
    const hid = await fetch(`${srv.base}/api/v1/answers/${bad.body.id}/hide`, {
      method: 'POST', headers: { authorization: `Bearer ${env.token}` },
    });
    assert.equal(hid.status, 200);
    const qa = await gotoKind(srv.base, env.code, env.token, 'qa');
    const asked = await new Participant(srv.base, env.code).answer(qa.id, 'Wie beslist?');
    assert.equal(asked.status, 201);
    assert.equal((await new Participant(srv.base, env.code).answer(qa.id, { upvote: asked.body.id })).status, 201);
  } finally { await stopServer(srv); }
  try {
    const out = (ext) => path.join(env.dir, `one.${ext}`);
    const texts = () => {
      for (const fmt of ['pdf', 'md', 'html']) {
        const r = report(env, ['--event', '1', '--format', fmt, '--out', out(fmt)]);
        assert.equal(r.status, 0, `${fmt}: ${r.stderr}`);
      }
      return {
        pdf: squash(execFileSync('pdftotext', [out('pdf'), '-'], { encoding: 'utf8' })),
        md: readFileSync(out('md'), 'utf8'),
        html: readFileSync(out('html'), 'utf8'),
      };
    };
    let t = texts();
    assert.match(t.pdf, /: 1 deelnemer, 1 antwoord\b/);
    assert.doesNotMatch(t.pdf, /\b1 (deelnemers|antwoorden|stemmen)\b/);
    assert.match(t.pdf, /▲ 1 stem\b/);
    for (const doc of [t.md, t.html]) {
      assert.match(doc, /1 stem\b/);
      assert.match(doc, /1 verborgen antwoord is weggelaten\./);
      assert.doesNotMatch(doc, /\b1 (stemmen|verborgen antwoorden)\b/);
    }
    sql(env.db, "UPDATE events SET lang='en'");
    t = texts();
    assert.match(t.pdf, /: 1 participant, 1 answer\b/);
    assert.match(t.pdf, /▲ 1 vote\b/);
    assert.doesNotMatch(t.pdf, /\b1 (participants|answers|votes)\b/);
    for (const doc of [t.md, t.html]) {
      assert.match(doc, /1 vote\b/);
      assert.match(doc, /1 hidden answer is left out\./);
    }
  } finally { cleanup(env); }
});

// Words of a PDF page with their boxes: [{ word, x, y0, y1 }] per page.
function pdfWords(file) {
  const xml = execFileSync('pdftotext', ['-bbox', file, '-'], { encoding: 'utf8' });
  return xml.split('<page ').slice(1).map((page) => [...page.matchAll(
    /<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)<\/word>/g)]
    .map((m) => ({ x: +m[1], y0: +m[2], y1: +m[3], word: m[4] })));
}

test('a question of ten pages or more keeps the same room for its heading on every page', async () => {
  // Titles around the length where " (10/10)" no longer fits on the
  // heading's line while " (9/10)" still does; 210 answers take ten pages.
  const words = 'Wat vinden jullie van de nieuwe plannen voor het plein in onze wijk en waarom Wat vinden jullie'.split(' ');
  for (let len = 74; len <= 88; len += 2) {
    let title = '';
    for (let i = 0; title.length < len; i++) title += (title ? ' ' : '') + words[i % words.length];
    title = `${title.slice(0, len).trimEnd()}?`;
    const dir = mkdtempSync(path.join(tmpdir(), 'inspraak-e2e-'));
    writeFileSync(path.join(dir, 'deck.md'), `---\ntitle: Kop\nlang: nl\n---\n\n? open: ${title}\n`);
    const env = prepare(path.join(dir, 'deck.md'), dir);
    try {
      sql(env.db, PG ? `INSERT INTO answers(session_id, slide_id, participant, client_id, value, at)
        SELECT s.id, sl.id, 'p' || i, 'client-' || lpad(i::text, 5, '0'),
          to_json('Antwoord nummer ' || i || ' over het plein en de bomen en de bankjes')::text, 1700000000000 + i
        FROM generate_series(0, 209) i, sessions s, slides sl` : `INSERT INTO answers(session_id, slide_id, participant, client_id, value, at)
        WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 209)
        SELECT s.id, sl.id, 'p' || i, printf('client-%05d', i),
          json_quote('Antwoord nummer ' || i || ' over het plein en de bomen en de bankjes'), 1700000000000 + i
        FROM n, sessions s, slides sl`);
      const out = path.join(dir, 'long.pdf');
      const r = report(env, ['--event', '1', '--format', 'pdf', '--out', out]);
      assert.equal(r.status, 0, r.stderr);
      const pages = pdfWords(out).filter((ws) => ws.some((w) => w.word === 'Antwoord' && w.y0 > 90)
        && !ws.some((w) => w.word === 'Thema&apos;s:'));
      assert.ok(pages.length >= 10, `${len}: ${pages.length} pages of answers`);
      const tops = pages.map((ws) => Math.min(...ws.filter((w) => w.word === 'Antwoord' && w.y0 > 90).map((w) => w.y0)));
      const marks = pages.map((ws) => ws.find((w) => /^\(\d+\/\d+\)$/.test(w.word)));
      marks.forEach((m, i) => {
        assert.ok(m, `${len}: page ${i + 1} has no mark`);
        assert.equal(m.word, `(${i + 1}/${pages.length})`, `${len}`);
        assert.ok(m.y1 < tops[i], `${len}: the mark ${m.word} runs into the answers`);
      });
      for (const t of tops) assert.ok(Math.abs(t - tops[0]) < 0.5, `${len}: answers start at ${tops.join(', ')}`);
    } finally { cleanup(env); }
  }
});
