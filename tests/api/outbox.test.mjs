// outbox.test.mjs: channel settings, the outbox sender and the unsubscribe
// link, black-box (API.md "Workflows, messages, channels"): GET|PUT
// /api/v1/settings/channels (secrets write-only, sms.webhook_url), POST
// /api/v1/messages delivered by `rapport serve` through real peers (the
// Twilio-shaped fake, tests/fakes/sms_provider.mjs, and aiosmtpd,
// tests/fakes/smtp_server.py), "A sent message is also an outbound
// activity", "An opted-out contact's message is suppressed", and
// GET/POST /unsubscribe/{message_id} (RFC 8058 one-click).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { startSmsProvider } from '../fakes/sms_provider.mjs';
import { expectError, expectStatus } from './lib/expect.mjs';
import { createContact, getOk, uniquePhone } from './lib/fixtures.mjs';
import { startServer, uniq } from './lib/server.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const SID = 'AC' + 'fedcba9876543210'.repeat(2);
const TOKEN = 'api-test-auth-token-7f3e';
const SMTP_PASSWORD = 'smtp-secret-pw-91c2';
const SMS_FROM = '+15005550006';
const MAIL_FROM = 'office@harbor.example';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Starts aiosmtpd (Debian's python3-aiosmtpd) with extra arguments;
 * resolves {port, out, stop}. */
function startSmtp(args = []) {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rapport-smtp-')), 'mail.jsonl');
  const python = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
  const p = spawn(python, [path.join(here, '..', 'fakes', 'smtp_server.py'), out, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let buf = '';
    let err = '';
    const t = setTimeout(() => {
      p.kill('SIGKILL');
      reject(new Error(`smtp_server.py did not start: ${err}`));
    }, 15000);
    p.stderr.on('data', (d) => (err += d));
    p.stdout.on('data', (d) => {
      buf += d;
      const m = /listening (\d+)/.exec(buf);
      if (m) {
        clearTimeout(t);
        resolve({
          port: Number(m[1]),
          out,
          stop: () =>
            new Promise((done) => {
              p.once('exit', () => done());
              p.kill('SIGTERM');
            }).then(() => fs.rmSync(path.dirname(out), { recursive: true, force: true })),
        });
      }
    });
    p.on('exit', (code) => {
      clearTimeout(t);
      reject(new Error(`smtp_server.py exited ${code}: ${err}`));
    });
  });
}

/** The emails aiosmtpd received, oldest first. */
function mails(smtp) {
  if (!fs.existsSync(smtp.out)) return [];
  return fs
    .readFileSync(smtp.out, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

const header = (mail, name) => mail.headers.find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];

/** Polls GET /messages/{id} until its status is not queued/sending. */
async function settled(srv, id, timeoutMs = 15000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const m = await getOk(srv.request, `/api/v1/messages/${id}`);
    if (m.status !== 'queued' && m.status !== 'sending') return m;
    if (Date.now() > end) throw new Error(`message ${id} still ${m.status} after ${timeoutMs} ms`);
    await sleep(100);
  }
}

async function postMessage(srv, body) {
  const r = await srv.request('POST', '/api/v1/messages', { body });
  expectStatus(r, 201, `POST /api/v1/messages ${JSON.stringify(body)}`);
  return r.json;
}

describe('outbox, channels and unsubscribe', () => {
  let srv;
  let sms;
  let smtp;

  before(async () => {
    sms = await startSmsProvider({ accountSid: SID, authToken: TOKEN });
    // AUTH required: the stored password must be the one used
    smtp = await startSmtp(['--auth', `office:${SMTP_PASSWORD}`, '--require-auth']);
    srv = await startServer();
  });

  after(async () => {
    if (srv) await srv.stop();
    if (sms) await sms.close();
    if (smtp) await smtp.stop();
  });

  const fullChannels = () => ({
    smtp: { url: `smtp://127.0.0.1:${smtp.port}`, from: MAIL_FROM, username: 'office', password: SMTP_PASSWORD },
    sms: { base_url: sms.url, account_sid: SID, auth_token: TOKEN, from: SMS_FROM },
  });

  test('channel settings: secrets are write-only, a PUT without them keeps them', async () => {
    const first = await getOk(srv.request, '/api/v1/settings/channels');
    assert.equal(first.smtp.url, null);
    assert.equal(first.smtp.password_set, false);
    assert.equal(first.sms.auth_token_set, false);
    assert.match(first.sms.webhook_url, new RegExp(`^${srv.base}/api/v1/hooks/sms/[0-9a-f]{32}$`));

    let r = await srv.request('PUT', '/api/v1/settings/channels', { body: fullChannels() });
    expectStatus(r, 200, 'PUT channels');
    assert.ok(!r.text.includes(TOKEN) && !r.text.includes(SMTP_PASSWORD), 'no secret in the answer');
    assert.equal(r.json.smtp.password_set, true);
    assert.equal(r.json.sms.auth_token_set, true);
    assert.equal(r.json.sms.from, SMS_FROM);
    assert.equal(r.json.sms.webhook_url, first.sms.webhook_url);
    assert.ok(!('password' in r.json.smtp) && !('auth_token' in r.json.sms));

    // only the sender changes; the secrets stay
    r = await srv.request('PUT', '/api/v1/settings/channels', { body: { smtp: { from: 'desk@harbor.example' } } });
    expectStatus(r, 200);
    const got = await getOk(srv.request, '/api/v1/settings/channels');
    assert.ok(!JSON.stringify(got).includes(TOKEN) && !JSON.stringify(got).includes(SMTP_PASSWORD));
    assert.equal(got.smtp.from, 'desk@harbor.example');
    assert.equal(got.smtp.password_set, true);
    assert.equal(got.sms.auth_token_set, true);
    // what GET answered can be sent back as is
    r = await srv.request('PUT', '/api/v1/settings/channels', { body: got });
    expectStatus(r, 200, 'PUT of the GET answer');
    assert.equal(r.json.smtp.password_set, true);
    // a null section clears it, secrets too
    r = await srv.request('PUT', '/api/v1/settings/channels', { body: { imap: { url: 'imaps://mail.harbor.example', username: 'u', password: 'p' } } });
    expectStatus(r, 200);
    assert.equal(r.json.imap.password_set, true);
    r = await srv.request('PUT', '/api/v1/settings/channels', { body: { imap: null } });
    expectStatus(r, 200);
    assert.deepEqual(r.json.imap, { url: null, username: null, password_set: false });
    r = await srv.request('PUT', '/api/v1/settings/channels', { body: fullChannels() });
    expectStatus(r, 200);
  });

  test('channel settings: bad values are refused with the field, and change nothing', async () => {
    const before = await getOk(srv.request, '/api/v1/settings/channels');
    const cases = [
      [{ smtp: { url: 'http://mail.example' } }, 'invalid_value', 'smtp.url'],
      [{ smtp: { url: 'smtp://user:pw@mail.example' } }, 'invalid_value', 'smtp.url'],
      [{ smtp: { url: 'smtp://mail.example:99999' } }, 'invalid_value', 'smtp.url'],
      [{ smtp: { from: 'not an address' } }, 'invalid_value', 'smtp.from'],
      [{ sms: { base_url: 'ftp://api.example' } }, 'invalid_value', 'sms.base_url'],
      [{ sms: { from: '555-1234' } }, 'invalid_value', 'sms.from'],
      [{ sms: { account_sid: 'AC-12' } }, 'invalid_value', 'sms.account_sid'],
      [{ sms: { auth_token: 12 } }, 'invalid_value', 'sms.auth_token'],
      [{ sms: { fax: 'x' } }, 'unknown_field', 'sms.fax'],
      [{ pager: {} }, 'unknown_field', 'pager'],
      [{ sms: 'twilio' }, 'invalid_value', 'sms'],
      [{ imap: { url: 'imap://mail.example' } }, 'validation_failed', 'imap.username'],
      [{ sms: { account_sid: null } }, 'validation_failed', 'sms.account_sid'],
      [{ smtp: { password: 'x', username: null } }, 'validation_failed', 'smtp.username'],
    ];
    for (const [body, code, field] of cases) {
      const r = await srv.request('PUT', '/api/v1/settings/channels', { body });
      expectError(r, 400, code, field);
    }
    const r = await srv.request('PUT', '/api/v1/settings/channels', { body: '{"sms":', headers: { 'Content-Type': 'application/json' } });
    expectError(r, 400, 'invalid_json');
    assert.deepEqual(await getOk(srv.request, '/api/v1/settings/channels'), before);
  });

  test('channel settings: owners and admins only', async () => {
    const agent = await srv.addUser('agent');
    expectError(await agent.req('GET', '/api/v1/settings/channels'), 403, 'forbidden');
    expectError(await agent.req('PUT', '/api/v1/settings/channels', { body: { sms: null } }), 403, 'forbidden');
    expectError(await srv.request('GET', '/api/v1/settings/channels', { token: null }), 401, 'unauthorized');
    const admin = await srv.addUser('admin');
    expectStatus(await admin.req('GET', '/api/v1/settings/channels'), 200);
  });

  test('an SMS goes out once, with its key, and is an outbound activity', async () => {
    const phone = uniquePhone();
    const c = await createContact(srv.request, { first_name: 'Sam', last_name: uniq('Sms'), phones: [{ number: phone }] });
    const m = await postMessage(srv, { contact_id: c.id, channel: 'sms', body: 'Hi {{first_name}}, any questions?' });
    assert.equal(m.status, 'queued');
    const done = await settled(srv, m.id);
    assert.equal(done.status, 'sent', JSON.stringify(done));
    const sent = sms.state.messages.filter((x) => x.to === phone);
    assert.equal(sent.length, 1);
    assert.equal(sent[0].from, SMS_FROM);
    assert.equal(sent[0].body, 'Hi Sam, any questions?');
    assert.equal(sent[0].idempotency_key, m.id);
    assert.equal(done.provider_id, sent[0].sid);
    assert.ok(done.sent_at);

    const acts = await getOk(srv.request, `/api/v1/activities?contact_id=${c.id}`);
    const out = acts.items.filter((a) => a.kind === 'sms' && a.direction === 'outbound');
    assert.equal(out.length, 1);
    assert.equal(out[0].body, 'Hi Sam, any questions?');
    assert.equal(out[0].source, 'message');
    const after = await getOk(srv.request, `/api/v1/contacts/${c.id}`);
    assert.ok(after.score > c.score, `score moved: ${c.score} -> ${after.score}`);
  });

  test('an opted-out contact gets nothing', async () => {
    const phone = uniquePhone();
    const c = await createContact(srv.request, { first_name: 'Opt', last_name: uniq('Out'), phones: [{ number: phone }], sms_opt_out: true });
    const m = await postMessage(srv, { contact_id: c.id, channel: 'sms', body: 'Hello' });
    assert.equal(m.status, 'suppressed');
    await sleep(1500); // a scheduler pass or two
    assert.equal((await getOk(srv.request, `/api/v1/messages/${m.id}`)).status, 'suppressed');
    assert.equal(sms.state.requests.filter((x) => x.form.To === phone).length, 0);
  });

  test('an email carries List-Unsubscribe; following it opts the contact out', async () => {
    const email = `${uniq('lu')}@example.org`;
    const c = await createContact(srv.request, { first_name: 'Lou', last_name: uniq('Mail'), emails: [{ address: email }] });
    const m = await postMessage(srv, { contact_id: c.id, channel: 'email', subject: 'Hello {{first_name}}', body: 'New listings this week.' });
    const done = await settled(srv, m.id);
    assert.equal(done.status, 'sent', JSON.stringify(done));
    const got = mails(smtp).filter((x) => x.rcpt_tos.includes(email));
    assert.equal(got.length, 1);
    assert.equal(header(got[0], 'Subject'), 'Hello Lou');
    assert.equal(header(got[0], 'Message-ID'), `<${m.id}@harbor.example>`);
    assert.equal(got[0].auth_login, 'office');
    const lu = header(got[0], 'List-Unsubscribe');
    assert.equal(lu, `<${srv.base}/unsubscribe/${m.id}>`);
    assert.equal(header(got[0], 'List-Unsubscribe-Post'), 'List-Unsubscribe=One-Click');

    const link = lu.slice(1, -1);
    const head = await fetch(link, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal((await getOk(srv.request, `/api/v1/contacts/${c.id}`)).email_opt_out, false, 'HEAD (a link checker) changes nothing');
    const page = await fetch(link);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type'), /^text\/html/);
    assert.match(await page.text(), /You are unsubscribed/);
    const after = await getOk(srv.request, `/api/v1/contacts/${c.id}`);
    assert.equal(after.email_opt_out, true);
    assert.equal(after.sms_opt_out, false);
    // again: still 200
    assert.equal((await fetch(link)).status, 200);
    const next = await postMessage(srv, { contact_id: c.id, channel: 'email', subject: 'Again', body: 'x' });
    assert.equal(next.status, 'suppressed');
  });

  test('one-click unsubscribe (RFC 8058 POST) and unknown links', async () => {
    const email = `${uniq('oc')}@example.org`;
    const c = await createContact(srv.request, { first_name: 'One', last_name: uniq('Click'), emails: [{ address: email }] });
    const m = await postMessage(srv, { contact_id: c.id, channel: 'email', subject: 'Hi', body: 'x' });
    const r = await fetch(`${srv.base}/unsubscribe/${m.id}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    assert.equal(r.status, 200);
    assert.equal((await getOk(srv.request, `/api/v1/contacts/${c.id}`)).email_opt_out, true);

    for (const id of ['01890000-0000-7000-8000-000000000000', 'not-a-message', m.id.slice(0, -1)]) {
      const nf = await fetch(`${srv.base}/unsubscribe/${id}`);
      assert.equal(nf.status, 404, id);
      assert.match(nf.headers.get('content-type'), /^text\/html/);
      assert.match(await nf.text(), /not valid/);
    }
  });
});
