// The inbound SMS hook (API.md POST /api/v1/hooks/sms/{account_key}): Twilio's
// form fields and X-Twilio-Signature (computed here as Twilio does: HMAC-SHA1
// of the URL and the sorted fields under the auth token), a reply on a known
// contact's thread, a new suspect for an unknown number, STOP and START, a
// retried webhook recorded once, stop_on_reply.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';

import { expectStatus } from './lib/expect.mjs';
import { createContact, getOk, qs } from './lib/fixtures.mjs';
import { startServer, uniq } from './lib/server.mjs';

const TOKEN = 'test-auth-token-0123456789abcdef';
let srv;
let req;
let hook; // the full URL the provider posts to

before(async () => {
  srv = await startServer();
  req = srv.request;
  const put = await req('PUT', '/api/v1/settings/channels', {
    body: { sms: { base_url: 'http://127.0.0.1:9', account_sid: 'AC0123', auth_token: TOKEN, from: '+15125550000' } },
  });
  expectStatus(put, 200, 'PUT /settings/channels');
  hook = put.json.sms.webhook_url;
  assert.match(hook, /^http:\/\/127\.0\.0\.1:\d+\/api\/v1\/hooks\/sms\/[0-9a-f]{32}$/);
});
after(async () => {
  await srv?.stop();
});

/** Twilio's signature: base64(HMAC-SHA1(token, url + name1 + value1 + ...)), names sorted. */
function sign(url, fields, token = TOKEN) {
  const data = url + Object.keys(fields).sort().map((k) => k + fields[k]).join('');
  return crypto.createHmac('sha1', token).update(data).digest('base64');
}

let sidSeq = 0;
async function post(fields, { signature, url = hook } = {}) {
  const f = { MessageSid: `SM${crypto.randomBytes(16).toString('hex')}${sidSeq++}`, To: '+15125550000', ...fields };
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      'X-Twilio-Signature': signature ?? sign(url, f),
    },
    body: new URLSearchParams(f).toString(),
  });
  return { status: res.status, text: await res.text(), fields: f };
}

const smsOf = async (contactId) =>
  (await getOk(req, `/api/v1/activities${qs({ contact_id: contactId, kind: 'sms' })}`)).items;

describe('inbound SMS', () => {
  test('a reply lands on the contact with that phone, however it is written, and stops stop_on_reply runs', async () => {
    const c = await createContact(req, { first_name: uniq('Texter'), phones: [{ number: '(512) 555-0177' }] });
    const w = await req('POST', '/api/v1/workflows', {
      body: { name: uniq('Nudge'), stop_on_reply: true, trigger: { event: 'manual' }, steps: [{ after: 'P2D', action: 'send_sms', params: { body: 'still there?' } }] },
    });
    expectStatus(w, 201, 'workflow');
    const run = await req('POST', `/api/v1/workflows/${w.json.id}/enroll`, { body: { contact_id: c.id } });
    expectStatus(run, 201, 'enroll');
    const r = await post({ From: '+15125550177', Body: 'Yes, Saturday works!' });
    assert.equal(r.status, 200, r.text);
    assert.match(r.text, /<Response><\/Response>/);
    const acts = await smsOf(c.id);
    assert.equal(acts.length, 1);
    assert.equal(acts[0].direction, 'inbound');
    assert.equal(acts[0].body, 'Yes, Saturday works!');
    assert.equal((await getOk(req, `/api/v1/contacts/${c.id}`)).status, 'prospect', 'L2: two-way communication began');
    const after = await getOk(req, `/api/v1/workflow-runs/${run.json.id}`);
    assert.equal(after.status, 'stopped');
    assert.equal(after.stop_reason, 'replied');
  });

  test('an unknown number becomes a suspect with source sms', async () => {
    const r = await post({ From: '+15125550188', Body: 'Is the house on Elm still for sale?' });
    assert.equal(r.status, 200, r.text);
    const list = await getOk(req, `/api/v1/contacts${qs({ q: '+15125550188' })}`);
    assert.equal(list.items.length, 1);
    const c = list.items[0];
    assert.equal(c.source, 'sms');
    assert.deepEqual(c.phones.map((p) => p.number), ['+15125550188']);
    // the text is their first word: two-way from the start (L2)
    assert.equal((await smsOf(c.id)).length, 1);
  });

  test('STOP opts out (the next text is suppressed), START opts back in', async () => {
    const c = await createContact(req, { first_name: uniq('Stopper'), phones: [{ number: '+15125550199' }] });
    expectStatus((await post({ From: '+15125550199', Body: ' Stop. ' })), 200, 'STOP');
    assert.equal((await getOk(req, `/api/v1/contacts/${c.id}`)).sms_opt_out, true);
    const m = await req('POST', '/api/v1/messages', { body: { contact_id: c.id, channel: 'sms', body: 'hello?' } });
    expectStatus(m, 201, 'message');
    assert.equal(m.json.status, 'suppressed');
    expectStatus((await post({ From: '+15125550199', Body: 'START' })), 200, 'START');
    assert.equal((await getOk(req, `/api/v1/contacts/${c.id}`)).sms_opt_out, false);
    // "stop it" is a sentence, not the keyword
    expectStatus((await post({ From: '+15125550199', Body: 'stop it please' })), 200, 'sentence');
    assert.equal((await getOk(req, `/api/v1/contacts/${c.id}`)).sms_opt_out, false);
  });

  test('a retried webhook (same MessageSid) is recorded once', async () => {
    const c = await createContact(req, { first_name: uniq('Retry'), phones: [{ number: '+15125550166' }] });
    const f = { MessageSid: `SM${crypto.randomBytes(16).toString('hex')}`, From: '+15125550166', To: '+15125550000', Body: 'once' };
    for (let i = 0; i < 3; i++) {
      const res = await fetch(hook, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': sign(hook, f) },
        body: new URLSearchParams(f).toString(),
      });
      assert.equal(res.status, 200);
      await res.text();
    }
    assert.equal((await smsOf(c.id)).length, 1);
  });

  test('a bad signature, a wrong token or an unknown hook changes nothing', async () => {
    const c = await createContact(req, { first_name: uniq('Forged'), phones: [{ number: '+15125550155' }] });
    const bad = await post({ From: '+15125550155', Body: 'hi' }, { signature: 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=' });
    assert.equal(bad.status, 403, bad.text);
    const f = { MessageSid: 'SMx', From: '+15125550155', Body: 'hi' };
    const wrong = await fetch(hook, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': sign(hook, f, 'other-token') },
      body: new URLSearchParams(f).toString(),
    });
    assert.equal(wrong.status, 403);
    await wrong.text();
    // the signature covers the fields: a changed body does not pass
    const tampered = await fetch(hook, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': sign(hook, f) },
      body: new URLSearchParams({ ...f, Body: 'STOP' }).toString(),
    });
    assert.equal(tampered.status, 403);
    await tampered.text();
    const unknown = hook.replace(/[0-9a-f]{32}$/, '0'.repeat(32));
    const nf = await post({ From: '+15125550155', Body: 'hi' }, { url: unknown });
    assert.equal(nf.status, 404);
    assert.equal((await smsOf(c.id)).length, 0);
    assert.equal((await getOk(req, `/api/v1/contacts/${c.id}`)).sms_opt_out, false);
  });

  test('JSON is refused: the provider posts a form', async () => {
    const r = await fetch(hook, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    assert.equal(r.status, 415);
    assert.equal((await r.json()).error.code, 'unsupported_media_type');
  });
});
