// Crash test of the outbox (issue 6, API.md "No step ever sends twice, across
// crashes and restarts"): messages are being sent to the fake provider, which
// takes each one at once but answers late; the server is killed with SIGKILL
// in the middle (one message taken by the provider but never recorded as
// sent, others claimed, others queued), restarted on the same database, and
// every message reaches the provider exactly once: the resend of the one in
// flight carries the same Idempotency-Key and the provider answers it with
// the first message.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN, startSmsProvider } from '../fakes/sms_provider.mjs';
import { expectStatus } from './lib/expect.mjs';
import { createContact, getOk, qs } from './lib/fixtures.mjs';
import { startServer, uniq } from './lib/server.mjs';

const T0 = '2026-11-25T15:00:00Z';
const LATER = '2026-11-25T15:10:00Z'; // past the 120 s lease of the killed sender
const N = 12;

let provider;
let srv;
before(async () => {
  provider = await startSmsProvider();
});
after(async () => {
  await srv?.stop();
  await provider?.close();
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function providerCall(path, body) {
  const r = await fetch(`${provider.url}${path}`, { method: 'POST', body: JSON.stringify(body) });
  assert.equal(r.status, 200, await r.text());
}

test('kill -9 while sending, restart: every message reached the provider exactly once', async () => {
  const first = await startServer({ clock: T0 });
  const req = first.request;
  expectStatus(
    await req('PUT', '/api/v1/settings/channels', {
      body: { sms: { base_url: provider.url, account_sid: DEFAULT_ACCOUNT_SID, auth_token: DEFAULT_AUTH_TOKEN, from: '+15125550000' } },
    }),
    200,
    'PUT channels',
  );
  await providerCall('/_delay', { ms: 600 });
  const ids = [];
  for (let i = 0; i < N; i++) {
    const c = await createContact(req, { first_name: uniq('Crash'), phones: [{ number: `+1512555${String(1000 + i)}` }] });
    const m = await req('POST', '/api/v1/messages', { body: { contact_id: c.id, channel: 'sms', body: `Message ${i}` } });
    expectStatus(m, 201, 'POST /messages');
    ids.push(m.json.id);
  }
  // some taken by the provider, the sender waiting on the next answer: kill
  const deadline = Date.now() + 20000;
  while (provider.state.messages.length < 3) {
    assert.ok(Date.now() < deadline, 'the sender never reached the provider');
    await sleep(50);
  }
  first.proc.kill('SIGKILL');
  await new Promise((r) => first.proc.once('exit', r));
  const takenBeforeCrash = provider.state.messages.length;
  assert.ok(takenBeforeCrash < N, `killed in the middle (${takenBeforeCrash} of ${N} taken)`);

  await providerCall('/_delay', { ms: 0 });
  srv = await startServer({ dir: first.dir, email: first.email, password: first.password, clock: LATER });
  const deadline2 = Date.now() + 30000;
  for (;;) {
    const sent = await getOk(srv.request, `/api/v1/messages${qs({ status: 'sent', limit: 100 })}`);
    if (sent.items.length === N) break;
    assert.ok(Date.now() < deadline2, `only ${sent.items.length} of ${N} sent after the restart`);
    await sleep(200);
  }
  // exactly once at the provider, one per message, keyed by the message id
  const taken = provider.state.messages;
  assert.equal(taken.length, N, `the provider created ${taken.length} messages for ${N}`);
  assert.deepEqual(taken.map((m) => m.idempotency_key).sort(), [...ids].sort());
  assert.equal(new Set(taken.map((m) => m.to)).size, N);
  // the one in flight at the crash was sent again and answered from the key
  assert.ok(provider.state.requests.some((r) => r.replayed), 'a resend was answered with the first message');
  // each sent message is an outbound activity of its contact, once
  for (const id of ids) {
    const m = await getOk(srv.request, `/api/v1/messages/${id}`);
    assert.equal(m.status, 'sent');
    assert.ok(m.provider_id.startsWith('SM'));
    const acts = await getOk(srv.request, `/api/v1/activities${qs({ contact_id: m.contact_id, kind: 'sms' })}`);
    assert.equal(acts.items.length, 1, `one outbound sms activity for ${m.to}`);
  }
});
