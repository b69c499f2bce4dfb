// The dashboard: the user's events, and three ways to make a new one (a
// title, a Markdown deck pasted or read from a file, a copy). A refused
// form keeps what was typed and says why next to it.
import { helpLink } from './help.js';
import { el, field, formatTime } from './dom.js';
import { api, upload } from './api.js';
import { t, getLang } from '../app-i18n.js';

export async function dashboard(main, me) {
  document.title = `${t('dashboard')} — inspraak`;
  const listBox = el('div', { class: 'events', 'aria-live': 'polite' }, el('p', { class: 'muted' }, t('loading')));
  const mayCreate = me.role !== 'moderator';
  main.append(el('div', { class: 'page-head' }, el('h1', {}, t('your_events')),
    el('a', { href: '/app/help', id: 'help-link', class: 'help-entry' }, t('help_all')),
    mayCreate ? el('a', { href: `/app/kaart?lang=${getLang()}`, id: 'kaart-link', class: 'help-entry' }, t('kaart_manage')) : ''));
  if (mayCreate) main.append(createForms());
  main.append(el('h2', { id: 'events-h' }, t('events')), listBox);
  let events = [];
  try {
    ({ events } = await api('GET', '/api/v1/events'));
  } catch (e) {
    listBox.replaceChildren(el('p', { class: 'error', role: 'alert' }, e.message));
    return;
  }
  if (!events.length) { listBox.replaceChildren(el('p', { class: 'muted' }, t(mayCreate ? 'no_events' : 'no_events_mod'))); return; }
  const dupMsg = el('p', { class: 'form-msg', role: 'alert' });
  listBox.replaceChildren(dupMsg, el('ul', { class: 'event-list', 'aria-labelledby': 'events-h' }, events.map((ev) => el('li', { class: 'event-card' },
    el('div', { class: 'ev-main' },
      el('a', { class: 'ev-title', href: `/app/events/${ev.id}` }, ev.title),
      ev.subtitle ? el('span', { class: 'ev-sub' }, ev.subtitle) : null),
    el('dl', { class: 'ev-stats' },
      el('div', {}, el('dt', {}, t('sessions')), el('dd', {}, String(ev.sessions))),
      el('div', {}, el('dt', {}, t('answers')), el('dd', {}, String(ev.answers))),
      el('div', {}, el('dt', {}, t('last_change')), el('dd', {}, formatTime(null, ev.updated_at)))),
    el('div', { class: 'ev-actions' },
      ev.access !== 'owner' ? el('span', { class: 'pill' }, t(`access_${ev.access}`)) : null,
      mayCreate && ev.access !== 'moderator' ? el('button', { type: 'button', class: 'secondary small', 'aria-label': t('duplicate_named', { title: ev.title }),
        onclick: async (e) => {
          e.target.disabled = true;
          try {
            const copy = await api('POST', '/api/v1/events', { duplicate: ev.id });
            location.href = `/app/events/${copy.id}`;
          } catch (err) { dupMsg.textContent = err.message; e.target.disabled = false; }
        } }, t('duplicate')) : null)))));
}

function createForms() {
  const box = el('section', { class: 'create', 'aria-labelledby': 'create-h' }, el('h2', { id: 'create-h' }, t('new_event')));

  // from a title
  const title = el('input', { type: 'text', id: 'new-title', maxlength: 200, autocomplete: 'off' });
  const titleMsg = el('p', { class: 'form-msg error-text', id: 'new-title-msg', role: 'alert' });
  title.setAttribute('aria-describedby', titleMsg.id);
  const f1 = el('form', { class: 'card create-title', novalidate: true },
    el('h3', {}, t('from_scratch')), field(t('title'), title).wrap,
    el('button', { type: 'submit' }, t('create')), titleMsg);
  f1.addEventListener('submit', async (e) => {
    e.preventDefault();
    titleMsg.textContent = '';
    title.removeAttribute('aria-invalid');
    if (!title.value.trim()) {
      titleMsg.textContent = t('title_needed');
      title.setAttribute('aria-invalid', 'true');
      title.focus();
      return;
    }
    await create({ title: title.value.trim() }, titleMsg, title);
  });

  // from a deck
  const deck = el('textarea', { id: 'new-deck', class: 'mono', rows: 8, spellcheck: 'false', placeholder: '---\ntitle: …\n---\n\n# …' });
  const file = el('input', { type: 'file', id: 'new-deck-file', accept: '.md,.markdown,.txt,.zip,text/markdown,text/plain,application/zip' });
  let zipFile = null; // a deck with its images, read by the server
  const deckMsg = el('p', { class: 'form-msg error-text', id: 'new-deck-msg', role: 'alert' });
  deck.setAttribute('aria-describedby', deckMsg.id);
  file.addEventListener('change', async () => {
    const f = file.files[0];
    if (!f) return;
    deckMsg.textContent = '';
    zipFile = null;
    if (/\.zip$/i.test(f.name)) {
      if (f.size > 30 * 1024 * 1024) { deckMsg.textContent = t('zip_too_big'); return; }
      zipFile = f;
      deck.value = '';
      deck.placeholder = t('zip_chosen', { name: f.name });
      return;
    }
    if (f.size > 1048576) { deckMsg.textContent = t('file_too_big'); return; }
    deck.value = await f.text();
  });
  const f2 = el('form', { class: 'card create-deck', novalidate: true },
    el('h3', {}, t('from_deck')), el('p', { class: 'hint' }, t('from_deck_hint'), ' ', helpLink('deck', t('help_deck'))),
    field(t('deck_file'), file).wrap, field(t('deck_md'), deck).wrap,
    el('button', { type: 'submit' }, t('import')), deckMsg);
  f2.addEventListener('submit', async (e) => {
    e.preventDefault();
    deckMsg.textContent = '';
    deck.removeAttribute('aria-invalid');
    if (zipFile && !deck.value.trim()) { await createFromZip(zipFile, deckMsg, deck); return; }
    if (!deck.value.trim()) { deckMsg.textContent = t('deck_needed'); deck.focus(); return; }
    await create({ deck: deck.value }, deckMsg, deck, true);
  });
  box.append(el('div', { class: 'create-grid' }, f1, f2));
  return box;
}

// A .zip of a deck and its images: the event is made first (the images
// belong to it), the server stores the images and answers the deck linking
// to them, which is then saved as the event's deck; an event whose deck is
// refused is removed again, so nothing half-made stays behind.
async function createFromZip(zip, msg, input) {
  const btn = input.form.querySelector('button[type=submit]');
  btn.disabled = true;
  let ev = null;
  try {
    ev = await api('POST', '/api/v1/events', { title: zip.name.replace(/\.zip$/i, '') || 'deck' });
    const r = await upload(`/api/v1/events/${ev.id}/deck.zip`, zip);
    await api('PUT', `/api/v1/events/${ev.id}`, { deck: r.deck });
    location.href = `/app/events/${ev.id}`;
  } catch (e) {
    if (ev) await api('DELETE', `/api/v1/events/${ev.id}`).catch(() => {});
    btn.disabled = false;
    msg.textContent = e.code === 'invalid_deck' ? t('deck_refused', { msg: e.message }) : (e.message || t('offline'));
  }
}

async function create(body, msg, input, isDeck) {
  const btn = input.form.querySelector('button[type=submit]');
  btn.disabled = true;
  try {
    const ev = await api('POST', '/api/v1/events', body);
    location.href = `/app/events/${ev.id}`;
  } catch (e) {
    btn.disabled = false;
    msg.textContent = e.code === 'invalid_deck' ? t('deck_refused', { msg: e.message }) : (e.message || t('offline'));
    input.setAttribute('aria-invalid', 'true');
    // Put the cursor on the line the server named.
    if (isDeck && e.line > 0) {
      const lines = input.value.split('\n');
      const start = lines.slice(0, e.line - 1).reduce((n, l) => n + l.length + 1, 0);
      input.focus();
      input.setSelectionRange(start, start + (lines[e.line - 1] || '').length);
    } else input.focus();
  }
}
