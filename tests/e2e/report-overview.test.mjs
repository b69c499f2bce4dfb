// The report a council reads in ten minutes (issue 16): with 50,000 answers
// the PDF starts with its contents (page numbers that are right) and one
// overview page per question, all within the first 15 pages, before the
// appendix with every answer; Dutch typography (decimal comma, numbered
// lists, page marks that stay at the end of a mixed Dutch and Arabic
// title); themes without filler words. The database is made with SQL
// (bench/report-data), not through HTTP.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT, BIN } from './lib.mjs';

let dir, db, pdf, pages;
const overviewOf = (title) => pages.find((p) => p.includes(title) && p.includes('Overzicht') && !p.includes('Inhoud'));

before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'inspraak-overview-'));
  db = path.join(dir, 'r.db');
  pdf = path.join(dir, 'r.pdf');
  execFileSync(path.join(ROOT, 'bench/report-data'), [db, '50000'], { cwd: ROOT });
  execFileSync(BIN, ['report', '--event', '1', '--format', 'pdf', '--out', pdf, '--db', db], { cwd: ROOT });
  pages = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8', maxBuffer: 1 << 28 }).split('\f');
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('the contents on page 2 give the right page of every part and question', () => {
  assert.match(pages[1], /^\s*Inhoud/m);
  const entries = [...pages[1].matchAll(/^\s*(.+?)\s+(\d+)\s*$/gm)]
    .map((m) => ({ label: m[1].replace(/[\u2066-\u2069\u202a-\u202e]/g, '').trim(), page: Number(m[2]) }))
    .filter((e) => !e.label.startsWith('Presentatie en resultaten')); // the footer
  assert.ok(entries.length >= 16, JSON.stringify(entries));
  for (const e of entries) {
    const text = pages[e.page - 1].replace(/[\u2066-\u2069\u202a-\u202e]/g, '');
    const want = e.label.replace(/^Vraag \d+: /, '').replace(/\s+/g, ' ').slice(0, 30);
    assert.ok(text.replace(/\s+/g, ' ').includes(want), `page ${e.page} has no "${want}"`);
  }
});

test('one overview page per question within the first 15 pages, before the appendix', () => {
  for (let k = 1; k <= 10; k++) {
    const at = pages.findIndex((p) => p.includes(`Vraag ${k}: `) && p.includes('Overzicht') && !p.includes('Inhoud'));
    assert.ok(at >= 0 && at < 15, `question ${k}'s overview on page ${at + 1}`);
    // its key figures per session and channel
    assert.match(pages[at], /Sessie 1\s+\d+ \w+ \d{4}\s+bijeenkomst\s+\d+\s+\d+/);
    assert.match(pages[at], /Online, tussen de bijeenkomsten\s+.*online\s+\d+\s+\d+/);
    assert.match(pages[at], /Totaal\s+\d+\s+\d+/);
  }
  const appendix = pages.findIndex((p) => /Bijlage: alle antwoorden/.test(p) && !p.includes('Inhoud'));
  assert.ok(appendix >= 12, `the appendix starts on page ${appendix + 1}`);
  const count = pages.length - 1;
  assert.ok(count > 500, `${count} pages`);
});

test('Dutch typography: decimal comma, % eens, numbered lists, counts in the word cloud', () => {
  const front = pages.slice(0, 15).join('\f');
  assert.match(front, /gemiddelde \d,\d/); // the scale
  assert.match(front, /\d+% eens \(n=\d+\)/);
  assert.match(front, /verdeling: +1: \d+ +2: \d+/);
  assert.match(front, /gemiddelde \d,\d\d/); // the ranking
  assert.doesNotMatch(front, /gemiddelde \d\.\d/);
  assert.match(front, /1\. +Eerst de plannen\s+2\. +Dan uw vragen/);
  const cloud = overviewOf('Vraag 2: Eén woord voor de wijk');
  assert.match(cloud, /aantal/);
  assert.match(cloud, /\b(groen|gezellig|rustig|buren)\s+\d{3,}/);
});

test('themes skip filler words; a page mark stays at the end of a mixed title', () => {
  const open = overviewOf('Vraag 1: Wat moet er beter');
  const labels = [...open.matchAll(/^\s*(\S+)\s+(\d+)\s*$/gm)].map((m) => m[1]);
  assert.ok(labels.length >= 5, open);
  for (const filler of ['graag', 'zeker']) assert.ok(!labels.includes(filler), `${filler} is a theme`);
  // the heading's mark follows the Arabic words in reading order
  // (pdftotext may put the opening parenthesis elsewhere; the digits stay after)
  const at = pages.findIndex((p) => p.includes('Heeft u nog een idee voor het plein?') &&
    p.includes('Bijlage: alle antwoorden') && !p.includes('Inhoud'));
  const raw = execFileSync('pdftotext', ['-f', String(at + 1), '-l', String(at + 1), pdf, '-'], { encoding: 'utf8' });
  assert.match(raw.replace(/[\u2066-\u2069\u202a-\u202e]/g, ''), /للساحة\s*\(?\s*1\/\d+\)\s*$/m);
});

test('the PDF is tagged: headings, contents, tables, lists and figures with their text; language and title set', () => {
  // a smaller report: pdfinfo reads the whole structure tree whatever the pages asked
  const small = path.join(dir, 'small.db');
  const pdf = path.join(dir, 'small.pdf');
  execFileSync(path.join(ROOT, 'bench/report-data'), [small, '2000'], { cwd: ROOT });
  execFileSync(BIN, ['report', '--event', '1', '--format', 'pdf', '--out', pdf, '--db', small], { cwd: ROOT });
  const info = execFileSync('pdfinfo', [pdf], { encoding: 'utf8' });
  assert.match(info, /Tagged:\s+yes/);
  const struct = execFileSync('pdfinfo', ['-struct-text', pdf],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 28 });
  const lines = struct.split('\n');
  assert.equal(lines[0], 'Document');
  assert.match(struct, /^  H1 \(block\)\n    "Omgevingsvisie Buitenwijk"/m);
  assert.match(struct, /^  H1 \(block\)\n    "Inhoud"\n  TOC\n    TOCI\n      Link/m);
  assert.match(struct, /^  H2 \(block\)\n    "Vraag 5: Hoe eens bent u het hiermee\?"\n  Table \(block\)\n    TR\n      TH\n        "Sessie"/m);
  assert.match(struct, /^      TH\n        "Online, tussen de bijeenkomsten"\n      TD\n        "\d+ \w+ \d{4}"\n      TD\n        "online"/m);
  assert.match(struct, /^  Figure\n/m);
  assert.match(struct, /^  L \(block\)\n    LI \(block\)\n      "[a-z]+\d+"/m); // a theme and its count
  assert.match(struct, /^  H3 \(block\)\n    "Meest gesteunde vragen"/m);
  assert.match(struct, /^  H2 \(block\)\n    "Welkom"/m);
  // what cairo cannot write, added with qpdf: language, figure texts, PDF/UA
  // (an incremental update at the end of cairo's file: the trailer names the new catalog)
  const trailer = execFileSync('qpdf', ['--show-object=trailer', pdf], { encoding: 'utf8' });
  const root = trailer.match(/\/Root (\d+) 0 R/)[1];
  const catalog = execFileSync('qpdf', [`--show-object=${root}`, pdf], { encoding: 'utf8' });
  assert.match(execFileSync('qpdf', ['--check', pdf], { encoding: 'utf8' }), /No syntax or stream encoding errors/);
  assert.match(catalog, /\/Lang \(nl-NL\)/);
  assert.match(catalog, /\/DisplayDocTitle true/);
  assert.match(catalog, /\/MarkInfo << \/Marked true >>/);
  const qdf = path.join(dir, 'r.qdf');
  execFileSync('qpdf', ['--qdf', '--object-streams=disable', pdf, qdf]);
  const raw = execFileSync('grep', ['-a', '-o', '/Alt ([^)]*)\\|pdfuaid:part>1', qdf], { encoding: 'utf8' });
  assert.match(raw, /\/Alt \(Fiets: \d+ \\\(\d+%\\\)/); // the choice chart
  assert.match(raw, /\/Alt \(De wijk is veilig: gemiddelde \d,\d/); // the scale, decimal comma
  assert.match(raw, /pdfuaid:part>1/);
  // what is drawn outside the structure (header, page number, rules) is an
  // artefact: no text object and no path is left unmarked on any page
  const pages = readFileSync(qdf, 'latin1').split('%% Contents for page ').slice(1);
  assert.ok(pages.length > 5);
  for (const [i, p] of pages.entries()) {
    const stream = p.slice(p.indexOf('stream\n') + 7, p.indexOf('endstream'));
    const words = stream.replace(/\((?:\\.|[^\\)])*\)/g, '()').split(/\s+/);
    let depth = 0;
    for (const w of words) {
      if (w === 'BDC' || w === 'BMC') depth++;
      else if (w === 'EMC') depth--;
      else if (depth === 0) assert.ok(!['BT', 're', 'm', 'Do'].includes(w), `page ${i + 1}: ${w} outside marked content`);
    }
    assert.equal(depth, 0, `page ${i + 1}: marked content balanced`);
    assert.match(stream, /\/Artifact BMC/, `page ${i + 1} has artefacts`);
  }
  // the cover points to the accessible version, which says it is one
  assert.match(execFileSync('pdftotext', ['-f', '1', '-l', '1', pdf, '-'], { encoding: 'utf8' }),
    /De toegankelijke versie van dit verslag is de HTML-versie\./);
  const html = path.join(dir, 'small.html');
  execFileSync(BIN, ['report', '--event', '1', '--format', 'html', '--out', html, '--db', small], { cwd: ROOT });
  const page = execFileSync('cat', [html], { encoding: 'utf8' });
  assert.match(page, /<html lang="nl">/);
  assert.match(page, /Dit is de toegankelijke versie van het verslag\./);
  assert.match(page, /<td class=n>\d,\d\d<\/td>/); // a mean with a decimal comma
  const md = path.join(dir, 'small.md');
  execFileSync(BIN, ['report', '--event', '1', '--format', 'md', '--out', md, '--db', small], { cwd: ROOT });
  const mdText = execFileSync('cat', [md], { encoding: 'utf8' });
  assert.match(mdText, /\| De wijk is veilig \| \d,\d\d \|( \d+ \|){5} \d+% \|/); // mean, distribution, % eens
  assert.match(mdText, /\| % eens \|/);
  assert.match(page, /<th class=n>% eens<\/th>/);
});

// The cells of one sheet of a workbook: { A1: '…', B4: 1, … } (numbers as numbers).
function sheetCells(xlsx, n) {
  const xml = execFileSync('unzip', ['-p', xlsx, `xl/worksheets/sheet${n}.xml`], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const cells = {};
  for (const m of xml.matchAll(/<c r="([A-Z]+\d+)"[^>]*?(?:\/>|>(.*?)<\/c>)/g)) {
    const inner = m[2] || '';
    const t = inner.match(/<t[^>]*>(.*?)<\/t>/);
    const v = inner.match(/<v>(.*?)<\/v>/);
    cells[m[1]] = t ? t[1] : v ? Number(v[1]) : '';
  }
  return cells;
}

test('XLSX: a sheet per question with a column per option, statement or place, as numbers', () => {
  const small = path.join(dir, 'x.db');
  const xlsx = path.join(dir, 'x.xlsx');
  execFileSync(path.join(ROOT, 'bench/report-data'), [small, '2000'], { cwd: ROOT });
  execFileSync(BIN, ['report', '--event', '1', '--format', 'xlsx', '--out', xlsx, '--db', small], { cwd: ROOT });
  const list = execFileSync('unzip', ['-l', xlsx], { encoding: 'utf8' });
  assert.equal((list.match(/xl\/worksheets\/sheet\d+\.xml/g) || []).length, 11); // the summary and 10 questions
  assert.doesNotMatch(list, /sharedStrings/); // constant-memory mode writes strings inline
  // question 3, a choice of one: a 0 or 1 per option, one 1 per row
  const choice = sheetCells(xlsx, 4);
  assert.deepEqual(['E3', 'F3', 'G3', 'H3'].map((c) => choice[c]), ['Fiets', 'Bus', 'Auto', 'Lopend']);
  for (let r = 4; r < 50; r++) {
    const row = ['E', 'F', 'G', 'H'].map((c) => choice[`${c}${r}`]);
    assert.ok(row.every((x) => x === 0 || x === 1), `row ${r}: ${row}`);
    assert.equal(row.reduce((a, b) => a + b), 1, `row ${r}: ${row}`);
  }
  // question 5, a scale: a rating 1..5 per statement
  const scale = sheetCells(xlsx, 6);
  assert.equal(scale.E3, 'De wijk is veilig');
  assert.ok([4, 5, 6].every((r) => ['E', 'F', 'G'].every((c) => Number.isInteger(scale[`${c}${r}`]) && scale[`${c}${r}`] >= 1 && scale[`${c}${r}`] <= 5)));
  // question 6, a ranking: each option's place, a permutation of 1..4
  const rank = sheetCells(xlsx, 7);
  assert.equal(rank.E3, 'Speelplekken');
  for (let r = 4; r < 20; r++) {
    assert.deepEqual(['E', 'F', 'G', 'H'].map((c) => rank[`${c}${r}`]).sort(), [1, 2, 3, 4], `row ${r}`);
  }
  // question 2, a cloud: its entries in columns of their own
  const cloud = sheetCells(xlsx, 3);
  assert.equal(typeof cloud.E4, 'string');
  assert.ok(cloud.E4.length > 0);
});
