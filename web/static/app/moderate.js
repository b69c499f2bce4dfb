// The moderation panel of one session: answers arrive live over the
// results stream with hidden ones included; every open answer and Q&A
// question can be hidden or shown again, questions marked answered.
// Participant text only ever goes in as text.
import { el, announce, nextId } from './dom.js';
import { api } from './api.js';
import { t } from '../app-i18n.js';
import { openResults, findEvent, groupCode } from './stream.js';
import { websiteModeration } from './process.js';

export async function moderatePage(main, code) {
  document.title = `${t('moderation')} ${groupCode(code)} — inspraak`;
  const tallies = new Map();
  let state = null, ev = null, shown = null, follow = true;

  const conn = el('p', { class: 'conn', role: 'status', hidden: true }, t('reconnecting'));
  const eventLine = el('p', { class: 'sub' });
  const current = el('p', { class: 'current' });
  const pick = el('select', { id: nextId('q') });
  const followBox = el('input', { type: 'checkbox', id: nextId('follow'), checked: true });
  const counts = el('dl', { class: 'counts' });
  const list = el('ol', { class: 'mod-list', 'aria-live': 'off' });
  const note = el('p', { class: 'muted' });
  const msg = el('p', { class: 'form-msg', role: 'alert' });
  const backLink = el('a', { href: '/app' }, t('dashboard'));
  main.append(el('p', { class: 'crumbs' }, backLink),
    el('h1', {}, t('moderation'), ' ', el('span', { class: 'code' }, groupCode(code))), eventLine, conn, current,
    el('div', { class: 'mod-controls' },
      el('div', { class: 'check' }, followBox, el('label', { for: followBox.id }, t('follow'))),
      el('div', { class: 'field inline' }, el('label', { for: pick.id }, t('question_pick')), pick)),
    counts, msg, note, list);

  followBox.addEventListener('change', () => { follow = followBox.checked; if (follow && state) choose(state.slide.id); });
  pick.addEventListener('change', () => { follow = false; followBox.checked = false; choose(Number(pick.value)); });

  const slideInfo = (id) => ev?.slides?.find((s) => s.id === id);
  const title = (id) => slideInfo(id)?.title || (state?.slide.id === id ? state.slide.title : '') || t('question_n', { id });

  function fillPick() {
    const ids = [...tallies.keys()];
    const keep = pick.value;
    pick.replaceChildren(...ids.map((id, i) => el('option', { value: id }, `${i + 1}. ${title(id)} (${t(`kind_${tallies.get(id).kind}`)})`)));
    if (keep) pick.value = keep;
  }
  function choose(id) {
    shown = id;
    if (tallies.has(id)) pick.value = String(id);
    draw();
  }

  const nodes = new Map();
  function itemNode(it, kind) {
    let n = nodes.get(it.id);
    if (!n) {
      n = { text: el('p', { class: 'mod-text' }), meta: el('span', { class: 'mod-meta' }), tag: el('span', { class: 'pill hidden-tag' }, t('hidden')),
        hide: el('button', { type: 'button', class: 'small' }),
        reject: el('button', { type: 'button', class: 'danger small', hidden: true }, t('reject')),
        ans: kind === 'qa' ? el('button', { type: 'button', class: 'secondary small' }) : null,
        pin: kind === 'qa' ? el('button', { type: 'button', class: 'secondary small' }) : null,
        // the sociale kaart: this answer names an initiative (a draft entry)
        kaart: kind === 'open' || kind === 'qa' ? el('button', { type: 'button', class: 'secondary small kaart-promote' }, t('kaart_promote')) : null,
        kaartLink: el('a', { class: 'kaart-edit', hidden: true }, t('kaart_edit')) };
      n.li = el('li', { class: 'mod-item', dataset: { id: it.id } }, n.text, el('div', { class: 'mod-row' }, n.meta, n.tag, n.hide, n.reject, n.ans, n.pin, n.kaart, n.kaartLink));
      n.kaart?.addEventListener('click', () => toKaart(n, it.id));
      // a held answer is approved by showing it, rejected by hiding it for good
      n.hide.addEventListener('click', () => act(n, it.id, n.hidden ? 'show' : 'hide'));
      n.reject.addEventListener('click', () => act(n, it.id, 'hide'));
      n.ans?.addEventListener('click', () => act(n, it.id, n.answered ? 'unanswered' : 'answered'));
      n.pin?.addEventListener('click', () => act(n, it.id, n.pinned ? 'unpin' : 'pin'));
      nodes.set(it.id, n);
    }
    n.hidden = !!it.hidden;
    n.pending = !!it.pending;
    n.answered = !!it.answered;
    n.pinned = !!it.pinned;
    n.text.textContent = it.text;
    n.text.dir = 'auto';
    n.li.classList.toggle('is-hidden', n.hidden);
    n.li.classList.toggle('is-pending', n.pending);
    n.li.classList.toggle('is-answered', n.answered);
    n.tag.hidden = !n.hidden;
    n.tag.textContent = t(n.pending ? 'pending' : 'hidden');
    const at = it.at ? new Date(it.at).toLocaleTimeString(document.documentElement.lang === 'en' ? 'en-GB' : 'nl-NL', { hour: '2-digit', minute: '2-digit' }) : '';
    n.meta.textContent = kind === 'qa' ? `${t(it.votes === 1 ? 'votes_1' : 'votes_n', { n: it.votes })}${n.answered ? ` · ${t('answered')}` : ''} · ${at}` : at;
    const label = n.pending ? 'approve' : n.hidden ? 'show' : 'hide';
    n.hide.textContent = t(label);
    n.hide.className = n.hidden ? 'small' : 'danger small';
    n.hide.setAttribute('aria-label', `${t(label)}: ${it.text.slice(0, 80)}`);
    n.reject.hidden = !n.pending;
    n.reject.setAttribute('aria-label', `${t('reject')}: ${it.text.slice(0, 80)}`);
    if (n.ans) n.ans.textContent = t(n.answered ? 'mark_unanswered' : 'mark_answered');
    if (n.pin) n.pin.textContent = t(n.pinned ? 'unpin' : 'pin');
    n.kaart?.setAttribute('aria-label', `${t('kaart_promote')}: ${it.text.slice(0, 80)}`);
    return n.li;
  }
  async function toKaart(n, id) {
    msg.textContent = '';
    n.kaart.disabled = true;
    try {
      const r = await api('POST', `/api/v1/answers/${id}/kaart`);
      n.kaartLink.href = `${r.url}?lang=${document.documentElement.lang === 'en' ? 'en' : 'nl'}`;
      n.kaartLink.hidden = false;
      n.kaart.hidden = true;
      announce(t('kaart_done'));
    } catch (e) { msg.textContent = e.message; n.kaart.disabled = false; }
  }
  async function act(n, id, action) {
    msg.textContent = '';
    const buttons = [n.hide, n.reject, n.ans, n.pin].filter(Boolean);
    buttons.forEach((b) => { b.disabled = true; });
    try {
      const r = await api('POST', `/api/v1/answers/${id}/${action}`);
      if ('hidden' in r) { n.hidden = r.hidden; n.pending = false; }
      if ('answered' in r) n.answered = r.answered;
      if ('pinned' in r) n.pinned = r.pinned;
      announce(t(`done_${action}`));
    } catch (e) { msg.textContent = e.message; }
    buttons.forEach((b) => { b.disabled = false; });
  }

  function draw() {
    const tl = tallies.get(shown);
    counts.replaceChildren();
    if (!tl) { list.replaceChildren(); note.textContent = t('no_questions_here'); return; }
    const stat = (k, v) => el('div', {}, el('dt', {}, t(k)), el('dd', {}, String(v ?? 0)));
    // An answer that waits for approval is not hidden by anyone: it has a
    // count of its own (issue 12). The tally's hidden count holds both.
    const items = tl.items || [];
    const waiting = items.filter((it) => it.pending).length;
    const hidden = tl.kind === 'open' || tl.kind === 'qa' || tl.kind === 'cloud'
      ? items.filter((it) => it.hidden && !it.pending).length : tl.hidden;
    counts.append(stat('respondents', tl.respondents), stat('answers', tl.answers), stat('hidden_n', hidden));
    if (waiting) counts.append(stat('waiting_n', waiting));
    if (tl.kind === 'open' || tl.kind === 'qa' || tl.kind === 'cloud') {
      const items = tl.items || [];
      note.textContent = items.length ? '' : t('no_answers_yet');
      list.replaceChildren(...items.map((it) => itemNode(it, tl.kind)));
    } else {
      note.textContent = t('not_moderated', { kind: t(`kind_${tl.kind}`) });
      const rows = tl.kind === 'cloud' ? (tl.words || []).map((w) => `${w.text} (${w.count})`)
        : tl.kind === 'scale' ? (tl.statements || []).map((s) => `${s.text}: ${s.count}`)
          : (tl.options || []).map((o) => `${o.label}: ${o.count}`);
      list.replaceChildren(...rows.map((r) => el('li', { class: 'mod-item plain' }, r)));
    }
  }

  function onState(st) {
    if (state && st.revision < state.revision) return;
    state = st;
    eventLine.textContent = `${st.event?.title || ''} · ${t(`status_${st.status}`)}`;
    current.textContent = t('current_slide', { n: st.slide.index + 1, total: st.slide.count, title: st.slide.title || t('untitled') });
    if (follow && tallies.has(st.slide.id)) choose(st.slide.id);
  }
  function onResults(tl) {
    const fresh = !tallies.has(tl.id);
    tallies.set(tl.id, tl);
    if (fresh) fillPick();
    if (shown == null) choose(state && tallies.has(state.slide.id) ? state.slide.id : tl.id);
    else if (tl.id === shown) draw();
  }
  openResults(code, { hidden: true, onState, onResults, onConn: (ok) => { conn.hidden = ok; } });
  ev = await findEvent(code).catch(() => null);
  if (ev) { backLink.href = `/app/events/${ev.id}#sessions`; backLink.textContent = ev.title; fillPick(); draw(); }
  if (ev) websiteModeration(main, ev.id);
}
