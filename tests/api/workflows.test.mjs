// Workflows (API.md "Workflows, messages, channels"; DOMAIN.md A1, A5, M2):
// the built-in library, validation when saved, triggers and filters, the
// planning of every step (after, on, birthday, close date) in the
// account's time zone and office hours, the scheduler running steps as the
// test clock moves (the test build's clock: no sleeping through days),
// stop on reply, stopping a run, catching up after downtime without a
// flood, the automation switch, and POST /messages.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { expectError, expectStatus } from './lib/expect.mjs';
import { createActivity, createContact, createProperty, getOk, patchOk, qs } from './lib/fixtures.mjs';
import { startServer, uniq } from './lib/server.mjs';

// Wednesday 2026-11-25 10:00 in New York (UTC-5).
const START = '2026-11-25T15:00:00Z';

let srv;
let req;
before(async () => {
  srv = await startServer({ clock: START });
  // an API token: a login session would expire as the clock runs months ahead
  const t = await srv.request('POST', '/api/v1/tokens', { body: { name: 'workflows test' } });
  expectStatus(t, 201, 'POST /api/v1/tokens');
  req = srv.as({ token: t.json.token });
  expectStatus(
    await req('PUT', '/api/v1/settings', {
      body: {
        timezone: 'America/New_York',
        office_hours: { start: '09:00', end: '18:00', days: ['mon', 'tue', 'wed', 'thu', 'fri'] },
      },
    }),
    200,
    'PUT settings',
  );
});
after(async () => {
  await srv?.stop();
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** Polls fn until it returns a truthy value (the scheduler runs every
 * second); fails after 8 s with what. */
async function waitFor(fn, what) {
  const deadline = Date.now() + 8000;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await sleep(150);
  }
}

async function createWorkflow(body) {
  const r = await req('POST', '/api/v1/workflows', { body });
  expectStatus(r, 201, `POST /api/v1/workflows ${JSON.stringify(body).slice(0, 160)}`);
  return r.json;
}
const runsOf = async (contactId) => (await getOk(req, `/api/v1/workflow-runs${qs({ contact_id: contactId })}`)).items;
const runOf = (id) => getOk(req, `/api/v1/workflow-runs/${id}`);
const messagesOf = async (contactId) => (await getOk(req, `/api/v1/messages${qs({ contact_id: contactId })}`)).items;
async function enroll(workflowId, contactId) {
  const r = await req('POST', `/api/v1/workflows/${workflowId}/enroll`, { body: { contact_id: contactId } });
  expectStatus(r, 201, 'enroll');
  return r.json;
}
const person = (extra = {}) =>
  createContact(req, {
    first_name: uniq('Wf'),
    last_name: 'Person',
    emails: [{ address: `${uniq('wf')}@example.com` }],
    phones: [{ number: '+15125550142' }],
    ...extra,
  });

describe('the built-in library', () => {
  test('every account gets the eight library workflows, enabled and editable', async () => {
    const list = await getOk(req, '/api/v1/workflows');
    const byKey = Object.fromEntries(list.items.filter((w) => w.builtin).map((w) => [w.builtin, w]));
    assert.deepEqual(Object.keys(byKey).sort(), [
      'buyer_lead', 'closing_process', 'listing_process', 'post_closing', 'press_for_agreement',
      'seller_lead', 'speed_to_lead', 'trend_alert',
    ]);
    assert.equal(byKey.speed_to_lead.trigger.event, 'lead_captured');
    assert.equal(byKey.speed_to_lead.steps[0].action, 'send_sms');
    assert.equal(byKey.speed_to_lead.steps[0].any_time, true, 'A1: the text goes at once');
    assert.equal(byKey.speed_to_lead.steps[1].params.due_in, 'PT5M', 'A1: the call is due 5 minutes after');
    assert.deepEqual(byKey.post_closing.trigger, { event: 'status_changed', filter: { to: 'past_client' } });
    // seven years of touches: quarters, anniversaries and birthdays
    const steps = byKey.post_closing.steps;
    assert.equal(steps.filter((s) => s.relative_to === 'birthday').length, 7);
    assert.ok(steps.some((s) => s.relative_to === 'close_date' && s.offset === 'P7Y'));
    const w = await patchOk(req, `/api/v1/workflows/${byKey.trend_alert.id}`, { enabled: false });
    assert.equal(w.enabled, false);
    assert.equal(w.builtin, 'trend_alert');
  });
});

describe('saving a workflow', () => {
  const base = () => ({
    name: uniq('Flow'),
    trigger: { event: 'manual' },
    steps: [{ after: 'PT5M', action: 'send_sms', params: { body: 'Hi {{first_name|there}}' } }],
  });
  test('a valid workflow round-trips', async () => {
    const w = await createWorkflow({ ...base(), stop_on_reply: true });
    assert.equal(w.version, 1);
    assert.equal(w.enabled, true);
    assert.equal(w.stop_on_reply, true);
    assert.deepEqual(w.steps, base().steps);
    assert.deepEqual(await getOk(req, `/api/v1/workflows/${w.id}`), w);
  });
  test('bad steps are refused with the field and the reason, and nothing is saved', async () => {
    const before = (await getOk(req, '/api/v1/workflows')).items.length;
    const cases = [
      [{ after: 'PT5M', action: 'send_sms', params: { body: 'Hi {{frist_name}}' } }, 'steps[0].params.body', /frist_name/],
      [{ after: 'P1.5D', action: 'send_sms', params: { body: 'x' } }, 'steps[0].after', /fraction/],
      [{ after: '-P1D', action: 'send_sms', params: { body: 'x' } }, 'steps[0].after', /negative/],
      [{ after: 'PT', action: 'send_sms', params: { body: 'x' } }, 'steps[0].after', null],
      [{ after: 'P1D', action: 'fax', params: {} }, 'steps[0].action', /send_sms/],
      [{ after: 'P1D', action: 'send_email', params: { body: 'x' } }, 'steps[0].params.subject', null],
      [{ after: 'P1D', on: '2026-12-01T09:00:00Z', action: 'send_sms', params: { body: 'x' } }, 'steps[0]', null],
      [{ relative_to: 'birthday', offset: 'P1X', action: 'send_sms', params: { body: 'x' } }, 'steps[0].offset', null],
      [{ relative_to: 'wedding', action: 'send_sms', params: { body: 'x' } }, 'steps[0].relative_to', null],
      [{ after: 'P1D', action: 'set_status', params: { status: 'vip' } }, 'steps[0].params.status', null],
      [{ after: 'P1D', action: 'send_sms', params: { body: 'x', extra: 1 } }, 'steps[0].params.extra', null],
      [{ after: 'P1D', action: 'send_sms', params: { body: 'Hi {{first_name' } }, 'steps[0].params.body', /unclosed|close/],
    ];
    for (const [step, field, msg] of cases) {
      const r = await req('POST', '/api/v1/workflows', { body: { ...base(), steps: [step] } });
      assert.equal(r.status, 400, `${JSON.stringify(step)}: ${r.text}`);
      assert.equal(r.json.error.field, field, JSON.stringify(step));
      if (msg) assert.match(r.json.error.message, msg);
    }
    expectError(await req('POST', '/api/v1/workflows', { body: { ...base(), trigger: { event: 'birthday' } } }), 400, 'invalid_value', 'trigger.event');
    expectError(
      await req('POST', '/api/v1/workflows', { body: { ...base(), trigger: { event: 'manual', filter: { color: 'red' } } } }),
      400, 'unknown_field', 'trigger.filter.color',
    );
    expectError(await req('POST', '/api/v1/workflows', { body: { ...base(), steps: [] } }), 400, 'invalid_value', 'steps');
    expectError(await req('POST', '/api/v1/workflows', { body: { ...base(), id: 'x' } }), 400, 'invalid_value', 'id');
    assert.equal((await getOk(req, '/api/v1/workflows')).items.length, before);
  });
  test('PATCH validates the whole result, honours If-Match, and agents cannot write', async () => {
    const w = await createWorkflow(base());
    expectError(
      await req('PATCH', `/api/v1/workflows/${w.id}`, { body: { steps: [{ after: 'P1D', action: 'notify', params: {} }] } }),
      400, 'validation_failed', 'steps[0].params.body',
    );
    expectError(await req('PATCH', `/api/v1/workflows/${w.id}`, { body: { name: 'x' }, headers: { 'If-Match': '7' } }), 412, 'precondition_failed');
    const p = await patchOk(req, `/api/v1/workflows/${w.id}`, { name: 'Renamed' });
    assert.equal(p.version, 2);
    const agent = await srv.addUser('agent');
    expectError(await agent.req('POST', '/api/v1/workflows', { body: base() }), 403, 'forbidden');
    expectStatus(await agent.req('GET', `/api/v1/workflows/${w.id}`), 200, 'agents read workflows');
    const other = await srv.addAccount();
    expectError(await other.req('GET', `/api/v1/workflows/${w.id}`), 404, 'not_found');
  });
});

describe('planning and running', () => {
  test('every step is planned in the account zone and office hours, and runs once as time moves', async () => {
    // Friday 2026-11-27 20:00 New York: outside office hours
    srv.setClock('2026-11-28T01:00:00Z');
    const c = await person({ birthday: '1980-12-10' });
    const w = await createWorkflow({
      name: uniq('Course'),
      trigger: { event: 'manual' },
      steps: [
        { after: 'PT0S', any_time: true, action: 'send_sms', params: { body: 'At once' } },
        { after: 'PT0S', action: 'send_sms', params: { body: 'Hello {{first_name}}' } },
        { after: 'P3D', action: 'send_email', params: { subject: 'Hi {{first_name}}', body: 'From {{agent.name}}' } },
        { relative_to: 'birthday', offset: '-P1D', action: 'create_task', params: { title: 'Gift for {{first_name}}', kind: 'todo' } },
        { on: '2026-01-01T00:00:00Z', action: 'add_tag', params: { tag: 'never' } },
        { relative_to: 'anniversary', action: 'send_sms', params: { body: 'x' } },
      ],
    });
    const run = await enroll(w.id, c.id);
    const due = run.steps.map((s) => [s.status, s.due_at, s.outcome]);
    assert.deepEqual(due, [
      ['pending', '2026-11-28T01:00:00Z', null], // any_time: at once
      ['pending', '2026-11-30T14:00:00Z', null], // next opening: Monday 09:00 local
      ['pending', '2026-12-03T14:00:00Z', null], // P3D from Monday 09:00, in hours
      ['pending', '2026-12-09T14:00:00Z', null], // the day before the birthday, at the office opening
      ['skipped', '2026-11-28T01:00:00Z', 'the date had passed at enrolment'],
      ['skipped', '2026-11-28T01:00:00Z', 'the contact has no anniversary'],
    ]);
    assert.deepEqual(run.next_step, { step: 0, due_at: '2026-11-28T01:00:00Z' });

    // the scheduler sends the any-time text now, not the other
    const first = await waitFor(async () => (await messagesOf(c.id)).find((m) => m.body === 'At once'), 'the any-time text');
    assert.equal(first.channel, 'sms');
    assert.equal(first.to, '+15125550142');
    assert.equal(first.workflow_run_id, run.id);
    assert.equal((await messagesOf(c.id)).length, 1);

    srv.setClock('2026-11-30T14:00:30Z');
    await waitFor(async () => (await messagesOf(c.id)).length === 2, 'Monday\'s text');
    srv.setClock('2026-12-03T14:01:00Z');
    const email = await waitFor(async () => (await messagesOf(c.id)).find((m) => m.channel === 'email'), 'the e-mail');
    assert.equal(email.subject, `Hi ${c.first_name}`);
    srv.setClock('2026-12-09T14:05:00Z');
    await waitFor(async () => (await runOf(run.id)).status === 'completed', 'the run to complete');
    const tasks = (await getOk(req, `/api/v1/tasks${qs({ contact_id: c.id })}`)).items;
    assert.equal(tasks.length, 1);
    assert.equal(tasks[0].title, `Gift for ${c.first_name}`);
    assert.equal(tasks[0].workflow_run_id, run.id);
    // still one message per step, whatever the passes since
    await sleep(1200);
    assert.equal((await messagesOf(c.id)).length, 3);
    const done = await runOf(run.id);
    assert.deepEqual(done.steps.map((s) => s.status), ['done', 'done', 'done', 'done', 'skipped', 'skipped']);
  });

  test('a contact is in a workflow once at a time; DELETE stops the run and cancels its steps', async () => {
    srv.setClock('2026-12-14T15:00:00Z');
    const c = await person();
    const w = await createWorkflow({
      name: uniq('Stop'),
      trigger: { event: 'manual' },
      steps: [{ after: 'P2D', action: 'send_sms', params: { body: 'later' } }],
    });
    const run = await enroll(w.id, c.id);
    expectError(
      await req('POST', `/api/v1/workflows/${w.id}/enroll`, { body: { contact_id: c.id } }),
      409, 'conflict', 'contact_id',
    );
    const stopped = await req('DELETE', `/api/v1/workflow-runs/${run.id}`);
    expectStatus(stopped, 200, 'stop');
    assert.equal(stopped.json.status, 'stopped');
    assert.equal(stopped.json.stop_reason, 'by_user');
    assert.equal(stopped.json.steps[0].status, 'canceled');
    srv.setClock('2026-12-17T15:00:00Z');
    await sleep(1500);
    assert.equal((await messagesOf(c.id)).length, 0);
    // a stopped run frees the contact for a new enrolment
    await enroll(w.id, c.id);
  });

  test('stop_on_reply: an inbound reply stops the run', async () => {
    srv.setClock('2026-12-21T15:00:00Z');
    const c = await person();
    const w = await createWorkflow({
      name: uniq('Reply'),
      stop_on_reply: true,
      trigger: { event: 'manual' },
      steps: [{ after: 'P1D', action: 'send_sms', params: { body: 'nudge' } }],
    });
    const run = await enroll(w.id, c.id);
    // an outbound note does not stop it; an inbound text does
    await createActivity(req, { contact_id: c.id, kind: 'sms', direction: 'outbound', body: 'hi' });
    assert.equal((await runOf(run.id)).status, 'active');
    await createActivity(req, { contact_id: c.id, kind: 'sms', direction: 'inbound', body: 'thanks!' });
    const r = await runOf(run.id);
    assert.equal(r.status, 'stopped');
    assert.equal(r.stop_reason, 'replied');
  });

  test('after downtime, stale messages are skipped, not sent in a burst', async () => {
    srv.setClock('2027-01-04T15:00:00Z'); // Monday
    const c = await person();
    const w = await createWorkflow({
      name: uniq('Downtime'),
      trigger: { event: 'manual' },
      steps: [
        { after: 'P1D', action: 'send_sms', params: { body: 'one' } },
        { after: 'P1D', action: 'send_sms', params: { body: 'two' } },
        { after: 'P1D', action: 'send_sms', params: { body: 'three' } },
        { after: 'P1D', action: 'create_task', params: { title: 'Follow up {{first_name}}' } },
      ],
    });
    const run = await enroll(w.id, c.id);
    // the server "comes back" five days later: every step is due at once
    srv.setClock('2027-01-09T16:00:00Z');
    await waitFor(async () => (await runOf(run.id)).status === 'completed', 'the run to catch up');
    const steps = (await runOf(run.id)).steps;
    assert.deepEqual(steps.map((s) => s.status), ['skipped', 'skipped', 'skipped', 'done']);
    assert.match(steps[0].outcome, /48 hours late/);
    assert.equal((await messagesOf(c.id)).length, 0, 'no burst of stale texts');
    assert.equal((await getOk(req, `/api/v1/tasks${qs({ contact_id: c.id })}`)).items.length, 1);
  });
});

describe('actions', () => {
  test('set_status, set_stage, add_tag and notify do what they say, with the workflow in the history', async () => {
    srv.setClock('2027-04-05T15:00:00Z'); // a Monday, in office hours
    const c = await person();
    const w = await createWorkflow({
      name: uniq('Actions'),
      trigger: { event: 'manual' },
      steps: [
        { action: 'set_status', params: { status: 'prospect' } },
        { action: 'set_stage', params: { stage: 'like' } },
        { action: 'add_tag', params: { tag: 'Open-House' } },
        { action: 'notify', params: { body: 'Call {{first_name}} back today' } },
      ],
    });
    const run = await enroll(w.id, c.id);
    await waitFor(async () => (await runOf(run.id)).status === 'completed', 'the run');
    const got = await getOk(req, `/api/v1/contacts/${c.id}`);
    assert.equal(got.status, 'prospect');
    assert.equal(got.stage, 'like');
    assert.deepEqual(got.tags, ['open-house']);
    const hist = (await getOk(req, `/api/v1/contacts/${c.id}/history`)).items;
    assert.ok(hist.some((h) => h.field === 'status' && h.to === 'prospect' && h.rule === 'workflow'), JSON.stringify(hist));
    assert.ok(hist.some((h) => h.field === 'stage' && h.to === 'like' && h.rule === 'workflow'));
    // notify: to the agent (the contact's owner), not to the contact
    const steps = (await runOf(run.id)).steps;
    const id = steps[3].outcome.split(' ')[1];
    const m = await getOk(req, `/api/v1/messages/${id}`);
    assert.equal(m.contact_id, null);
    assert.equal(m.channel, 'email');
    assert.equal(m.to, srv.email.toLowerCase());
    assert.equal(m.body, `Call ${c.first_name} back today`);
  });
});

describe('triggers', () => {
  test('status_changed with a filter enrols the contacts it matches, once', async () => {
    srv.setClock('2027-02-01T15:00:00Z');
    const w = await createWorkflow({
      name: uniq('Sellers'),
      trigger: { event: 'status_changed', filter: { to: 'lead', intent: 'sell' } },
      steps: [{ after: 'P1D', action: 'send_email', params: { subject: 'Your home', body: 'Hello' } }],
    });
    const seller = await person();
    const buyer = await person();
    // L3: needs and a timeframe make a lead
    await patchOk(req, `/api/v1/contacts/${seller.id}`, { intent: 'sell', timeframe: '2027-06-01' });
    await patchOk(req, `/api/v1/contacts/${buyer.id}`, { intent: 'buy', timeframe: '2027-06-01' });
    const mine = async (id) => (await runsOf(id)).filter((r) => r.workflow_id === w.id);
    assert.equal((await mine(seller.id)).length, 1);
    assert.equal((await mine(seller.id))[0].event, 'status_changed');
    assert.equal((await mine(buyer.id)).length, 0);
  });

  test('tag_added, and M2: with automation.workflows off nothing starts', async () => {
    const w = await createWorkflow({
      name: uniq('Tagged'),
      trigger: { event: 'tag_added', filter: { to: 'open-house' } },
      steps: [{ after: 'PT1H', action: 'create_task', params: { title: 'Call {{first_name}}' } }],
    });
    const a = await person();
    await patchOk(req, `/api/v1/contacts/${a.id}`, { tags: ['open-house'] });
    assert.equal((await runsOf(a.id)).filter((r) => r.workflow_id === w.id).length, 1);

    expectStatus(await req('PUT', '/api/v1/settings', { body: { automation: { workflows: false } } }), 200, 'switch off');
    const b = await person();
    await patchOk(req, `/api/v1/contacts/${b.id}`, { tags: ['open-house'] });
    assert.equal((await runsOf(b.id)).length, 0);
    expectStatus(await req('PUT', '/api/v1/settings', { body: { automation: { workflows: true } } }), 200, 'switch on');
  });

  test('A5: a closing makes a past client and starts the post-closing touches from the close date', async () => {
    srv.setClock('2027-03-01T15:00:00Z');
    const c = await person({ birthday: '--04-15' });
    await createProperty(req, {
      status: 'closed',
      close_date: '2027-03-01',
      contacts: [{ contact_id: c.id, role: 'seller' }],
    });
    const got = await getOk(req, `/api/v1/contacts/${c.id}`);
    assert.equal(got.status, 'past_client');
    const runs = (await runsOf(c.id)).filter((r) => r.workflow_name === 'Post-closing');
    assert.equal(runs.length, 1);
    const steps = (await runOf(runs[0].id)).steps;
    assert.equal(steps.length, 36);
    // the first quarter's touch: three months after the close date, 09:00 New York
    assert.equal(steps[1].due_at, '2027-06-01T13:00:00Z');
    // the seventh anniversary
    assert.equal(steps[steps.length - 2].due_at, '2034-03-01T14:00:00Z');
    // the first birthday text, at 10:00 New York
    assert.equal(steps[5].due_at, '2027-04-15T14:00:00Z');
  });
});

describe('messages', () => {
  test('POST /api/v1/messages queues one; opted-out contacts are suppressed', async () => {
    const c = await person();
    const r = await req('POST', '/api/v1/messages', {
      body: { contact_id: c.id, channel: 'sms', body: 'Hi {{first_name}}, see you at 5' },
    });
    expectStatus(r, 201, 'POST /messages');
    assert.equal(r.json.status, 'queued');
    assert.equal(r.json.body, `Hi ${c.first_name}, see you at 5`);
    assert.equal(r.json.to, '+15125550142');

    const out = await person({ sms_opt_out: true });
    const s = await req('POST', '/api/v1/messages', { body: { contact_id: out.id, channel: 'sms', body: 'x' } });
    expectStatus(s, 201, 'suppressed');
    assert.equal(s.json.status, 'suppressed');
    assert.match(s.json.reason, /opted out/);

    expectError(await req('POST', '/api/v1/messages', { body: { contact_id: c.id, channel: 'fax', body: 'x' } }), 400, 'invalid_value', 'channel');
    expectError(await req('POST', '/api/v1/messages', { body: { contact_id: c.id, channel: 'email', body: 'x' } }), 400, 'validation_failed', 'subject');
    expectError(await req('POST', '/api/v1/messages', { body: { contact_id: c.id, channel: 'sms', body: '{{nope}}' } }), 400, 'invalid_value', 'body');
    const listed = await messagesOf(c.id);
    assert.equal(listed.length, 1);
  });

  test('lists of messages and runs page newest first with a cursor', async () => {
    const c = await person();
    const ids = [];
    for (let i = 0; i < 5; i++) {
      const r = await req('POST', '/api/v1/messages', { body: { contact_id: c.id, channel: 'sms', body: `n${i}` } });
      expectStatus(r, 201, 'message');
      ids.push(r.json.id);
    }
    const seen = [];
    let cursor;
    for (let page = 0; page < 5; page++) {
      const p = await getOk(req, `/api/v1/messages${qs({ contact_id: c.id, limit: 2, cursor })}`);
      seen.push(...p.items.map((m) => m.id));
      cursor = p.next_cursor;
      if (!cursor) break;
    }
    // one page after the other, each message once, newest first (the same
    // second here: then by id, descending)
    assert.deepEqual(seen, [...ids].sort().reverse());
    expectError(await req('GET', `/api/v1/messages${qs({ contact_id: c.id, cursor: 'nonsense' })}`), 400, 'invalid_value', 'cursor');
    const w = await createWorkflow({ name: uniq('Pages'), trigger: { event: 'manual' }, steps: [{ after: 'P9D', action: 'add_tag', params: { tag: 'x' } }] });
    const runs = [];
    for (let i = 0; i < 3; i++) runs.push((await enroll(w.id, (await person()).id)).id);
    const all = [];
    cursor = undefined;
    for (let page = 0; page < 5; page++) {
      const p = await getOk(req, `/api/v1/workflow-runs${qs({ workflow_id: w.id, limit: 1, cursor })}`);
      all.push(...p.items.map((r) => r.id));
      cursor = p.next_cursor;
      if (!cursor) break;
    }
    assert.deepEqual(all, [...runs].sort().reverse());
  });
});
