// The deck format (docs/deck-format.md) in the browser: parse a deck's
// Markdown into slides the editor can change, and write them back. The
// server stays the judge of what is valid; this side only has to read
// what the server accepted and write what a person would have written.

// 'website' is a content slide written "? website: Title": the screen adds
// the event's website, its address and QR code (docs/deck-format.md).
export const KINDS = ['content', 'website', 'open', 'cloud', 'choice', 'scale', 'rank', 'qa'];
export const QUESTION_KINDS = KINDS.slice(2);

// Numeric settings per kind: [min, max, default], in the order written.
export const NUMBERS = {
  open: { 'max-length': [1, 2000, 280], answers: [1, 50, 1], timer: [5, 3600, '–'] },
  cloud: { entries: [1, 10, 3], 'max-length': [1, 60, 30], timer: [5, 3600, '–'] },
  choice: { timer: [5, 3600, '–'] },
  scale: { scale: [2, 10, 5], timer: [5, 3600, '–'] },
  rank: { timer: [5, 3600, '–'] },
  qa: { 'max-length': [1, 2000, 280], answers: [1, 50, 5], timer: [5, 3600, '–'] },
};

// How many items each kind takes (options, or statements for scale).
export const ITEMS = { choice: [2, 20], rank: [2, 10], scale: [1, 20] };

export class DeckError extends Error {
  constructor(line, message) { super(`line ${line}: ${message}`); this.line = line; }
}

const oneLine = (s) => String(s ?? '').replace(/[\r\n\t]+/g, ' ').trim();

export function newSlide(kind) {
  const s = { kind, title: '', body: '', items: [], settings: {}, results: 'screen', multiple: false, labels: ['', ''], approve: false, notes: '' };
  if (kind === 'content') s.body = '# \n';
  if (kind === 'choice' || kind === 'rank') s.items = ['', ''];
  if (kind === 'scale') s.items = [''];
  return s;
}

export function cloneSlide(s) {
  return { ...s, items: [...s.items], settings: { ...s.settings }, labels: [...s.labels] };
}

// The title a content slide shows: the text of its first heading.
export function contentTitle(md) {
  let fence = false;
  for (const line of md.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fence = !fence;
    if (fence) continue;
    const m = line.match(/^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$/);
    if (m) return m[1].replace(/[*_`]/g, '').trim();
  }
  return '';
}

function parseQuestion(lines, first) {
  const m = lines[0].match(/^\?\s*([a-z]+)\s*:\s*(.*)$/);
  if (!m) throw new DeckError(first, 'expected "? TYPE: Title"');
  const kind = m[1];
  if (kind === 'website') return { ...newSlide('website'), title: m[2].trim(), body: trimBlank(lines.slice(1)).join('\n') };
  if (!QUESTION_KINDS.includes(kind)) throw new DeckError(first, `unknown question type '${kind}'`);
  const s = newSlide(kind);
  s.items = [];
  s.title = m[2].trim();
  let i = 1;
  for (; i < lines.length; i++) {
    const kv = lines[i].match(/^([a-z][a-z0-9-]*):(?: (.*)|$)/);
    if (!kv) break;
    const key = kv[1], value = (kv[2] || '').trim();
    if (key === 'results') s.results = value === 'phones' ? 'phones' : 'screen';
    else if (key === 'moderation') s.approve = value === 'approve';
    else if (key === 'multiple') s.multiple = value === 'yes';
    else if (key === 'labels') {
      const [lo, hi] = value.split('|');
      s.labels = [oneLine(lo), oneLine(hi)];
    } else s.settings[key] = value;
  }
  const desc = [];
  for (; i < lines.length; i++) {
    const item = lines[i].match(/^[-*] (.*)$/);
    if (item && ITEMS[kind]) s.items.push(item[1].trim());
    else desc.push(lines[i]);
  }
  s.body = trimBlank(desc).join('\n');
  return s;
}

function trimBlank(lines) {
  let a = 0, b = lines.length;
  while (a < b && !lines[a].trim()) a++;
  while (b > a && !lines[b - 1].trim()) b--;
  return lines.slice(a, b);
}

// Speaker notes, any kind: the lines after a line "???", or a last line
// "notes: …" (as src/model/deck.c reads them). Returns [slide lines, notes].
function splitNotes(body) {
  const at = body.findIndex((l) => /^\?\?\?[ \t]*$/.test(l));
  if (at >= 0) return [trimBlank(body.slice(0, at)), trimBlank(body.slice(at + 1)).join('\n')];
  const last = body[body.length - 1];
  if (body.length > 1 && /^notes:\s*\S/.test(last)) return [trimBlank(body.slice(0, -1)), last.slice(6).trim()];
  return [body, ''];
}

// Text → { meta: {title, subtitle, lang, dates}, slides: [...] }.
export function parseDeck(text) {
  const lines = String(text).replace(/^\uFEFF/, '').split(/\r?\n/);
  if ((lines[0] || '').trim() !== '---') throw new DeckError(1, 'the deck does not start with its front matter');
  const meta = { title: '', subtitle: '', lang: 'nl', dates: '', reactions: '' };
  let i = 1;
  for (; i < lines.length && lines[i].trim() !== '---'; i++) {
    const kv = lines[i].match(/^([a-z]+):\s*(.*)$/);
    if (kv && kv[1] in meta) meta[kv[1]] = kv[2].trim();
  }
  if (i >= lines.length) throw new DeckError(1, 'the front matter does not end with ---');
  const slides = [];
  let chunk = [], start = i + 2;
  const flush = () => {
    const [body, notes] = splitNotes(trimBlank(chunk));
    if (body.length) {
      if (body[0].startsWith('?')) slides.push({ ...parseQuestion(body, start), notes });
      else slides.push({ ...newSlide('content'), body: body.join('\n'), notes });
    }
    chunk = [];
  };
  for (i += 1; i < lines.length; i++) {
    if (/^---[ \t]*$/.test(lines[i])) { flush(); start = i + 2; continue; }
    chunk.push(lines[i]);
  }
  flush();
  return { meta, slides };
}

// question kinds whose answers are text, and so can wait for a moderator
export const TEXT_KINDS = ['open', 'cloud', 'qa'];

function questionText(s) {
  const out = [`? ${s.kind}: ${oneLine(s.title)}`];
  if (s.kind === 'website') {
    const body = trimBlank(String(s.body || '').split(/\r?\n/));
    return body.length ? [...out, '', ...body] : out;
  }
  for (const key of Object.keys(NUMBERS[s.kind] || {})) {
    const v = String(s.settings[key] ?? '').trim();
    if (v !== '') out.push(`${key}: ${v}`);
  }
  if (s.kind === 'choice' && s.multiple) out.push('multiple: yes');
  if (s.kind === 'scale' && (oneLine(s.labels[0]) || oneLine(s.labels[1]))) {
    out.push(`labels: ${oneLine(s.labels[0])} | ${oneLine(s.labels[1])}`);
  }
  if (s.results === 'phones') out.push('results: phones');
  if (s.approve && TEXT_KINDS.includes(s.kind)) out.push('moderation: approve');
  const body = trimBlank(String(s.body || '').split(/\r?\n/));
  if (body.length) out.push('', ...body);
  if (ITEMS[s.kind]) {
    out.push('');
    for (const it of s.items) out.push(`- ${oneLine(it)}`);
  }
  return out;
}

// { meta, slides } → { text, starts } where starts[k] is the 1-based line
// on which slide k begins, so a server error "line N: …" finds its slide.
export function serialiseDeck(deck) {
  const m = deck.meta;
  const out = ['---', `title: ${oneLine(m.title)}`];
  if (oneLine(m.subtitle)) out.push(`subtitle: ${oneLine(m.subtitle)}`);
  out.push(`lang: ${m.lang === 'en' ? 'en' : 'nl'}`);
  if (oneLine(m.dates)) out.push(`dates: ${oneLine(m.dates)}`);
  if (m.reactions === 'on') out.push('reactions: on');
  out.push('---');
  const starts = [];
  deck.slides.forEach((s, k) => {
    if (k > 0) out.push('', '---');
    out.push('');
    starts.push(out.length + 1);
    const lines = s.kind === 'content' ? trimBlank(String(s.body || '').split(/\r?\n/)) : questionText(s);
    out.push(...(lines.length ? lines : ['']));
    const notes = trimBlank(String(s.notes || '').split(/\r?\n/));
    if (notes.length) out.push('', '???', ...notes);
  });
  return { text: `${out.join('\n')}\n`, starts };
}

// The slide that holds a 1-based line of the serialised deck (-1: front matter).
export function slideAtLine(starts, line) {
  let found = -1;
  starts.forEach((st, k) => { if (line >= st - 1) found = k; });
  return found;
}

// Problems the editor can see before the server does, as message keys.
export function problems(s) {
  const out = [];
  if (/^(---|\?\?\?)[ \t]*$/m.test(s.notes || '')) out.push('p_notes_rule');
  if (s.kind === 'content') {
    if (!String(s.body).trim()) out.push('p_empty');
    if (/^---[ \t]*$/m.test(s.body)) out.push('p_rule');
    if (String(s.body).trimStart().startsWith('?')) out.push('p_question_mark');
    return out;
  }
  if (s.kind === 'website') {
    if (!oneLine(s.title)) out.push('p_website_title');
    if (/^---[ \t]*$/m.test(s.body)) out.push('p_rule');
    return out;
  }
  if (!oneLine(s.title)) out.push('p_title');
  if (/^---[ \t]*$/m.test(s.body)) out.push('p_rule');
  const range = ITEMS[s.kind];
  if (range) {
    const n = s.items.filter((x) => oneLine(x)).length;
    if (n < range[0] || n > range[1] || n !== s.items.length) out.push(s.kind === 'scale' ? 'p_statements' : 'p_options');
    const seen = new Set();
    for (const it of s.items) {
      const k = oneLine(it).normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
      if (k && seen.has(k)) { out.push('p_duplicate'); break; }
      seen.add(k);
    }
    if (/^[-*] /m.test(s.body)) out.push('p_list');
  }
  for (const [key, [lo, hi]] of Object.entries(NUMBERS[s.kind] || {})) {
    const v = String(s.settings[key] ?? '').trim();
    if (v !== '' && !(/^\d+$/.test(v) && +v >= lo && +v <= hi)) { out.push('p_range'); break; }
  }
  if (s.kind === 'scale' && (!oneLine(s.labels[0]) !== !oneLine(s.labels[1]))) out.push('p_labels');
  return out;
}
