// Mailbox sync (docs/api.md "Mailbox sync", issue 8) against a real IMAP
// server: dovecot on loopback, started here with a configuration of its own
// in a temporary directory (a plaintext password file, Maildir storage;
// without SSL, and again with SSL required, a certificate made here with
// openssl, STARTTLS on imap:// and TLS on imaps://). Test mails are
// delivered by writing Maildir files, as a local delivery agent does; POST
// /api/v1/jobs/mail-sync runs one pass.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { expectError, expectStatus } from './lib/expect.mjs';
import { createContact, getOk, qs } from './lib/fixtures.mjs';
import { freePort, startServer, uniq } from './lib/server.mjs';

const DOVECOT = '/usr/sbin/dovecot';
const have = fs.existsSync(DOVECOT);
const USER = 'agent';
const PASSWORD = 'imap-secret-123';

let srv;
let req;
let dv; // {dir, port, proc, uid, gid, exited}
let seq = 0;

/** Writes dovecot.conf and starts `dovecot -F`; resolves when it listens.
 * With tls, SSL is required (STARTTLS on port, TLS from the start on
 * tlsPort) with a certificate for 127.0.0.1 made here, self-signed (its own
 * CA: cert). */
async function startDovecot({ tls = false } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rapport-imap-'));
  fs.chmodSync(dir, 0o755);
  const port = await freePort();
  const tlsPort = tls ? await freePort() : 0;
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  if (tls) {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert,
      '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  }
  const root = process.getuid() === 0;
  // dovecot refuses root as its internal and login users and as the mail
  // user: as root, the users its package made serve
  const me = os.userInfo().username;
  const internal = root ? 'dovecot' : me;
  const login = root ? 'dovenull' : me;
  const uid = root ? Number(execFileSync('id', ['-u', 'dovecot']).toString()) : process.getuid();
  const gid = root ? Number(execFileSync('id', ['-g', 'dovecot']).toString()) : process.getgid();
  for (const d of ['run', 'state', 'home']) fs.mkdirSync(path.join(dir, d));
  for (const f of ['', '.Sent']) for (const sub of ['cur', 'new', 'tmp']) fs.mkdirSync(path.join(dir, 'mail', USER, f, sub), { recursive: true });
  if (root) execFileSync('chown', ['-R', `${uid}:${gid}`, path.join(dir, 'mail'), path.join(dir, 'home')]);
  fs.writeFileSync(path.join(dir, 'passwd'), `${USER}:{PLAIN}${PASSWORD}\n`);
  fs.writeFileSync(
    path.join(dir, 'dovecot.conf'),
    `base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
${tls ? `ssl = required
ssl_cert = <${cert}
ssl_key = <${key}
disable_plaintext_auth = yes` : `ssl = no
disable_plaintext_auth = no`}
auth_mechanisms = plain login
mail_location = maildir:${dir}/mail/%u
default_internal_user = ${internal}
default_login_user = ${login}
first_valid_uid = 1
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/passwd
}
userdb {
  driver = static
  args = uid=${uid} gid=${gid} home=${dir}/home/%u
}
service anvil {
  chroot =
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = ${tlsPort}
  }
}
`,
  );
  const proc = spawn(DOVECOT, ['-F', '-c', path.join(dir, 'dovecot.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  proc.stderr.on('data', (d) => (err += d));
  const exited = new Promise((resolve) => proc.on('exit', resolve));
  const deadline = Date.now() + 10000;
  for (;;) {
    const ok = await new Promise((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.end();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) break;
    if (proc.exitCode !== null || Date.now() > deadline) {
      proc.kill('SIGKILL');
      const log = fs.existsSync(path.join(dir, 'dovecot.log')) ? fs.readFileSync(path.join(dir, 'dovecot.log'), 'utf8') : '';
      throw new Error(`dovecot did not start: ${err}${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { dir, port, tlsPort, cert, proc, uid, gid, exited };
}

/** Delivers a message into INBOX (folder '') or Sent ('.Sent'). headers:
 * an object in order; body: text. */
function deliver(folder, headers, body = 'Hello.\r\n', d = dv) {
  const text = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('') + '\r\n' + body;
  const name = `${Date.now()}.M${++seq}P${process.pid}.rapport-test`;
  const base = path.join(d.dir, 'mail', USER, folder);
  fs.writeFileSync(path.join(base, 'tmp', name), text);
  if (process.getuid() === 0) fs.chownSync(path.join(base, 'tmp', name), d.uid, d.gid);
  fs.renameSync(path.join(base, 'tmp', name), path.join(base, 'new', name));
}

const hoursAgo = (h) => new Date(Date.now() - h * 3600e3);

async function sync() {
  const r = await req('POST', '/api/v1/jobs/mail-sync');
  expectStatus(r, 200, 'POST /jobs/mail-sync');
  assert.equal(r.json.error, null, `the mailbox was read: ${r.json.error}`);
  return r.json;
}

const emailsOf = async (contactId) =>
  (await getOk(req, `/api/v1/activities${qs({ contact_id: contactId, kind: 'email' })}`)).items;

describe('mailbox sync over IMAP', { skip: !have && `${DOVECOT} is missing: apt-get install -y dovecot-imapd` }, () => {
  before(async () => {
    dv = await startDovecot();
    srv = await startServer({ env: { RAPPORT_MAIL_POLL_S: '3600' } });
    req = srv.request;
  });
  after(async () => {
    await srv?.stop();
    if (dv) {
      dv.proc.kill('SIGTERM');
      await dv.exited;
      fs.rmSync(dv.dir, { recursive: true, force: true });
    }
  });

  test('without IMAP settings a sync is refused with the field', async () => {
    const r = await req('POST', '/api/v1/jobs/mail-sync');
    expectError(r, 400, 'validation_failed', 'imap');
    const put = await req('PUT', '/api/v1/settings/channels', {
      body: { imap: { url: `imap://127.0.0.1:${dv.port}`, username: USER, password: PASSWORD } },
    });
    expectStatus(put, 200, 'PUT /settings/channels');
  });

  test('an inbound mail from a known contact becomes one inbound email activity: L2, the score rises', async () => {
    const email = `${uniq('ann')}@example.com`;
    const c = await createContact(req, { first_name: 'Ann', last_name: 'Buyer', emails: [{ address: email }] });
    assert.equal(c.status, 'suspect');
    const scoreBefore = (await getOk(req, `/api/v1/contacts/${c.id}`)).score;
    const date = hoursAgo(2);
    date.setUTCMilliseconds(0);
    deliver('', {
      From: `"Ann Buyer" <${email.toUpperCase()}>`,
      To: `Agent <${USER}@example.net>`,
      Subject: '=?UTF-8?B?UmU6IGxhIG1haXNvbiDDoCB2ZW5kcmU=?= =?UTF-8?Q?_=E2=80=94_samedi?=',
      Date: date.toUTCString(),
      'Message-ID': `<${uniq('m')}@example.com>`,
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Transfer-Encoding': 'quoted-printable',
    }, 'Bonjour,\r\nJe voudrais visiter la maison =C3=A0 vendre samedi.\r\n');
    const rep = await sync();
    const inbox = rep.folders.find((f) => f.role === 'inbox');
    assert.equal(inbox.folder, 'INBOX');
    assert.ok(inbox.activities >= 1, JSON.stringify(rep));
    const acts = await emailsOf(c.id);
    assert.equal(acts.length, 1);
    assert.equal(acts[0].direction, 'inbound');
    assert.equal(acts[0].subject, 'Re: la maison à vendre — samedi', 'encoded-words decoded, the space between them dropped');
    assert.match(acts[0].body, /Je voudrais visiter la maison à vendre samedi\./);
    assert.equal(acts[0].source, 'mail');
    assert.equal(Date.parse(acts[0].occurred_at), date.getTime(), 'occurred_at is the Date header');
    const after = await getOk(req, `/api/v1/contacts/${c.id}`);
    assert.equal(after.status, 'prospect', 'L2: an inbound email makes a suspect a prospect');
    assert.ok(after.score > scoreBefore, `score ${scoreBefore} -> ${after.score}`);

    const again = await sync();
    assert.equal(again.activities, 0, 'a second sync adds nothing');
    assert.equal((await emailsOf(c.id)).length, 1);
  });

  test('a mail from an unknown sender adds nothing', async () => {
    const total = async () => (await getOk(req, `/api/v1/activities${qs({ kind: 'email', count: 'true' })}`)).total;
    const before = await total();
    deliver('', {
      From: `Stranger <${uniq('nobody')}@example.org>`,
      To: `${USER}@example.net`,
      Subject: 'Buy cheap watches',
      Date: hoursAgo(1).toUTCString(),
      'Message-ID': `<${uniq('spam')}@example.org>`,
    });
    const rep = await sync();
    assert.equal(rep.activities, 0);
    assert.equal(rep.folders.find((f) => f.role === 'inbox').skipped, 1);
    assert.equal(await total(), before);
  });

  test('a sent mail to a contact becomes an outbound activity; one to two contacts gives each one', async () => {
    const a = await createContact(req, { first_name: 'Bob', emails: [{ address: `${uniq('bob')}@example.com` }] });
    const b = await createContact(req, { first_name: 'Cy', emails: [{ address: `${uniq('cy')}@example.com` }] });
    deliver('.Sent', {
      From: `Agent <${USER}@example.net>`,
      To: `"Bob" <${a.emails[0].address}>`,
      Subject: 'Listing you asked about',
      Date: hoursAgo(3).toUTCString(),
      'Message-ID': `<${uniq('s')}@example.net>`,
    }, 'Here it is.\r\n');
    deliver('.Sent', {
      From: `Agent <${USER}@example.net>`,
      To: `${a.emails[0].address}, undisclosed:;`,
      Cc: `"Cy (the seller)" <${b.emails[0].address}>, other@example.org`,
      Subject: 'Meeting on Saturday',
      Date: hoursAgo(1).toUTCString(),
      'Message-ID': `<${uniq('s')}@example.net>`,
      'MIME-Version': '1.0',
      'Content-Type': 'multipart/alternative; boundary="b1"',
    }, '--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nSee you at 10.\r\n--b1\r\nContent-Type: text/html\r\n\r\n<p>See you at 10.</p>\r\n--b1--\r\n');
    const rep = await sync();
    const sent = rep.folders.find((f) => f.role === 'sent');
    assert.equal(sent.folder, 'Sent');
    assert.equal(sent.activities, 3, JSON.stringify(rep));
    const ofA = await emailsOf(a.id);
    assert.equal(ofA.length, 2);
    assert.ok(ofA.every((x) => x.direction === 'outbound'));
    assert.deepEqual(ofA.map((x) => x.subject).sort(), ['Listing you asked about', 'Meeting on Saturday']);
    const ofB = await emailsOf(b.id);
    assert.equal(ofB.length, 1);
    assert.equal(ofB[0].direction, 'outbound');
    assert.equal(ofB[0].body, 'See you at 10.', 'the text/plain part is the snippet');
    assert.equal((await getOk(req, `/api/v1/contacts/${b.id}`)).status, 'suspect', 'an outbound email is not L2');
    assert.equal((await sync()).activities, 0, 'a second sync adds nothing');
  });

  test('a wrong password is reported, not a server error', async () => {
    const put = await req('PUT', '/api/v1/settings/channels', {
      body: { imap: { url: `imap://127.0.0.1:${dv.port}`, username: USER, password: 'wrong' } },
    });
    expectStatus(put, 200, 'PUT /settings/channels');
    const r = await req('POST', '/api/v1/jobs/mail-sync');
    expectStatus(r, 200, 'POST /jobs/mail-sync');
    assert.match(r.json.error, /login/i);
    assert.doesNotMatch(r.text, /wrong/);
  });
});

const haveOpenssl = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

// Real mailboxes are read over TLS (Gmail, Outlook: imaps on 993). The
// server's certificate is checked against the system's CA bundle, or
// RAPPORT_CA_FILE for a server with a private CA (docs/operations.md);
// one that cannot be checked is refused, never read in plaintext instead.
describe('mailbox sync over TLS', {
  skip: (!have && `${DOVECOT} is missing: apt-get install -y dovecot-imapd`) || (!haveOpenssl && 'openssl is missing'),
}, () => {
  let tv; // dovecot with SSL required
  let trusted; // rapport with RAPPORT_CA_FILE naming the server's certificate
  let plain; // rapport with the system's CA bundle only

  const setImap = async (r, url) =>
    expectStatus(await r('PUT', '/api/v1/settings/channels', { body: { imap: { url, username: USER, password: PASSWORD } } }),
      200, 'PUT /settings/channels');
  const inbound = (email) =>
    deliver('', {
      From: `<${email}>`,
      To: `${USER}@example.net`,
      Subject: 'Over TLS',
      Date: hoursAgo(1).toUTCString(),
      'Message-ID': `<${uniq('tls')}@example.com>`,
    }, 'Hello.\r\n', tv);

  before(async () => {
    tv = await startDovecot({ tls: true });
    trusted = await startServer({ env: { RAPPORT_MAIL_POLL_S: '3600', RAPPORT_CA_FILE: tv.cert } });
    plain = await startServer({ env: { RAPPORT_MAIL_POLL_S: '3600' } });
  });
  after(async () => {
    await trusted?.stop();
    await plain?.stop();
    if (tv) {
      tv.proc.kill('SIGTERM');
      await tv.exited;
      fs.rmSync(tv.dir, { recursive: true, force: true });
    }
  });

  test('imaps:// and imap:// with STARTTLS read the mailbox when the certificate checks out (RAPPORT_CA_FILE)', async () => {
    const r = trusted.request;
    const email = `${uniq('tina')}@example.com`;
    const c = await createContact(r, { first_name: 'Tina', last_name: 'Secure', emails: [{ address: email }] });
    for (const url of [`imaps://127.0.0.1:${tv.tlsPort}`, `imap://127.0.0.1:${tv.port}`]) {
      await setImap(r, url);
      inbound(email);
      const rep = await r('POST', '/api/v1/jobs/mail-sync');
      expectStatus(rep, 200, `POST /jobs/mail-sync (${url})`);
      assert.equal(rep.json.error, null, `${url}: ${rep.json.error}`);
      assert.equal(rep.json.activities, 1, `${url}: the new mail became one activity`);
    }
    const acts = (await getOk(r, `/api/v1/activities${qs({ contact_id: c.id, kind: 'email' })}`)).items;
    assert.equal(acts.length, 2);
    assert.ok(acts.every((a) => a.direction === 'inbound' && a.subject === 'Over TLS'));
  });

  test('a certificate the CA bundle does not vouch for is refused with the reason; nothing is read in plaintext', async () => {
    const r = plain.request;
    const email = `${uniq('ursula')}@example.com`;
    const c = await createContact(r, { first_name: 'Ursula', last_name: 'Untrusted', emails: [{ address: email }] });
    inbound(email);
    for (const url of [`imaps://127.0.0.1:${tv.tlsPort}`, `imap://127.0.0.1:${tv.port}`]) {
      await setImap(r, url);
      const rep = await r('POST', '/api/v1/jobs/mail-sync');
      expectStatus(rep, 200, `POST /jobs/mail-sync (${url})`);
      assert.match(rep.json.error || '', /certificate/i, `${url}: ${JSON.stringify(rep.json)}`);
      assert.equal(rep.json.activities, 0);
    }
    assert.equal((await getOk(r, `/api/v1/activities${qs({ contact_id: c.id, kind: 'email' })}`)).items.length, 0);
    assert.doesNotMatch(plain.stderr(), new RegExp(PASSWORD), 'the password is not logged');
  });

  test('rapport serve will not start with a RAPPORT_CA_FILE it cannot use, and says why', async () => {
    const missing = path.join(tv.dir, 'no-such-ca.pem');
    await assert.rejects(startServer({ env: { RAPPORT_CA_FILE: missing } }), /RAPPORT_CA_FILE: cannot read .*no-such-ca\.pem/);
    const notPem = path.join(tv.dir, 'passwd');
    await assert.rejects(startServer({ env: { RAPPORT_CA_FILE: notPem } }), /RAPPORT_CA_FILE: .* holds no PEM certificate/);
  });
});
