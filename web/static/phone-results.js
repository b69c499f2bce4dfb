// Results on a phone: the tally of one question as the participant stream
// sends it (docs/protocol.md, "results" on the participant stream), drawn
// small enough for a 390-pixel-wide screen. Every number is written out as
// text next to its bar, so nothing depends on colour or on seeing the bar;
// the participant's own answer is marked with words, not only a border.
import { t, plural, formatNumber } from './i18n.js';

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text != null) {
    e.textContent = text;
    e.dir = 'auto'; // answers and labels in any script set their own direction
  }
  return e;
}

// A bar of pct percent (0..100). The width goes through CSSOM, which the
// Content-Security-Policy allows (a style attribute in markup it would not).
function bar(pct) {
  const track = el('div', 'bar-track');
  track.setAttribute('aria-hidden', 'true');
  const fill = el('div', 'bar-fill');
  fill.style.width = `${Math.max(0, Math.min(100, pct))}%`;
  track.append(fill);
  return track;
}

function mineTag(lang, text) {
  return el('span', 'mine-tag', `✓ ${text ?? t(lang, 'your_choice')}`);
}

function choice(lang, tally, mine) {
  const chosen = new Set(Array.isArray(mine) ? mine : mine != null ? [mine] : []);
  const ul = el('ul', 'result-bars');
  (tally.options || []).forEach((o, i) => {
    const li = el('li', chosen.has(i) ? 'mine' : '');
    const head = el('div', 'result-head');
    head.append(el('span', 'result-label', o.label),
      el('span', 'result-num', `${o.percent}% · ${plural(lang, 'votes', o.count)}`));
    li.append(head, bar(o.percent));
    if (chosen.has(i)) li.append(mineTag(lang));
    ul.append(li);
  });
  return [ul];
}

function cloud(lang, tally) {
  const words = tally.words || [];
  if (!words.length) return [];
  const max = words[0].count, min = words[words.length - 1].count;
  const ul = el('ul', 'result-words');
  for (const w of words) {
    const li = el('li');
    // 1 to 2 times the body size, by the square root of the count
    const scale = max === min ? 1.3 : 1 + Math.sqrt((w.count - min) / (max - min));
    const word = el('span', 'result-word', w.text);
    word.style.fontSize = `${scale.toFixed(2)}em`;
    li.append(word, el('span', 'result-times', t(lang, 'times', { n: w.count })));
    ul.append(li);
  }
  return [ul];
}

function scale(lang, tally, mine) {
  const max = tally.scale_max || 5;
  const [low, high] = tally.labels || ['', ''];
  const ul = el('ul', 'result-scale');
  (tally.statements || []).forEach((s, i) => {
    const li = el('li');
    const has = s.count > 0 && s.mean != null;
    li.append(el('span', 'result-label', s.text));
    li.append(el('span', 'result-num', has
      ? `${t(lang, 'mean_of', { x: formatNumber(lang, s.mean), max })} · ${plural(lang, 'votes', s.count)}`
      : t(lang, 'no_answers')));
    // the axis 1..max with the mean marked on it
    const axis = el('div', 'scale-axis');
    axis.setAttribute('aria-hidden', 'true');
    for (let r = 1; r <= max; r++) {
      const tick = el('div', 'scale-tick');
      tick.style.left = `${((r - 1) / (max - 1)) * 100}%`;
      axis.append(tick);
    }
    if (has) {
      const mark = el('div', 'scale-mark');
      mark.style.left = `${((s.mean - 1) / (max - 1)) * 100}%`;
      axis.append(mark);
    }
    const ends = el('div', 'scale-ends');
    ends.setAttribute('aria-hidden', 'true');
    ends.append(el('span', '', low ? `1 ${low}` : '1'), el('span', '', high ? `${max} ${high}` : String(max)));
    li.append(axis, ends);
    if (Array.isArray(mine) && mine[i]) li.append(mineTag(lang, t(lang, 'your_score', { n: mine[i] })));
    ul.append(li);
  });
  return [ul];
}

function rank(lang, tally, mine) {
  const ol = el('ol', 'result-rank');
  (tally.options || []).forEach((o, pos) => {
    const li = el('li');
    const has = o.count > 0 && o.mean != null;
    li.append(el('span', 'pos', String(pos + 1)));
    const text = el('div', 'rank-text');
    text.append(el('span', 'result-label', o.label),
      el('span', 'result-num', has ? t(lang, 'mean_place', { x: formatNumber(lang, o.mean) }) : t(lang, 'no_answers')));
    if (Array.isArray(mine)) {
      const own = mine.indexOf(o.index);
      if (own >= 0) text.append(mineTag(lang, t(lang, 'your_place', { n: own + 1 })));
    }
    li.append(text);
    ol.append(li);
  });
  return [ol];
}

function open(lang, tally) {
  const items = tally.items || [];
  const ul = el('ul', 'result-answers');
  for (const it of items) ul.append(el('li', '', it.text));
  const parts = [ul];
  const more = (tally.answers || 0) - items.length;
  if (more > 0) parts.push(el('p', 'hint', plural(lang, 'more_answers', more)));
  return parts;
}

// The results block's contents for tally (may be null: none received yet)
// of slide (the state's slide). mine is the participant's own answer in
// normal form, when known. Returns an array of nodes.
export function resultsView(lang, slide, tally, mine) {
  if (!tally || tally.id !== slide.id) return [el('p', 'waiting', t(lang, 'results_loading'))];
  const parts = [el('p', 'result-count', plural(lang, 'respondents', tally.respondents || 0))];
  if (!tally.answers) {
    parts.push(el('p', 'waiting', t(lang, 'no_answers')));
    return parts;
  }
  const draw = { choice, cloud, scale, rank, open }[slide.kind];
  if (draw) parts.push(...draw(lang, tally, mine));
  return parts;
}
