// Small DOM helpers shared by the workspace pages. Text always goes in as
// text (textContent); nothing here parses HTML.
export const $ = (sel, root = document) => root.querySelector(sel);

// el('button', {class: 'x', type: 'button', onclick: f}, 'text', child, …)
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v == null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(e.dataset, v);
    else if (v === true) e.setAttribute(k, '');
    else e.setAttribute(k, String(v));
  }
  for (const c of children.flat()) {
    if (c == null || c === false) continue;
    e.append(c instanceof Node ? c : String(c));
  }
  return e;
}

let uid = 0;
export function nextId(prefix = 'f') { uid += 1; return `${prefix}-${uid}`; }

// A labelled field: returns { wrap, input }.
export function field(label, input, hint) {
  if (!input.id) input.id = nextId();
  const wrap = el('div', { class: 'field' }, el('label', { for: input.id }, label), input);
  if (hint) {
    const h = el('p', { class: 'hint', id: nextId('h') }, hint);
    input.setAttribute('aria-describedby', h.id);
    wrap.append(h);
  }
  return { wrap, input };
}

// Says something to screen readers without moving focus.
export function announce(text) {
  const live = document.getElementById('live');
  if (!live) return;
  live.textContent = '';
  setTimeout(() => { live.textContent = text; }, 30);
}

export function formatTime(lang, ms) {
  if (!ms) return '—';
  lang = lang || document.documentElement.lang;
  return new Date(ms).toLocaleString(lang === 'en' ? 'en-GB' : 'nl-NL',
    { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });
}
