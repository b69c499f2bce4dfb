// Live results for screen readers (WCAG 4.1.3, issue 16). A tally changes
// many times a second while a hall answers; reading every change aloud
// would drown everything else. So a polite live region gets a short
// summary ("12 antwoorden, meeste stemmen: Fiets") at most once per
// interval, and only when the summary itself changed; a button ("Lees
// resultaten voor") reads the whole current result at once.
//
// Used by the presenter (present.js) and by the phone's results
// (participant.js). The tally is the one of docs/protocol.md ("results").
import { t, plural, formatNumber } from './i18n.js';

// Labels that share the highest count, in tally order.
function leaders(list, count) {
  const max = Math.max(0, ...list.map(count));
  return max > 0 ? list.filter((x) => count(x) === max) : [];
}

function joinNames(lang, names) {
  if (names.length < 2) return names.join('');
  return `${names.slice(0, -1).join(', ')} ${t(lang, 'sum_and')} ${names[names.length - 1]}`;
}

// The short summary of tally for a slide of the given kind; with full,
// every option, statement or word in turn (the button's reading).
export function summarise(lang, kind, tally, full = false) {
  const n = tally?.answers || 0;
  if (!n) return t(lang, 'sum_none');
  const parts = [plural(lang, 'sum_answers', n)];
  if (kind === 'choice') {
    const opts = tally.options || [];
    if (full) {
      for (const o of opts) parts.push(`${o.label}: ${plural(lang, 'votes', o.count)} (${o.percent}%)`);
    } else {
      const top = leaders(opts, (o) => o.count).map((o) => o.label);
      if (top.length) parts.push(t(lang, 'sum_top', { label: joinNames(lang, top.slice(0, 3)) }));
    }
  } else if (kind === 'cloud') {
    const words = tally.words || [];
    const show = full ? words.slice(0, 10) : leaders(words, (w) => w.count).slice(0, 3);
    if (show.length) {
      parts.push(t(lang, 'sum_words', { words: joinNames(lang, show.map((w) => full ? `${w.text} (${w.count})` : w.text)) }));
    }
  } else if (kind === 'scale') {
    const max = tally.scale_max || 5;
    for (const s of (tally.statements || []).slice(0, full ? undefined : 1)) {
      if (s.mean != null) parts.push(`${s.text}: ${t(lang, 'mean_of', { x: formatNumber(lang, s.mean), max })}`);
    }
  } else if (kind === 'rank') {
    const ranked = (tally.options || []).filter((o) => o.count > 0 && o.mean != null);
    if (full) {
      ranked.forEach((o, i) => parts.push(`${i + 1}: ${o.label}`));
    } else if (ranked.length) {
      parts.push(t(lang, 'sum_first', { label: ranked[0].label }));
    }
  } else if ((kind === 'open' || kind === 'qa') && full) {
    for (const it of (tally.items || []).slice(0, 5)) parts.push(it.text);
  }
  return parts.join(full ? '. ' : ', ');
}

// A polite region (made if not given) that summarise() feeds, throttled
// to one announcement per `every` milliseconds.
export class LiveSummary {
  constructor(region, { every = 10000 } = {}) {
    this.region = region;
    this.every = every;
    this.last = 0; // when something was last said
    this.said = ''; // and what
    this.want = null; // { lang, kind, tally } waiting for its turn
    this.timer = null;
  }
  say(text) {
    // emptied first, so that the same words said again are read again
    this.region.textContent = '';
    setTimeout(() => { this.region.textContent = text; }, 50);
    this.last = Date.now();
    this.said = text;
  }
  // A new tally: said now if the last announcement is old enough, else
  // once the interval is over (only the latest tally counts).
  update(lang, kind, tally) {
    this.want = { lang, kind, tally };
    if (this.timer) return;
    const wait = this.last + this.every - Date.now();
    if (wait <= 0) this.flush();
    else this.timer = setTimeout(() => this.flush(), wait);
  }
  flush() {
    this.timer = null;
    if (!this.want) return;
    const { lang, kind, tally } = this.want;
    this.want = null;
    const text = summarise(lang, kind, tally);
    if (text !== this.said) this.say(text);
  }
  // Another slide: nothing of the old one is said any more.
  reset() {
    clearTimeout(this.timer);
    this.timer = null;
    this.want = null;
    this.said = '';
  }
  // The button: the whole result, now.
  readNow(lang, kind, tally) {
    this.reset();
    this.say(summarise(lang, kind, tally, true));
  }
}
