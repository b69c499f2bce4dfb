// The event's website (docs/protocol.md, "Processes"): publish the event as
// a process, edit its description, phases and topics, and write the
// municipality's reaction; and, for the moderation panel, the website's
// posts that wait for a moderator or were flagged. Residents' text only
// ever goes in as text.
import { el, field, nextId, announce, formatTime } from './dom.js';
import { api } from './api.js';
import { t } from '../app-i18n.js';

const clientId = () => Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, '0')).join('');

// The "Website" tab of an event page.
export function processPanel(panel, eventId, canEdit) {
  let proc = null;
  const msg = el('p', { class: 'form-msg', role: 'alert' });
  const status = el('p', { class: 'site-status', role: 'status' });
  const published = el('input', { type: 'checkbox', id: nextId('pub'), disabled: !canEdit });
  const slug = el('input', { type: 'text', maxlength: 60, autocomplete: 'off', pattern: '[a-z0-9-]+', disabled: !canEdit });
  const desc = el('textarea', { rows: 6, maxlength: 10000, disabled: !canEdit });
  const premod = el('input', { type: 'checkbox', id: nextId('pre'), disabled: !canEdit });
  const emailLogin = el('input', { type: 'checkbox', id: nextId('mail'), disabled: !canEdit });
  const emailRequired = el('input', { type: 'checkbox', id: nextId('mailreq'), disabled: !canEdit });
  const inviteOnly = el('input', { type: 'checkbox', id: nextId('invite'), disabled: !canEdit });
  // invitation codes of a closed panel: made N at a time, listed as CSV
  const inviteCount = el('input', { type: 'number', id: nextId('invcount'), min: 1, max: 500, value: 20, disabled: !canEdit });
  const inviteOut = el('pre', { class: 'invite-codes' });
  const inviteMsg = el('p', { class: 'form-msg', role: 'alert' });
  const inviteBtn = el('button', { type: 'button', class: 'secondary small', disabled: !canEdit }, t('site_invites_make'));
  inviteBtn.addEventListener('click', async () => {
    inviteMsg.textContent = '';
    try {
      const r = await api('POST', `/api/v1/events/${eventId}/process/invites`, { count: Number(inviteCount.value) });
      inviteOut.textContent = r.codes.join('\n');
      announce(t('site_invites_made', { n: r.codes.length }));
    } catch (e) { inviteMsg.textContent = e.message; }
  });
  const retention = el('input', { type: 'date', id: 'site-retention', disabled: !canEdit });
  const phaseList = el('ol', { class: 'site-phases' });
  const topicList = el('ol', { class: 'site-topics' });
  const saveBtn = el('button', { type: 'button', id: 'save-site' }, t('site_save'));
  const reactBox = el('div', { class: 'site-reactions' });
  let phases = [], topics = [];

  const phaseRow = (ph) => {
    const name = el('input', { type: 'text', maxlength: 200, value: ph.name || '', disabled: !canEdit });
    const start = el('input', { type: 'date', value: ph.start || '', disabled: !canEdit });
    const end = el('input', { type: 'date', value: ph.end || '', disabled: !canEdit });
    const row = { name, start, end };
    row.li = el('li', { class: 'site-row' }, field(t('site_phase_name'), name).wrap, field(t('site_phase_start'), start).wrap,
      field(t('site_phase_end'), end, t('site_phase_end_hint')).wrap,
      canEdit ? el('button', { type: 'button', class: 'secondary small', onclick: () => { phases = phases.filter((x) => x !== row); drawPhases(); drawTopics(); } }, t('site_remove')) : null);
    return row;
  };
  const topicRow = (tp) => {
    const title = el('input', { type: 'text', maxlength: 200, value: tp.title || '', disabled: !canEdit });
    const body = el('textarea', { rows: 3, maxlength: 10000, disabled: !canEdit });
    body.value = tp.body || '';
    const phase = el('select', { disabled: !canEdit });
    const slide = el('select', { disabled: !canEdit },
      el('option', { value: '' }, t('site_own_topic')),
      ...(proc?.questions || []).map((q) => el('option', { value: q.id }, `${q.title} (${t(`kind_${q.kind}`)})`)));
    slide.value = tp.slide ? String(tp.slide) : '';
    slide.addEventListener('change', () => {
      // a question topic takes the question's words unless some were typed
      const q = proc?.questions.find((x) => String(x.id) === slide.value);
      if (q && !title.value.trim()) title.value = q.title;
    });
    const row = { id: tp.id, title, body, phase, slide, want: tp.phase ?? -1 };
    row.li = el('li', { class: 'site-row' }, field(t('site_topic_title'), title).wrap, field(t('site_topic_body'), body).wrap,
      field(t('site_topic_phase'), phase).wrap, field(t('site_topic_question'), slide, t('site_topic_question_hint')).wrap,
      canEdit ? el('button', { type: 'button', class: 'secondary small', onclick: () => { topics = topics.filter((x) => x !== row); drawTopics(); } }, t('site_remove')) : null);
    return row;
  };
  function drawPhases() { phaseList.replaceChildren(...phases.map((r) => r.li)); }
  function drawTopics() {
    for (const r of topics) {
      const keep = r.phase.value !== '' ? Number(r.phase.value) : r.want;
      r.phase.replaceChildren(el('option', { value: '-1' }, t('site_no_phase')),
        ...phases.map((p, i) => el('option', { value: i }, p.name.value || t('site_phase_n', { n: i + 1 }))));
      r.phase.value = String(keep < phases.length ? keep : -1);
    }
    topicList.replaceChildren(...topics.map((r) => r.li));
  }
  phaseList.addEventListener('input', () => drawTopics());

  function fill() {
    published.checked = !!proc.published;
    slug.value = proc.slug || '';
    desc.value = proc.description || '';
    premod.checked = !!proc.premoderate;
    emailLogin.checked = !!proc.email_login;
    emailRequired.checked = !!proc.email_required;
    inviteOnly.checked = !!proc.invite_only;
    retention.value = proc.retention || '';
    phases = (proc.phases || []).map(phaseRow);
    topics = (proc.topics || []).map(topicRow);
    drawPhases();
    drawTopics();
    status.replaceChildren(proc.published
      ? el('span', {}, t('site_is_published'), ' ', el('a', { href: proc.slug ? `/p/${proc.slug}` : `/p/${eventId}` }, proc.url || `/p/${eventId}`))
      : t('site_not_published'));
    drawReactions();
  }

  async function load() {
    try { proc = await api('GET', `/api/v1/events/${eventId}/process`); fill(); } catch (e) { msg.textContent = e.message; }
  }

  saveBtn.addEventListener('click', async () => {
    msg.textContent = '';
    saveBtn.disabled = true;
    const body = {
      published: published.checked,
      slug: slug.value.trim() || null,
      description: desc.value,
      premoderate: premod.checked,
      email_login: emailLogin.checked,
      email_required: emailRequired.checked,
      invite_only: inviteOnly.checked,
      retention: retention.value,
      next_topic: proc?.next_topic,
      phases: phases.map((r) => ({ name: r.name.value, start: r.start.value, end: r.end.value })),
      topics: topics.map((r) => ({ id: r.id, title: r.title.value, body: r.body.value, phase: Number(r.phase.value), slide: r.slide.value ? Number(r.slide.value) : null })),
    };
    try {
      proc = await api('PUT', `/api/v1/events/${eventId}/process`, body);
      fill();
      announce(t('saved'));
      msg.textContent = '';
      status.prepend(el('span', { class: 'saved' }, `${t('saved')}. `));
    } catch (e) { msg.textContent = e.message; }
    saveBtn.disabled = false;
  });

  // the municipality's reaction: on a topic, or on one contribution
  function drawReactions() {
    reactBox.replaceChildren();
    if (!proc?.topics?.length || !proc.published) { reactBox.append(el('p', { class: 'muted' }, t('site_reactions_later'))); return; }
    for (const tp of proc.topics) {
      const posts = proc.posts.filter((p) => p.topic === tp.id);
      const mine = posts.filter((p) => p.kind === 'reaction');
      const contributions = posts.filter((p) => p.kind === 'contribution' && !p.hidden);
      const text = el('textarea', { rows: 3, maxlength: 2000 });
      const to = el('select', {}, el('option', { value: '' }, t('site_react_topic')),
        ...contributions.map((p) => el('option', { value: p.id }, `#${p.id}: ${p.text.slice(0, 60)}`)));
      const m = el('p', { class: 'form-msg', role: 'alert' });
      const btn = el('button', { type: 'button', class: 'small' }, t('site_react'));
      btn.addEventListener('click', async () => {
        m.textContent = '';
        btn.disabled = true;
        try {
          await api('POST', `/api/v1/events/${eventId}/process/reactions`, { topic: tp.id, parent: to.value ? Number(to.value) : null, text: text.value, id: clientId() });
          announce(t('site_reacted'));
          await load();
        } catch (e) { m.textContent = e.message; }
        btn.disabled = false;
      });
      reactBox.append(el('section', { class: 'site-topic-reactions' },
        el('h4', {}, tp.title, ' ', el('span', { class: 'muted' }, t(contributions.length === 1 ? 'site_contributions_1' : 'site_contributions_n', { n: contributions.length }))),
        mine.length ? el('ul', {}, mine.map((r) => el('li', {}, el('span', { class: 'pill' }, t('site_reaction')), ' ', r.text, ' ', el('span', { class: 'muted' }, formatTime(null, r.at))))) : null,
        canEdit ? [field(t('site_react_to'), to).wrap, field(t('site_reaction_text'), text).wrap, el('div', { class: 'row' }, btn, m)] : null));
    }
  }

  panel.append(el('h2', {}, t('tab_website')), el('p', { class: 'hint' }, t('site_hint')), status,
    el('div', { class: 'check' }, published, el('label', { for: published.id }, t('site_published'))),
    field(t('site_slug'), slug, t('site_slug_hint')).wrap,
    field(t('site_description'), desc).wrap,
    el('div', { class: 'check' }, premod, el('label', { for: premod.id }, t('site_premoderate'))),
    el('div', { class: 'check' }, emailLogin, el('label', { for: emailLogin.id }, t('site_email_login'))),
    el('div', { class: 'check' }, emailRequired, el('label', { for: emailRequired.id }, t('site_email_required'))),
    el('div', { class: 'check' }, inviteOnly, el('label', { for: inviteOnly.id }, t('site_invite_only'))),
    el('div', { class: 'row' }, el('label', { for: inviteCount.id }, t('site_invites_count')), inviteCount, inviteBtn,
      el('a', { href: `/api/v1/events/${eventId}/process/invites?format=csv`, download: '' }, t('site_invites_csv'))),
    inviteMsg, inviteOut,
    field(t('site_retention'), retention, proc?.purged_at ? t('site_retention_done') : t('site_retention_hint')).wrap,
    el('h3', {}, t('site_phases')), phaseList,
    canEdit ? el('button', { type: 'button', class: 'secondary small', onclick: () => { phases.push(phaseRow({})); drawPhases(); drawTopics(); } }, t('site_add_phase')) : null,
    el('h3', {}, t('site_topics')), topicList,
    canEdit ? el('button', { type: 'button', class: 'secondary small', onclick: () => { topics.push(topicRow({})); drawTopics(); } }, t('site_add_topic')) : null,
    canEdit ? el('div', { class: 'row' }, saveBtn) : null, msg,
    el('h3', {}, t('site_reactions')), reactBox);
  return { refresh: load };
}

// In the moderation panel: the website's posts that wait for approval or
// were flagged by residents and not yet looked at.
export async function websiteModeration(container, eventId) {
  let proc;
  try { proc = await api('GET', `/api/v1/events/${eventId}/process`); } catch { return; }
  if (!proc.published && !proc.posts.length) return;
  const list = el('ol', { class: 'mod-list' });
  const msg = el('p', { class: 'form-msg', role: 'alert' });
  const note = el('p', { class: 'muted' });
  const topicTitle = (id) => proc.topics.find((x) => x.id === id)?.title || '';
  function draw() {
    const todo = proc.posts.filter((p) => p.pending || (p.flags > 0 && !p.reviewed && !p.hidden));
    note.textContent = todo.length ? '' : t('site_mod_none');
    list.replaceChildren(...todo.map((p) => {
      const act = async (verb) => {
        msg.textContent = '';
        try {
          Object.assign(p, await api('POST', `/api/v1/posts/${p.id}/${verb}`));
          announce(t(`site_done_${verb}`));
          draw();
        } catch (e) { msg.textContent = e.message; }
      };
      return el('li', { class: `mod-item${p.pending ? ' is-pending' : ''}`, dataset: { post: p.id } },
        el('p', { class: 'mod-text', dir: 'auto' }, p.text),
        el('div', { class: 'mod-row' },
          el('span', { class: 'mod-meta' }, `${topicTitle(p.topic)} · ${formatTime(null, p.at)}`),
          p.pending ? el('span', { class: 'pill' }, t('pending')) : el('span', { class: 'pill flag-tag' }, t(p.flags === 1 ? 'site_flags_1' : 'site_flags_n', { n: p.flags })),
          p.pending ? el('button', { type: 'button', class: 'small', onclick: () => act('show') }, t('approve'))
            : el('button', { type: 'button', class: 'secondary small', onclick: () => act('keep') }, t('site_keep')),
          el('button', { type: 'button', class: 'danger small', onclick: () => act('hide') }, t('hide'))));
    }));
  }
  container.append(el('section', { class: 'site-moderation', 'aria-labelledby': 'site-mod-h' },
    el('h2', { id: 'site-mod-h' }, t('site_mod_title')), el('p', { class: 'hint' }, t('site_mod_hint')), msg, note, list));
  draw();
}
