// The presenter's results stream for the moderation panel and the remote:
// state events and tallies, reconnecting on its own, with a trip to the
// login page when the stream is refused because the login has expired.
import { toLogin, api } from './api.js';

export function openResults(code, { hidden = false, onState, onResults, onConn }) {
  let source = null, retry = 1000, stopped = false;
  const connect = () => {
    source?.close();
    source = new EventSource(`/api/v1/sessions/${code}/results/stream${hidden ? '?hidden=1' : ''}`);
    source.addEventListener('open', () => { retry = 1000; onConn?.(true); });
    source.addEventListener('state', (e) => onState(JSON.parse(e.data)));
    source.addEventListener('results', (e) => onResults(JSON.parse(e.data)));
    source.addEventListener('error', async () => {
      onConn?.(false);
      if (stopped || source.readyState !== EventSource.CLOSED) return;
      const me = await fetch('/api/v1/me').catch(() => null);
      if (me && me.status === 401) { toLogin(); return; }
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 15000);
    });
  };
  connect();
  return { close() { stopped = true; source?.close(); } };
}

// The event a session belongs to (for its slide titles): the session's
// state does not name it, so look through the caller's events.
export async function findEvent(code) {
  const key = `inspraak-event-of-${code}`;
  const known = sessionStorage.getItem(key);
  if (known) {
    try { return await api('GET', `/api/v1/events/${known}`); } catch { /* look again */ }
  }
  const { events } = await api('GET', '/api/v1/events');
  for (const e of events.slice(0, 50)) {
    if (!e.sessions) continue;
    const ev = await api('GET', `/api/v1/events/${e.id}`).catch(() => null);
    if (ev?.sessions?.some((s) => s.code === code)) {
      sessionStorage.setItem(key, String(ev.id));
      return ev;
    }
  }
  return null;
}

export const groupCode = (c) => String(c).replace(/(\d{3})(?=\d)/g, '$1 ');
