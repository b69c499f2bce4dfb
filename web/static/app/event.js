// The event page: the deck editor with an explicit Save, the summary, the
// sessions (start again with empty results, end, links to the presenter,
// moderation and remote), the report's downloads, sharing, the deck's export
// and the moderation log.
import { el, field, nextId, announce, formatTime } from './dom.js';
import { api } from './api.js';
import { t } from '../app-i18n.js';
import { parseDeck, serialiseDeck, slideAtLine } from './deck.js';
import { createEditor } from './editor.js';
import { reportPanel } from './report.js';
import { processPanel } from './process.js';

const groupCode = (c) => String(c).replace(/(\d{3})(?=\d)/g, '$1 ');

export async function eventPage(main, id, me) {
  let ev;
  try {
    ev = await api('GET', `/api/v1/events/${id}`);
  } catch (e) {
    main.append(el('h1', {}, t('event')), el('p', { class: 'error', role: 'alert' }, e.status === 404 ? t('no_such_event') : e.message),
      el('p', {}, el('a', { href: '/app' }, t('back_dashboard'))));
    return;
  }
  const canEdit = ['owner', 'facilitator', 'admin'].includes(ev.access);
  const canShare = ['owner', 'admin'].includes(ev.access);
  document.title = `${ev.title} — inspraak`;

  let deck;
  let rawOnly = false;
  try { deck = parseDeck(ev.deck); } catch { rawOnly = true; deck = { meta: { title: ev.title, subtitle: '', lang: ev.lang, dates: '' }, slides: [] }; }
  let savedDeck = rawOnly ? ev.deck : serialiseDeck(deck).text;
  let savedSummary = ev.summary || '';
  const answers = () => ev.sessions.reduce((n, s) => n + (s.answers || 0), 0);

  // ---- head: title, save state, actions
  const h1 = el('h1', { id: 'event-h' }, ev.title);
  const saveState = el('span', { class: 'save-state', role: 'status' });
  const saveBtn = el('button', { type: 'button', id: 'save', onclick: () => save() }, t('save'));
  const deckMsg = el('div', { class: 'deck-msg', role: 'alert' });
  const head = el('div', { class: 'event-head' },
    el('div', {}, el('p', { class: 'crumbs' }, el('a', { href: '/app' }, t('dashboard')), ' · ', el('a', { href: '/app/help', target: '_blank' }, t('help'))), h1,
      el('p', { class: 'sub' }, ev.subtitle || '', ev.subtitle ? ' · ' : '', t('owner_access', { owner: ev.owner || '—', access: t(`access_${ev.access}`) }))),
    el('div', { class: 'head-actions' }, canEdit ? saveState : null, canEdit ? saveBtn : null,
      el('a', { class: 'button secondary', href: `/api/v1/events/${id}/deck.md`, download: `${slug(ev.title)}.md` }, t('export')),
      el('a', { class: 'button secondary', id: 'export-zip', href: `/api/v1/events/${id}/deck.zip`, download: `${slug(ev.title)}.zip`, title: t('export_zip_hint') }, t('export_zip'))));

  const deckText = () => (rawOnly ? rawArea.value : serialiseDeck(deck).text);
  const dirty = () => canEdit && (deckText() !== savedDeck || summaryArea.value !== savedSummary);
  function updateState() {
    const d = deckText() !== savedDeck;
    saveState.textContent = d ? t('unsaved') : t('saved');
    saveState.classList.toggle('dirty', d);
    saveBtn.disabled = !d;
    document.body.classList.toggle('has-unsaved', dirty());
  }
  window.addEventListener('beforeunload', (e) => {
    if (!dirty()) return;
    e.preventDefault();
    e.returnValue = '';
  });

  // ---- tabs
  const panels = {};
  const tabs = ['slides', 'sessions', 'website', 'summary', 'report', 'share', 'log'].filter((k) => k !== 'share' || canShare);
  const tablist = el('div', { class: 'tabs', role: 'tablist', 'aria-label': t('event_sections') });
  for (const k of tabs) {
    panels[k] = el('section', { class: `panel panel-${k}`, role: 'tabpanel', id: `panel-${k}`, 'aria-labelledby': `tab-${k}`, hidden: true, tabindex: '-1' });
    tablist.append(el('button', { type: 'button', role: 'tab', id: `tab-${k}`, 'aria-controls': `panel-${k}`, 'aria-selected': 'false', tabindex: '-1', onclick: () => show(k) }, t(`tab_${k}`)));
  }
  tablist.addEventListener('keydown', (e) => {
    const i = tabs.indexOf(document.activeElement?.id?.slice(4));
    if (i < 0) return;
    const d = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    if (!d) return;
    e.preventDefault();
    const k = tabs[(i + d + tabs.length) % tabs.length];
    show(k);
    document.getElementById(`tab-${k}`).focus();
  });
  function show(k) {
    for (const x of tabs) {
      panels[x].hidden = x !== k;
      const b = document.getElementById(`tab-${x}`);
      b.setAttribute('aria-selected', String(x === k));
      b.tabIndex = x === k ? 0 : -1;
    }
    history.replaceState(null, '', `#${k}`);
    if (k === 'log') loadLog();
    if (k === 'report') report.refresh(id);
    if (k === 'website') website.refresh();
  }

  main.append(head, deckMsg, tablist, ...Object.values(panels));

  // ---- slides
  const rawArea = el('textarea', { class: 'mono', rows: 24, id: 'raw-deck' });
  let editor = null;
  const p = panels.slides;
  if (answers() > 0 && canEdit) p.append(el('p', { class: 'notice' }, t('has_answers_note')));
  if (!canEdit) p.append(el('p', { class: 'notice' }, t('read_only')));
  if (rawOnly) {
    rawArea.value = ev.deck;
    rawArea.addEventListener('input', updateState);
    p.append(el('p', { class: 'notice' }, t('raw_only')), field(t('deck_md'), rawArea).wrap);
  } else {
    editor = createEditor(p, deck, { readOnly: !canEdit, eventId: ev.id, onChange: () => { deckMsg.replaceChildren(); editor?.clearError(); updateState(); } });
  }

  async function save() {
    const text = deckText();
    saveBtn.disabled = true;
    saveState.textContent = t('saving');
    deckMsg.replaceChildren();
    try {
      ev = await api('PUT', `/api/v1/events/${id}`, { deck: text });
      savedDeck = text;
      h1.textContent = ev.title;
      document.title = `${ev.title} — inspraak`;
      announce(t('saved'));
    } catch (e) {
      if (e.code === 'has_answers') {
        deckMsg.append(el('div', { class: 'error' }, el('p', {}, t('has_answers')),
          el('button', { type: 'button', onclick: () => copyWithChanges(text) }, t('copy_with_changes'))));
      } else if (e.code === 'invalid_deck' && e.line && !rawOnly) {
        const k = slideAtLine(serialiseDeck(deck).starts, e.line);
        deckMsg.append(el('p', { class: 'error' }, k >= 0 ? t('deck_error_slide', { n: k + 1, msg: e.message }) : t('deck_error', { msg: e.message })));
        editor.showError(k, e.message);
      } else {
        deckMsg.append(el('p', { class: 'error' }, e.message || t('offline')));
      }
    }
    updateState();
  }
  async function copyWithChanges(text) {
    try {
      const copy = await api('POST', '/api/v1/events', { deck: text });
      savedDeck = deckText();
      location.href = `/app/events/${copy.id}`;
    } catch (e) {
      deckMsg.replaceChildren(el('p', { class: 'error' }, e.message));
    }
  }
  document.addEventListener('keydown', (e) => {
    if ((e.ctrlKey || e.metaKey) && e.key === 's' && canEdit) { e.preventDefault(); if (!saveBtn.disabled) save(); }
  });

  // ---- sessions
  const sessList = el('div', { class: 'sessions' });
  const sessMsg = el('p', { class: 'form-msg', role: 'status' });
  const startBtn = el('button', { type: 'button', id: 'new-session', onclick: () => newSession('live') }, t(ev.sessions.length ? 'start_again' : 'start_first'));
  const onlineBtn = el('button', { type: 'button', id: 'new-online', class: 'secondary', onclick: () => newSession('self-paced') }, t('open_online'));
  panels.sessions.append(el('h2', {}, t('tab_sessions')), el('p', { class: 'hint' }, t('sessions_hint')),
    canEdit ? el('p', { class: 'hint' }, t('online_hint')) : null,
    canEdit ? el('div', { class: 'row' }, startBtn, onlineBtn, sessMsg) : null, sessList);
  function renderSessions() {
    startBtn.textContent = t(ev.sessions.length ? 'start_again' : 'start_first');
    if (!ev.sessions.length) { sessList.replaceChildren(el('p', { class: 'muted' }, t('no_sessions'))); return; }
    // One numbering everywhere: the server's, the order of creation, as the
    // report counts them ("Sessie 1" is the first meeting).
    const rows = [...ev.sessions].sort((a, b) => (a.number ?? 0) - (b.number ?? 0) || a.started_at - b.started_at);
    sessList.replaceChildren(...rows.map((s) => {
      const live = s.status === 'live';
      return el('article', { class: `session ${live ? 'live' : 'ended'}`, dataset: { code: s.code } },
        el('div', { class: 'session-main' },
          el('strong', { class: 'session-n' }, t('session_n', { n: s.number ?? '' })),
          canEdit ? nameField(s) : (s.name ? el('span', { class: 'session-name' }, s.name) : null),
          el('span', { class: 'code' }, groupCode(s.code)),
          el('span', { class: `pill ${s.status}` }, t(`status_${s.status}`)),
          s.mode === 'self-paced' ? el('span', { class: 'pill online' }, t('mode_self_paced')) : null,
          el('span', {}, t(s.answers === 1 ? 'answers_1' : 'answers_n', { n: s.answers })),
          el('span', { class: 'muted' }, formatTime(null, s.started_at), s.ended_at ? ` – ${formatTime(null, s.ended_at)}` : '')),
        el('div', { class: 'session-links' },
          live && s.mode === 'self-paced' ? el('a', { class: 'button small', href: `/${s.code}` }, t('public_page')) : null,
          live && canEdit ? el('a', { class: 'button small', href: `/present/${s.code}` }, t('presenter')) : null,
          live && canEdit && s.mode !== 'self-paced' ? el('a', { class: 'button secondary small', href: `/present/${s.code}/view`, target: '_blank' }, t('presenter_view')) : null,
          el('a', { class: 'button secondary small', href: `/app/moderate/${s.code}` }, t('moderate')),
          live && canEdit ? el('a', { class: 'button secondary small', href: `/app/remote/${s.code}` }, t('remote')) : null,
          live && canEdit ? el('button', { type: 'button', class: 'danger small', onclick: () => endSession(s.code) }, t('end_session')) : null),
        live && s.mode === 'self-paced' ? shareBox(s) : null);
    }));
  }
  // The facilitator's name for a session ("16 oktober"), saved on change.
  function nameField(s) {
    const input = el('input', { type: 'text', class: 'session-name', maxlength: 60, value: s.name || '',
      placeholder: t('session_name_ph'), 'aria-label': t('session_name_for', { n: s.number ?? '' }) });
    input.addEventListener('change', async () => {
      try {
        const r = await api('PUT', `/api/v1/events/${id}/sessions/${s.code}`, { name: input.value });
        s.name = r.name;
        input.value = r.name;
        announce(t('session_named'));
      } catch (e) { sessMsg.textContent = e.message; }
    });
    return input;
  }
  // An online session's link for residents: the address, its QR code, a
  // button that copies it and the flyer for the venue's tables (PDF).
  function shareBox(s) {
    const url = `${location.origin}/${s.code}`;
    const copied = el('span', { class: 'hint', role: 'status' });
    const copy = el('button', { type: 'button', class: 'secondary small', onclick: async () => {
      try { await navigator.clipboard.writeText(url); copied.textContent = t('link_copied'); } catch { copied.textContent = url; }
    } }, t('copy_link'));
    return el('div', { class: 'share-box' },
      el('img', { src: `/api/v1/sessions/${s.code}/qr.svg`, alt: t('qr_alt', { url }), width: 132, height: 132 }),
      el('div', {},
        el('p', {}, el('a', { href: url, class: 'join-link' }, url)),
        el('p', { class: 'row' }, copy,
          el('a', { class: 'button secondary small', href: `/api/v1/sessions/${s.code}/flyer.pdf?size=a4`, download: '' }, t('flyer_a4')),
          el('a', { class: 'button secondary small', href: `/api/v1/sessions/${s.code}/flyer.pdf?size=a5`, download: '' }, t('flyer_a5')), copied)));
  }
  async function refresh() {
    try { ev = await api('GET', `/api/v1/events/${id}`); } catch { /* keep what we have */ }
    renderSessions();
  }
  async function newSession(mode) {
    startBtn.disabled = onlineBtn.disabled = true;
    sessMsg.textContent = '';
    try {
      const s = await api('POST', `/api/v1/events/${id}/sessions`, { mode });
      sessMsg.textContent = mode === 'self-paced'
        ? t('online_started', { code: groupCode(s.code), url: s.join_url })
        : t('session_started', { code: groupCode(s.code) });
      await refresh();
    } catch (e) { sessMsg.textContent = e.message; }
    startBtn.disabled = onlineBtn.disabled = false;
  }
  async function endSession(code) {
    if (!confirm(t('confirm_end', { code: groupCode(code) }))) return;
    try {
      await api('POST', `/api/v1/sessions/${code}/control`, { action: 'end' });
      sessMsg.textContent = t('session_ended', { code: groupCode(code) });
    } catch (e) { sessMsg.textContent = e.message; }
    refresh();
  }
  renderSessions();

  // ---- summary
  const summaryArea = el('textarea', { rows: 14, id: 'summary' });
  summaryArea.value = savedSummary;
  const sumState = el('span', { class: 'save-state', role: 'status' });
  const sumBtn = el('button', { type: 'button', disabled: true }, t('save_summary'));
  const sumMsg = el('p', { class: 'form-msg', role: 'alert' });
  const sumChanged = () => {
    const d = summaryArea.value !== savedSummary;
    sumBtn.disabled = !d;
    sumState.textContent = d ? t('unsaved') : '';
    sumState.classList.toggle('dirty', d);
    updateState();
  };
  summaryArea.addEventListener('input', sumChanged);
  sumBtn.addEventListener('click', async () => {
    sumBtn.disabled = true;
    sumMsg.textContent = '';
    const text = summaryArea.value;
    try {
      await api('PUT', `/api/v1/events/${id}`, { summary: text });
      savedSummary = text;
      sumState.textContent = t('saved');
      announce(t('saved'));
    } catch (e) { sumMsg.textContent = e.message; }
    sumChanged();
    if (!sumMsg.textContent && summaryArea.value === savedSummary) sumState.textContent = t('saved');
  });
  if (!canEdit) summaryArea.disabled = true;
  panels.summary.append(el('h2', {}, t('tab_summary')), field(t('summary_label'), summaryArea, t('summary_hint')).wrap,
    canEdit ? el('div', { class: 'row' }, sumBtn, sumState) : null, sumMsg);

  // ---- report
  const report = reportPanel(panels.report, ev);

  // ---- website
  const website = processPanel(panels.website, id, canEdit);

  // ---- share
  if (canShare) {
    const shareList = el('ul', { class: 'shares' });
    const name = el('input', { type: 'text', maxlength: 64, autocomplete: 'off', required: true });
    const role = el('select', {}, el('option', { value: 'moderator' }, t('role_moderator')), el('option', { value: 'facilitator' }, t('role_facilitator')));
    const msg = el('p', { class: 'form-msg', role: 'alert' });
    const drawShares = () => {
      shareList.replaceChildren(...(ev.shared.length ? ev.shared.map((sh) => el('li', {},
        el('span', {}, sh.name), el('span', { class: 'pill' }, t(`role_${sh.role}`)),
        el('button', { type: 'button', class: 'secondary small', 'aria-label': t('unshare_named', { name: sh.name }), onclick: async () => {
          try { await api('DELETE', `/api/v1/events/${id}/share/${encodeURIComponent(sh.name)}`); ev.shared = ev.shared.filter((x) => x.name !== sh.name); drawShares(); announce(t('unshared', { name: sh.name })); } catch (e) { msg.textContent = e.message; }
        } }, t('unshare')))) : [el('li', { class: 'muted' }, t('not_shared'))]));
    };
    const form = el('form', { class: 'share-form', novalidate: true }, field(t('user_name'), name).wrap, field(t('role'), role).wrap,
      el('button', { type: 'submit' }, t('share')));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      msg.textContent = '';
      if (!name.value.trim()) { msg.textContent = t('name_needed'); name.focus(); return; }
      try {
        await api('POST', `/api/v1/events/${id}/share`, { name: name.value.trim(), role: role.value });
        ev.shared = ev.shared.filter((x) => x.name !== name.value.trim()).concat({ name: name.value.trim(), role: role.value });
        announce(t('shared_with', { name: name.value.trim() }));
        name.value = '';
        drawShares();
      } catch (err) { msg.textContent = err.message; }
    });
    panels.share.append(el('h2', {}, t('tab_share')), el('p', { class: 'hint' }, t('share_hint')), shareList, form, msg);
    drawShares();
  }

  // ---- moderation log
  const logBox = el('div', { class: 'log' });
  panels.log.append(el('h2', {}, t('tab_log')), logBox);
  async function loadLog() {
    logBox.replaceChildren(el('p', { class: 'muted' }, t('loading')));
    try {
      const { log } = await api('GET', `/api/v1/events/${id}/log`);
      if (!log.length) { logBox.replaceChildren(el('p', { class: 'muted' }, t('log_empty'))); return; }
      logBox.replaceChildren(el('table', {},
        el('thead', {}, el('tr', {}, ['log_at', 'log_user', 'log_action', 'log_answer', 'log_session'].map((k) => el('th', { scope: 'col' }, t(k))))),
        el('tbody', {}, log.map((r) => el('tr', {}, el('td', {}, formatTime(null, r.at)), el('td', {}, r.user),
          el('td', {}, t(`action_${r.action}`, {}, r.action)), el('td', {}, String(r.answer)), el('td', {}, groupCode(r.session || '')))))));
    } catch (e) { logBox.replaceChildren(el('p', { class: 'error' }, e.message)); }
  }

  updateState();
  window.addEventListener('hashchange', () => {
    const k = location.hash.slice(1);
    if (tabs.includes(k)) show(k);
  });
  const want = location.hash.slice(1);
  show(tabs.includes(want) ? want : 'slides');
}

function slug(s) {
  return String(s).normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'deck';
}
