// The participant's page: follows the session's state over Server-Sent
// Events and shows the current slide with its question (or, for a
// self-paced session, every question at once: questionnaire.js). Every answer gets
// an id made here and is written to localStorage before it is sent; it
// stays there until the server has confirmed it, so a lost connection or a
// reload sends it again with the same id, and the server never counts it
// twice. The server's own HTML (a plain form) is shown until the first
// state arrives, and is what people without JavaScript use.
import { t, plural, groupCode } from './i18n.js';
import { resultsView } from './phone-results.js';
import { createQuestionnaire } from './questionnaire.js';
import { LiveSummary } from './live-summary.js';

const code = document.body.dataset.code;
const $ = (id) => document.getElementById(id);
const main = $('main');
const statusEl = $('status');
const live = $('live');

let lang = document.documentElement.lang || 'nl';
let state = null;
let qa = { slide: 0, items: [] };
let phoneTally = null;    // the latest results for phones (a slide with results: phones)
// The results as a screen reader hears them: a throttled summary in a
// region of its own (the #live region says what this phone did).
const summaryRegion = document.createElement('div');
summaryRegion.className = 'sr-only';
summaryRegion.setAttribute('role', 'status');
document.body.append(summaryRegion);
const summary = new LiveSummary(summaryRegion);
let shownKey = '';
let lateError = '';       // a refusal for a question that is no longer shown
const drafts = new Map(); // what was typed or chosen, per slide, across re-renders
const feedback = new Map(); // the last message per slide: [class, text]

// ---- storage ----------------------------------------------------------

const store = {
  key: (k) => `inspraak:${code}:${k}`,
  get(k, fallback) {
    try { return JSON.parse(localStorage.getItem(this.key(k))) ?? fallback; } catch { return fallback; }
  },
  set(k, v) {
    try { localStorage.setItem(this.key(k), JSON.stringify(v)); } catch { /* private mode: memory only */ }
  },
};

// 16 random bytes as base64url: 22 characters.
function newId() {
  const b = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...b)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

const doneCount = (slide) => store.get(`done:${slide}`, 0);
// Words given to a word cloud count one by one against its allowance.
const unitsOf = (slide) => store.get(`units:${slide}`, 0);
const pendingFor = (slide) => store.get('pending', []).filter((p) => p.slide === slide);

// ---- small DOM helpers --------------------------------------------------

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === false || v == null) continue;
    if (k === 'text') e.textContent = v;
    else if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  // Text from anyone, in any script, sets its own direction (issue 12).
  if (attrs.text != null && !('dir' in attrs)) e.dir = 'auto';
  for (const c of children) if (c != null) e.append(c);
  return e;
}

// The server's HTML of a slide: every block takes the direction of its text.
function bidi(root) {
  for (const b of root.querySelectorAll('p, li, h1, h2, h3, h4, h5, h6, blockquote, td, th, figcaption')) b.dir = 'auto';
  return root;
}

function message(kind, text) {
  return el('p', { class: kind, role: kind === 'error' ? 'alert' : null, text });
}

// The hand-off from the hall: once the session has ended, a link to the
// event's website when it has one ("praat verder online"), asked once.
let website;
function handoff(section, lang) {
  const draw = (w) => {
    if (w && section.isConnected) {
      section.append(el('p', { class: 'handoff' }, el('a', { class: 'button', href: w.path, text: t(lang, 'handoff') })));
    }
  };
  if (website !== undefined) { draw(website); return; }
  website = null;
  fetch(`/api/v1/sessions/${code}/website`).then((r) => (r.ok ? r.json() : null))
    .then((w) => { website = w; draw(w); }).catch(() => {});
}

// Says text to screen readers through a region that is always present.
function announce(text) {
  live.textContent = '';
  setTimeout(() => { live.textContent = text; }, 50);
}

// ---- connection status ----------------------------------------------------

let streamDown = false;
let sendTrouble = false;

function showStatus() {
  const down = streamDown || sendTrouble;
  statusEl.hidden = !down;
  statusEl.textContent = down ? t(lang, 'reconnecting') : '';
}

// ---- sending answers ------------------------------------------------------

let sending = false;
let wake = null;

// Waits ms, or less when the connection comes back.
function pause(ms) {
  return new Promise((resolve) => {
    const timer = setTimeout(() => { wake = null; resolve(); }, ms);
    wake = () => { clearTimeout(timer); wake = null; resolve(); };
  });
}

function dropPending(id) {
  store.set('pending', store.get('pending', []).filter((p) => p.id !== id));
}

async function flush() {
  if (wake) wake();
  if (sending) return;
  sending = true;
  let delay = 1000;
  try {
    for (;;) {
      const queue = store.get('pending', []);
      if (!queue.length) break;
      const a = queue[0];
      let res = null;
      try {
        res = await fetch(`/api/v1/sessions/${code}/answers`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ id: a.id, slide: a.slide, value: a.value }),
        });
      } catch { /* offline: res stays null */ }
      if (!res || res.status >= 500) {
        sendTrouble = true;
        showStatus();
        const note = main.querySelector('.feedback .pending');
        if (note) note.textContent = t(lang, 'pending');
        await pause(delay);
        delay = Math.min(delay * 2, 15000);
        continue;
      }
      const body = await res.json().catch(() => ({}));
      if (res.status === 429) {
        // Busy, not refused: try again when the server says so.
        const after = Number(res.headers.get('retry-after')) || 5;
        setFeedback(a.slide, 'closed', t(lang, 'retry_later'));
        await pause(Math.min(after, 60) * 1000);
        continue;
      }
      sendTrouble = false;
      delay = 1000;
      showStatus();
      dropPending(a.id);
      if (res.status === 200 || res.status === 201) confirmed(a, body);
      else refused(a, body, res);
    }
  } finally {
    sending = false;
  }
}

function submit(slide, value, extra = {}) {
  const a = { id: newId(), slide, value, ...extra };
  store.set('pending', [...store.get('pending', []), a]); // saved before it is sent
  flush();
  render();
}

function confirmed(a, body) {
  if (a.upvote) {
    store.set(`voted:${a.slide}`, [...new Set([...store.get(`voted:${a.slide}`, []), a.upvote])]);
    if (selfPaced()) questionnaire.load(); // the new count
    else renderQaList();
    return;
  }
  store.set(`done:${a.slide}`, doneCount(a.slide) + 1);
  if (a.kind === 'cloud') store.set(`units:${a.slide}`, unitsOf(a.slide) + [a.value].flat().length);
  if (body.pending) store.set(`held:${a.slide}`, true);
  if (!a.ask) store.set(`mine:${a.slide}`, mergeMine(a.kind, store.get(`mine:${a.slide}`, null), a.value));
  drafts.delete(a.slide);
  const base = a.ask ? t(lang, 'asked') : t(lang, a.vote ? 'thanks_vote' : 'thanks');
  // held back for a moderator: say so, so nobody wonders why it is not on screen
  const text = body.pending ? `${base} ${t(lang, a.ask ? 'held_question' : 'held')}` : base;
  if (a.ask && body.id != null) store.set(`own:${a.slide}`, [...store.get(`own:${a.slide}`, []), body.id]);
  setFeedback(a.slide, 'thanks', text);
  announce(text);
  render();
  if (selfPaced()) questionnaire.load(); // what was given, read back, and results
}

// The participant's own answer to a slide, kept on this phone only, so the
// results can mark it: texts and words add up, a vote is one value.
function mergeMine(kind, before, value) {
  if (kind === 'open') return [...(Array.isArray(before) ? before : []), value];
  if (kind === 'cloud') return [...(Array.isArray(before) ? before : []), ...[value].flat()];
  return value;
}

function refused(a, body, res) {
  const msg = body.error || `${res.status} ${res.statusText}`;
  if (body.code === 'already_answered' || body.code === 'limit') {
    // Given before (on another tab, say): the question is done.
    store.set(`done:${a.slide}`, Math.max(doneCount(a.slide), limitOf(a.slide)));
    if (a.kind === 'cloud') store.set(`units:${a.slide}`, limitOf(a.slide));
  }
  if (a.upvote) {
    if (body.code === 'already_answered') {
      store.set(`voted:${a.slide}`, [...new Set([...store.get(`voted:${a.slide}`, []), a.upvote])]);
    }
    renderQaList();
  }
  if (selfPaced() || (state && state.slide.id === a.slide)) setFeedback(a.slide, 'error', msg);
  else { lateError = msg; shownKey = ''; }
  announce(msg);
  render();
  if (selfPaced()) questionnaire.load();
}

function limitOf(slide) {
  const s = selfPaced() ? questionnaire.slideOf(slide) : state?.slide.id === slide ? state.slide : null;
  if (!s) return 1;
  return allowance(s);
}

// How many answers (open, Q&A) or words (cloud) one participant may give,
// and how many of them this phone has given.
function allowance(s) {
  return s.kind === 'open' || s.kind === 'qa' || s.kind === 'cloud' ? s.max_answers || 1 : 1;
}
function usedOf(s) {
  return s.kind === 'cloud' ? unitsOf(s.id) : doneCount(s.id);
}

function setFeedback(slide, kind, text) {
  feedback.set(slide, [kind, text]);
  if (selfPaced()) { questionnaire.render(); return; }
  const box = main.querySelector('.feedback');
  if (box && state && state.slide.id === slide) box.replaceChildren(message(kind, text));
}

// ---- rendering ------------------------------------------------------------

// A self-paced session that still runs shows the questionnaire instead.
function selfPaced() {
  return state?.mode === 'self-paced' && state.status !== 'ended';
}

const questionnaire = createQuestionnaire({
  code, main, el, message, store, answerForm, pendingFor, doneCount,
  qaBlock: (slide, items, canVote) => qaBlockFor(slide, items, canVote),
  feedbackOf: (slide) => feedback.get(slide),
  lang: () => lang,
});

function render() {
  if (!state) return;
  if (selfPaced()) {
    shownKey = '';
    questionnaire.render();
    return;
  }
  const s = state.slide;
  const pending = pendingFor(s.id).filter((p) => !p.upvote).length;
  const key = [s.id, state.open, state.status, s.closes_at, doneCount(s.id), unitsOf(s.id), pending, lang].join('|');
  if (key === shownKey) return;
  shownKey = key;
  document.documentElement.lang = lang;

  const section = el('section', { class: 'slide', 'data-kind': s.kind });
  if (lateError) {
    section.append(message('error', lateError));
    lateError = '';
  }
  if ((s.kind !== 'content' || s.website) && s.title) section.append(el('h1', { text: s.title }));
  if (state.status !== 'ended' && state.open && s.closes_at) {
    section.append(el('p', { class: 'countdown', id: 'countdown', role: 'timer', dir: 'ltr' }));
  }
  if (s.html && s.html.trim()) {
    const body = el('div', { class: 'slide-body' });
    body.innerHTML = s.html; // made safe by the server's Markdown renderer
    section.append(bidi(body));
  }
  if (state.status === 'ended') {
    section.append(message('closed', t(lang, 'ended')));
    handoff(section, lang);
  } else if (s.website) {
    // the closing slide's website: asked again, it may be new
    website = undefined;
    handoff(section, lang);
  } else if (s.kind === 'content') {
    section.append(el('p', { class: 'waiting', text: t(lang, 'waiting') }));
  } else if (!state.open) {
    section.append(message('closed', t(lang, 'closed')));
    if (s.kind === 'qa') section.append(qaBlock(false));
  } else {
    section.append(...questionView(s, pending));
  }
  if (resultsWanted(s)) {
    // after the thanks (or the form, while more answers may be given),
    // before the line that says the next question comes by itself
    const block = resultsBlock(s);
    const last = section.lastElementChild;
    if (last && last.classList.contains('waiting')) last.before(block);
    else section.append(block);
  }
  const hadFocus = main.contains(document.activeElement);
  main.replaceChildren(section);
  tick();
  // Keyboard and screen reader users keep their place: on the news.
  if (hadFocus) {
    const to = section.querySelector('.feedback p, h1');
    if (to) { to.tabIndex = -1; to.focus({ preventScroll: true }); }
  }
}

function questionView(s, pending) {
  const count = usedOf(s);
  const fb = el('div', { class: 'feedback' });
  const last = feedback.get(s.id);
  if (last) fb.append(message(...last));
  if (pending) {
    fb.replaceChildren(message('pending', sendTrouble ? t(lang, 'pending') : t(lang, 'sending')));
    return s.kind === 'qa' ? [fb, qaBlock(true)] : [fb];
  }
  if (s.kind === 'qa') {
    return [answerForm(s), fb, qaBlock(true)];
  }
  const limit = allowance(s);
  // The last message stays: it may say that the answer waits for a moderator.
  const thanks = () => {
    const base = t(lang, s.kind === 'open' || s.kind === 'cloud' ? 'thanks' : 'thanks_vote');
    return message('thanks', store.get(`held:${s.id}`, false) ? `${base} ${t(lang, 'held')}` : base);
  };
  if (count >= limit) {
    if (!last) fb.replaceChildren(thanks());
    return [fb, el('p', { class: 'waiting', text: t(lang, resultsWanted(s) ? 'next_here' : 'waiting') })];
  }
  const parts = [fb];
  // keep the last message when there is one: it may say the answer waits for a moderator
  if (count > 0 && !last) {
    fb.replaceChildren(thanks());
  }
  if (limit > 1 && s.kind !== 'cloud') {
    parts.push(el('p', { class: 'hint', text: count ? plural(lang, 'answers_left', limit - count) : t(lang, 'answers_allowed', { n: limit }) }));
  }
  parts.push(answerForm(s));
  return parts;
}

// The draft of one slide: what is typed or chosen, kept across re-renders.
function draftOf(slide) {
  if (!drafts.has(slide)) drafts.set(slide, {});
  return drafts.get(slide);
}

function answerForm(s) {
  const f = el('form', { class: 'answer-form', 'data-slide': s.id, novalidate: true });
  const draft = draftOf(s.id);
  const errorBox = el('div', { class: 'form-error', 'aria-live': 'assertive' });
  let read;
  let isVote = false;
  if (s.kind === 'open' || s.kind === 'qa') {
    const id = `answer-${s.id}`;
    const max = s.max_length || 280;
    const ta = el('textarea', { id, name: 'value', rows: 4, dir: 'auto', maxlength: max, 'aria-describedby': `${id}-count` });
    ta.value = draft.text || '';
    const counter = el('div', { class: 'counter', id: `${id}-count` });
    const update = () => {
      const n = [...ta.value].length;
      counter.textContent = t(lang, 'chars', { n, max });
      counter.setAttribute('aria-label', t(lang, 'chars_long', { n, max }));
      counter.classList.toggle('over', n > max);
      counter.classList.toggle('near', n <= max && n >= max * 0.9);
    };
    ta.addEventListener('input', () => { draft.text = ta.value; update(); });
    update();
    const label = s.kind === 'qa' ? t(lang, 'ask') : doneCount(s.id) ? t(lang, 'another') : t(lang, 'your_answer');
    f.append(el('label', { for: id, text: label }), ta, counter);
    read = () => {
      const v = ta.value.trim();
      if (!v) return [null, 'empty'];
      if ([...v].length > max) return [null, 'too_long'];
      return [s.kind === 'qa' ? { ask: v } : v];
    };
  } else if (s.kind === 'cloud') {
    // Three boxes to start with; more on request, up to what is left of
    // the allowance (words given before count against it).
    const n = Math.max(1, (s.max_answers || 1) - unitsOf(s.id));
    const inputs = [];
    draft.words ||= [];
    const boxes = el('div', { class: 'words' });
    const addBox = () => {
      const i = inputs.length;
      const id = `word-${s.id}-${i}`;
      const inp = el('input', { id, type: 'text', dir: 'auto', maxlength: s.max_length || 30, autocomplete: 'off',
        autocapitalize: 'none', enterkeyhint: 'send' });
      inp.value = draft.words[i] || '';
      inp.addEventListener('input', () => { draft.words[i] = inp.value; });
      inputs.push(inp);
      boxes.append(el('label', { for: id, text: n > 1 ? t(lang, 'word', { n: i + 1 }) : t(lang, 'your_answer') }), inp);
      return inp;
    };
    const shown = Math.min(n, Math.max(3, draft.words.filter(Boolean).length));
    for (let i = 0; i < shown; i++) addBox();
    f.append(boxes);
    if (n > 1 || unitsOf(s.id)) f.prepend(el('p', { class: 'hint', text: unitsOf(s.id) ? plural(lang, 'words_left', n) : t(lang, 'words_help', { n }) }));
    if (n > shown) {
      const more = el('button', { type: 'button', class: 'secondary add-word', text: t(lang, 'add_word'),
        onclick: () => { addBox().focus(); if (inputs.length >= n) more.remove(); } });
      f.append(more);
    }
    read = () => {
      const v = inputs.map((x) => x.value.trim()).filter(Boolean);
      return v.length ? [v] : [null, 'empty'];
    };
  } else if (s.kind === 'choice') {
    isVote = true;
    draft.chosen ||= [];
    const legend = t(lang, s.multiple ? 'choose_many' : 'choose_one');
    const fs = el('fieldset', { class: 'choices' }, el('legend', { text: legend }));
    (s.options || []).forEach((o, i) => {
      const input = el('input', { type: s.multiple ? 'checkbox' : 'radio', name: `choice-${s.id}`, value: i,
        checked: draft.chosen.includes(i) });
      input.addEventListener('change', () => {
        draft.chosen = [...fs.querySelectorAll('input:checked')].map((x) => Number(x.value));
      });
      fs.append(el('label', { class: 'option' }, input, el('span', { text: o })));
    });
    f.append(fs);
    read = () => {
      const v = [...fs.querySelectorAll('input:checked')].map((x) => Number(x.value));
      if (!v.length) return [null, s.multiple ? 'choose_many' : 'choose_one'];
      return [s.multiple ? v : v[0]];
    };
  } else if (s.kind === 'scale') {
    isVote = true;
    draft.ratings ||= [];
    const labels = s.labels || ['', ''];
    (s.statements || []).forEach((text, i) => {
      const fs = el('fieldset', { class: 'scale' }, el('legend', { text }));
      const row = el('div', { class: (s.scale_max || 5) > 7 ? 'ratings many' : 'ratings' });
      for (let r = 1; r <= (s.scale_max || 5); r++) {
        const end = r === 1 ? labels[0] : r === s.scale_max ? labels[1] : '';
        const input = el('input', { type: 'radio', name: `s${s.id}-${i}`, value: r, checked: draft.ratings[i] === r,
          'aria-label': end ? `${r} (${end})` : String(r) });
        input.addEventListener('change', () => { draft.ratings[i] = r; });
        row.append(el('label', { class: 'rating' }, input, el('span', { text: String(r), 'aria-hidden': 'true' })));
      }
      fs.append(row);
      if (labels[0] || labels[1]) {
        fs.append(el('div', { class: 'scale-labels', 'aria-hidden': 'true' },
          el('span', { text: labels[0] || '' }), el('span', { text: labels[1] || '' })));
      }
      f.append(fs);
    });
    read = () => {
      const v = (s.statements || []).map((_, i) => draft.ratings[i] || 0);
      return v.every((x) => x > 0) ? [v] : [null, 'rate_all'];
    };
  } else if (s.kind === 'rank') {
    isVote = true;
    const opts = s.options || [];
    if (!draft.order || draft.order.length !== opts.length) draft.order = opts.map((_, i) => i);
    const order = draft.order;
    const list = el('ol', { class: 'rank-list' });
    const draw = (focus) => {
      list.replaceChildren(...order.map((opt, pos) => {
        const move = (to, dir) => {
          [order[to], order[pos]] = [order[pos], order[to]];
          draw([to, dir]);
          announce(t(lang, 'moved', { label: opts[opt], n: to + 1 }));
        };
        const up = el('button', { type: 'button', class: 'move', 'aria-label': `${t(lang, 'up')}: ${opts[opt]}`,
          disabled: pos === 0, onclick: () => move(pos - 1, 0) }, el('span', { 'aria-hidden': 'true', text: '▲' }));
        const down = el('button', { type: 'button', class: 'move', 'aria-label': `${t(lang, 'down')}: ${opts[opt]}`,
          disabled: pos === order.length - 1, onclick: () => move(pos + 1, 1) }, el('span', { 'aria-hidden': 'true', text: '▼' }));
        return el('li', {}, el('span', { class: 'pos', text: String(pos + 1) }),
          el('span', { class: 'label', text: opts[opt] }), up, down);
      }));
      if (focus) {
        const [pos, dir] = focus;
        const buttons = list.children[pos].querySelectorAll('button');
        (buttons[dir].disabled ? buttons[1 - dir] : buttons[dir]).focus();
      }
    };
    draw();
    f.append(el('p', { class: 'hint', text: t(lang, 'rank_help') }), list);
    read = () => [[...order]];
  }
  const send = el('button', { type: 'submit', class: 'send', text: t(lang, s.kind === 'qa' ? 'ask_send' : 'send') });
  f.append(errorBox, send);
  const clear = () => errorBox.firstChild && errorBox.replaceChildren();
  f.addEventListener('input', clear);
  f.addEventListener('change', clear);
  f.addEventListener('click', (e) => { if (e.target.closest('.move')) clear(); });
  f.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const [value, problem] = read();
    if (value == null) {
      errorBox.replaceChildren(message('error', t(lang, problem)));
      return;
    }
    errorBox.replaceChildren();
    feedback.delete(s.id);
    if (s.kind === 'qa') {
      draft.text = '';
      submit(s.id, value, { ask: true });
    } else {
      submit(s.id, value, { vote: isVote, kind: s.kind });
    }
  });
  return f;
}

// ---- reactions ----------------------------------------------------------------

// A row of a few emoji at the foot of the page, on every slide, when the
// deck turns reactions on. Nothing is kept: a tap is sent and forgotten;
// the server says when to wait (429) and the row waits that long.
const REACTIONS = [['clap', '👏'], ['heart', '❤️'], ['laugh', '😂'], ['wow', '😮'], ['idea', '💡']];
let reactBar = null;

function showReactions() {
  const on = Boolean(state?.reactions) && state.status !== 'ended' && !selfPaced();
  if (!on) { if (reactBar) reactBar.hidden = true; document.body.classList.remove('with-reactions'); return; }
  if (!reactBar) {
    reactBar = el('nav', { class: 'reactions' });
    for (const [name, emoji] of REACTIONS) {
      const b = el('button', { type: 'button', class: 'react', 'data-reaction': name },
        el('span', { 'aria-hidden': 'true', text: emoji, dir: 'ltr' }));
      b.addEventListener('click', () => react(b, name));
      reactBar.append(b);
    }
    document.body.append(reactBar);
  }
  reactBar.setAttribute('aria-label', t(lang, 'reactions'));
  for (const b of reactBar.children) b.setAttribute('aria-label', t(lang, `react_${b.dataset.reaction}`));
  reactBar.hidden = false;
  document.body.classList.add('with-reactions');
}

async function react(button, name) {
  button.classList.remove('sent');
  void button.offsetWidth;
  button.classList.add('sent');
  let res = null;
  try {
    res = await fetch(`/api/v1/sessions/${code}/reactions`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ reaction: name }),
    });
  } catch { return; }
  if (res.status === 429) {
    const wait = Math.min(Number(res.headers.get('retry-after')) || 2, 30);
    for (const b of reactBar.children) b.disabled = true;
    setTimeout(() => { for (const b of reactBar.children) b.disabled = false; }, wait * 1000);
  }
}

// ---- the countdown of a question with a timer --------------------------------

// The server closes voting at zero by itself and sends the new state; this
// only shows the time left, from the deadline in the state.
function tick() {
  const c = $('countdown');
  clearTimeout(tick.timer);
  if (!c || !state?.slide.closes_at) return;
  const left = Math.max(0, Math.ceil((state.slide.closes_at - Date.now()) / 1000));
  const clock = `${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}`;
  c.textContent = t(lang, 'time_left', { t: clock });
  c.classList.toggle('soon', left <= 10);
  if (left > 0) tick.timer = setTimeout(tick, 250);
}

// ---- results on phones ------------------------------------------------------

// A slide with `results: phones` shows its results once this participant
// has answered, or once voting is closed. A Q&A slide shows its list anyway.
function resultsWanted(s) {
  return Boolean(s.results_on_phones) && s.kind !== 'qa' && s.kind !== 'content' &&
    state.status !== 'ended' && (doneCount(s.id) > 0 || !state.open);
}

function resultsBlock(s) {
  const box = el('div', { class: 'results-body', id: 'results-body' });
  const read = state.results ? el('button', { type: 'button', class: 'secondary read-results', text: t(lang, 'read_results'),
    onclick: () => summary.readNow(lang, s.kind, phoneTally && phoneTally.id === s.id ? phoneTally : null) }) : null;
  const sec = el('section', { class: 'results', 'aria-labelledby': 'results-title' },
    el('h2', { id: 'results-title', text: t(lang, state.open ? 'results_so_far' : 'results_title') }), read, box);
  fillResults(box, s);
  return sec;
}

function fillResults(box, s) {
  if (!state.results) {
    // the presenter keeps them back for now
    box.replaceChildren(el('p', { class: 'waiting', text: t(lang, 'results_hidden') }));
    return;
  }
  box.replaceChildren(...resultsView(lang, s, phoneTally, store.get(`mine:${s.id}`, null)));
}

function renderResults() {
  const box = $('results-body');
  if (box && state) fillResults(box, state.slide);
}

// ---- Q&A: others' questions with upvotes ------------------------------------

// The questions of the live slide (from the qa event), or of a slide of
// a self-paced session (from the questionnaire).
function qaBlock(canVote) {
  return qaBlockFor(state.slide.id, qa.slide === state.slide.id ? qa.items : [], canVote && state.open, 'qa-list');
}

function qaBlockFor(slide, items, canVote, id = `qa-list-${slide}`) {
  const wrap = el('div', { class: 'qa-block' });
  wrap.append(el('h2', { text: t(lang, 'others') }), el('ul', { class: 'qa-list', id }));
  fillQa(wrap.lastChild, slide, items, canVote);
  return wrap;
}

function fillQa(ul, slide, items, canVote) {
  if (!items.length) {
    ul.replaceChildren(el('li', { class: 'waiting', text: t(lang, 'no_questions') }));
    return;
  }
  const voted = new Set(store.get(`voted:${slide}`, []));
  for (const p of pendingFor(slide)) if (p.upvote) voted.add(p.upvote);
  const own = new Set(store.get(`own:${slide}`, []));
  const focused = document.activeElement?.dataset?.qa;
  ul.replaceChildren(...items.map((q) => {
    const li = el('li', { class: q.answered ? 'answered' : '' }, el('span', { class: 'qa-text', text: q.text }));
    if (q.answered) {
      li.append(el('span', { class: 'qa-tag', text: `✓ ${t(lang, 'answered')}` }));
    } else if (own.has(q.id)) {
      li.append(el('span', { class: 'qa-tag', text: t(lang, 'own') }), el('span', { class: 'qa-votes', text: `▲ ${q.votes}` }));
    } else {
      const has = voted.has(q.id);
      li.append(el('button', {
        type: 'button', class: has ? 'upvote voted' : 'upvote', 'data-qa': q.id,
        // the visible count is part of the name (WCAG 2.5.3)
        'aria-pressed': has ? 'true' : 'false',
        'aria-label': `${t(lang, 'upvote', { text: q.text })}, ${plural(lang, 'votes', q.votes)}`,
        disabled: has || !canVote,
        onclick: (e) => {
          e.currentTarget.disabled = true;
          submit(slide, { upvote: q.id }, { upvote: q.id });
        },
      }, el('span', { 'aria-hidden': 'true', text: `▲ ${q.votes}` })));
    }
    return li;
  }));
  if (focused) ul.querySelector(`[data-qa="${focused}"]`)?.focus();
}

function renderQaList() {
  if (selfPaced()) { questionnaire.render(); return; }
  const ul = $('qa-list');
  if (ul && state) fillQa(ul, state.slide.id, qa.slide === state.slide.id ? qa.items : [], state.open);
}

// ---- the stream -----------------------------------------------------------

let source = null;
let retry = 2000;

function connect() {
  source?.close();
  source = new EventSource(`/api/v1/sessions/${code}/stream`);
  source.addEventListener('open', () => {
    retry = 2000;
    streamDown = false;
    showStatus();
    flush();
    if (selfPaced()) questionnaire.load(); // others may have answered meanwhile
  });
  source.addEventListener('state', (e) => {
    const st = JSON.parse(e.data);
    if (state && st.revision < state.revision) return;
    state = st;
    lang = st.event?.lang || lang;
    const title = document.querySelector('.event-title');
    if (title && st.event?.title) title.textContent = st.event.title;
    showReactions();
    if (selfPaced()) { questionnaire.stateChanged(st); return; }
    render();
    renderResults(); // shown or hidden by the presenter: no new page needed
  });
  source.addEventListener('results', (e) => {
    phoneTally = JSON.parse(e.data);
    renderResults();
    if ($('results-body') && state?.results && phoneTally.id === state.slide.id) {
      summary.update(lang, state.slide.kind, phoneTally);
    }
  });
  source.addEventListener('qa', (e) => {
    qa = JSON.parse(e.data);
    renderQaList();
  });
  source.addEventListener('error', () => {
    streamDown = true;
    showStatus();
    if (source.readyState === EventSource.CLOSED) {
      // Refused for good (an error status): start a new stream later.
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 30000);
    }
  });
}

const codeEl = document.querySelector('.topbar .code');
if (codeEl) codeEl.textContent = groupCode(code);
window.addEventListener('online', flush);
document.addEventListener('visibilitychange', () => {
  if (document.hidden) return;
  flush();
  if (selfPaced()) questionnaire.load(); // back after a while: the newest lists and results
});
window.addEventListener('pageshow', (e) => { if (e.persisted) connect(); });
connect();
// A stream that has not opened after a few seconds is as good as down.
setTimeout(() => { if (source.readyState !== EventSource.OPEN) { streamDown = true; showStatus(); } }, 4000);
flush(); // an answer left from before a reload goes out first
