// Talking to the server: JSON in and out, the CSRF token on every change,
// and a trip to the login page when the login has expired. Every request
// names the page's language, so the server's messages come in it; what the
// server says is shown as it is, except the few answers that come from
// before the workspace's code (a body too large, a request too slow) or
// from something in between (no JSON at all).
import { t, getLang } from '../app-i18n.js';

let csrf = '';
let me = null;

function message(status, body) {
  if (status === 413 || status === 431) return t('err_too_large');
  if (status === 408) return t('err_too_slow');
  return body?.error || t('err_http', { status });
}

// fetch, with a lost connection said in the page's language rather than
// the browser's ("Failed to fetch").
async function send(path, opts) {
  try {
    return await fetch(path, opts);
  } catch {
    throw new ApiError(0, { error: t('offline'), code: 'offline' });
  }
}

export class ApiError extends Error {
  constructor(status, body) {
    super(message(status, body));
    this.status = status;
    this.code = body?.code || '';
    this.line = body?.line || 0;
    this.body = body || {};
  }
}

export function toLogin() {
  location.href = `/login?next=${encodeURIComponent(location.pathname + location.search)}`;
}

export async function loadMe() {
  const res = await send('/api/v1/me', { headers: { accept: 'application/json', 'accept-language': getLang() } });
  if (res.status === 401) { toLogin(); throw new ApiError(401, { code: 'unauthorized' }); }
  if (!res.ok) throw new ApiError(res.status, await res.json().catch(() => ({})));
  me = await res.json();
  csrf = me.csrf || '';
  return me;
}

export function currentUser() { return me; }

// api('GET', '/api/v1/events') → parsed JSON (or null for 204).
// Throws ApiError with the server's message for any status >= 400, and a
// plain Error when the network is gone.
export async function api(method, path, body) {
  const headers = { accept: 'application/json', 'accept-language': getLang() };
  if (method !== 'GET') headers['x-csrf-token'] = csrf;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await send(path, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status === 401) { toLogin(); throw new ApiError(401, { code: 'unauthorized', error: '' }); }
  if (res.status === 204) return null;
  const data = await res.json().catch(() => null);
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}

// Sends a file's bytes as the request body (image uploads); same errors as api().
export async function upload(path, blob) {
  const res = await send(path, {
    method: 'POST', body: blob,
    headers: {
      accept: 'application/json', 'accept-language': getLang(), 'x-csrf-token': csrf,
      'content-type': blob.type || 'application/octet-stream',
    },
  });
  if (res.status === 401) { toLogin(); throw new ApiError(401, { code: 'unauthorized', error: '' }); }
  const data = await res.json().catch(() => null);
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}
