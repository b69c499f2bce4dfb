// The structured deck editor: the event's front matter, a list of slides
// (add, select, reorder by drag or Alt+arrow keys, duplicate, delete), the
// fields of the selected slide and its preview. It edits a { meta, slides }
// object in place and calls onChange after every edit; saving is the
// page's business.
import { helpLink } from './help.js';
import { el, field, nextId, announce } from './dom.js';
import { t } from '../app-i18n.js';
import { KINDS, NUMBERS, ITEMS, TEXT_KINDS, newSlide, cloneSlide, problems } from './deck.js';
import { upload } from './api.js';
import { screenPreview, phonePreview, slideLabel } from './preview.js';

// An image for a content slide: uploaded to the event, then written into
// the slide's Markdown where the cursor is.
function imageUploader(eventId, ta, onInserted) {
  const input = el('input', { type: 'file', accept: 'image/png,image/jpeg,image/webp', id: nextId('img') });
  const note = el('p', { class: 'hint', role: 'status' });
  input.addEventListener('change', async () => {
    const file = input.files[0];
    if (!file) return;
    if (file.size > 5 * 1024 * 1024) { // the server would refuse it unread; say so now
      note.textContent = t('image_too_large');
      input.value = '';
      return;
    }
    note.textContent = t('image_uploading');
    try {
      const r = await upload(`/api/v1/events/${eventId}/images`, file);
      const alt = file.name.replace(/\.[^.]*$/, '').replace(/[\[\]]/g, '');
      const md = `![${alt}](${r.url})`;
      const at = ta.selectionStart ?? ta.value.length;
      ta.value = `${ta.value.slice(0, at)}${at && ta.value[at - 1] !== '\n' ? '\n\n' : ''}${md}\n${ta.value.slice(at)}`;
      ta.dispatchEvent(new Event('input'));
      note.textContent = t('image_added');
      onInserted();
    } catch (e) {
      note.textContent = e.status === 413 ? t('image_too_large')
        : e.status === 415 ? t('image_wrong_type') : (e.message || t('image_failed'));
    }
    input.value = '';
  });
  return el('div', { class: 'image-upload' }, el('label', { for: input.id }, t('image_add')), input, note);
}

// Slides from a PDF (PowerPoint, Keynote, Google Slides: "export as PDF"):
// the server draws every page and answers one content slide per page, which
// go in after the selected slide; saving stays the facilitator's step.
function pdfImporter(eventId, onSlides) {
  const input = el('input', { type: 'file', accept: 'application/pdf,.pdf,.pptx,.odp', id: nextId('pdf') });
  const note = el('p', { class: 'hint', role: 'status', id: 'pdf-note' });
  input.addEventListener('change', async () => {
    const file = input.files[0];
    if (!file) return;
    if (file.size > 30 * 1024 * 1024) { note.textContent = t('pdf_too_large'); input.value = ''; return; }
    note.textContent = t('pdf_working');
    input.disabled = true;
    try {
      const r = await upload(`/api/v1/events/${eventId}/pdf`, file);
      onSlides(r.slides.map((p) => ({ ...newSlide('content'), body: p.md })));
      note.textContent = t('pdf_done', { n: r.pages });
    } catch (e) {
      note.textContent = e.message || t('pdf_failed');
    }
    input.disabled = false;
    input.value = '';
  });
  return el('div', { class: 'pdf-import' }, el('label', { for: input.id }, t('pdf_import')), input,
    el('p', { class: 'hint' }, t('pdf_hint')), note);
}

export function createEditor(root, deck, { readOnly = false, onChange = () => {}, eventId = 0 } = {}) {
  let sel = deck.slides.length ? 0 : -1;
  let errorAt = -1, errorText = '';
  const list = el('ol', { class: 'slide-list', 'aria-label': t('slides') });
  const fields = el('section', { class: 'slide-fields', 'aria-labelledby': 'fields-h' });
  const preview = el('section', { class: 'preview', 'aria-label': t('preview') });
  const kindSelect = el('select', { id: nextId('kind') }, KINDS.map((k) => el('option', { value: k }, t(`kind_${k}`))));
  const addRow = el('div', { class: 'add-slide' },
    el('label', { for: kindSelect.id, class: 'sr-only' }, t('slide_kind')), kindSelect,
    el('button', { type: 'button', class: 'secondary', onclick: () => add(kindSelect.value) }, t('add_slide')));

  const changed = (structure) => {
    onChange();
    if (structure) { renderList(); renderFields(); } else renderListLabels();
    schedulePreview();
  };

  // ---- front matter
  const meta = el('fieldset', { class: 'meta' }, el('legend', {}, t('event_details')));
  const metaInput = (key, label, hint, attrs = {}) => {
    const input = el('input', { type: 'text', value: deck.meta[key], maxlength: 200, ...attrs });
    input.addEventListener('input', () => { deck.meta[key] = input.value; changed(false); });
    const f = field(label, input, hint);
    f.wrap.classList.add(`meta-${key}`);
    return f.wrap;
  };
  const langSel = el('select', {}, el('option', { value: 'nl' }, 'Nederlands'), el('option', { value: 'en' }, 'English'));
  langSel.value = deck.meta.lang === 'en' ? 'en' : 'nl';
  langSel.addEventListener('change', () => { deck.meta.lang = langSel.value; changed(false); });
  // The id goes in before field() makes the label, so that the label's
  // "for" names it (setting it afterwards left the title unlabelled).
  meta.append(metaInput('title', t('title'), null, { required: true, id: 'deck-title' }), metaInput('subtitle', t('subtitle')),
    field(t('participant_lang'), langSel).wrap, metaInput('dates', t('dates'), t('dates_hint'), { placeholder: '2026-10-16, 2026-10-26' }));

  // ---- the list
  let dragFrom = -1;
  function renderList() {
    list.replaceChildren(...deck.slides.map((s, k) => {
      const btn = el('button', { type: 'button', class: 'slide-pick', 'aria-current': k === sel ? 'true' : null,
        onclick: () => select(k),
        onkeydown: (e) => {
          if (readOnly || !e.altKey || (e.key !== 'ArrowUp' && e.key !== 'ArrowDown')) return;
          e.preventDefault();
          move(k, e.key === 'ArrowUp' ? -1 : 1, true);
        } },
      // The name is the visible text, with the punctuation a screen
      // reader needs in between (WCAG 2.5.3: an aria-label that differs
      // from what is seen cannot be spoken as a voice command).
      el('span', { class: 'num' }, String(k + 1)), el('span', { class: 'sr-only' }, '. '),
      el('span', { class: `kind kind-${s.kind}` }, t(`kind_${s.kind}`)), el('span', { class: 'sr-only' }, ': '),
      el('span', { class: 'label' }),
      el('span', { class: 'warn', hidden: true }, el('span', { 'aria-hidden': 'true' }, '!'),
        el('span', { class: 'sr-only' }, ` (${t('has_problems')})`)));
      const li = el('li', { class: k === sel ? 'selected' : '', draggable: readOnly ? null : 'true', dataset: { index: k } }, btn);
      li.addEventListener('dragstart', (e) => { dragFrom = k; li.classList.add('dragging'); e.dataTransfer.effectAllowed = 'move'; e.dataTransfer.setData('text/plain', String(k)); });
      li.addEventListener('dragend', () => { li.classList.remove('dragging'); dragFrom = -1; });
      li.addEventListener('dragover', (e) => { if (dragFrom >= 0) { e.preventDefault(); li.classList.add('drop'); } });
      li.addEventListener('dragleave', () => li.classList.remove('drop'));
      li.addEventListener('drop', (e) => {
        e.preventDefault();
        li.classList.remove('drop');
        if (dragFrom >= 0 && dragFrom !== k) moveTo(dragFrom, k);
      });
      return li;
    }));
    renderListLabels();
  }
  function renderListLabels() {
    [...list.children].forEach((li, k) => {
      const s = deck.slides[k];
      const label = slideLabel(s);
      const lab = li.querySelector('.label');
      lab.textContent = label || t('untitled');
      lab.classList.toggle('muted', !label);
      const bad = problems(s).length > 0 || k === errorAt;
      li.querySelector('.warn').hidden = !bad;
    });
  }

  function select(k, focusField = false) {
    sel = k;
    renderList();
    renderFields();
    schedulePreview();
    if (focusField) fields.querySelector('input, textarea')?.focus();
  }
  function focusPick() { list.children[sel]?.querySelector('button')?.focus(); }
  function add(kind) {
    const at = sel + 1;
    deck.slides.splice(at, 0, newSlide(kind));
    sel = at;
    changed(true);
    announce(t('added', { kind: t(`kind_${kind}`), n: at + 1 }));
    fields.querySelector('input, textarea')?.focus();
  }
  function moveTo(from, to) {
    const [s] = deck.slides.splice(from, 1);
    deck.slides.splice(to, 0, s);
    if (errorAt === from) errorAt = to;
    sel = to;
    changed(true);
    announce(t('moved', { n: to + 1, total: deck.slides.length }));
  }
  function move(k, d, keepFocus) {
    const to = k + d;
    if (to < 0 || to >= deck.slides.length) return;
    moveTo(k, to);
    if (keepFocus) focusPick();
  }
  function duplicate() {
    deck.slides.splice(sel + 1, 0, cloneSlide(deck.slides[sel]));
    sel += 1;
    changed(true);
    announce(t('duplicated', { n: sel + 1 }));
    focusPick();
  }
  function remove() {
    const s = deck.slides[sel];
    if (!confirm(t('confirm_delete_slide', { n: sel + 1, title: slideLabel(s) || t('untitled') }))) return;
    deck.slides.splice(sel, 1);
    errorAt = -1;
    sel = Math.min(sel, deck.slides.length - 1);
    changed(true);
    announce(t('deleted'));
    if (sel >= 0) focusPick(); else kindSelect.focus();
  }

  // ---- the fields of the selected slide
  function numberField(s, key) {
    const [lo, hi, def] = NUMBERS[s.kind][key];
    const input = el('input', { type: 'number', min: lo, max: hi, step: 1, inputmode: 'numeric', placeholder: String(def), value: s.settings[key] ?? '' });
    input.addEventListener('input', () => { s.settings[key] = input.value; changed(false); updateProblems(); });
    return field(t(`set_${key}_${s.kind}`, {}, `set_${key}`), input, t('range_hint', { lo, hi, def })).wrap;
  }
  function itemsEditor(s) {
    const [lo, hi] = ITEMS[s.kind];
    const noun = s.kind === 'scale' ? 'statement' : 'option';
    const box = el('fieldset', { class: 'items' }, el('legend', {}, t(`${noun}s`)), el('p', { class: 'hint' }, t('items_hint', { lo, hi })));
    const ol = el('ol');
    const draw = (focusAt = -1) => {
      ol.replaceChildren(...s.items.map((it, i) => {
        const input = el('input', { type: 'text', value: it, maxlength: 200, 'aria-label': t(`${noun}_n`, { n: i + 1 }) });
        input.addEventListener('input', () => { s.items[i] = input.value; changed(false); updateProblems(); });
        input.addEventListener('keydown', (e) => {
          if (e.key === 'Enter') { e.preventDefault(); if (s.items.length < hi) { s.items.splice(i + 1, 0, ''); changed(false); updateProblems(); draw(i + 1); } }
          if (e.key === 'Backspace' && !input.value && s.items.length > 1) { e.preventDefault(); s.items.splice(i, 1); changed(false); updateProblems(); draw(Math.max(0, i - 1)); }
        });
        const del = el('button', { type: 'button', class: 'icon', 'aria-label': t('remove_item', { n: i + 1 }), title: t('remove_item', { n: i + 1 }), disabled: readOnly || null,
          onclick: () => { s.items.splice(i, 1); changed(false); updateProblems(); draw(Math.min(i, s.items.length - 1)); } }, '×');
        return el('li', {}, input, del);
      }));
      addBtn.disabled = readOnly || s.items.length >= hi;
      if (focusAt >= 0) ol.querySelectorAll('input')[focusAt]?.focus();
    };
    const addBtn = el('button', { type: 'button', class: 'secondary small', onclick: () => { s.items.push(''); changed(false); updateProblems(); draw(s.items.length - 1); } }, t(`add_${noun}`));
    box.append(ol, addBtn);
    draw();
    return box;
  }
  let problemBox = null;
  function updateProblems() {
    if (!problemBox) return;
    const s = deck.slides[sel];
    const msgs = problems(s).map((k) => t(k));
    if (sel === errorAt && errorText) msgs.unshift(errorText);
    problemBox.replaceChildren(...msgs.map((m) => el('li', {}, m)));
    problemBox.hidden = msgs.length === 0;
    renderListLabels();
  }
  function renderFields() {
    fields.replaceChildren();
    problemBox = null;
    if (sel < 0) {
      fields.append(el('h2', { id: 'fields-h' }, t('no_slides')), el('p', { class: 'hint' }, t('no_slides_hint')));
      return;
    }
    const s = deck.slides[sel];
    const tools = el('div', { class: 'slide-tools' },
      el('button', { type: 'button', class: 'secondary small', disabled: readOnly || sel === 0 || null, onclick: () => move(sel, -1), title: t('move_up_keys') }, t('move_up')),
      el('button', { type: 'button', class: 'secondary small', disabled: readOnly || sel === deck.slides.length - 1 || null, onclick: () => move(sel, 1), title: t('move_down_keys') }, t('move_down')),
      el('button', { type: 'button', class: 'secondary small', disabled: readOnly || null, onclick: duplicate }, t('duplicate_slide')),
      el('button', { type: 'button', class: 'danger small', disabled: readOnly || null, onclick: remove }, t('delete_slide')));
    fields.append(el('div', { class: 'fields-head' },
      el('h2', { id: 'fields-h' }, t('slide_n', { n: sel + 1, kind: t(`kind_${s.kind}`) })), tools));
    problemBox = el('ul', { class: 'problems', role: 'status' });
    fields.append(problemBox);
    const text = (key, label, hint, attrs = {}) => {
      const ta = el('textarea', { rows: 6, ...attrs });
      ta.value = s[key] ?? '';
      ta.addEventListener('input', () => { s[key] = ta.value; changed(false); updateProblems(); });
      return field(label, ta, hint).wrap;
    };
    if (s.kind === 'content') {
      const bodyField = text('body', t('content_md'), t('content_hint'), { rows: 12, class: 'mono' });
      fields.append(bodyField);
      if (eventId && !readOnly) fields.append(imageUploader(eventId, bodyField.querySelector('textarea'), () => {}));
    } else if (s.kind === 'website') {
      const title = el('input', { type: 'text', value: s.title, maxlength: 200, required: true });
      title.addEventListener('input', () => { s.title = title.value; changed(false); updateProblems(); });
      fields.append(field(t('website_title'), title, t('website_hint')).wrap);
      fields.append(text('body', t('description'), null, { rows: 3 }));
    } else {
      const title = el('input', { type: 'text', value: s.title, maxlength: 200, required: true });
      title.addEventListener('input', () => { s.title = title.value; changed(false); updateProblems(); });
      fields.append(field(t('question'), title).wrap);
      fields.append(text('body', t('description'), t(ITEMS[s.kind] ? 'description_hint_items' : 'description_hint'), { rows: 3 }));
      if (ITEMS[s.kind]) fields.append(itemsEditor(s));
      const settings = el('fieldset', { class: 'settings' }, el('legend', {}, t('settings')));
      for (const key of Object.keys(NUMBERS[s.kind])) settings.append(numberField(s, key));
      if (s.kind === 'choice') {
        const cb = el('input', { type: 'checkbox', id: nextId('multi'), checked: s.multiple || null });
        cb.addEventListener('change', () => { s.multiple = cb.checked; changed(false); });
        settings.append(el('div', { class: 'check' }, cb, el('label', { for: cb.id }, t('multiple'))));
      }
      if (s.kind === 'scale') {
        s.labels.forEach((v, i) => {
          const input = el('input', { type: 'text', value: v, maxlength: 200, placeholder: t(i ? 'label_high_ph' : 'label_low_ph') });
          input.addEventListener('input', () => { s.labels[i] = input.value; changed(false); updateProblems(); });
          settings.append(field(t(i ? 'label_high' : 'label_low'), input).wrap);
        });
      }
      if (TEXT_KINDS.includes(s.kind)) {
        const ap = el('input', { type: 'checkbox', id: nextId('approve'), checked: s.approve || null });
        ap.addEventListener('change', () => { s.approve = ap.checked; changed(false); });
        settings.append(el('div', { class: 'check' }, ap, el('label', { for: ap.id }, t('approve_first'))));
      }
      // A Q&A list is on the phones anyway: the setting would do nothing there.
      if (s.kind !== 'qa') {
        const ph = el('input', { type: 'checkbox', id: nextId('phones'), checked: s.results === 'phones' || null });
        ph.addEventListener('change', () => { s.results = ph.checked ? 'phones' : 'screen'; changed(false); });
        settings.append(el('div', { class: 'check' }, ph, el('label', { for: ph.id }, t('results_phones'))));
      }
      fields.append(settings);
    }
    fields.append(text('notes', t('speaker_notes'), t('speaker_notes_hint'), { rows: 3, class: 'notes' }));
    if (readOnly) for (const c of fields.querySelectorAll('input, textarea, select')) c.disabled = true;
    updateProblems();
  }

  // ---- preview, at most once a frame
  let pending = false;
  function schedulePreview() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      const s = deck.slides[sel];
      if (!s) { preview.replaceChildren(); return; }
      preview.replaceChildren(el('h2', {}, t('preview')),
        el('div', { class: 'pv-wrap' },
          el('figure', { class: 'pv-fig-screen' }, screenPreview(s, deck.meta), el('figcaption', {}, t('pv_screen_caption'))),
          el('figure', { class: 'pv-fig-phone' }, phonePreview(s, deck.meta), el('figcaption', {}, t('pv_phone_caption')))));
    });
  }

  root.append(meta, el('div', { class: 'editor' },
    el('aside', { class: 'slides', 'aria-labelledby': 'slides-h' },
      el('h2', { id: 'slides-h' }, t('slides')), el('p', { class: 'hint' }, t('reorder_hint'), ' ', helpLink('deck', t('help_deck'))), list, readOnly ? null : addRow,
      readOnly || !eventId ? null : pdfImporter(eventId, (slides) => {
        deck.slides.splice(sel + 1, 0, ...slides);
        sel += 1;
        changed(true);
      })),
    fields, preview));
  if (readOnly) for (const c of meta.querySelectorAll('input, select')) c.disabled = true;
  renderList();
  renderFields();
  schedulePreview();

  return {
    // Shows the server's error on the slide it names (-1: the front matter).
    showError(k, text) {
      errorAt = k;
      errorText = text;
      if (k >= 0) { select(k); fields.querySelector('.problems')?.scrollIntoView({ block: 'nearest' }); }
      else renderListLabels();
    },
    clearError() { errorAt = -1; errorText = ''; updateProblems(); },
    selected: () => sel,
    select,
  };
}
