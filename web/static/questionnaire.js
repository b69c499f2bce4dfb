// The page of a self-paced session: every slide of the event at once, the
// content slides as context and each question with its form, or with what
// this participant already gave (read back from the server, so a reload or
// a return days later shows it). Answers go through the same queue as on a
// live page (participant.js): saved on the phone first, sent with an id of
// their own, so nothing is lost or counted twice.
//
// Sections are redrawn only when what they show changed, so typing in one
// question is never disturbed by an answer confirmed in another.
import { t, plural } from './i18n.js';
import { resultsView } from './phone-results.js';

const isUpvote = (m) => m && m.value && typeof m.value === 'object' && !Array.isArray(m.value) && 'upvote' in m.value;

// h: what the page lends: code, main, el, message, store, answerForm(s),
// qaBlock(slide, items, open), pendingFor(slide), doneCount(slide),
// feedbackOf(slide), lang().
export function createQuestionnaire(h) {
  const { el, message } = h;
  let qn = null;
  let loading = false;
  let again = false;
  let shapeKey = '';
  const keys = new Map(); // slide id -> what its section shows, to redraw only changes

  async function load() {
    if (loading) { again = true; return; }
    loading = true;
    try {
      const res = await fetch(`/api/v1/sessions/${h.code}/questionnaire`);
      if (res.ok) {
        qn = await res.json();
        remember();
        render();
      }
    } catch { /* offline: what is shown stays; the stream says when we are back */ }
    loading = false;
    if (again) { again = false; load(); }
  }

  // The server knows best what this participant gave; the page's own
  // bookkeeping (done, own questions, upvotes) follows it.
  function remember() {
    for (const s of qn.slides) {
      if (s.kind === 'content') continue;
      const mine = s.mine || [];
      h.store.set(`done:${s.id}`, mine.filter((m) => !isUpvote(m)).length);
      if (s.kind === 'qa') {
        h.store.set(`own:${s.id}`, mine.filter((m) => !isUpvote(m)).map((m) => m.id));
        h.store.set(`voted:${s.id}`, mine.filter(isUpvote).map((m) => m.value.upvote));
      }
    }
  }

  const questions = () => (qn ? qn.slides.filter((s) => s.kind !== 'content') : []);
  // A word cloud counts words, not answers, against its allowance (issue 12).
  const words = (s) => Math.max(h.store.get(`units:${s.id}`, 0),
    (s.mine || []).filter((m) => !isUpvote(m)).flatMap((m) => [m.value].flat()).length);
  const given = (s) => (s.kind === 'cloud' ? words(s)
    : Math.max(h.doneCount(s.id), (s.mine || []).filter((m) => !isUpvote(m)).length));
  const limitOf = (s) => (s.kind === 'open' || s.kind === 'cloud' ? s.max_answers || 1 : 1);
  const isDone = (s) => s.kind !== 'qa' && given(s) >= limitOf(s);

  function slideOf(id) {
    return qn ? qn.slides.find((s) => s.id === id) : null;
  }

  function render() {
    if (!qn) return;
    const lang = h.lang();
    const shape = [qn.slides.map((s) => s.id).join(','), qn.open, lang].join('|');
    let root = document.getElementById('questionnaire');
    if (!root || shape !== shapeKey) {
      shapeKey = shape;
      keys.clear();
      root = el('div', { id: 'questionnaire', class: 'questionnaire' },
        el('p', { class: 'intro', text: t(lang, 'self_intro') }),
        el('p', { class: 'hint', text: t(lang, 'self_device') }),
        el('p', { class: 'progress', id: 'progress', role: 'status' }),
        el('nav', { class: 'q-nav', 'aria-labelledby': 'q-nav-h' },
          el('h2', { id: 'q-nav-h', text: t(lang, 'questions_nav') }), el('ol', { class: 'q-index', id: 'q-index' })));
      if (!qn.open) root.append(message('closed', t(lang, 'self_closed')));
      for (const s of qn.slides) root.append(el('div', { id: `slot-${s.id}` }));
      h.main.replaceChildren(root);
    }
    let n = 0;
    for (const s of qn.slides) {
      if (s.kind !== 'content') n++;
      const key = [JSON.stringify(s), h.pendingFor(s.id).length, h.doneCount(s.id), JSON.stringify(h.feedbackOf(s.id) || null)].join('|');
      if (keys.get(s.id) === key) continue;
      keys.set(s.id, key);
      const old = document.getElementById(`slot-${s.id}`);
      const hadFocus = old.contains(document.activeElement);
      const fresh = el('div', { id: `slot-${s.id}` }, s.kind === 'content' ? contextSection(s) : questionSection(s, n));
      old.replaceWith(fresh);
      if (hadFocus) {
        // keyboard and screen reader users stay at the question, on its news
        const to = fresh.querySelector('.feedback p, h2');
        if (to) { to.tabIndex = -1; to.focus({ preventScroll: true }); }
      }
    }
    drawProgress();
  }

  function drawProgress() {
    const lang = h.lang();
    const qs = questions();
    const done = qs.filter((s) => given(s) > 0).length;
    document.getElementById('progress').textContent = done === qs.length && qs.length
      ? t(lang, 'progress_all', { total: qs.length })
      : t(lang, 'progress', { n: done, total: qs.length });
    document.getElementById('q-index').replaceChildren(...qs.map((s) => {
      const has = given(s) > 0;
      return el('li', { class: has ? 'done' : '' },
        el('a', { href: `#q-${s.id}`, text: s.title }),
        el('span', { class: 'q-state', text: has ? `✓ ${t(lang, 'state_done')}` : t(lang, 'state_open') }));
    }));
  }

  function slideBody(s) {
    if (!s.html || !s.html.trim()) return null;
    const body = el('div', { class: 'slide-body' });
    body.innerHTML = s.html; // made safe by the server's Markdown renderer
    // every block takes the direction of its own text (issue 12)
    for (const b of body.querySelectorAll('p, li, h1, h2, h3, h4, h5, h6, blockquote, td, th')) b.dir = 'auto';
    return body;
  }

  function contextSection(s) {
    return el('section', { class: 'slide context', 'data-kind': 'content' }, slideBody(s));
  }

  function questionSection(s, n) {
    const lang = h.lang();
    const total = questions().length;
    const sec = el('section', { class: 'slide q', id: `q-${s.id}`, 'data-kind': s.kind, 'aria-labelledby': `q-${s.id}-h` },
      el('p', { class: 'q-number', text: t(lang, 'question_n', { n, total }) }),
      el('h2', { id: `q-${s.id}-h`, text: s.title }), slideBody(s));
    const fb = el('div', { class: 'feedback' });
    const last = h.feedbackOf(s.id);
    if (last) fb.append(message(...last));
    sec.append(fb);
    const mine = (s.mine || []).filter((m) => !isUpvote(m));
    if (mine.length && s.kind !== 'qa') sec.append(mineBlock(s, mine));
    const pending = h.pendingFor(s.id).filter((p) => !p.upvote).length;
    if (pending) {
      fb.replaceChildren(message('pending', t(lang, 'sending')));
    } else if (!qn.open) {
      // the facilitator paused the questionnaire; the message is at the top
    } else if (s.kind === 'qa') {
      sec.append(h.answerForm(s));
    } else if (!isDone(s)) {
      const limit = limitOf(s);
      const count = given(s);
      if (limit > 1 && s.kind !== 'cloud') { // the word form says how many words are left
        sec.append(el('p', { class: 'hint', text: count
          ? plural(lang, 'answers_left', limit - count) : t(lang, 'answers_allowed', { n: limit }) }));
      }
      sec.append(h.answerForm(s));
    }
    if (s.kind === 'qa') sec.append(h.qaBlock(s.id, s.items || [], qn.open && !pending));
    if (s.results) {
      sec.append(el('section', { class: 'results', 'aria-labelledby': `r-${s.id}-h` },
        el('h3', { id: `r-${s.id}-h`, text: t(lang, 'results_so_far') }),
        el('div', { class: 'results-body' }, ...resultsView(lang, s, s.results, mine[0]?.value))));
    }
    return sec;
  }

  // What the participant gave, in words: the text, the words, the chosen
  // options, the ratings, the order.
  function mineBlock(s, mine) {
    const lang = h.lang();
    const box = el('div', { class: 'given' },
      el('h3', { text: t(lang, mine.length > 1 ? 'mine_many' : 'mine_one') }));
    const held = (m) => (m.held ? el('span', { class: 'mine-held', text: ` (${t(lang, 'mine_held')})` }) : null);
    const v = mine[0].value;
    if (s.kind === 'open') {
      box.append(el('ul', { class: 'mine-list' }, ...mine.map((m) => el('li', {}, el('span', { text: m.value }), held(m)))));
    } else if (s.kind === 'cloud') {
      box.append(el('p', {}, el('span', { text: mine.flatMap((m) => m.value).join(', ') }), held(mine[0])));
    } else if (s.kind === 'choice') {
      box.append(el('ul', { class: 'mine-list' }, ...[v].flat().map((i) => el('li', { text: (s.options || [])[i] ?? '?' }))));
    } else if (s.kind === 'scale') {
      box.append(el('ul', { class: 'mine-list' }, ...(s.statements || []).map((st, i) =>
        el('li', {}, el('span', { text: `${st}: ` }), el('strong', { text: t(lang, 'rating_of', { n: v[i], max: s.scale_max || 5 }) })))));
    } else if (s.kind === 'rank') {
      box.append(el('ol', { class: 'mine-list' }, ...v.map((i) => el('li', { text: (s.options || [])[i] ?? '?' }))));
    }
    return box;
  }

  // A new state: fetch again when what the questionnaire shows may differ.
  let stateKey = '';
  function stateChanged(st) {
    const k = [st.status, st.open, st.results, st.slide?.count].join('|');
    if (k === stateKey && qn) return;
    stateKey = k;
    load();
  }

  return { load, render, slideOf, stateChanged, active: () => qn != null };
}
