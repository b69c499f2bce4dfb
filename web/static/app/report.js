// The event page's "Rapport" tab: "Presentatie en resultaten" as a
// download, in every format of docs/report-format.md, for all sessions
// combined or for one. Each format is a real link to the report route
// (the login cookie goes with it); a plain click fetches it first so that
// a refusal (no such session, the server stopping) is said on the page in
// its language instead of ending as a failed download. A click with a
// modifier, or "save link as", is left to the browser.
import { helpLink } from './help.js';
import { el, formatTime, announce } from './dom.js';
import { api, toLogin } from './api.js';
import { t, getLang } from '../app-i18n.js';

const FORMATS = ['pdf', 'md', 'html', 'csv', 'xlsx', 'json'];
const groupCode = (c) => String(c).replace(/(\d{3})(?=\d)/g, '$1 ');

// Fills panel; returns { refresh(ev) } to redraw with the event's current
// sessions (the tab calls it when shown, as sessions start meanwhile).
export function reportPanel(panel, ev) {
  const which = el('select', { id: 'report-session' });
  const status = el('p', { class: 'form-msg', role: 'status', id: 'report-status' });
  const alert = el('div', { role: 'alert', id: 'report-error' });
  const body = el('div', {});
  let sessions = ev.sessions;
  let busy = false;

  // speaker notes are the presenter's own: in a report only when asked
  const notes = el('input', { type: 'checkbox', id: 'report-notes' });
  const href = (fmt) => `/api/v1/sessions/${sessions[0].code}/report?format=${fmt}&session=${which.value}${notes.checked ? '&notes=1' : ''}`;
  const links = FORMATS.map((fmt) => {
    const desc = el('p', { class: 'hint', id: `report-desc-${fmt}` }, t(`report_${fmt}_desc`));
    const a = el('a', { class: 'button secondary', id: `report-${fmt}`, 'aria-describedby': desc.id, download: '' },
      t('report_download', { format: t(`report_${fmt}`) }));
    a.addEventListener('click', (e) => {
      if (e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) return;
      e.preventDefault();
      download(a, fmt);
    });
    return { fmt, a, li: el('li', {}, a, desc) };
  });
  const setHrefs = () => { for (const l of links) l.a.href = href(l.fmt); };
  which.addEventListener('change', () => { setHrefs(); status.textContent = ''; alert.replaceChildren(); });
  notes.addEventListener('change', setHrefs);

  function draw() {
    alert.replaceChildren();
    status.textContent = '';
    if (!sessions.length) {
      body.replaceChildren(el('p', { class: 'notice', id: 'report-none' }, t('report_no_sessions')));
      return;
    }
    const keep = which.value;
    which.replaceChildren(el('option', { value: 'all' }, t('report_all', { n: sessions.length })),
      ...sessions.map((s, i) => el('option', { value: String(i + 1) },
        t('report_session', { n: i + 1, code: groupCode(s.code), date: formatTime(null, s.started_at) }) + (s.name ? ` · ${s.name}` : ''),
        s.mode === 'self-paced' ? ` · ${t('mode_self_paced')}` : '')));
    if ([...which.options].some((o) => o.value === keep)) which.value = keep;
    setHrefs();
    body.replaceChildren(
      el('div', { class: 'field' }, el('label', { for: which.id }, t('report_which')), which),
      el('div', { class: 'check' }, notes, el('label', { for: notes.id }, t('report_notes'))),
      el('ul', { class: 'report-formats' }, links.map((l) => l.li)),
      el('p', { class: 'hint' }, t('report_hidden_note'), ' ', helpLink('reports', t('help_reports'))));
  }

  async function download(a, fmt) {
    if (busy) return;
    busy = true;
    alert.replaceChildren();
    status.textContent = t('report_making', { format: t(`report_${fmt}`) });
    a.setAttribute('aria-busy', 'true');
    try {
      let res;
      try {
        res = await fetch(a.href, { headers: { 'accept-language': getLang() } });
      } catch {
        throw new Error(t('offline'));
      }
      if (res.status === 401) { toLogin(); return; }
      if (!res.ok) {
        const data = await res.json().catch(() => null);
        throw new Error(data?.error || t('err_http', { status: res.status }));
      }
      const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') || '')?.[1] || `report.${fmt}`;
      const url = URL.createObjectURL(await res.blob());
      const save = el('a', { href: url, download: name, hidden: true });
      document.body.append(save);
      save.click();
      save.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60000);
      status.textContent = t('report_done', { name });
      announce(t('report_done', { name }));
    } catch (e) {
      status.textContent = '';
      alert.replaceChildren(el('p', { class: 'error' }, t('report_failed', { msg: e.message })));
    } finally {
      a.removeAttribute('aria-busy');
      busy = false;
    }
  }

  panel.append(el('h2', {}, t('tab_report')), el('p', { class: 'hint' }, t('report_hint')), body, status, alert);
  draw();
  return {
    async refresh(id) {
      try { sessions = (await api('GET', `/api/v1/events/${id}`)).sessions; } catch { /* keep what we have */ }
      draw();
    },
  };
}
