// The participant's page: follows the session's state over Server-Sent
// Events and shows the current slide with its question. Every answer gets
// an id made here and is kept in localStorage until the server confirmed
// it, so a lost connection or a reload resends it, with the same id, and
// the server never counts it twice.
import { t } from './i18n.js';

const code = document.body.dataset.code;
const main = document.getElementById('main');
const statusEl = document.getElementById('status');
let lang = document.documentElement.lang || 'nl';
let state = null;
let shownKey = '';
let qa = { slide: 0, items: [] };
let source = null;
let online = true;

// ---- storage ----------------------------------------------------------

const store = {
  get(key, fallback) {
    try { return JSON.parse(localStorage.getItem(`inspraak:${code}:${key}`)) ?? fallback; } catch { return fallback; }
  },
  set(key, value) {
    try { localStorage.setItem(`inspraak:${code}:${key}`, JSON.stringify(value)); } catch { /* private mode: keep going */ }
  },
};

function newId() {
  const b = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...b)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

const answeredCount = (slide) => store.get(`done:${slide}`, 0);

// ---- small DOM helpers --------------------------------------------------

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === false || v == null) continue;
    if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) if (c != null) e.append(c);
  return e;
}

function setStatus(text) {
  statusEl.hidden = !text;
  statusEl.textContent = text || '';
}

function message(kind, text) {
  return el('p', { class: kind, role: kind === 'error' ? 'alert' : 'status', text });
}

// ---- sending answers ------------------------------------------------------

let sending = false;

async function flush() {
  if (sending) return;
  sending = true;
  let delay = 1000;
  try {
    for (;;) {
      const queue = store.get('pending', []);
      if (!queue.length) break;
      const a = queue[0];
      let res;
      try {
        res = await fetch(`/api/v1/sessions/${code}/answers`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ id: a.id, slide: a.slide, value: a.value }),
        });
      } catch {
        res = null;
      }
      if (!res || res.status >= 500) {
        setStatus(t(lang, 'reconnecting'));
        showPendingNote();
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, 10000);
        continue;
      }
      delay = 1000;
      const body = await res.json().catch(() => ({}));
      store.set('pending', store.get('pending', []).filter((p) => p.id !== a.id));
      if (res.status === 201 || res.status === 200) {
        if (!a.upvote) store.set(`done:${a.slide}`, answeredCount(a.slide) + 1);
        else store.set(`voted:${a.upvote}`, true);
        done(a, null);
      } else {
        done(a, body.error || res.statusText);
      }
      if (online) setStatus('');
    }
  } finally {
    sending = false;
  }
}

function submit(slide, value, extra = {}) {
  const a = { id: newId(), slide, value, ...extra };
  store.set('pending', [...store.get('pending', []), a]);
  flush();
}

// What the page shows once the server answered.
function done(a, error) {
  const form = main.querySelector('form.answer-form');
  if (form && form.dataset.slide === String(a.slide)) {
    form.querySelectorAll('button, input, textarea').forEach((x) => { x.disabled = false; });
  }
  if (!state || state.slide.id !== a.slide) return;
  if (error) {
    const box = main.querySelector('.feedback');
    if (box) box.replaceChildren(message('error', error));
    return;
  }
  if (state.slide.kind === 'qa') {
    const box = main.querySelector('.feedback');
    if (box && !a.upvote) box.replaceChildren(message('thanks', t(lang, 'asked')));
    renderQaList();
    return;
  }
  shownKey = '';
  render();
}

function showPendingNote() {
  const box = main.querySelector('.feedback');
  if (box && store.get('pending', []).length) box.replaceChildren(message('closed', t(lang, 'pending')));
}

// ---- rendering ------------------------------------------------------------

function render() {
  const s = state.slide;
  const pendingHere = store.get('pending', []).some((p) => p.slide === s.id && !p.upvote);
  const key = [s.id, state.open, state.status, answeredCount(s.id), pendingHere].join('|');
  if (key === shownKey) return;
  shownKey = key;
  document.documentElement.lang = lang;
  const section = el('section', { class: 'slide', 'data-kind': s.kind });
  if (s.kind !== 'content' && s.title) section.append(el('h1', { text: s.title }));
  if (s.html) {
    const body = el('div', { class: 'slide-body' });
    body.innerHTML = s.html; // made safe by the server's Markdown renderer
    section.append(body);
  }
  if (state.status === 'ended') {
    section.append(message('closed', t(lang, 'ended')));
  } else if (s.kind === 'content') {
    section.append(el('p', { class: 'waiting', text: t(lang, 'waiting') }));
  } else if (!state.open) {
    section.append(message('closed', t(lang, 'closed')));
    if (s.kind === 'qa') section.append(qaList());
  } else {
    section.append(questionView(s, pendingHere));
  }
  main.replaceChildren(section);
}

function questionView(s, pendingHere) {
  const count = answeredCount(s.id);
  const many = s.kind === 'open' || s.kind === 'qa' || s.kind === 'cloud';
  const wrap = el('div');
  const feedback = el('div', { class: 'feedback', 'aria-live': 'polite' });
  if (pendingHere) {
    feedback.append(message('closed', t(lang, 'pending')));
    wrap.append(feedback);
    return wrap;
  }
  if (s.kind === 'qa') {
    wrap.append(form(s), feedback, qaList());
    return wrap;
  }
  const limit = s.kind === 'open' ? s.max_answers : 1;
  if (count >= limit || (!many && count > 0) || (s.kind === 'cloud' && count > 0)) {
    feedback.append(message('thanks', t(lang, s.kind === 'open' || s.kind === 'cloud' ? 'thanks' : 'thanks_vote')));
    wrap.append(feedback);
    return wrap;
  }
  if (count > 0) {
    feedback.append(message('thanks', t(lang, 'thanks')));
    feedback.append(el('p', { class: 'waiting', text: t(lang, 'answers_left', { n: limit - count }) }));
  }
  wrap.append(feedback, form(s));
  return wrap;
}

function form(s) {
  const f = el('form', { class: 'answer-form', 'data-slide': s.id, novalidate: true });
  let read;
  if (s.kind === 'open' || s.kind === 'qa') {
    const id = `answer-${s.id}`;
    const ta = el('textarea', { id, name: 'value', rows: 4, maxlength: s.max_length, required: true });
    const counter = el('div', { class: 'counter', 'aria-live': 'off' });
    const update = () => {
      const n = [...ta.value].length;
      counter.textContent = t(lang, 'chars', { n, max: s.max_length });
      counter.classList.toggle('over', n > s.max_length);
    };
    ta.addEventListener('input', update);
    update();
    f.append(el('label', { for: id, text: t(lang, s.kind === 'qa' ? 'ask' : 'your_answer') }), ta, counter);
    read = () => {
      const v = ta.value.trim();
      return v ? (s.kind === 'qa' ? { ask: v } : v) : null;
    };
  } else if (s.kind === 'cloud') {
    const inputs = [];
    for (let i = 0; i < s.max_answers; i++) {
      const id = `word-${s.id}-${i}`;
      const inp = el('input', { id, type: 'text', maxlength: s.max_length, autocomplete: 'off', enterkeyhint: 'send' });
      inputs.push(inp);
      f.append(el('label', { for: id, text: t(lang, 'word', { n: i + 1 }) }), inp);
    }
    read = () => {
      const v = inputs.map((x) => x.value.trim()).filter(Boolean);
      return v.length ? v : null;
    };
  } else if (s.kind === 'choice') {
    const fs = el('fieldset', {}, el('legend', { text: t(lang, s.multiple ? 'choose_many' : 'choose_one') }));
    s.options.forEach((o, i) => {
      fs.append(el('label', { class: 'option' },
        el('input', { type: s.multiple ? 'checkbox' : 'radio', name: 'value', value: i }), o));
    });
    f.append(fs);
    read = () => {
      const v = [...f.querySelectorAll('input:checked')].map((x) => Number(x.value));
      if (!v.length) return null;
      return s.multiple ? v : v[0];
    };
  } else if (s.kind === 'scale') {
    s.statements.forEach((text, i) => {
      const fs = el('fieldset', { class: 'scale' }, el('legend', { text }));
      const row = el('div', { class: 'ratings' });
      for (let r = 1; r <= s.scale_max; r++) {
        row.append(el('label', { class: 'rating' },
          el('input', { type: 'radio', name: `s${i}`, value: r, 'aria-label': `${r}` }),
          el('span', { text: String(r), 'aria-hidden': 'true' })));
      }
      fs.append(row, el('div', { class: 'scale-labels' },
        el('span', { text: s.labels[0] || '' }), el('span', { text: s.labels[1] || '' })));
      f.append(fs);
    });
    read = () => {
      const v = s.statements.map((_, i) => Number(f.querySelector(`input[name=s${i}]:checked`)?.value || 0));
      return v.every((x) => x > 0) ? v : null;
    };
  } else if (s.kind === 'rank') {
    const order = s.options.map((_, i) => i);
    const list = el('ol', { class: 'rank-list' });
    const draw = (focus) => {
      list.replaceChildren(...order.map((opt, pos) => {
        const up = el('button', { type: 'button', 'aria-label': `${t(lang, 'up')}: ${s.options[opt]}`, text: '↑', disabled: pos === 0 });
        const down = el('button', { type: 'button', 'aria-label': `${t(lang, 'down')}: ${s.options[opt]}`, text: '↓', disabled: pos === order.length - 1 });
        up.addEventListener('click', () => { [order[pos - 1], order[pos]] = [order[pos], order[pos - 1]]; draw([pos - 1, 'up']); });
        down.addEventListener('click', () => { [order[pos + 1], order[pos]] = [order[pos], order[pos + 1]]; draw([pos + 1, 'down']); });
        return el('li', {}, el('span', { class: 'pos', text: `${pos + 1}.` }), el('span', { class: 'label', text: s.options[opt] }), up, down);
      }));
      if (focus) {
        const [pos, dir] = focus;
        const btn = list.children[pos]?.querySelectorAll('button')[dir === 'up' ? 0 : 1];
        (btn && !btn.disabled ? btn : list.children[pos]?.querySelector('button:not([disabled])'))?.focus();
      }
    };
    draw();
    f.append(el('p', { class: 'waiting', text: t(lang, 'rank_help') }), list);
    read = () => [...order];
  }
  const send = el('button', { type: 'submit', class: 'send', text: t(lang, s.kind === 'qa' ? 'ask_send' : 'send') });
  f.append(send);
  f.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const value = read();
    if (value == null) {
      const box = main.querySelector('.feedback');
      if (box) box.replaceChildren(message('error', t(lang, s.kind === 'choice' ? (s.multiple ? 'choose_many' : 'choose_one') : 'your_answer')));
      return;
    }
    send.disabled = true;
    send.textContent = t(lang, 'sending');
    if (s.kind === 'qa') {
      f.reset();
      send.disabled = false;
      send.textContent = t(lang, 'ask_send');
    }
    submit(s.id, value);
  });
  return f;
}

function qaList() {
  const ul = el('ul', { class: 'qa-list', id: 'qa-list' });
  fillQa(ul);
  return ul;
}

function fillQa(ul) {
  if (!state || qa.slide !== state.slide.id) { ul.replaceChildren(); return; }
  if (!qa.items.length) { ul.replaceChildren(el('li', { class: 'waiting', text: t(lang, 'no_questions') })); return; }
  ul.replaceChildren(...qa.items.map((q) => {
    const voted = store.get(`voted:${q.id}`, false);
    const btn = el('button', { type: 'button', class: voted ? 'voted' : '', 'aria-pressed': voted ? 'true' : 'false',
      'aria-label': `${t(lang, 'upvote')}: ${q.text}`, disabled: voted || !state.open, text: `▲ ${q.votes}` });
    btn.addEventListener('click', () => {
      btn.disabled = true;
      submit(state.slide.id, { upvote: q.id }, { upvote: q.id });
    });
    return el('li', { class: q.answered ? 'answered' : '' },
      el('span', { class: 'qa-text', text: q.text }),
      q.answered ? el('span', { class: 'waiting', text: `✓ ${t(lang, 'answered')}` }) : btn);
  }));
}

function renderQaList() {
  const ul = document.getElementById('qa-list');
  if (ul) fillQa(ul);
}

// ---- the stream -----------------------------------------------------------

function connect() {
  source = new EventSource(`/api/v1/sessions/${code}/stream`);
  source.addEventListener('state', (e) => {
    state = JSON.parse(e.data);
    lang = state.event.lang || lang;
    render();
  });
  source.addEventListener('qa', (e) => {
    qa = JSON.parse(e.data);
    renderQaList();
  });
  source.addEventListener('open', () => {
    online = true;
    setStatus('');
    flush();
  });
  source.addEventListener('error', () => {
    online = false;
    setStatus(t(lang, 'reconnecting'));
    if (source.readyState === EventSource.CLOSED) {
      source.close();
      setTimeout(connect, 2000);
    }
  });
}

window.addEventListener('online', flush);
connect();
flush();
