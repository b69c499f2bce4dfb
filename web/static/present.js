// The presenter screen: a 1920x1080 stage scaled to the window, fed by the
// presenter's event stream (state and coalesced results). Views keep their
// DOM nodes keyed by answer id or option, so arriving answers animate in
// and nothing else jumps.
import { t, formatNumber, groupCode } from './i18n.js';

const code = document.body.dataset.code;
let lang = document.documentElement.lang || 'nl';
let csrf = '';
let state = null;
let view = null;
const results = new Map();
const $ = (id) => document.getElementById(id);
const body = $('body');

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v == null || v === false) continue;
    if (k === 'text') e.textContent = v;
    else if (k === 'class') e.className = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) if (c != null) e.append(c);
  return e;
}

// ---- scaling the stage ------------------------------------------------------

function fit() {
  const s = Math.min(window.innerWidth / 1920, window.innerHeight / 1080);
  document.documentElement.style.setProperty('--scale', String(s));
}
window.addEventListener('resize', () => { fit(); view?.layout?.(); });
fit();

// ---- talking to the server --------------------------------------------------

function showError(msg) {
  const e = $('error');
  e.textContent = msg;
  e.hidden = false;
  clearTimeout(showError.timer);
  showError.timer = setTimeout(() => { e.hidden = true; }, 4000);
}

async function post(path, body) {
  const res = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
    body: body ? JSON.stringify(body) : undefined,
  }).catch(() => null);
  if (!res) { showError(t(lang, 'reconnecting')); return null; }
  if (res.status === 401) { location.href = `/login?next=/present/${code}`; return null; }
  const data = await res.json().catch(() => ({}));
  if (!res.ok) { showError(data.error || res.statusText); return null; }
  return data;
}

const control = (action, extra = {}) => post(`/api/v1/sessions/${code}/control`, { action, ...extra });

// ---- views ----------------------------------------------------------------

function bigCount(n) {
  return el('div', { class: 'big-count' }, el('div', { class: 'n', text: String(n) }),
    el('div', { class: 'label', text: n === 1 ? t(lang, 'respondents_one') : t(lang, 'respondents', { n }).replace(/^\d+ /, '') }));
}

class CountView {
  constructor(root) { this.root = root; }
  update(tally) { this.root.replaceChildren(bigCount(tally?.respondents ?? 0)); }
}

// Open answers as cards, newest first. When they outgrow the stage the
// font shrinks to a readable minimum, then the cards are paged.
class CardsView {
  constructor(root) {
    this.root = root;
    this.grid = el('div', { class: 'cards' });
    this.pager = el('div', { class: 'pager', hidden: true });
    this.nodes = new Map();
    this.pages = [];
    this.page = 0;
    root.replaceChildren(this.grid, this.pager);
    this.timer = setInterval(() => this.turn(), 8000);
  }
  destroy() { clearInterval(this.timer); }
  update(tally) {
    this.items = tally.items;
    let fresh = false;
    const keep = new Set();
    for (const it of tally.items) {
      keep.add(it.id);
      if (!this.nodes.has(it.id)) {
        const n = el('div', { class: this.nodes.size || this.seeded ? 'card new' : 'card', text: it.text });
        this.nodes.set(it.id, n);
        fresh = true;
      }
    }
    this.seeded = true;
    for (const [id, n] of this.nodes) if (!keep.has(id)) { n.remove(); this.nodes.delete(id); }
    if (!tally.items.length) { this.grid.replaceChildren(el('div', { class: 'empty', text: t(lang, 'no_answers') })); this.pager.hidden = true; return; }
    if (fresh) this.page = 0;
    this.layout();
  }
  fits() { return this.grid.scrollHeight <= this.root.clientHeight + 1; }
  layout() {
    if (!this.items?.length) return;
    const nodes = this.items.map((it) => this.nodes.get(it.id));
    this.grid.replaceChildren(...nodes);
    for (const px of [44, 38, 33, 29]) {
      this.root.style.setProperty('--card-font', `${px}px`);
      if (this.fits()) { this.pages = [nodes]; this.show(); return; }
    }
    // Page through them at the smallest size, filling each page greedily.
    this.pages = [];
    let page = [];
    this.grid.replaceChildren();
    for (const n of nodes) {
      this.grid.append(n);
      if (!this.fits() && page.length) {
        this.pages.push(page);
        page = [n];
        this.grid.replaceChildren(n);
      } else {
        page.push(n);
      }
    }
    if (page.length) this.pages.push(page);
    if (this.page >= this.pages.length) this.page = 0;
    this.show();
  }
  show() {
    this.grid.replaceChildren(...this.pages[this.page]);
    this.pager.hidden = this.pages.length < 2;
    this.pager.textContent = t(lang, 'page', { n: this.page + 1, total: this.pages.length });
  }
  turn() {
    if (this.pages.length < 2) return;
    this.page = (this.page + 1) % this.pages.length;
    for (const n of this.pages[this.page]) n.classList.remove('new');
    this.show();
  }
}

const palette = ['#5cc1b4', '#e9b44c', '#f5f2ea', '#8fd3f4', '#f28f6b', '#b9a3e3', '#9ed67b'];

// A word cloud laid out on an Archimedean spiral, largest words first,
// so the same words always give the same picture.
class CloudView {
  constructor(root) {
    this.root = root;
    this.box = el('div', { class: 'cloud' });
    root.replaceChildren(this.box);
    this.nodes = new Map();
    this.ctx = document.createElement('canvas').getContext('2d');
  }
  update(tally) { this.words = tally.words; this.layout(); }
  layout() {
    const words = this.words || [];
    if (!words.length) { this.box.replaceChildren(el('div', { class: 'empty', text: t(lang, 'no_answers') })); this.nodes.clear(); return; }
    if (this.box.querySelector('.empty')) this.box.replaceChildren();
    const W = this.root.clientWidth || 1728, H = this.root.clientHeight || 760;
    const max = words[0].count;
    const shown = words.slice(0, 80);
    let scale = shown.length > 40 ? 0.75 : 1;
    let placed;
    for (let attempt = 0; attempt < 6; attempt++, scale *= 0.85) {
      placed = this.place(shown, max, W, H, scale);
      if (placed.every((p) => p.ok)) break;
    }
    const keep = new Set();
    placed.forEach((p, i) => {
      if (!p.ok) return;
      const key = p.word.text.toLowerCase();
      keep.add(key);
      let n = this.nodes.get(key);
      if (!n) {
        n = el('span', { class: 'new', text: p.word.text });
        n.style.color = palette[i % palette.length];
        this.nodes.set(key, n);
        this.box.append(n);
      }
      n.style.left = `${p.x}px`;
      n.style.top = `${p.y}px`;
      n.style.fontSize = `${p.size}px`;
      n.title = String(p.word.count);
    });
    for (const [k, n] of this.nodes) if (!keep.has(k)) { n.remove(); this.nodes.delete(k); }
  }
  place(words, max, W, H, scale) {
    const boxes = [];
    return words.map((w) => {
      const size = Math.round((30 + 110 * Math.sqrt(w.count / max)) * scale);
      this.ctx.font = `700 ${size}px system-ui, sans-serif`;
      const bw = this.ctx.measureText(w.text).width + 16, bh = size * 1.1;
      for (let i = 0; i < 3000; i++) {
        const a = i * 0.12, r = 2.2 * a;
        const x = W / 2 + r * Math.cos(a) * 1.7 - bw / 2, y = H / 2 + r * Math.sin(a) - bh / 2;
        if (x < 0 || y < 0 || x + bw > W || y + bh > H) continue;
        if (boxes.some((b) => x < b.x + b.w && x + bw > b.x && y < b.y + b.h && y + bh > b.y)) continue;
        boxes.push({ x, y, w: bw, h: bh });
        return { word: w, x: x + 8, y, size, ok: true };
      }
      return { word: w, ok: false };
    });
  }
}

class BarsView {
  constructor(root, rank) {
    this.root = root;
    this.rank = rank;
    this.box = el('div', { class: rank ? 'bars rank' : 'bars' });
    root.replaceChildren(this.box);
    this.rows = new Map();
  }
  update(tally) {
    const n = tally.options.length;
    const max = Math.max(1, ...tally.options.map((o) => o.count));
    const order = [];
    tally.options.forEach((o, i) => {
      const key = this.rank ? o.index : i;
      let row = this.rows.get(key);
      if (!row) {
        row = { fill: el('div', { class: 'bar-fill' }), value: el('div', { class: 'value' }), label: el('div', { class: 'label', text: o.label }) };
        row.el = el('div', { class: 'bar-row' }, row.label, el('div', { class: 'bar-track' }, row.fill), row.value);
        this.rows.set(key, row);
      }
      if (this.rank) {
        row.label.setAttribute('data-pos', String(i + 1));
        const width = o.mean == null ? 0 : ((n - o.mean + 1) / n) * 100;
        requestAnimationFrame(() => { row.fill.style.width = `${width}%`; });
        row.value.textContent = o.mean == null ? '–' : formatNumber(lang, o.mean);
      } else {
        requestAnimationFrame(() => { row.fill.style.width = `${(o.count / max) * 100}%`; });
        row.value.replaceChildren(String(o.count), el('small', { text: `${o.percent}%` }));
      }
      order.push(row.el);
    });
    this.box.replaceChildren(...order);
  }
}

const ramp = ['#e07a5f', '#eaa06a', '#e9c46a', '#a8c97f', '#5cc1b4', '#48a99d', '#3d8f86', '#34776f', '#2b6059', '#234c46'];

class ScaleView {
  constructor(root) { this.root = root; this.box = el('div', { class: 'scales' }); root.replaceChildren(this.box); this.rows = []; }
  update(tally) {
    const m = tally.scale_max;
    const colors = Array.from({ length: m }, (_, i) => ramp[Math.round((i * (ramp.length - 1)) / Math.max(1, m - 1))]);
    tally.statements.forEach((s, i) => {
      let r = this.rows[i];
      if (!r) {
        r = { mean: el('span', { class: 'mean' }), dist: el('div', { class: 'dist' }) };
        r.segs = colors.map((c) => { const sp = el('span'); sp.style.background = c; sp.style.flexGrow = '0'; return sp; });
        r.dist.append(...r.segs);
        r.el = el('div', { class: 'scale-row' },
          el('div', { class: 'statement' }, el('span', { text: s.text }), r.mean),
          el('div', { class: 'dist-wrap' }, r.dist),
          el('div', { class: 'ends' }, el('span', { text: `1 ${tally.labels[0] || ''}` }), el('span', { text: `${tally.labels[1] || ''} ${m}` })));
        this.rows[i] = r;
        this.box.append(r.el);
      }
      s.counts.forEach((c, k) => { r.segs[k].style.flexGrow = String(c); r.segs[k].textContent = c ? String(k + 1) : ''; });
      r.mean.textContent = s.mean == null ? '' : t(lang, 'mean', { x: formatNumber(lang, s.mean) });
    });
  }
}

class QaView {
  constructor(root) { this.root = root; this.box = el('div', { class: 'qa' }); root.replaceChildren(this.box); this.nodes = new Map(); }
  update(tally) {
    if (!tally.items.length) { this.box.replaceChildren(el('div', { class: 'empty', text: t(lang, 'no_questions') })); this.nodes.clear(); return; }
    const list = tally.items.map((it) => {
      let n = this.nodes.get(it.id);
      if (!n) {
        n = { votes: el('span', { class: 'votes' }), text: el('span', { class: 'text', text: it.text }) };
        n.el = el('button', { class: 'qa-item', type: 'button' }, n.votes, n.text);
        n.el.addEventListener('click', () => post(`/api/v1/answers/${it.id}/${n.answered ? 'unanswered' : 'answered'}`));
        this.nodes.set(it.id, n);
      }
      n.answered = it.answered;
      n.votes.textContent = `▲ ${it.votes}`;
      n.el.classList.toggle('answered', it.answered);
      n.el.setAttribute('aria-pressed', it.answered ? 'true' : 'false');
      return n.el;
    });
    const keep = new Set(tally.items.map((i) => i.id));
    for (const id of this.nodes.keys()) if (!keep.has(id)) this.nodes.delete(id);
    this.box.replaceChildren(...list);
  }
}

function makeView(slide) {
  view?.destroy?.();
  body.replaceChildren();
  const title = $('slide-title');
  title.textContent = slide.kind === 'content' ? '' : slide.title;
  title.hidden = slide.kind === 'content';
  if (slide.kind === 'content') {
    const c = el('div', { class: 'content' });
    c.innerHTML = slide.html; // sanitised by the server's Markdown renderer
    body.append(c);
    return { kind: 'content', update() {} };
  }
  let root = body;
  if (slide.html && slide.html.trim()) {
    const d = el('div', { class: 'description' });
    d.innerHTML = slide.html; // sanitised by the server's Markdown renderer
    root = el('div', { class: 'view' });
    body.append(d, root);
  }
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

let shown = '';

function render() {
  const s = state.slide;
  const key = `${s.id}|${state.results}`;
  if (key !== shown) {
    shown = key;
    view = makeView(s);
    const tally = results.get(s.id);
    if (tally) view.update(tally);
    else if (view instanceof CountView) view.update(null);
  }
  const badge = $('badge');
  badge.hidden = s.kind === 'content' || state.open;
  badge.textContent = t(lang, 'voting_closed');
  footer();
}

function footer() {
  const host = state.join_url.replace(/^https?:\/\//, '').replace(/\/\d+$/, '');
  const [before] = t(lang, 'join_at', { host: '\u0000' }).split('\u0000');
  const after = t(lang, 'join_at', { host: '\u0000' }).split('\u0000')[1] || '';
  $('join-line').replaceChildren(before, el('strong', { text: host }), after, ' ', el('strong', { text: groupCode(code) }));
  const tally = results.get(state.slide.id);
  const n = tally?.respondents ?? 0;
  $('count').textContent = state.slide.kind === 'content' ? '' : n === 1 ? t(lang, 'respondents_one') : t(lang, 'respondents', { n });
  $('join-text').replaceChildren(before, el('strong', { text: host }), after);
  $('join-code').textContent = groupCode(code);
}

// ---- keys and buttons --------------------------------------------------------

function act(action) {
  if (!state) return;
  switch (action) {
    case 'next': control('next'); break;
    case 'prev': control('prev'); break;
    case 'results': control(state.results ? 'hide-results' : 'show-results'); break;
    case 'lock': control(state.open ? 'close' : 'open'); break;
    case 'join': $('join-overlay').hidden = !$('join-overlay').hidden; break;
    case 'fullscreen':
      if (document.fullscreenElement) document.exitFullscreen();
      else document.documentElement.requestFullscreen?.().catch(() => {});
      break;
    default: break;
  }
}

document.addEventListener('keydown', (e) => {
  if (e.altKey || e.ctrlKey || e.metaKey) return;
  const map = { ArrowRight: 'next', ' ': 'next', PageDown: 'next', ArrowLeft: 'prev', PageUp: 'prev',
    r: 'results', R: 'results', l: 'lock', L: 'lock', j: 'join', J: 'join', f: 'fullscreen', F: 'fullscreen' };
  if (e.key === 'Escape' && !$('join-overlay').hidden) { $('join-overlay').hidden = true; return; }
  const a = map[e.key];
  if (!a || (e.target instanceof HTMLElement && e.target.closest('#controls') && (e.key === ' ' || e.key === 'Enter'))) return;
  e.preventDefault();
  act(a);
});

const controls = $('controls');
controls.addEventListener('click', (e) => {
  const b = e.target.closest('button');
  if (b) act(b.dataset.action);
});
let hideTimer;
document.addEventListener('mousemove', () => {
  controls.classList.add('visible');
  clearTimeout(hideTimer);
  hideTimer = setTimeout(() => controls.classList.remove('visible'), 2500);
});

function labelControls() {
  const titles = { 'btn-prev': 'prev', 'btn-next': 'next', 'btn-results': 'results', 'btn-join': 'join', 'btn-full': 'fullscreen' };
  for (const [id, key] of Object.entries(titles)) { $(id).title = t(lang, key); $(id).setAttribute('aria-label', t(lang, key)); }
  const lock = state && state.open ? 'lock' : 'unlock';
  $('btn-lock').title = t(lang, lock);
  $('btn-lock').setAttribute('aria-label', t(lang, lock));
}

// ---- start ------------------------------------------------------------------

async function start() {
  const me = await fetch('/api/v1/me').catch(() => null);
  if (me && me.status === 401) { location.href = `/login?next=/present/${code}`; return; }
  if (me && me.ok) csrf = (await me.json()).csrf;
  $('join-qr').src = `/api/v1/sessions/${code}/qr.svg`;
  const es = new EventSource(`/api/v1/sessions/${code}/results/stream`);
  es.addEventListener('state', (e) => {
    state = JSON.parse(e.data);
    lang = state.event.lang || lang;
    document.documentElement.lang = lang;
    render();
    labelControls();
  });
  es.addEventListener('results', (e) => {
    const tally = JSON.parse(e.data);
    results.set(tally.id, tally);
    if (state && tally.id === state.slide.id) {
      view?.update(tally);
      footer();
    }
  });
  es.addEventListener('error', () => { if (es.readyState === EventSource.CLOSED) setTimeout(start, 2000); });
}

start();
