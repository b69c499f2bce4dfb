// Talking to the server: JSON in and out, the CSRF token on every change,
// and a trip to the login page when the login has expired.
let csrf = '';
let me = null;

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.error || `HTTP ${status}`);
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
  const res = await fetch('/api/v1/me', { headers: { accept: 'application/json' } });
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
  const headers = { accept: 'application/json' };
  if (method !== 'GET') headers['x-csrf-token'] = csrf;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, {
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
  const res = await fetch(path, {
    method: 'POST', body: blob,
    headers: { accept: 'application/json', 'x-csrf-token': csrf, 'content-type': blob.type || 'application/octet-stream' },
  });
  if (res.status === 401) { toLogin(); throw new ApiError(401, { code: 'unauthorized', error: '' }); }
  const data = await res.json().catch(() => null);
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}
