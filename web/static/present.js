// The presenter screen: one 1920x1080 stage scaled to the window, fed by
// the presenter's event stream (the session's state and coalesced tallies).
// Every view keeps its DOM nodes keyed by answer id or option and updates
// them in place, so arriving answers animate in and nothing else jumps.
// Layout is measured in stage pixels (offsetWidth and friends ignore the
// scale transform), so the picture is the same on every projector.
import { t, plural, formatNumber, groupCode } from './i18n.js';
import { LiveSummary } from './live-summary.js';

const code = document.body.dataset.code;
const $ = (id) => document.getElementById(id);
const stage = $('stage');
const body = $('body');
const reduceMotion = matchMedia('(prefers-reduced-motion: reduce)').matches;

let lang = document.documentElement.lang || 'nl';
let csrf = '';
let state = null;
let view = null;
let viewKey = '';
const tallies = new Map();
// What a screen reader hears of the results: a throttled summary, and the
// whole result on V.
const summary = new LiveSummary($('live-summary'));

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text != null) e.textContent = text;
  return e;
}

// Text from a deck or a participant, in any script: it sets its own
// direction and its alignment follows (issue 12).
function said(tag, cls, text) {
  const e = el(tag, cls, text);
  e.dir = 'auto';
  return e;
}

// The server's HTML of a slide: every block takes the direction of its text.
function bidi(root) {
  for (const b of root.querySelectorAll('p, li, h1, h2, h3, h4, h5, h6, blockquote, td, th, figcaption')) b.dir = 'auto';
  return root;
}

// ---- the stage ----------------------------------------------------------

function fit() {
  const s = Math.min(window.innerWidth / 1920, window.innerHeight / 1080);
  document.documentElement.style.setProperty('--scale', String(s));
}
window.addEventListener('resize', fit);
fit();

// Moves children that changed place smoothly to their new place (FLIP).
function flip(container, mutate) {
  const before = new Map();
  for (const k of container.children) before.set(k, k.offsetTop);
  mutate();
  if (reduceMotion) return;
  for (const k of container.children) {
    const b = before.get(k);
    const d = b == null ? 0 : b - k.offsetTop;
    if (d) k.animate([{ transform: `translateY(${d}px)` }, { transform: 'none' }], { duration: 550, easing: 'ease-out' });
  }
}

// Largest size from sizes at which the element's content fits its box.
function shrinkToFit(node, sizes, fits) {
  for (const s of sizes) {
    node.style.fontSize = `${s}px`;
    if (fits()) return s;
  }
  return sizes[sizes.length - 1];
}

// ---- pages ------------------------------------------------------------------
// The layout rule of every view: text shrinks to a readable minimum (about
// 24 px for labels, 30 px for answers, in stage pixels) and what still does
// not fit is shown a page at a time, never cut and never over the footer.
// Pages turn every 8 s; A turns by hand, P pauses the turning (both keys of
// this screen, not sent to the server).
const TURN_MS = 8000;
const paging = { paused: false };

class Pager {
  constructor(root, show) {
    this.pill = el('div', 'pager');
    this.pill.hidden = true;
    root.append(this.pill);
    this.show = show; // show(index): puts page index on the stage
    this.n = 1;
    this.i = 0;
    this.restart();
  }
  destroy() { clearInterval(this.timer); }
  restart() {
    clearInterval(this.timer);
    this.timer = setInterval(() => { if (!paging.paused) this.turn(1); }, TURN_MS);
  }
  // A new number of pages; the current one stays when it still exists.
  set(n, i = this.i) {
    this.n = Math.max(1, n);
    this.i = i < this.n ? i : 0;
    this.show(this.i);
    this.draw();
  }
  turn(step) {
    if (this.n < 2) return;
    this.i = (this.i + step + this.n) % this.n;
    this.show(this.i, true);
    this.draw();
  }
  draw() {
    this.pill.hidden = this.n < 2;
    const txt = t(lang, 'page', { n: this.i + 1, total: this.n });
    this.pill.textContent = paging.paused ? `${txt} · ${t(lang, 'paused')}` : txt;
  }
}

// Splits rows (in the order shown) into pages of at most height H, by their
// measured heights and the gap between them. A row taller than H gets a
// page of its own.
function splitRows(rows, H, gap) {
  const pages = [];
  let cur = [], used = 0;
  for (const r of rows) {
    const h = r.offsetHeight;
    if (cur.length && used + gap + h > H) { pages.push(cur); cur = []; used = 0; }
    used += (cur.length ? gap : 0) + h;
    cur.push(r);
  }
  if (cur.length) pages.push(cur);
  return pages.length ? pages : [[]];
}

// ---- talking to the server ------------------------------------------------

function showError(msg, notice = false) {
  const e = $('error');
  e.classList.toggle('notice', notice);
  e.textContent = msg;
  e.hidden = false;
  clearTimeout(showError.timer);
  showError.timer = setTimeout(() => { e.hidden = true; }, 5000);
}

function toLogin() {
  location.href = `/login?next=/present/${code}`;
}

async function post(path, payload) {
  let res;
  try {
    res = await fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
      body: JSON.stringify(payload || {}),
    });
  } catch {
    showError(t(lang, 'offline'));
    return null;
  }
  if (res.status === 401) { toLogin(); return null; }
  const data = await res.json().catch(() => ({}));
  if (!res.ok) { showError(data.error || `${res.status} ${res.statusText}`); return null; }
  return data;
}

async function control(action, extra = {}) {
  const st = await post(`/api/v1/sessions/${code}/control`, { action, ...extra });
  // The answer is the new state: show it without waiting for the stream.
  if (st && st.slide && (!state || st.revision >= state.revision)) applyState(st);
}

// ---- views ----------------------------------------------------------------

// Results hidden: the question and how many have answered.
class CountView {
  constructor(root) {
    this.n = el('div', 'n', '0');
    this.label = el('div', 'label');
    root.append(el('div', 'big-count'));
    root.firstChild.append(this.n, this.label);
  }
  update(tally) {
    const n = tally?.respondents ?? 0;
    this.n.textContent = String(n);
    this.label.textContent = plural(lang, 'answered_n', n);
  }
}

// Open answers as cards, newest first, in balanced columns (masonry): each
// card goes to the shortest column of the page; a page holds what fits, and
// a page with fewer cards than columns is centred on fewer columns. Cards
// sit at absolute places and glide when a new one arrives above them. The
// type shrinks down to a readable minimum before the cards are paged.
class CardsView {
  constructor(root) {
    this.root = root;
    this.box = el('div', 'cards');
    this.emptyNote = el('div', 'empty', t(lang, 'no_answers'));
    root.append(this.box, this.emptyNote);
    this.pager = new Pager(root, (i, turning) => this.show(i, turning));
    this.nodes = new Map();
    this.items = [];
    this.pages = [];
    this.seeded = false;
  }
  destroy() { this.pager.destroy(); }
  turn(step) { this.pager.turn(step); }
  update(tally) {
    const items = tally.items || [];
    let fresh = false;
    const keep = new Set();
    for (const it of items) {
      keep.add(it.id);
      if (this.nodes.has(it.id)) continue;
      const n = said('div', 'card', it.text);
      n.classList.add('placing');
      if (this.seeded && !reduceMotion) {
        n.classList.add('new');
        n.addEventListener('animationend', () => n.classList.remove('new'), { once: true });
        fresh = true;
      }
      this.nodes.set(it.id, n);
      this.box.append(n);
    }
    for (const [id, n] of this.nodes) if (!keep.has(id)) { n.remove(); this.nodes.delete(id); }
    this.seeded = true;
    this.items = items;
    this.emptyNote.hidden = items.length > 0;
    this.layout(fresh);
  }
  layout(fresh) {
    const nodes = this.items.map((it) => this.nodes.get(it.id));
    const n = nodes.length;
    if (!n) { this.pages = []; this.pager.set(1); return; }
    const W = this.root.clientWidth, H = this.root.clientHeight - 56; // room for the page pill
    const gap = 24;
    const cols = Math.min(3, n);
    const colW = Math.min(720, Math.floor((W - gap * (cols - 1)) / cols));
    this.box.style.setProperty('--col-w', `${colW}px`);
    for (const c of nodes) if (c.classList.contains('wide')) { c.classList.remove('wide'); c.style.fontSize = ''; }
    const sizes = n <= 3 ? [52, 46, 42, 38, 34, 30] : n <= 8 ? [44, 40, 36, 33, 30] : [40, 36, 33, 30];
    const measure = (size) => {
      this.box.style.fontSize = `${size}px`;
      return nodes.map((c) => c.offsetHeight);
    };
    // Newest first; a card goes to the shortest column, and when even that
    // one has no room left the page is full. A card taller than the stage
    // gets a page of its own at full width.
    const pack = (heights) => {
      const pages = [];
      const wide = [];
      let page = null;
      const open = () => { page = { cards: [], colH: new Array(cols).fill(0) }; pages.push(page); };
      open();
      heights.forEach((h, i) => {
        if (h > H) { wide.push(nodes[i]); return; }
        let c = page.colH.indexOf(Math.min(...page.colH));
        if (page.colH[c] > 0 && page.colH[c] + h > H) { open(); c = 0; }
        page.cards.push({ node: nodes[i], c, y: page.colH[c] });
        page.colH[c] += h + gap;
      });
      const out = pages.filter((p) => p.cards.length).map((p) => {
        // fewer cards than columns: those columns, centred
        const used = [...new Set(p.cards.map((x) => x.c))].sort();
        const left = Math.floor((W - (colW * used.length + gap * (used.length - 1))) / 2);
        return p.cards.map((x) => ({ node: x.node, x: left + used.indexOf(x.c) * (colW + gap), y: x.y }));
      });
      for (const node of wide) out.push([{ node, x: Math.floor((W - Math.min(W, 1600)) / 2), y: 0, wide: true }]);
      return out;
    };
    let pages = null;
    for (const size of sizes) {
      pages = pack(measure(size));
      if (pages.length === 1) break;
    }
    for (const page of pages) {
      if (!page[0].wide) continue;
      const c = page[0].node;
      c.classList.add('wide');
      shrinkToFit(c, [36, 33, 30, 28, 26, 24], () => c.offsetHeight <= H);
    }
    this.pages = pages;
    // a new answer is shown at once: the first page holds the newest
    this.pager.set(pages.length, fresh ? 0 : this.pager.i);
    if (fresh) this.pager.restart();
  }
  show(index, turning) {
    const place = () => {
      const page = this.pages[index] || [];
      const on = new Set(page.map((p) => p.node));
      for (const n of this.nodes.values()) if (!on.has(n)) n.classList.add('off');
      for (const p of page) {
        const { node } = p;
        // A card that was not on screen appears at its place, without gliding.
        const appear = node.classList.contains('off') || node.classList.contains('placing');
        if (appear) node.classList.add('placing');
        node.style.transform = `translate(${p.x}px, ${p.y}px)`;
        node.classList.remove('off');
        if (appear) {
          void node.offsetWidth;
          node.classList.remove('placing');
        }
      }
    };
    if (!turning || reduceMotion) { place(); return; }
    this.box.classList.add('turning');
    setTimeout(() => { place(); this.box.classList.remove('turning'); }, 400);
  }
}

// A calm palette for words; each word keeps its colour as it grows.
const palette = ['#7fd1c7', '#f0c674', '#a9c8f0', '#f2a88c', '#c3b1e1', '#a6d98f', '#f5f1e8'];

function hash(s) {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

// A word cloud: words placed from the centre outward on an elliptical
// spiral, most frequent first and largest, each on the first spot where its
// measured box overlaps none placed before. Same counts, same picture.
class CloudView {
  constructor(root) {
    this.root = root;
    this.box = el('div', 'cloud');
    this.emptyNote = el('div', 'empty', t(lang, 'no_answers'));
    root.append(this.box, this.emptyNote);
    this.nodes = new Map();
    this.ctx = document.createElement('canvas').getContext('2d');
    this.words = [];
    this.last = 0;
  }
  destroy() { clearTimeout(this.pending); }
  update(tally) {
    this.words = (tally.words || []).slice()
      .sort((a, b) => b.count - a.count || (a.text < b.text ? -1 : a.text > b.text ? 1 : 0))
      .slice(0, 50);
    // Placing is the costly part: at most twice a second.
    const wait = this.last + 500 - Date.now();
    clearTimeout(this.pending);
    if (wait > 0) this.pending = setTimeout(() => this.layout(), wait);
    else this.layout();
  }
  layout() {
    this.last = Date.now();
    const words = this.words;
    this.emptyNote.hidden = words.length > 0;
    const W = this.root.clientWidth, H = this.root.clientHeight;
    const family = getComputedStyle(this.box).fontFamily;
    const max = words.length ? words[0].count : 1;
    const min = words.length ? words[words.length - 1].count : 1;
    const sizeOf = (w) => (max === min ? 64 : 34 + 106 * Math.sqrt((w.count - min) / (max - min)));
    let placed = [];
    // As large as the space allows: start big and shrink until every word has a place.
    for (let scale = 1.6; scale > 0.3; scale *= 0.9) {
      placed = this.place(words, W, H, family, (w) => Math.round(sizeOf(w) * scale));
      if (placed.every((p) => p.ok)) break;
    }
    const keep = new Set();
    for (const p of placed) {
      if (!p.ok) continue;
      keep.add(p.word.text);
      let n = this.nodes.get(p.word.text);
      const fresh = !n;
      if (fresh) {
        n = el('span', reduceMotion ? '' : 'new', p.word.text);
        n.style.color = palette[hash(p.word.text.toLowerCase()) % palette.length];
        n.classList.add('placing');
        this.nodes.set(p.word.text, n);
        this.box.append(n);
      }
      n.style.fontSize = `${p.size}px`;
      n.style.transform = `translate(${p.x}px, ${p.y}px)`;
      n.dataset.count = String(p.word.count);
      if (fresh) { void n.offsetWidth; n.classList.remove('placing'); }
    }
    for (const [k, n] of this.nodes) if (!keep.has(k)) { n.remove(); this.nodes.delete(k); }
  }
  place(words, W, H, family, sizeOf) {
    const boxes = [];
    const ry = Math.min(1, H / W);
    return words.map((w) => {
      const size = sizeOf(w);
      this.ctx.font = `700 ${size}px ${family}`;
      const bw = Math.ceil(this.ctx.measureText(w.text).width) + Math.round(size * 0.5);
      const bh = Math.ceil(size * 1.2);
      if (bw > W) return { word: w, ok: false };
      for (let i = 0; i < 2600; i++) {
        const a = i * 0.11, r = a * 3.2;
        const x = Math.round(W / 2 + r * Math.cos(a) - bw / 2);
        const y = Math.round(H / 2 + r * ry * Math.sin(a) - bh / 2);
        if (x < 0 || y < 0 || x + bw > W || y + bh > H) continue;
        if (boxes.some((b) => x < b.x + b.w && x + bw > b.x && y < b.y + b.h && y + bh > b.y)) continue;
        boxes.push({ x, y, w: bw, h: bh });
        return { word: w, x: x + Math.round(size * 0.25), y: y + Math.round(size * 0.1), size, ok: true };
      }
      return { word: w, ok: false };
    });
  }
}

// Rows of horizontal bars: choice (deck order, count and percentage) and
// rank (best mean place first, rows glide when the order changes). Twenty
// long options shrink to the readable minimum, then go on pages.
class BarsView {
  constructor(root, rank) {
    this.root = root;
    this.rank = rank;
    this.box = el('div', rank ? 'bars rank' : 'bars');
    root.append(this.box);
    this.pager = new Pager(root, (i) => this.show(i));
    this.rows = new Map();
    this.pages = null;
  }
  destroy() { this.pager.destroy(); }
  turn(step) { this.pager.turn(step); }
  update(tally) {
    const opts = tally.options || [];
    const n = opts.length;
    const max = Math.max(1, ...opts.map((o) => o.count));
    const order = opts.map((o, i) => {
      const key = this.rank ? o.index : i;
      let row = this.rows.get(key);
      if (!row) {
        row = { label: said('div', 'label', o.label), fill: el('div', 'bar-fill'), value: el('div', 'value') };
        const track = el('div', 'bar-track');
        track.append(row.fill);
        row.el = el('div', 'bar-row');
        row.el.append(row.label, track, row.value);
        this.rows.set(key, row);
      }
      let width;
      if (this.rank) {
        row.label.dataset.pos = String(i + 1);
        const has = o.count > 0 && o.mean != null;
        width = has ? ((n - o.mean + 1) / n) * 100 : 0;
        row.value.textContent = has ? formatNumber(lang, o.mean) : '–';
      } else {
        width = (o.count / max) * 100;
        row.value.replaceChildren(String(o.count), el('span', 'sr-only', ', '), el('small', null, `${o.percent ?? 0}%`)); // read as "1, 50%", not "150%"
      }
      row.width = width;
      return row.el;
    });
    const same = order.length === this.box.children.length && order.every((e, i) => this.box.children[i] === e);
    if (!same) {
      flip(this.box, () => this.box.replaceChildren(...order));
      this.fit(order);
    }
    // Widths change after the rows are in the page, so they animate.
    requestAnimationFrame(() => {
      for (const row of this.rows.values()) row.fill.style.width = `${row.width}%`;
    });
  }
  // The largest type at which every row fits; at the smallest, pages.
  fit(order) {
    for (const e of order) e.hidden = false;
    const H = this.root.clientHeight - 56;
    const n = Math.max(1, order.length);
    if (!this.size) {
      const sizes = [42, 38, 35, 32, 30, 28, 26, 24];
      this.size = sizes[sizes.length - 1];
      for (const size of sizes) {
        const rowH = Math.max(Math.round(size * 1.5), Math.min(120, Math.floor(H / n)));
        this.box.style.setProperty('--row-h', `${rowH}px`);
        this.box.style.fontSize = `${size}px`;
        if (this.box.scrollHeight <= H) { this.size = size; break; }
      }
    }
    this.pages = splitRows(order, H, 0);
    this.pager.set(this.pages.length);
  }
  show(i) {
    const on = new Set(this.pages?.[i] || []);
    for (const e of this.box.children) e.hidden = !on.has(e);
  }
}

// Scale questions: per statement a small histogram of the ratings on a
// 1..max axis, with the mean marked on that same axis.
const ramp = ['#d98c6f', '#e3a96f', '#e6c77a', '#b9c98a', '#8fc7a3', '#6cbfb3', '#52ad9f', '#44988b', '#3b847a', '#33726a'];

class ScaleView {
  constructor(root) {
    this.root = root;
    this.box = el('div', 'scales');
    root.append(this.box);
    this.pager = new Pager(root, (i) => this.show(i));
    this.rows = [];
  }
  destroy() { this.pager.destroy(); }
  turn(step) { this.pager.turn(step); }
  show(i) {
    const on = new Set(this.pages?.[i] || []);
    for (const r of this.rows) r.el.hidden = !on.has(r.el);
  }
  update(tally) {
    const m = tally.scale_max || 5;
    const statements = tally.statements || [];
    const colors = Array.from({ length: m }, (_, i) => ramp[Math.round((i * (ramp.length - 1)) / Math.max(1, m - 1))]);
    if (!this.head) {
      const labels = tally.labels || ['', ''];
      this.head = el('div', 'scale-head');
      const ends = el('div', 'ends');
      ends.append(said('span', 'low', labels[0] || ''), said('span', 'high', labels[1] || ''));
      const H = this.root.clientHeight - 60;
      const rowH = Math.max(56, Math.min(250, Math.floor(H / Math.max(1, statements.length))));
      // Many statements: no counts on the bars, the numbers once at the top.
      const compact = rowH < 130;
      this.box.classList.toggle('compact', compact);
      if (compact) {
        const axis = el('div', 'hist axis');
        for (let k = 1; k <= m; k++) axis.append(el('span', 'num', String(k)));
        ends.append(axis);
      }
      this.head.append(el('span'), ends, el('span'));
      this.box.append(this.head);
      this.box.style.setProperty('--row-h', `${rowH}px`);
      this.box.style.fontSize = `${Math.round(Math.max(28, Math.min(38, rowH * (compact ? 0.4 : 0.22))))}px`;
      this.fresh = true;
    }
    statements.forEach((s, i) => {
      let r = this.rows[i];
      if (!r) {
        r = { mean: el('div', 'mean'), hist: el('div', 'hist'), mark: el('div', 'mean-mark') };
        r.cells = colors.map((c, k) => {
          const cell = el('div', 'cell');
          const area = el('div', 'area');
          const bar = el('div', 'col');
          bar.style.background = c;
          const cnt = el('span', 'cnt');
          bar.append(cnt);
          area.append(bar);
          cell.append(area, el('span', 'num', String(k + 1)));
          return { cell, bar, cnt };
        });
        r.hist.append(...r.cells.map((c) => c.cell), r.mark);
        r.el = el('div', 'scale-row');
        r.el.append(said('div', 'statement', s.text), r.hist, r.mean);
        this.rows[i] = r;
        this.box.append(r.el);
      }
      const top = Math.max(1, ...s.counts);
      s.counts.forEach((c, k) => {
        r.cells[k].bar.style.height = `${(c / top) * 100}%`;
        r.cells[k].cnt.textContent = c ? String(c) : '';
      });
      const has = s.count > 0 && s.mean != null;
      r.mean.textContent = has ? t(lang, 'mean', { x: formatNumber(lang, s.mean) }) : '–';
      r.mark.hidden = !has;
      // Cell k (1-based) is centred at w/2 + (k-1)(w+gap), w the cell width.
      const w = `((100% - ${(m - 1) * 10}px) / ${m})`;
      if (has) r.mark.style.left = `calc(${w} / 2 + ${s.mean - 1} * (${w} + 10px))`;
    });
    if (this.fresh) {
      // Long statements wrap; smaller type until every row fits.
      this.fresh = false;
      const start = parseFloat(this.box.style.fontSize);
      const sizes = [start, start - 2, start - 4, start - 6, start - 8, start - 10, start - 12].filter((x) => x >= 24);
      const H = this.root.clientHeight - 56; // room for the page pill
      shrinkToFit(this.box, sizes, () => this.box.scrollHeight <= H);
      // Still too tall: the statements go on pages under the same head.
      // (the mean's mark hangs 20 px below a compact row)
      this.pages = splitRows(this.rows.map((r) => r.el), H - this.head.offsetHeight - 24, 0);
      this.pager.set(this.pages.length);
    }
  }
}

// Q&A: open questions by votes, answered ones dimmed at the end. Click or
// Enter marks a question answered (or not). What does not fit goes on pages.
class QaView {
  constructor(root) {
    this.root = root;
    this.box = el('div', 'qa');
    this.emptyNote = el('div', 'empty', t(lang, 'no_questions'));
    root.append(this.box, this.emptyNote);
    this.pager = new Pager(root, (i) => this.show(i));
    this.nodes = new Map();
  }
  destroy() { this.pager.destroy(); }
  turn(step) { this.pager.turn(step); }
  update(tally) {
    const items = (tally.items || []).slice();
    // Stable: pinned first, then by answered, votes and the server's order.
    const pos = new Map(items.map((it, i) => [it.id, i]));
    items.sort((a, b) => (!!b.pinned - !!a.pinned) || (a.answered - b.answered)
      || (b.votes - a.votes) || (pos.get(a.id) - pos.get(b.id)));
    this.emptyNote.hidden = items.length > 0;
    const list = items.map((it) => {
      let n = this.nodes.get(it.id);
      if (!n) {
        n = { votes: el('span', 'votes'), text: said('span', 'text', it.text), el: el('button', 'qa-item') };
        n.el.type = 'button';
        n.el.append(n.votes, n.text);
        n.el.addEventListener('click', () => {
          const to = !n.answered;
          n.answered = to;
          n.el.classList.toggle('answered', to);
          post(`/api/v1/answers/${it.id}/${to ? 'answered' : 'unanswered'}`);
        });
        this.nodes.set(it.id, n);
      }
      n.answered = it.answered;
      n.votes.textContent = String(it.votes);
      n.el.classList.toggle('answered', it.answered);
      n.el.classList.toggle('pinned', !!it.pinned);
      n.el.setAttribute('aria-pressed', it.answered ? 'true' : 'false');
      n.el.title = t(lang, it.answered ? 'mark_unanswered' : 'mark_answered');
      return n.el;
    });
    const keep = new Set(items.map((i) => i.id));
    for (const id of [...this.nodes.keys()]) if (!keep.has(id)) this.nodes.delete(id);
    const same = list.length === this.box.children.length && list.every((e, i) => this.box.children[i] === e);
    if (!same) flip(this.box, () => this.box.replaceChildren(...list));
    this.fit(list);
  }
  // The largest type at which the questions fit; then pages, the first
  // page holding the most votes.
  fit(list) {
    const H = this.root.clientHeight - 56;
    for (const e of list) e.hidden = false;
    const last = list[list.length - 1];
    shrinkToFit(this.box, [38, 35, 32, 30, 28], () => !last || last.offsetTop + last.offsetHeight <= H);
    const gap = parseFloat(getComputedStyle(this.box).rowGap) || 0;
    this.pages = splitRows(list, H, gap);
    this.pager.set(this.pages.length);
  }
  show(i) {
    const on = new Set(this.pages?.[i] || []);
    for (const e of this.box.children) e.hidden = !on.has(e);
  }
}

class ContentView {
  constructor(root, slide) {
    const c = el('div', 'content');
    c.innerHTML = slide.html; // made safe by the server's Markdown renderer
    bidi(c);
    const blocks = [...c.children];
    // A slide with only a heading and a line or two is a cover: centred.
    if (blocks.length <= 3 && !c.querySelector('ul, ol, img, table, pre')) root.classList.add('cover');
    // An image with text beside it: the image in a column of its own, as
    // large as the stage allows, so that it never pushes the text down.
    const fig = blocks.find((b) => b.matches('p') && b.querySelector('img') && !b.textContent.trim());
    if (fig && blocks.length > 1) {
      const text = el('div', 'text');
      text.append(...blocks.filter((b) => b !== fig));
      fig.className = 'figure';
      c.classList.add('with-figure');
      c.replaceChildren(text, fig);
    }
    root.append(c);
    const box = c.querySelector('.text') || c;
    const fits = () => c.scrollHeight <= root.clientHeight && box.scrollHeight <= root.clientHeight &&
      box.scrollWidth <= box.clientWidth + 1;
    const refit = () => shrinkToFit(c, [46, 42, 38, 34, 30, 27, 24], fits);
    refit();
    for (const img of c.querySelectorAll('img')) if (!img.complete) img.addEventListener('load', refit, { once: true });
  }
  update() {}
}

// A website slide (a deck's "? website: …"): the event's published website,
// its address in large type and its QR code, for the hall to scan. The
// address is asked for when the slide comes up, so a process published
// during the meeting shows. Without one the hall sees the slide's own words
// only, and the facilitator's controls say why (siteNote), never the stage.
class WebsiteView {
  constructor(root, slide) {
    this.box = el('div', 'website');
    root.append(this.box);
    if (slide.html && slide.html.trim()) {
      const d = el('div', 'website-text');
      d.innerHTML = slide.html; // made safe by the server's Markdown renderer
      this.box.append(bidi(d));
    }
    this.load();
  }
  async load() {
    let w = null;
    try {
      const r = await fetch(`/api/v1/sessions/${code}/website`);
      if (r.ok) w = await r.json();
    } catch { /* the note says there is none; the next slide change asks again */ }
    if (view !== this) return;
    siteNote(!w);
    if (!w) return;
    const qr = el('img', 'website-qr');
    qr.width = qr.height = 560;
    qr.alt = `QR: ${w.url}`;
    qr.src = `/api/v1/sessions/${code}/website-qr.svg`;
    // The address may wrap only after a slash, never inside a name.
    const url = el('p', 'website-url');
    url.dir = 'ltr';
    w.url.replace(/^https?:\/\//, '').split(/(?<=\/)/).forEach((part, i) => {
      if (i) url.append(document.createElement('wbr'));
      url.append(part);
    });
    const words = el('div', 'website-words');
    words.append(el('p', 'website-scan', t(lang, 'website_scan')), url);
    const card = el('div', 'website-card');
    card.append(qr, words);
    this.box.append(card);
    // as large as two lines allow; a part too long for the line shrinks it
    shrinkToFit(url, [112, 100, 88, 78, 68, 60, 52, 46], () => url.scrollWidth <= url.clientWidth + 1 &&
      url.offsetHeight <= parseFloat(url.style.fontSize) * 1.15 * 2 + 2);
    if (url.scrollWidth > url.clientWidth + 1) url.style.overflowWrap = 'anywhere'; // never cut off
  }
  update() {}
  destroy() { siteNote(false); }
}

// The facilitator's note in the controls (shown on a mouse move, not on the
// stage): a website slide without a published website.
function siteNote(show) {
  const n = $('site-note');
  n.textContent = show ? t(lang, 'website_none') : '';
  n.hidden = !show;
  if (show) showControls();
}

function setTitle(slide) {
  const h = $('slide-title');
  const content = slide.kind === 'content' && !slide.website;
  h.hidden = content;
  h.textContent = content ? '' : slide.title;
  h.dir = 'auto';
  if (!content) shrinkToFit(h, [66, 58, 52, 46, 42, 38, 34], () => h.offsetHeight <= parseFloat(h.style.fontSize) * 1.2 * 2 + 2);
}

function makeView(slide) {
  view?.destroy?.();
  body.replaceChildren();
  setTitle(slide);
  if (slide.website) return new WebsiteView(body, slide);
  if (slide.kind === 'content') return new ContentView(body, slide);
  body.className = '';
  if (slide.html && slide.html.trim()) {
    const d = el('div', 'description');
    d.innerHTML = slide.html; // made safe by the server's Markdown renderer
    body.append(bidi(d));
    // At most a quarter of the room; the view below takes the rest and
    // fits itself to it, so the two never overlap.
    const room = Math.max(34 * 1.35 * 2 + 4, body.clientHeight * 0.25);
    shrinkToFit(d, [34, 30, 27, 24], () => d.offsetHeight <= room);
  }
  const root = el('div', 'view');
  body.append(root);
  if (!state.results) return new CountView(root);
  switch (slide.kind) {
    case 'open': return new CardsView(root);
    case 'cloud': return new CloudView(root);
    case 'choice': return new BarsView(root, false);
    case 'rank': return new BarsView(root, true);
    case 'scale': return new ScaleView(root);
    case 'qa': return new QaView(root);
    default: return new CountView(root);
  }
}

// ---- state ----------------------------------------------------------------

function applyState(st) {
  state = st;
  lang = st.event?.lang || lang;
  document.documentElement.lang = lang;
  stage.classList.remove('loading');
  const s = st.slide;
  const key = `${s.id}|${st.results}`;
  if (key !== viewKey) {
    const moved = !viewKey.startsWith(`${s.id}|`);
    viewKey = key;
    if (moved) summary.reset();
    body.className = '';
    view = makeView(s);
    view.update(tallies.get(s.id) || emptyTally(s));
    if (moved && !reduceMotion) {
      // A new slide fades in; showing results on the same slide does not.
      for (const e of [body, $('head')]) e.animate([{ opacity: 0, transform: 'translateY(12px)' }, { opacity: 1, transform: 'none' }], { duration: 380, easing: 'ease-out' });
    }
  }
  const badge = $('badge');
  const ended = st.status === 'ended';
  badge.hidden = !ended && (s.kind === 'content' || st.open);
  badge.textContent = t(lang, ended ? 'session_ended' : 'voting_closed');
  countdown();
  footer();
  labelControls();
}

function emptyTally(s) {
  return { id: s.id, kind: s.kind, respondents: 0, answers: 0, items: [], words: [],
    options: (s.options || []).map((label, index) => ({ label, index, count: 0, percent: 0, mean: null })),
    statements: (s.statements || []).map((text) => ({ text, counts: new Array(s.scale_max || 5).fill(0), count: 0, mean: null })),
    scale_max: s.scale_max, labels: s.labels };
}

// A question with a timer: the time left, from the server's deadline. The
// server closes voting at zero by itself; the new state hides this.
function countdown() {
  const c = $('countdown');
  clearInterval(countdown.timer);
  const at = state?.open && state.slide.closes_at;
  c.hidden = !at;
  if (!at) return;
  const draw = () => {
    const left = Math.max(0, Math.ceil((at - Date.now()) / 1000));
    c.textContent = clock(left);
    c.classList.toggle('soon', left <= 10);
    c.setAttribute('aria-label', plural(lang, 'seconds_left', left));
  };
  draw();
  countdown.timer = setInterval(draw, 250);
}

function clock(s) {
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

// "Go to {host} and use code {code}" with host and code in bold.
function joinLine(target, withCode) {
  const host = state.join_url.replace(/^https?:\/\//, '').replace(/\/\d+\/?$/, '');
  const parts = t(lang, withCode ? 'join_at' : 'join_big', { host: '\u0001', code: '\u0002' }).split(/([\u0001\u0002])/);
  target.replaceChildren(...parts.map((p) => (p === '\u0001' ? el('strong', null, host) : p === '\u0002' ? el('strong', 'code', groupCode(code)) : p)));
}

function footer() {
  joinLine($('join-line'), true);
  joinLine($('join-text'), false);
  $('join-code-label').textContent = t(lang, 'join_code');
  $('join-code').textContent = groupCode(code);
  $('join-qr').alt = `QR: ${state.join_url}`;
  const s = state.slide;
  const n = tallies.get(s.id)?.respondents ?? 0;
  $('count').textContent = s.kind === 'content' ? '' : plural(lang, 'respondents', n);
  $('position').textContent = `${s.index + 1} / ${s.count}`;
}

// ---- keys and buttons --------------------------------------------------------

function toggleJoin(show) {
  const o = $('join-overlay');
  o.hidden = show == null ? !o.hidden : !show;
}

// The keys of this screen, from the same table the keydown handler reads.
const keyList = [
  ['→ Space PgDn', 'next'], ['← PgUp', 'prev'], ['R', 'key_results'], ['L', 'key_lock'],
  ['A', 'key_page'], ['P', 'key_pause'], ['V', 'read_results'], ['J', 'join'], ['F', 'fullscreen'],
  ['?', 'key_help'],
];
function toggleKeys(show) {
  const o = $('keys-overlay');
  o.hidden = show == null ? !o.hidden : !show;
  if (o.hidden) return;
  const strip = (s) => s.replace(/\s*\([^)]{1,3}\)$/, ''); // the button titles end in "(R)"
  $('keys-title').textContent = t(lang, 'keys_title');
  $('keys-list').replaceChildren(...keyList.flatMap(([k, key]) => [el('dt', null, k), el('dd', null, strip(t(lang, key)))]));
}

// A (and Shift+A back) turns the answer pages of the view; P pauses the
// turning by itself on every slide until pressed again.
function turnPage(step) {
  view?.turn?.(step);
}
function togglePause() {
  paging.paused = !paging.paused;
  view?.pager?.draw();
  showError(t(lang, paging.paused ? 'paging_paused' : 'paging_running'), true);
}

function act(action) {
  if (!state && action !== 'fullscreen' && action !== 'join') return;
  switch (action) {
    case 'next': control('next'); break;
    case 'prev': control('prev'); break;
    case 'results': control(state.results ? 'hide-results' : 'show-results'); break;
    case 'lock': control(state.open ? 'close' : 'open'); break;
    case 'join': toggleJoin(); break;
    case 'read': summary.readNow(lang, state.slide.kind, tallies.get(state.slide.id)); break;
    case 'page': turnPage(1); break;
    case 'page-back': turnPage(-1); break;
    case 'pause': togglePause(); break;
    case 'keys': toggleKeys(); break;
    case 'fullscreen':
      if (document.fullscreenElement) document.exitFullscreen();
      else document.documentElement.requestFullscreen?.().catch(() => {});
      break;
    default: break;
  }
}

const keys = {
  ArrowRight: 'next', ' ': 'next', PageDown: 'next', ArrowLeft: 'prev', PageUp: 'prev',
  r: 'results', l: 'lock', j: 'join', f: 'fullscreen', a: 'page', p: 'pause', v: 'read', '?': 'keys', h: 'keys',
};

document.addEventListener('keydown', (e) => {
  if (e.altKey || e.ctrlKey || e.metaKey) return;
  if (e.key === 'Escape' && !$('join-overlay').hidden) { toggleJoin(false); return; }
  if (e.key === 'Escape' && !$('keys-overlay').hidden) { toggleKeys(false); return; }
  let action = keys[e.key.length === 1 ? e.key.toLowerCase() : e.key];
  if (action === 'page' && e.shiftKey) action = 'page-back';
  if (!action) return;
  // Space and Enter on a focused button press that button instead.
  if ((e.key === ' ' || e.key === 'Enter') && e.target instanceof HTMLButtonElement) return;
  e.preventDefault();
  if (e.repeat && (action !== 'next' && action !== 'prev')) return;
  act(action);
});

const controls = $('controls');
controls.addEventListener('click', (e) => {
  const b = e.target.closest('button');
  if (b) act(b.dataset.action);
});
let hideTimer;
function showControls() {
  controls.classList.add('visible');
  document.body.classList.remove('idle');
  clearTimeout(hideTimer);
  hideTimer = setTimeout(() => {
    controls.classList.remove('visible');
    document.body.classList.add('idle');
  }, 2500);
}
document.addEventListener('mousemove', showControls);
document.addEventListener('touchstart', showControls, { passive: true });

function labelControls() {
  const label = (id, key) => { $(id).title = t(lang, key); $(id).setAttribute('aria-label', t(lang, key)); };
  label('btn-prev', 'prev');
  label('btn-next', 'next');
  label('btn-join', 'join');
  label('btn-full', 'fullscreen');
  label('btn-read', 'read_results_key');
  label('btn-keys', 'key_help');
  label('btn-results', state?.results ? 'hide_results' : 'show_results');
  label('btn-lock', state && !state.open ? 'unlock' : 'lock');
  $('btn-results').setAttribute('aria-pressed', state?.results ? 'true' : 'false');
  $('btn-lock').setAttribute('aria-pressed', state && !state.open ? 'true' : 'false');
  controls.setAttribute('aria-label', t(lang, 'controls'));
}

// ---- reactions -------------------------------------------------------------

// The counts since the last frame float up at the right of the stage and
// fade: a few emoji per kind, and one with "×n" when more came at once.
const EMOJI = { clap: '👏', heart: '❤️', laugh: '😂', wow: '😮', idea: '💡' };

function floatReactions(counts) {
  const box = $('reactions');
  for (const [name, n] of Object.entries(counts)) {
    const emoji = EMOJI[name];
    if (!emoji || !(n > 0)) continue;
    const shown = Math.min(n, 4);
    for (let i = 0; i < shown; i++) {
      const last = i === shown - 1 && n > shown;
      const f = el('span', 'float', last ? `${emoji}×${n - shown + 1}` : emoji);
      f.style.left = `${Math.round(Math.random() * 220)}px`;
      box.append(f);
      if (reduceMotion) { setTimeout(() => f.remove(), 1500); continue; }
      const a = f.animate([
        { transform: 'translateY(0) scale(0.6)', opacity: 0 },
        { transform: 'translateY(-120px) scale(1)', opacity: 1, offset: 0.15 },
        { transform: `translateY(-${520 + Math.round(Math.random() * 160)}px) scale(1)`, opacity: 0 },
      ], { duration: 2600 + Math.random() * 600, delay: i * 140, easing: 'ease-out', fill: 'both' });
      a.onfinish = () => f.remove();
    }
  }
}

// ---- the stream -----------------------------------------------------------

let source = null;
let retry = 1000;

function setConn(ok) {
  const c = $('conn');
  c.hidden = ok;
  c.textContent = ok ? '' : t(lang, 'reconnecting');
}

function connect() {
  source?.close();
  source = new EventSource(`/api/v1/sessions/${code}/results/stream`);
  source.addEventListener('open', () => { retry = 1000; setConn(true); });
  source.addEventListener('state', (e) => {
    const st = JSON.parse(e.data);
    if (!state || st.revision >= state.revision || st.slide.id !== state.slide.id) applyState(st);
  });
  source.addEventListener('results', (e) => {
    const tally = JSON.parse(e.data);
    tallies.set(tally.id, tally);
    if (state && tally.id === state.slide.id) {
      view?.update(tally);
      footer();
      if (state.results) summary.update(lang, state.slide.kind, tally);
    }
  });
  source.addEventListener('reactions', (e) => floatReactions(JSON.parse(e.data)));
  source.addEventListener('error', async () => {
    setConn(false);
    if (source.readyState !== EventSource.CLOSED) return; // the browser retries by itself
    // Closed for good (an error status): check the login, then start again.
    const me = await fetch('/api/v1/me').catch(() => null);
    if (me && me.status === 401) { toLogin(); return; }
    setTimeout(connect, retry);
    retry = Math.min(retry * 2, 15000);
  });
}

async function start() {
  const me = await fetch('/api/v1/me').catch(() => null);
  if (me && me.status === 401) { toLogin(); return; }
  if (me && me.ok) csrf = (await me.json()).csrf || '';
  $('join-qr').src = `/api/v1/sessions/${code}/qr.svg`;
  labelControls();
  connect();
}

start();
