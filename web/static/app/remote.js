// The presenter remote for a phone: next and previous, results and voting
// on and off, with the current slide and its counts. It follows the same
// results stream as the presenter screen, so both stay in step.
import { el } from './dom.js';
import { api } from './api.js';
import { t } from '../app-i18n.js';
import { openResults, groupCode } from './stream.js';

export function remotePage(main, code) {
  document.title = `${t('remote')} ${groupCode(code)} — inspraak`;
  document.body.classList.add('remote-page');
  let state = null;
  const tallies = new Map();
  const conn = el('p', { class: 'conn', role: 'status', hidden: true }, t('reconnecting'));
  const pos = el('p', { class: 'r-pos' });
  const title = el('p', { class: 'r-title', 'aria-live': 'polite' });
  const flags = el('p', { class: 'r-flags' });
  const people = el('div', {}, el('dt', {}, t('respondents')), el('dd', {}, '0'));
  const answers = el('div', {}, el('dt', {}, t('answers')), el('dd', {}, '0'));
  const msg = el('p', { class: 'form-msg', role: 'alert' });
  const btn = (cls, key, action) => el('button', { type: 'button', class: `r-btn ${cls}`, onclick: () => act(action()) }, t(key));
  const prev = btn('prev', 'prev', () => 'prev');
  const next = btn('next', 'next', () => 'next');
  const results = btn('secondary', 'show_results', () => (state?.results ? 'hide-results' : 'show-results'));
  const lock = btn('secondary', 'lock', () => (state?.open ? 'close' : 'open'));
  main.append(el('h1', { class: 'r-head' }, t('remote'), ' ', el('span', { class: 'code' }, groupCode(code))), conn,
    el('section', { class: 'r-now', 'aria-label': t('now_showing') }, pos, title, flags, el('dl', { class: 'counts' }, people, answers)),
    el('div', { class: 'r-pad' }, prev, next, results, lock), msg,
    el('p', { class: 'r-links' }, el('a', { href: `/present/${code}` }, t('presenter')), ' · ', el('a', { href: `/app/moderate/${code}` }, t('moderate'))));

  async function act(action) {
    msg.textContent = '';
    try {
      const st = await api('POST', `/api/v1/sessions/${code}/control`, { action });
      if (st?.slide) onState(st);
    } catch (e) { msg.textContent = e.message; }
  }
  function counts() {
    const tl = state && tallies.get(state.slide.id);
    people.lastChild.textContent = String(tl?.respondents ?? 0);
    answers.lastChild.textContent = String(tl?.answers ?? 0);
  }
  function onState(st) {
    if (state && st.revision < state.revision) return;
    state = st;
    const s = st.slide;
    const ended = st.status === 'ended';
    pos.textContent = t('slide_of', { n: s.index + 1, total: s.count, kind: t(`kind_${s.kind}`) });
    title.textContent = s.title || t('untitled');
    const q = s.kind !== 'content';
    flags.textContent = ended ? t('status_ended') : q ? `${t(st.open ? 'voting_open' : 'voting_closed')} · ${t(st.results ? 'results_on' : 'results_off')}` : '';
    results.textContent = t(st.results ? 'hide_results' : 'show_results');
    results.setAttribute('aria-pressed', String(!!st.results));
    lock.textContent = t(st.open ? 'lock' : 'unlock');
    lock.setAttribute('aria-pressed', String(!st.open));
    prev.disabled = ended || s.index === 0;
    next.disabled = ended || s.index >= s.count - 1;
    results.disabled = lock.disabled = ended || !q;
    counts();
  }
  openResults(code, {
    onState,
    onResults: (tl) => { tallies.set(tl.id, tl); counts(); },
    onConn: (ok) => { conn.hidden = ok; },
  });
}
