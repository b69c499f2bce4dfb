// E-mail from the website (src/app/mail.c) through a real SMTP server
// (tests/e2e/smtp.mjs, Debian's python3-aiosmtpd).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { prepare, startServer, stopServer, cleanup, run } from './lib.mjs';
import { startSmtp } from './smtp.mjs';

let env;
let srv;
let smtp;
let admin;

before(async () => {
  env = prepare();
  run(['user', 'add', 'root', '--role', 'admin', '--db', env.db], 'nog-een-wachtwoord\n');
  admin = run(['token', 'root', '--db', env.db]).trim();
  smtp = await startSmtp();
  srv = await startServer(env, ['--smtp-url', smtp.url, '--mail-from', 'inspraak@gemeente.test',
    '--metrics-local'], 0, { vars: { INSPRAAK_MAIL_RETRY_MS: '100' } });
});

after(async () => {
  await stopServer(srv);
  if (smtp) await smtp.stop();
  if (env) cleanup(env);
});

function mailTest(to, token = admin) {
  return fetch(`${srv.base}/api/v1/mail/test`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ to }),
  });
}

test('a test message arrives with proper headers', async () => {
  const res = await mailTest('bewoner@example.test');
  assert.equal(res.status, 200, await res.clone().text());
  const msg = await smtp.waitFor((m) => m.to === 'bewoner@example.test');
  assert.deepEqual(msg.envelope, { from: 'inspraak@gemeente.test', to: ['bewoner@example.test'] });
  assert.equal(msg.subject, 'inspraak: test');
  assert.equal(msg.headers.from, 'inspraak@gemeente.test');
  assert.match(msg.headers.date, /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0000$/);
  assert.match(msg.headers['message-id'], /^<[0-9a-f]{24}@gemeente\.test>$/);
  assert.equal(msg.headers['mime-version'], '1.0');
  assert.match(msg.headers['content-type'], /^text\/plain; charset=utf-8$/);
  assert.match(msg.text, /can send mail/);
  const metrics = await (await fetch(`${srv.base}/metrics`)).text();
  assert.match(metrics, /inspraak_mail_total\{result="sent"\} [1-9]/);
});

test('a bad address, a facilitator and a missing login are refused', async () => {
  for (const to of ['geen-adres', 'a@b', 'a b@c.nl', 'x@y.nl\r\nBcc: z@y.nl', '', 42]) {
    const res = await mailTest(to);
    assert.equal(res.status, 400, `${JSON.stringify(to)}`);
  }
  assert.equal((await mailTest('a@b.nl', env.token)).status, 403);
  const anon = await fetch(`${srv.base}/api/v1/mail/test`, { method: 'POST', body: '{}' });
  assert.equal(anon.status, 401);
});

test('without --smtp-url the test answers 503', async () => {
  const other = await startServer(env);
  try {
    const res = await fetch(`${other.base}/api/v1/mail/test`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ to: 'a@b.nl' }),
    });
    assert.equal(res.status, 503);
  } finally { await stopServer(other); }
});

// last: it stops the SMTP server
test('a mail server that is gone gives 502 after one retry', async () => {
  await smtp.stop();
  smtp = null;
  const res = await mailTest('bewoner@example.test');
  assert.equal(res.status, 502);
  const metrics = await (await fetch(`${srv.base}/metrics`)).text();
  assert.match(metrics, /inspraak_mail_total\{result="failed"\} 1/);
});
