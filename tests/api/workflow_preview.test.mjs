// POST /api/v1/workflows/preview (docs/api.md "Workflow preview"): a
// message template rendered for one contact as a workflow step renders it
// (the contact's fields, the agent the message goes out for, the account),
// nothing stored; the templates checked as a workflow's are on save; a
// contact the caller does not see is 404.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { expectError, expectStatus } from './lib/expect.mjs';
import { createContact, getOk, qs } from './lib/fixtures.mjs';
import { startServer, uniq } from './lib/server.mjs';

const PREVIEW = '/api/v1/workflows/preview';

let srv;
let agent;
before(async () => {
  srv = await startServer();
  agent = await srv.addUser('agent');
  const r = await srv.request('PATCH', `/api/v1/users/${agent.id}`, {
    body: { name: 'Avery Agent', phone: '+15125550100' },
  });
  expectStatus(r, 200, 'PATCH the agent');
});
after(async () => {
  await srv?.stop();
});

const preview = (body, req = srv.request) => req('POST', PREVIEW, { body });

describe('rendering', () => {
  test('the SMS body names the contact and the agent who owns it, as the sender does', async () => {
    const first = uniq('Pia');
    const c = await createContact(srv.request, {
      first_name: first,
      last_name: 'Preview',
      company: 'Acme Homes',
      phones: [{ number: '+15125550142' }],
      owner_id: agent.id,
    });
    const r = await preview({
      template: 'Hi {{first_name}}, {{agent.first_name}} here ({{agent.phone}}) - {{company}}',
      contact_id: c.id,
    });
    expectStatus(r, 200, 'preview');
    assert.equal(r.json.text, `Hi ${first}, Avery here (+15125550100) - Acme Homes`);
    assert.equal(r.json.subject, null, 'no subject asked, none answered');
  });

  test('an email subject is rendered too, with fallbacks for empty fields', async () => {
    const first = uniq('Sam');
    const c = await createContact(srv.request, { first_name: first, emails: [{ address: `${uniq('s')}@example.com` }] });
    const r = await preview({
      subject: 'A note for {{first_name}} from {{account.name}}',
      template: 'Dear {{first_name}},\nHow is {{pets|your family}}?',
      contact_id: c.id,
    });
    expectStatus(r, 200, 'preview');
    assert.equal(r.json.subject, `A note for ${first} from ${srv.account}`);
    assert.equal(r.json.text, `Dear ${first},\nHow is your family?`);
  });

  test('the preview matches what a workflow step queues for the same contact', async () => {
    const c = await createContact(srv.request, {
      first_name: uniq('Quinn'),
      phones: [{ number: '+15125550143' }],
      owner_id: agent.id,
    });
    const template = 'Hello {{first_name}} {{last_name|friend}}, this is {{agent.name}}.';
    const wf = await srv.request('POST', '/api/v1/workflows', {
      body: {
        name: uniq('Preview parity'),
        trigger: { event: 'manual' },
        steps: [{ action: 'send_sms', any_time: true, params: { body: template } }],
      },
    });
    expectStatus(wf, 201, 'POST workflow');
    const p = await preview({ template, contact_id: c.id });
    expectStatus(p, 200, 'preview');
    const e = await srv.request('POST', `/api/v1/workflows/${wf.json.id}/enroll`, { body: { contact_id: c.id } });
    expectStatus(e, 201, 'enroll');
    // the scheduler runs the step within a second or so
    let sent;
    for (let i = 0; i < 60 && !sent; i++) {
      const list = await getOk(srv.request, `/api/v1/messages${qs({ contact_id: c.id })}`);
      sent = list.items.find((m) => m.workflow_run_id === e.json.id);
      if (!sent) await new Promise((res) => setTimeout(res, 150));
    }
    assert.ok(sent, 'the step queued a message');
    assert.equal(p.json.text, sent.body);
    assert.match(p.json.text, /this is Avery Agent\.$/);
  });

  test('a preview stores nothing: no message, no activity', async () => {
    const c = await createContact(srv.request, { first_name: uniq('Nil'), phones: [{ number: '+15125550144' }] });
    expectStatus(await preview({ template: 'Hi {{first_name}}', contact_id: c.id }), 200, 'preview');
    const msgs = await getOk(srv.request, `/api/v1/messages${qs({ contact_id: c.id })}`);
    assert.equal(msgs.items.length, 0);
    const acts = await getOk(srv.request, `/api/v1/activities${qs({ contact_id: c.id })}`);
    assert.equal(acts.items.length, 0);
  });
});

describe('errors', () => {
  let c;
  before(async () => {
    c = await createContact(srv.request, { first_name: uniq('Err') });
  });

  test('an unknown variable is 400 naming template, with the reason save gives', async () => {
    const r = await preview({ template: 'Hi {{nonsense}}', contact_id: c.id });
    expectError(r, 400, 'invalid_value', 'template');
    assert.match(r.json.error.message, /unknown variable \{\{nonsense\}\}/);
    // the same reason a workflow save gives for the same text
    const save = await srv.request('POST', '/api/v1/workflows', {
      body: {
        name: uniq('Bad'),
        trigger: { event: 'manual' },
        steps: [{ action: 'send_sms', params: { body: 'Hi {{nonsense}}' } }],
      },
    });
    expectError(save, 400, 'invalid_value', 'steps[0].params.body');
    assert.ok(save.json.error.message.includes('unknown variable {{nonsense}} at 3'));
    assert.ok(r.json.error.message.includes('unknown variable {{nonsense}} at 3'));
  });

  test('a bad subject is 400 naming subject', async () => {
    const r = await preview({ template: 'ok', subject: 'Hello {{frist_name}}', contact_id: c.id });
    expectError(r, 400, 'invalid_value', 'subject');
    const two = await preview({ template: 'ok', subject: 'one\ntwo', contact_id: c.id });
    expectError(two, 400, 'invalid_value', 'subject');
  });

  test('a broken template, a missing one and unknown keys are refused', async () => {
    expectError(await preview({ template: 'Hi {{first_name', contact_id: c.id }), 400, 'invalid_value', 'template');
    expectError(await preview({ contact_id: c.id }), 400, 'validation_failed', 'template');
    expectError(await preview({ template: '', contact_id: c.id }), 400, 'invalid_value', 'template');
    expectError(await preview({ template: 'x', contact_id: c.id, body: 'x' }), 400, 'unknown_field', 'body');
  });

  test('contact_id is required and must be an id', async () => {
    expectError(await preview({ template: 'x' }), 400, 'validation_failed', 'contact_id');
    expectError(await preview({ template: 'x', contact_id: 'nope' }), 400, 'invalid_value', 'contact_id');
  });

  test("another account's contact is 404, and so is another agent's for an agent", async () => {
    const other = await srv.addAccount();
    const theirs = await createContact(other.req, { first_name: uniq('Theirs') });
    const r = await preview({ template: 'Hi {{first_name}}', contact_id: theirs.id });
    expectError(r, 404, 'not_found');
    assert.ok(!r.text.includes(theirs.first_name), 'the other account contact name is not leaked');

    const agent2 = await srv.addUser('agent');
    const owned = await createContact(srv.request, { first_name: uniq('Owned'), owner_id: agent.id });
    expectError(await preview({ template: 'Hi', contact_id: owned.id }, agent2.req), 404, 'not_found');
    // its own agent may preview it: any authenticated user, not only admins
    const mine = await preview({ template: 'Hi {{first_name}}', contact_id: owned.id }, agent.req);
    expectStatus(mine, 200, 'agent preview');
    assert.equal(mine.json.text, `Hi ${owned.first_name}`);
  });

  test('no credentials is 401', async () => {
    const r = await srv.request('POST', PREVIEW, { body: { template: 'x', contact_id: c.id }, token: null });
    expectError(r, 401, 'unauthorized');
  });
});
