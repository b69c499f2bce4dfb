// Shared helpers for the end-to-end tests: start the real inspraak binary
// on a free loopback port with its own database, talk to it over HTTP and
// Server-Sent Events, and stop it again.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import net from 'node:net';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = path.join(ROOT, 'inspraak');
// the same server built with AddressSanitizer and UBSan (make inspraak-asan)
export const ASAN_BIN = path.join(ROOT, 'inspraak-asan');

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

export function run(args, input) {
  return execFileSync(BIN, args, { input, encoding: 'utf8', cwd: ROOT });
}

// INSPRAAK_TEST_PG: the URL of a PostgreSQL database in a throwaway
// cluster (scripts/pg-tmp sets INSPRAAK_PG_URL); when set, every prepare()
// makes a database of its own in that cluster instead of a SQLite file.
export const PG = process.env.INSPRAAK_TEST_PG || '';
let pgDatabases = 0;

function psql(url, statement) {
  return execFileSync('psql', [url, '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-c', statement],
    { encoding: 'utf8' }).trim();
}

// A new empty PostgreSQL database in the cluster of INSPRAAK_TEST_PG: its
// URL; cleanup() drops it.
export function pgDatabase() {
  const name = `e2e_${process.pid}_${++pgDatabases}`;
  psql(PG, `CREATE DATABASE ${name}`);
  const u = new URL(PG);
  u.pathname = `/${name}`;
  return u.toString();
}

// A new empty database: a SQLite file in dir, or a PostgreSQL database.
function newDatabase(dir) {
  return PG ? pgDatabase() : path.join(dir, 'test.db');
}

// Runs one SQL statement on a test's database (sqlite3 or psql); returns
// its output, one row a line, columns separated by '|'.
export function sql(env, statement) {
  if (env.db.startsWith('postgresql:')) return psql(env.db, statement);
  return execFileSync('sqlite3', [env.db, statement], { encoding: 'utf8' }).trim();
}

// A fresh database with the given deck imported as an event of the user
// "anna", who has a bearer token. Returns { dir, db, code, token }.
export function prepare(deck = 'tests/e2e/decks/all-types.md', dir = null) {
  dir = dir || mkdtempSync(path.join(tmpdir(), 'inspraak-e2e-'));
  const db = newDatabase(dir);
  // anna owns the event: an event without an owner is for admins only
  run(['user', 'add', 'anna', '--db', db], 'geheim-wachtwoord\n');
  const out = run(['import', deck, '--owner', 'anna', '--db', db]);
  const code = out.match(/code (\d{6,8})/)[1];
  const token = run(['token', 'anna', '--db', db]).trim();
  return { dir, db, code, token };
}

// Starts `inspraak serve` on a free port; resolves when it accepts requests.
// opts.bin runs another build of the server, opts.vars adds to its environment.
export async function startServer(env, extra = [], fixedPort = 0, opts = {}) {
  const port = fixedPort || await freePort();
  const proc = spawn(opts.bin || BIN, ['serve', '--listen', `127.0.0.1:${port}`, '--db', env.db, ...extra], {
    cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...(opts.vars || {}) },
  });
  let output = '';
  proc.stdout.on('data', (d) => { output += d; });
  proc.stderr.on('data', (d) => { output += d; });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    if (proc.exitCode !== null) throw new Error(`server exited: ${output}`);
    try {
      await fetch(`${base}/`);
      return { proc, port, base, output: () => output };
    } catch { await new Promise((r) => setTimeout(r, 50)); }
  }
  proc.kill('SIGKILL');
  throw new Error(`server did not start: ${output}`);
}

export async function stopServer(srv, signal = 'SIGTERM') {
  if (!srv || srv.proc.exitCode !== null) return;
  const done = new Promise((r) => srv.proc.once('exit', r));
  srv.proc.kill(signal);
  await done;
}

export function cleanup(env) {
  rmSync(env.dir, { recursive: true, force: true });
  for (const db of [env.db, env.pg]) {
    if (!db || !db.startsWith('postgresql:')) continue;
    psql(PG, `DROP DATABASE IF EXISTS ${new URL(db).pathname.slice(1)} WITH (FORCE)`);
  }
}

export function randomId() {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64url');
}

// A participant: keeps its cookie like a phone's browser does.
export class Participant {
  constructor(base, code) { this.base = base; this.code = code; this.cookie = ''; }
  async request(pathname, opts = {}) {
    const headers = { ...(opts.headers || {}) };
    if (this.cookie) headers.cookie = this.cookie;
    const res = await fetch(this.base + pathname, { ...opts, headers, redirect: 'manual' });
    const set = res.headers.get('set-cookie');
    if (set) this.cookie = set.split(';')[0];
    return res;
  }
  async answer(slide, value, id = randomId()) {
    const res = await this.request(`/api/v1/sessions/${this.code}/answers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id, slide, value }),
    });
    return { status: res.status, body: await res.json(), id, res };
  }
}

export async function control(base, code, token, action, extra = {}) {
  const res = await fetch(`${base}/api/v1/sessions/${code}/control`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ action, ...extra }),
  });
  return { status: res.status, body: await res.json() };
}

export async function state(base, code) {
  return (await fetch(`${base}/api/v1/sessions/${code}`)).json();
}

export async function results(base, code, token, hidden = false) {
  const res = await fetch(`${base}/api/v1/sessions/${code}/results${hidden ? '?hidden=1' : ''}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return res.json();
}

// Goes to the slide of the given kind (the n-th of that kind) and returns it.
export async function gotoKind(base, code, token, kind, nth = 0) {
  // walk from the start: slide ids are in deck order
  let st = await state(base, code);
  while (st.slide.index > 0) st = (await control(base, code, token, 'prev')).body;
  let seen = 0;
  for (;;) {
    if (st.slide.kind === kind && seen++ === nth) return st.slide;
    const next = (await control(base, code, token, 'next')).body;
    if (next.slide.index === st.slide.index) throw new Error(`no ${kind} slide`);
    st = next;
  }
}

// Reads a Server-Sent Events stream; events are collected in `events`.
export function openStream(url, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers }, (res) => {
      const s = { res, status: res.statusCode, headers: res.headers, events: [], raw: '',
        waiters: [], close() { req.destroy(); } };
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        s.raw += chunk;
        buf += chunk;
        let i;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const ev = { event: 'message', data: '', id: null };
          let data = [];
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) { ev.comment = line; continue; }
            const [k, ...rest] = line.split(':');
            const v = rest.join(':').replace(/^ /, '');
            if (k === 'event') ev.event = v;
            else if (k === 'data') data.push(v);
            else if (k === 'id') ev.id = v;
          }
          if (!data.length) continue;
          ev.data = data.join('\n');
          s.events.push(ev);
          s.waiters = s.waiters.filter((w) => !w(ev));
        }
      });
      resolve(s);
    });
    req.on('error', (e) => { if (e.code !== 'ECONNRESET') reject(e); });
  });
}

// Waits for an event that matches pred (already received ones count).
export function waitEvent(stream, pred, ms = 3000) {
  const found = stream.events.find(pred);
  if (found) return Promise.resolve(found);
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('timed out waiting for an event')), ms);
    stream.waiters.push((ev) => { if (pred(ev)) { clearTimeout(t); resolve(ev); return true; } return false; });
  });
}

// Debian's Chromium, headless, with nothing that reaches outside this machine.
export async function launchBrowser() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

// ---- several nodes (multinode.test.mjs) ----

// Polls fn until it returns a truthy value; rejects with what after ms.
export async function waitFor(fn, ms = 10000, what = 'a condition') {
  const end = Date.now() + ms;
  let last;
  for (;;) {
    try { last = await fn(); if (last) return last; } catch (e) { last = e; }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what} (last: ${last})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// Debian's nginx in front of the given ports: a configuration of its own in
// a temporary folder (the SSE settings of docs/deploy.md), round robin, on a
// free loopback port; one process (no master), stopped with stopNginx by
// its PID. Resolves once it accepts connections.
export async function startNginx(ports) {
  const dir = mkdtempSync(path.join(tmpdir(), 'inspraak-nginx-'));
  const port = await freePort();
  const conf = `daemon off;
master_process off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
	access_log off;
	client_body_temp_path ${dir}/body;
	proxy_temp_path ${dir}/proxy;
	fastcgi_temp_path ${dir}/fastcgi;
	uwsgi_temp_path ${dir}/uwsgi;
	scgi_temp_path ${dir}/scgi;
	upstream inspraak {
${ports.map((p) => `\t\tserver 127.0.0.1:${p} max_fails=1 fail_timeout=2s;`).join('\n')}
		keepalive 64;
	}
	server {
		listen 127.0.0.1:${port};
		client_max_body_size 32m;
		location / {
			proxy_pass http://inspraak;
			proxy_http_version 1.1;
			proxy_set_header Connection "";
			proxy_set_header Host $host;
			proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
			proxy_buffering off;
			proxy_cache off;
			proxy_read_timeout 1h;
		}
	}
}
`;
  writeFileSync(path.join(dir, 'nginx.conf'), conf);
  const proc = spawn('/usr/sbin/nginx', ['-p', dir, '-e', path.join(dir, 'error.log'), '-c', path.join(dir, 'nginx.conf')],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  proc.stderr.on('data', (d) => { output += d; });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    if (proc.exitCode !== null) throw new Error(`nginx exited: ${output}`);
    const ok = await new Promise((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => { s.destroy(); resolve(true); });
      s.on('error', () => resolve(false));
    });
    if (ok) return { proc, port, base, dir };
    await new Promise((r) => setTimeout(r, 50));
  }
  proc.kill('SIGKILL');
  throw new Error(`nginx did not start: ${output}`);
}

export async function stopNginx(ngx) {
  if (!ngx) return;
  if (ngx.proc.exitCode === null) {
    const done = new Promise((r) => ngx.proc.once('exit', r));
    ngx.proc.kill('SIGTERM');
    await done;
  }
  rmSync(ngx.dir, { recursive: true, force: true });
}

// The QR codes zbarimg (Debian's zbar-tools) reads in an image file, as a
// phone's camera would: their texts, [] when there is none.
export function qrCodesIn(file) {
  try {
    return execFileSync('zbarimg', ['--quiet', '--raw', '-Sdisable', '-Sqrcode.enable', file], { encoding: 'utf8' })
      .trim().split('\n').filter(Boolean);
  } catch (e) {
    if (e.status === 4) return []; // nothing found
    throw e;
  }
}

// Moves a session's presenter to the deck's website slide (the closing
// slide with the process's address and QR code); returns that state.
export async function gotoWebsiteSlide(base, code, token) {
  let st = await state(base, code);
  while (!st.slide.website) {
    const next = (await control(base, code, token, 'next')).body;
    if (next.slide.index === st.slide.index) throw new Error('the deck has no website slide');
    st = next;
  }
  return st;
}

// Logs page in as prepare()'s facilitator "anna" and waits for next.
export async function logIn(page, base, next) {
  await page.goto(`${base}/login?next=${next}`);
  await page.fill('#name', 'anna');
  await page.fill('#password', 'geheim-wachtwoord');
  await page.click('button[type=submit]');
  await page.waitForURL(`**${next}`);
}
