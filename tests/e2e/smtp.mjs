// A real SMTP server for the end-to-end tests: Debian's python3-aiosmtpd
// on a free loopback port, writing every message it takes to a folder.
// startSmtp() resolves once it listens; messages() parses what arrived
// (headers, the decoded text and HTML, the links in them); waitFor(pred)
// polls until a message matches; stop() ends it by its PID.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

// Debian's interpreter, where python3-aiosmtpd is installed (a python3
// earlier on PATH, such as a pyenv shim, would not have it).
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

// The server: an asyncio SMTP listener on port 0 that prints the port it
// got, and a handler that keeps each message as N.eml and N.json (the
// envelope), written to a temporary name first so a reader never sees half.
const SERVER = `
import asyncio, json, os, sys
from aiosmtpd.smtp import SMTP
folder = sys.argv[1]
count = 0
class Keep:
    async def handle_DATA(self, server, session, envelope):
        global count
        count += 1
        base = os.path.join(folder, '%06d' % count)
        with open(base + '.tmp', 'wb') as f:
            f.write(envelope.original_content or envelope.content)
        os.rename(base + '.tmp', base + '.eml')
        with open(base + '.jtmp', 'w') as f:
            json.dump({'from': envelope.mail_from, 'to': envelope.rcpt_tos}, f)
        os.rename(base + '.jtmp', base + '.json')
        return '250 Message accepted for delivery'
async def main():
    loop = asyncio.get_running_loop()
    srv = await loop.create_server(lambda: SMTP(Keep(), hostname='smtp.test'), '127.0.0.1', 0)
    print(srv.sockets[0].getsockname()[1], flush=True)
    await asyncio.Event().wait()
asyncio.run(main())
`;

// RFC 2047 encoded words (=?UTF-8?B?...?= and ?Q?) in a header value.
function decodeWords(v) {
  return v.replace(/\?=\s+=\?/g, '?==?').replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_, cs, enc, text) => {
    const bytes = enc.toUpperCase() === 'B' ? Buffer.from(text, 'base64')
      : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi,
        (m, h) => String.fromCharCode(parseInt(h, 16))), 'latin1');
    return bytes.toString('utf8');
  });
}

function decodeQP(s) {
  const bytes = [];
  const text = s.replace(/=\r?\n/g, '');
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '=' && /^[0-9A-F]{2}$/i.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(...Buffer.from(text[i], 'latin1'));
  }
  return Buffer.from(bytes).toString('utf8');
}

// Splits raw into { headers (lower-case names, unfolded, decoded), raw
// header block, body }.
function splitMessage(raw) {
  const at = raw.search(/\r?\n\r?\n/);
  const head = at < 0 ? raw : raw.slice(0, at);
  const body = at < 0 ? '' : raw.slice(at).replace(/^\r?\n\r?\n/, '');
  const headers = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i <= 0) continue;
    const name = line.slice(0, i).toLowerCase();
    const value = decodeWords(line.slice(i + 1).trim());
    headers[name] = headers[name] === undefined ? value : `${headers[name]}\n${value}`;
  }
  return { headers, head, body };
}

function decodeBody(headers, body) {
  const cte = (headers['content-transfer-encoding'] || '').toLowerCase();
  if (cte === 'quoted-printable') return decodeQP(body);
  if (cte === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  return body;
}

// One message: its headers, text, html, links and the raw bytes.
export function parseMessage(raw) {
  const { headers, head, body } = splitMessage(raw);
  const type = headers['content-type'] || 'text/plain';
  let text = '';
  let html = '';
  const boundary = /boundary="?([^";]+)"?/i.exec(type);
  if (/^multipart\//i.test(type) && boundary) {
    const parts = body.split(`--${boundary[1]}`).slice(1);
    for (const p of parts) {
      if (p.startsWith('--')) break;
      const part = splitMessage(p.replace(/^\r?\n/, ''));
      const decoded = decodeBody(part.headers, part.body.replace(/\r?\n$/, ''));
      if (/^text\/html/i.test(part.headers['content-type'] || '')) html = decoded;
      else text = decoded;
    }
  } else {
    text = decodeBody(headers, body);
  }
  text = text.replace(/\r\n/g, '\n');
  const links = [...new Set((text.match(/https?:\/\/[^\s<>"]+/g) || []))];
  return { headers, head, subject: headers.subject || '', to: headers.to || '', text, html, links, raw };
}

export async function startSmtp() {
  const dir = mkdtempSync(path.join(tmpdir(), 'inspraak-smtp-'));
  const proc = spawn(PYTHON, ['-c', SERVER, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stderr.on('data', (d) => { err += d; });
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`smtp server did not start: ${err}`)), 15000);
    proc.stdout.on('data', (d) => {
      out += d;
      const m = /^(\d+)\n/.exec(out);
      if (m) { clearTimeout(timer); resolve(Number(m[1])); }
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`smtp server exited (${code}): ${err}`));
    });
  });
  const smtp = {
    port,
    url: `smtp://127.0.0.1:${port}`,
    dir,
    // every message that arrived, oldest first, with its envelope
    messages() {
      return readdirSync(dir).filter((f) => f.endsWith('.eml')).sort().map((f) => {
        const msg = parseMessage(readFileSync(path.join(dir, f), 'utf8'));
        const env = path.join(dir, f.replace(/\.eml$/, '.json'));
        try { msg.envelope = JSON.parse(readFileSync(env, 'utf8')); } catch { msg.envelope = null; }
        msg.file = f;
        return msg;
      });
    },
    // the first message for which pred is true, polling up to timeout ms
    async waitFor(pred = () => true, timeout = 20000) {
      const end = Date.now() + timeout;
      for (;;) {
        const found = smtp.messages().find(pred);
        if (found) return found;
        if (Date.now() > end) {
          const seen = smtp.messages().map((m) => `${m.to}: ${m.subject}`);
          throw new Error(`no such mail within ${timeout} ms; arrived: ${JSON.stringify(seen)}`);
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) {
        const done = new Promise((r) => proc.once('exit', r));
        process.kill(proc.pid, 'SIGTERM');
        await done;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return smtp;
}
