// A preview of one slide as the big screen and as a phone would show it,
// drawn from the editor's fields before anything is saved. Everything is
// built from text nodes: the Markdown here is a small, safe subset (headings,
// paragraphs, lists, quotes, code, emphasis); the real screen uses the
// server's rendering.
import { el } from './dom.js';
import { t } from '../app-i18n.js';
import { NUMBERS, contentTitle } from './deck.js';

const mdUnescape = (s) => s.replace(/\\([!-/:-@[-`{-~])/g, '$1');

function inline(text) {
  const out = [];
  const re = /(\*\*|__)(.+?)\1|(\*|_)(.+?)\3|`([^`]+)`|(!?)\[((?:\\.|[^\]\\])*)\]\(([^)]*)\)/g;
  let last = 0, m;
  while ((m = re.exec(text))) {
    if (m.index > last) out.push(text.slice(last, m.index));
    if (m[2] != null) out.push(el('strong', {}, ...inline(m[2])));
    else if (m[4] != null) out.push(el('em', {}, ...inline(m[4])));
    else if (m[5] != null) out.push(el('code', {}, m[5]));
    else if (m[6] && /^\/media\/\d+\/[0-9a-f]{32}\.(png|jpg|webp)$/.test(m[8])) {
      // the event's own images (uploads, PDF pages): same origin, shown as they are
      out.push(el('img', { src: m[8], alt: mdUnescape(m[7]), class: 'md-img' }));
    } else out.push(el('span', { class: 'md-link' }, mdUnescape(m[7])));
    last = re.lastIndex;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

export function renderMarkdown(md) {
  const frag = document.createDocumentFragment();
  const lines = String(md || '').split(/\r?\n/);
  let para = [], list = null, quote = null;
  const endPara = () => {
    if (para.length) frag.append(el('p', {}, ...inline(para.join(' '))));
    para = [];
  };
  const endList = () => { if (list) frag.append(list); list = null; };
  const endQuote = () => { if (quote) frag.append(el('blockquote', {}, ...inline(quote.join(' ')))); quote = null; };
  const endAll = () => { endPara(); endList(); endQuote(); };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    let m;
    if (/^\s*(```|~~~)/.test(line)) {
      endAll();
      const code = [];
      for (i += 1; i < lines.length && !/^\s*(```|~~~)/.test(lines[i]); i++) code.push(lines[i]);
      frag.append(el('pre', {}, el('code', {}, code.join('\n'))));
    } else if (!line.trim()) {
      endAll();
    } else if ((m = line.match(/^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$/))) {
      endAll();
      frag.append(el(`h${m[1].length}`, {}, ...inline(m[2])));
    } else if (/^ {0,3}(\*\s*\*\s*\*|_\s*_\s*_)[\s*_]*$/.test(line)) {
      endAll();
      frag.append(el('hr'));
    } else if ((m = line.match(/^\s*(?:[-*+]|(\d+)[.)])\s+(.*)$/))) {
      endPara(); endQuote();
      const tag = m[1] ? 'ol' : 'ul';
      if (!list || list.tagName.toLowerCase() !== tag) { endList(); list = el(tag); }
      list.append(el('li', {}, ...inline(m[2])));
    } else if ((m = line.match(/^\s*>\s?(.*)$/))) {
      endPara(); endList();
      (quote ||= []).push(m[1]);
    } else if (list && /^\s+\S/.test(line)) {
      list.lastChild.append(' ', ...inline(line.trim()));
    } else {
      endList(); endQuote();
      para.push(line.trim());
    }
  }
  endAll();
  return frag;
}

const num = (s, key) => {
  const [lo, hi, def] = NUMBERS[s.kind]?.[key] || [0, 0, 0];
  const v = parseInt(s.settings[key], 10);
  return Number.isFinite(v) && v >= lo && v <= hi ? v : def;
};

function screenBody(s) {
  const items = s.items.map((x) => x.trim()).filter(Boolean);
  switch (s.kind) {
    case 'choice':
    case 'rank':
      return el('div', { class: 'pv-bars' }, items.map((x, i) => el('div', { class: 'pv-bar' },
        el('span', { class: 'pv-label' }, x),
        el('span', { class: 'pv-track' }, el('span', { class: `pv-fill w${(items.length - i) % 4}` })))));
    case 'scale': {
      const max = num(s, 'scale');
      return el('div', { class: 'pv-scales' },
        el('div', { class: 'pv-ends' }, el('span', {}, s.labels[0]), el('span', {}, s.labels[1])),
        items.map((x) => el('div', { class: 'pv-scale' }, el('span', { class: 'pv-label' }, x),
          el('span', { class: 'pv-ticks' }, Array.from({ length: max }, (_, k) => el('span', {}, String(k + 1)))))));
    }
    case 'cloud':
      return el('div', { class: 'pv-cloud' }, t('pv_cloud'));
    case 'qa':
      return el('div', { class: 'pv-empty' }, t('pv_questions'));
    default:
      return el('div', { class: 'pv-cards' }, el('span', {}, t('pv_card')), el('span', {}, t('pv_card')));
  }
}

// The big screen: 16:9, sizes relative to its width.
export function screenPreview(s, meta) {
  const box = el('div', { class: 'pv-screen', inert: true });
  if (s.kind === 'content') {
    const c = el('div', { class: 'pv-content' }, renderMarkdown(s.body));
    box.append(c);
  } else if (s.kind === 'website') {
    box.append(el('div', { class: 'pv-title' }, s.title || t('untitled')));
    if (s.body.trim()) box.append(el('div', { class: 'pv-desc' }, renderMarkdown(s.body)));
    box.append(el('div', { class: 'pv-website' }, el('span', { class: 'pv-qr' }), el('span', {}, t('pv_website'))));
  } else {
    box.append(el('div', { class: 'pv-title' }, s.title || t('untitled')));
    if (s.body.trim()) box.append(el('div', { class: 'pv-desc' }, renderMarkdown(s.body)));
    box.append(screenBody(s));
  }
  box.append(el('div', { class: 'pv-foot' }, el('span', {}, t('pv_join')), el('span', {}, meta.title)));
  return box;
}

function phoneInputs(s) {
  const items = s.items.map((x) => x.trim()).filter(Boolean);
  switch (s.kind) {
    case 'open':
    case 'qa':
      return [el('div', { class: 'ph-textarea' }), el('div', { class: 'ph-counter' }, `0 / ${num(s, 'max-length')}`)];
    case 'cloud':
      return Array.from({ length: Math.min(3, num(s, 'entries')) }, (_, k) => el('div', { class: 'ph-input' }, t('pv_word', { n: k + 1 })));
    case 'choice':
      return items.map((x) => el('div', { class: 'ph-option' }, el('span', { class: s.multiple ? 'ph-check' : 'ph-radio' }), x));
    case 'rank':
      return items.map((x, i) => el('div', { class: 'ph-option' }, el('span', { class: 'ph-pos' }, String(i + 1)), x, el('span', { class: 'ph-arrows' }, '↑ ↓')));
    case 'scale': {
      const max = num(s, 'scale');
      return items.map((x) => el('div', { class: 'ph-scale' }, el('div', {}, x),
        el('div', { class: 'ph-ratings' }, Array.from({ length: max }, (_, k) => el('span', {}, String(k + 1)))),
        (s.labels[0] || s.labels[1]) ? el('div', { class: 'ph-ends' }, el('span', {}, s.labels[0]), el('span', {}, s.labels[1])) : null));
    }
    default: return [];
  }
}

// The participant's phone: the question and its form.
export function phonePreview(s, meta) {
  const box = el('div', { class: 'pv-phone', inert: true });
  box.append(el('div', { class: 'ph-top' }, el('span', {}, meta.title), el('span', {}, '123 456')));
  const main = el('div', { class: 'ph-main' });
  if (s.kind === 'content') {
    main.append(el('div', { class: 'ph-body' }, renderMarkdown(s.body)));
  } else if (s.kind === 'website') {
    main.append(el('div', { class: 'ph-h1' }, s.title || t('untitled')));
    if (s.body.trim()) main.append(el('div', { class: 'ph-body muted' }, renderMarkdown(s.body)));
    main.append(el('div', { class: 'ph-send' }, t('pv_website_button')));
  } else {
    main.append(el('div', { class: 'ph-h1' }, s.title || t('untitled')));
    if (s.body.trim()) main.append(el('div', { class: 'ph-body muted' }, renderMarkdown(s.body)));
    main.append(...phoneInputs(s));
    main.append(el('div', { class: 'ph-send' }, t(s.kind === 'qa' ? 'pv_ask' : 'pv_send')));
    if (s.results === 'phones') main.append(el('div', { class: 'ph-note' }, t('pv_results_phones')));
  }
  box.append(main);
  return box;
}

// A content slide without a heading (a PDF page, a picture) is named by its
// first image's description.
export function slideLabel(s) {
  if (s.kind !== 'content') return s.title;
  const title = contentTitle(s.body);
  if (title) return title;
  const img = String(s.body).match(/!\[((?:\\.|[^\]\\])*)\]/);
  const alt = img ? mdUnescape(img[1]).trim() : '';
  return alt.length > 60 ? `${alt.slice(0, 60)}…` : alt;
}
