// Speed to lead end to end (DOMAIN.md A1, issue 6): a lead captured through
// the public form is a suspect; within seconds the built-in workflow texts
// it through the (fake, Twilio-shaped) provider that the agent will call, a
// call task is due five minutes after the capture for the contact's owner,
// the text is an outbound activity, and the dashboard's speed to lead counts
// the time to that first contact.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN, startSmsProvider } from '../fakes/sms_provider.mjs';
import { expectStatus } from './lib/expect.mjs';
import { getOk, qs } from './lib/fixtures.mjs';
import { startServer, uniq } from './lib/server.mjs';

let provider;
let srv;
before(async () => {
  provider = await startSmsProvider();
  srv = await startServer();
  expectStatus(
    await srv.request('PUT', '/api/v1/settings/channels', {
      body: { sms: { base_url: provider.url, account_sid: DEFAULT_ACCOUNT_SID, auth_token: DEFAULT_AUTH_TOKEN, from: '+15125550000' } },
    }),
    200,
    'PUT channels',
  );
  // the owner's name and phone sign the text
  expectStatus(await srv.request('PATCH', `/api/v1/users/${srv.user.id}`, { body: { name: 'Dana Agent', phone: '+15125550111' } }), 200, 'owner name');
});
after(async () => {
  await srv?.stop();
  await provider?.close();
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test('A1: a captured lead gets a text within seconds and a call task due five minutes after', async () => {
  const req = srv.request;
  const form = (await getOk(req, '/api/v1/capture-forms')).items[0];
  const email = `${uniq('lead')}@example.com`;
  const t0 = Date.now();
  const cap = await fetch(`${srv.base}${form.path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ first_name: 'Robin', last_name: 'Lead', email, phone: '512-555-0123', message: 'Is 12 Oak St still available?' }).toString(),
  });
  assert.equal(cap.status, 201, await cap.clone().text());
  const { contact_id: id, created } = await cap.json();
  assert.equal(created, true);

  // the text reaches the provider within seconds
  let sms;
  while (!(sms = provider.state.messages.find((m) => m.to === '+15125550123'))) {
    assert.ok(Date.now() - t0 < 5000, 'no text within 5 seconds');
    await sleep(50);
  }
  assert.match(sms.body, /^Hi Robin, this is Dana Agent\. .*call you in the next few minutes\./);
  assert.equal(sms.from, '+15125550000');
  assert.equal(provider.state.messages.filter((m) => m.to === '+15125550123').length, 1);

  const c = await getOk(req, `/api/v1/contacts/${id}`);
  assert.equal(c.status, 'suspect');
  assert.equal(c.owner_id, srv.user.id);
  const tasks = (await getOk(req, `/api/v1/tasks${qs({ contact_id: id })}`)).items;
  assert.equal(tasks.length, 1);
  assert.equal(tasks[0].kind, 'call');
  assert.equal(tasks[0].assignee_id, srv.user.id);
  assert.equal(Date.parse(tasks[0].due_at) - Date.parse(c.created_at), 5 * 60 * 1000, 'due 5 minutes after the capture');

  // the sent text is an outbound activity; the dashboard times the first contact
  let acts;
  for (;;) {
    acts = (await getOk(req, `/api/v1/activities${qs({ contact_id: id, kind: 'sms' })}`)).items;
    if (acts.length) break;
    assert.ok(Date.now() - t0 < 5000, 'the sent text is no activity');
    await sleep(50);
  }
  assert.equal(acts[0].direction, 'outbound');
  const dash = await getOk(req, '/api/v1/dashboard');
  assert.ok(dash.speed_to_lead.count >= 1);
  assert.equal(typeof dash.speed_to_lead.median_seconds, 'number');
  assert.ok(dash.speed_to_lead.median_seconds <= 5, `median ${dash.speed_to_lead.median_seconds} s`);

  // GET /metrics counts the send and the (now empty) queue
  const metrics = await (await fetch(`${srv.base}/metrics`)).text();
  assert.match(metrics, /^rapport_outbox_sends_total\{outcome="sent"\} [1-9]/m);
  assert.match(metrics, /^rapport_outbox_queue_depth 0$/m);
});
