// The presenter view (/present/CODE/view): the facilitator's laptop beside
// the stage on the projector. It follows the session through the
// moderators' results stream, as the stage follows the presenters': both
// receive the same state frame at the same moment. It shows the current
// slide small, the next one, the speaker notes (read from
// /api/v1/sessions/CODE/presenter, never sent on a stream), the time since
// the presentation began, the phones connected, the keys and the answers
// waiting for a moderator. Its keys drive the session like the stage's.
const code = location.pathname.split('/')[2];
const $ = (id) => document.getElementById(id);

const words = {
  nl: {
    title: 'Presentatorweergave', now: 'Nu op het scherm', next: 'Volgende dia', notes: 'Notities',
    no_notes: 'Geen notities bij deze dia. Schrijf ze in de editor (veld "Sprekersnotities") of in de presentatie na een regel ???.',
    waiting: 'Wacht op moderatie', none_waiting: 'Geen antwoorden die wachten.',
    approve: 'Tonen', reject: 'Weigeren', keys: 'Toetsen', people: 'deelnemers verbonden', people_one: 'deelnemer verbonden',
    end: 'Einde van de presentatie', last: 'Dit is de laatste dia.', stage: 'Presentatiescherm openen ↗',
    k_next: 'volgende dia', k_prev: 'vorige dia', k_results: 'resultaten tonen of verbergen', k_lock: 'stemmen sluiten of openen',
    k_join: 'deelname-instructies (op het presentatiescherm)', k_full: 'volledig scherm (op het presentatiescherm)',
    k_clock: 'klok op nul', clock: 'Tijd sinds de start; klik of druk T om op nul te zetten',
    reconnecting: 'Opnieuw verbinden…', offline: 'Geen verbinding.', ended: 'Deze sessie is afgelopen.',
    open: 'stemmen open', locked: 'stemmen gesloten', results_on: 'resultaten zichtbaar', results_off: 'resultaten verborgen',
    website: 'Website', no_website: 'Geen gepubliceerde website: de zaal ziet alleen de tekst. Publiceer het proces in de werkruimte (tab Website).',
    kinds: { content: 'Dia', open: 'Open vraag', cloud: 'Woordwolk', choice: 'Meerkeuzevraag', scale: 'Schaalvraag', rank: 'Rangorde', qa: 'Vragen uit de zaal' },
    slide_n: 'dia {i} van {n}',
  },
  en: {
    title: 'Presenter view', now: 'On the screen now', next: 'Next slide', notes: 'Notes',
    no_notes: 'No notes for this slide. Write them in the editor ("Speaker notes") or in the deck after a line ???.',
    waiting: 'Waiting for moderation', none_waiting: 'No answers waiting.',
    approve: 'Show', reject: 'Reject', keys: 'Keys', people: 'participants connected', people_one: 'participant connected',
    end: 'End of the presentation', last: 'This is the last slide.', stage: 'Open the presenter screen ↗',
    k_next: 'next slide', k_prev: 'previous slide', k_results: 'show or hide the results', k_lock: 'lock or unlock voting',
    k_join: 'join instructions (on the presenter screen)', k_full: 'full screen (on the presenter screen)',
    k_clock: 'reset the clock', clock: 'Time since the start; click or press T to reset',
    reconnecting: 'Reconnecting…', offline: 'No connection.', ended: 'This session has ended.',
    open: 'voting open', locked: 'voting locked', results_on: 'results shown', results_off: 'results hidden',
    website: 'Website', no_website: 'No published website: the room sees only the text. Publish the process in the workspace (Website tab).',
    kinds: { content: 'Slide', open: 'Open question', cloud: 'Word cloud', choice: 'Multiple choice', scale: 'Scale', rank: 'Ranking', qa: 'Questions from the room' },
    slide_n: 'slide {i} of {n}',
  },
};
const prefers = (navigator.languages || [navigator.language || 'nl']).map((l) => l.slice(0, 2));
const lang = prefers.find((l) => l === 'nl' || l === 'en') || 'nl';
const t = (k, vars = {}) => String(words[lang][k] ?? words.en[k] ?? k).replace(/\{(\w+)\}/g, (_, n) => vars[n] ?? '');

let csrf = '';
let state = null;
let slides = []; // every slide of the session with its notes
const tallies = new Map();
let source = null, retry = 1000;
const clockKey = `inspraak-view-start-${code}`;
let startedAt = Number(sessionStorage.getItem(clockKey)) || Date.now();
sessionStorage.setItem(clockKey, String(startedAt));

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text != null) e.textContent = text;
  return e;
}

function showError(msg) {
  const e = $('pv-error');
  e.textContent = msg;
  e.hidden = !msg;
  if (msg) setTimeout(() => { if (e.textContent === msg) e.hidden = true; }, 5000);
}

function toLogin() { location.href = `/login?next=${encodeURIComponent(location.pathname)}`; }

async function post(path, payload) {
  let res;
  try {
    res = await fetch(path, {
      method: 'POST', body: JSON.stringify(payload || {}),
      headers: { 'content-type': 'application/json', 'x-csrf-token': csrf, 'accept-language': lang },
    });
  } catch { showError(t('offline')); return null; }
  if (res.status === 401) { toLogin(); return null; }
  const data = await res.json().catch(() => ({}));
  if (!res.ok) { showError(data.error || `${res.status}`); return null; }
  return data;
}

async function control(action) {
  const st = await post(`/api/v1/sessions/${code}/control`, { action });
  if (st && st.slide && (!state || st.revision >= state.revision)) applyState(st);
}

// ---- slides --------------------------------------------------------------

// A slide as the stage lays it out, scaled into its frame. html is made
// safe by the server's Markdown renderer, as on the stage.
function drawSlide(box, s) {
  box.replaceChildren();
  box.className = 'pv-slide';
  if (!s) {
    box.classList.add('pv-end');
    box.textContent = t('end');
    return;
  }
  const onlyImage = s.kind === 'content' && /^\s*<p><img [^>]*><\/p>\s*$/.test(s.html || '');
  if (onlyImage) box.classList.add('pv-image');
  if (s.kind !== 'content' || s.website) {
    box.append(el('p', 'pv-kind', s.website ? t('website') : (words[lang].kinds[s.kind]) || s.kind), el('h1', null, s.title));
  }
  const body = el('div');
  body.innerHTML = s.html || '';
  box.append(body);
  const items = s.options || s.statements;
  if (items && items.length) {
    const ul = el('ul', 'pv-options');
    for (const o of items) ul.append(el('li', null, o));
    box.append(ul);
  }
}

function fitFrames() {
  for (const f of document.querySelectorAll('.pv-frame')) {
    const k = f.clientWidth / 1920;
    f.firstElementChild.style.setProperty('--k', String(k));
  }
}

function render() {
  if (!state) return;
  const cur = state.slide;
  const i = cur.index ?? slides.findIndex((s) => s.id === cur.id);
  const full = slides.find((s) => s.id === cur.id) || cur;
  document.title = `${t('title')} — ${state.event?.title || ''}`;
  $('pv-title').textContent = state.event?.title || '';
  $('pv-position').textContent = t('slide_n', { i: i + 1, n: cur.count ?? slides.length });
  $('pv-flags').textContent = state.status === 'ended' ? t('ended')
    : cur.kind === 'content' ? '' : `${t(state.open ? 'open' : 'locked')} · ${t(state.results ? 'results_on' : 'results_off')}`;
  drawSlide($('pv-current'), { ...full, html: cur.html ?? full.html });
  drawSlide($('pv-next'), slides[i + 1] || null);
  const notes = full.notes || '';
  $('pv-notes').textContent = notes || t('no_notes');
  $('pv-notes').classList.toggle('pv-empty', !notes);
  $('pv-results').setAttribute('aria-pressed', state.results ? 'true' : 'false');
  $('pv-lock').setAttribute('aria-pressed', state.open ? 'false' : 'true');
  websiteNote(full);
  document.body.dataset.slide = String(cur.id);
  document.body.dataset.revision = String(state.revision);
  fitFrames();
}

// On a website slide, whether the event has a published website: the
// stage then shows its address and QR code; without one this view says so
// (the stage does not: the room need not know).
let websiteFor = 0;
async function websiteNote(s) {
  const note = $('pv-website');
  if (!s.website) { note.hidden = true; websiteFor = 0; return; }
  if (websiteFor === s.id) return;
  websiteFor = s.id;
  let ok = false;
  try { ok = (await fetch(`/api/v1/sessions/${code}/website`)).ok; } catch { /* as none */ }
  if (websiteFor !== s.id) return;
  note.textContent = t('no_website');
  note.hidden = ok;
}

function applyState(st) {
  state = st;
  render();
}

// ---- answers waiting for a moderator --------------------------------------

function drawWaiting() {
  const list = $('pv-waiting');
  const waiting = [];
  for (const s of slides) {
    const tl = tallies.get(s.id);
    for (const it of tl?.items || []) if (it.pending) waiting.push(it);
  }
  waiting.sort((a, b) => a.at - b.at);
  list.replaceChildren(...waiting.slice(0, 50).map((it) => {
    const ok = el('button', 'pv-ok', t('approve'));
    const no = el('button', 'pv-no', t('reject'));
    ok.setAttribute('aria-label', `${t('approve')}: ${it.text.slice(0, 80)}`);
    no.setAttribute('aria-label', `${t('reject')}: ${it.text.slice(0, 80)}`);
    ok.addEventListener('click', () => post(`/api/v1/answers/${it.id}/show`));
    no.addEventListener('click', () => post(`/api/v1/answers/${it.id}/hide`));
    const li = el('li');
    li.append(el('span', null, it.text), ok, no);
    return li;
  }));
  $('pv-wait-none').textContent = waiting.length ? '' : t('none_waiting');
}

// ---- the clock, the count of phones ---------------------------------------

function tick() {
  const s = Math.max(0, Math.floor((Date.now() - startedAt) / 1000));
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = String(s % 60).padStart(2, '0');
  $('pv-elapsed').textContent = h ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

function resetClock() {
  startedAt = Date.now();
  sessionStorage.setItem(clockKey, String(startedAt));
  tick();
}

async function loadSlides() {
  const res = await fetch(`/api/v1/sessions/${code}/presenter`, { headers: { 'accept-language': lang } }).catch(() => null);
  if (!res) return;
  if (res.status === 401) { toLogin(); return; }
  if (!res.ok) return;
  const p = await res.json();
  const changed = JSON.stringify(p.slides) !== JSON.stringify(slides);
  slides = p.slides;
  $('pv-people').textContent = String(p.participants);
  $('pv-people-label').textContent = t(p.participants === 1 ? 'people_one' : 'people');
  if (changed) { render(); drawWaiting(); }
}

// ---- keys and the stream --------------------------------------------------

function act(action) {
  if (!state) return;
  switch (action) {
    case 'next': control('next'); break;
    case 'prev': control('prev'); break;
    case 'results': control(state.results ? 'hide-results' : 'show-results'); break;
    case 'lock': control(state.open ? 'close' : 'open'); break;
    default: break;
  }
}

document.addEventListener('keydown', (e) => {
  if (e.altKey || e.ctrlKey || e.metaKey) return;
  const map = { ArrowRight: 'next', ' ': 'next', PageDown: 'next', ArrowLeft: 'prev', PageUp: 'prev', r: 'results', R: 'results', l: 'lock', L: 'lock' };
  if (e.key === 't' || e.key === 'T') { resetClock(); return; }
  const a = map[e.key];
  if (!a) return;
  e.preventDefault();
  act(a);
});

function connect() {
  source?.close();
  source = new EventSource(`/api/v1/sessions/${code}/results/stream?hidden=1`);
  source.addEventListener('open', () => { retry = 1000; $('pv-conn').hidden = true; });
  source.addEventListener('state', (e) => {
    const st = JSON.parse(e.data);
    if (!state || st.revision >= state.revision || st.slide.id !== state.slide.id) applyState(st);
  });
  source.addEventListener('results', (e) => {
    const tally = JSON.parse(e.data);
    tallies.set(tally.id, tally);
    drawWaiting();
  });
  source.addEventListener('error', async () => {
    $('pv-conn').hidden = false;
    $('pv-conn').textContent = t('reconnecting');
    if (source.readyState !== EventSource.CLOSED) return;
    const me = await fetch('/api/v1/me').catch(() => null);
    if (me && me.status === 401) { toLogin(); return; }
    setTimeout(connect, retry);
    retry = Math.min(retry * 2, 15000);
  });
}

function labels() {
  document.documentElement.lang = lang;
  $('pv-now-h').textContent = t('now');
  $('pv-next-h').textContent = t('next');
  $('pv-notes-h').textContent = t('notes');
  $('pv-wait-h').textContent = t('waiting');
  $('pv-keys-h').textContent = t('keys');
  $('pv-clock').title = t('clock');
  $('pv-stage').textContent = t('stage');
  $('pv-stage').href = `/present/${code}`;
  const keys = [['→ Space PgDn', 'k_next'], ['← PgUp', 'k_prev'], ['R', 'k_results'], ['L', 'k_lock'], ['T', 'k_clock'], ['J', 'k_join'], ['F', 'k_full']];
  $('pv-keys').replaceChildren(...keys.flatMap(([k, v]) => [el('dt', null, k), el('dd', null, t(v))]));
  for (const b of document.querySelectorAll('.pv-controls button')) {
    b.addEventListener('click', () => act(b.dataset.action));
    b.setAttribute('aria-label', t(`k_${b.dataset.action}`));
  }
  $('pv-clock').addEventListener('click', resetClock);
}

async function start() {
  labels();
  const me = await fetch('/api/v1/me').catch(() => null);
  if (me && me.status === 401) { toLogin(); return; }
  if (me && me.ok) csrf = (await me.json()).csrf || '';
  await loadSlides();
  connect();
  tick();
  setInterval(tick, 1000);
  setInterval(loadSlides, 5000);
  new ResizeObserver(fitFrames).observe(document.body);
}

start();
