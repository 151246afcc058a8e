// POST /api/v1/contacts/{id}/merge (API.md Contacts): the other's emails,
// phones, tags, activities, deals, referrals and history move onto this
// one, which keeps the older known_since; the other is archived; referral
// counts stay exact (DOMAIN.md C1) and the rules settle the survivor.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { expectError, expectStatus } from './lib/expect.mjs';
import { createActivity, createContact, createProperty, getOk, historyOf } from './lib/fixtures.mjs';
import { startServer } from './lib/server.mjs';

let srv, req;
before(async () => {
  srv = await startServer();
  req = srv.request;
});
after(() => srv?.stop());

describe('merging two records of one person', () => {
  test('everything of the other moves onto the survivor', async () => {
    const referrer = await createContact(req, { first_name: 'Rita', last_name: 'Referrer' });
    const keep = await createContact(req, {
      first_name: 'Ana', last_name: 'Dvořák', emails: [{ address: 'ana@example.com' }],
      tags: ['buyer'], known_since: '2024-05-01',
    });
    const dup = await createContact(req, {
      first_name: 'Ana', emails: [{ address: 'ANA@example.com' }, { address: 'ana@work.example' }],
      phones: [{ number: '(415) 555-0134' }], tags: ['vip'], company: 'Acme',
      known_since: '2019-03-02', referred_by: referrer.id,
    });
    const act = await createActivity(req, { contact_id: dup.id, kind: 'sms', direction: 'inbound' });
    const friend = await createContact(req, { first_name: 'Fred', last_name: 'Friend', referred_by: dup.id });
    const listing = await createProperty(req, { status: 'active', contacts: [{ contact_id: dup.id, role: 'seller' }] });
    const dupHistory = (await historyOf(req, dup.id)).length;
    const keepHistory = (await historyOf(req, keep.id)).length;

    const r = await req('POST', `/api/v1/contacts/${keep.id}/merge`, { body: { other_id: dup.id } });
    expectStatus(r, 200);
    const m = r.json;
    assert.deepEqual(m.emails.map((e) => e.address), ['ana@example.com', 'ana@work.example']);
    assert.deepEqual(m.phones.map((p) => p.number), ['+14155550134']);
    assert.deepEqual([...m.tags].sort(), ['buyer', 'vip']);
    assert.equal(m.company, 'Acme');
    assert.equal(m.last_name, 'Dvořák');
    assert.equal(m.known_since, '2019-03-02'); // the older one
    assert.equal(m.referred_by, referrer.id);
    assert.equal(m.referral_count, 1);
    assert.equal(m.status, 'client'); // its listing is open (L4)

    const gone = await getOk(req, `/api/v1/contacts/${dup.id}`);
    assert.notEqual(gone.archived_at, null);
    assert.equal(gone.referral_count, 0);
    assert.equal((await getOk(req, `/api/v1/activities/${act.id}`)).contact_id, keep.id);
    assert.equal((await getOk(req, `/api/v1/contacts/${friend.id}`)).referred_by, keep.id);
    const p = await getOk(req, `/api/v1/properties/${listing.id}`);
    assert.deepEqual(p.contacts, [{ contact_id: keep.id, role: 'seller' }]);
    assert.ok((await historyOf(req, keep.id)).length >= keepHistory + dupHistory);
    assert.equal((await getOk(req, `/api/v1/contacts/${referrer.id}`)).referral_count, 1);
  });

  test('tasks, messages and workflow runs follow; a workflow both are in keeps one run', async () => {
    const keep = await createContact(req, { first_name: 'Kim', phones: [{ number: '+15125550101' }] });
    const dup = await createContact(req, { first_name: 'Kim', phones: [{ number: '+15125550102' }] });
    const task = await req('POST', '/api/v1/tasks', { body: { contact_id: dup.id, title: 'Call Kim', kind: 'call' } });
    expectStatus(task, 201);
    const msg = await req('POST', '/api/v1/messages', { body: { contact_id: dup.id, channel: 'sms', body: 'hi' } });
    expectStatus(msg, 201);
    const flow = (name) =>
      req('POST', '/api/v1/workflows', {
        body: { name, trigger: { event: 'manual' }, steps: [{ after: 'P3D', action: 'create_task', params: { title: 'x' } }] },
      });
    const both = (await flow('Both')).json;
    const only = (await flow('Only the other')).json;
    const enroll = (w, c) => req('POST', `/api/v1/workflows/${w.id}/enroll`, { body: { contact_id: c.id } });
    expectStatus(await enroll(both, keep), 201);
    const dupBoth = await enroll(both, dup);
    const dupOnly = await enroll(only, dup);
    expectStatus(await req('POST', `/api/v1/contacts/${keep.id}/merge`, { body: { other_id: dup.id } }), 200);
    assert.equal((await getOk(req, `/api/v1/tasks/${task.json.id}`)).contact_id, keep.id);
    assert.equal((await getOk(req, `/api/v1/messages/${msg.json.id}`)).contact_id, keep.id);
    const moved = await getOk(req, `/api/v1/workflow-runs/${dupOnly.json.id}`);
    assert.equal(moved.contact_id, keep.id);
    assert.equal(moved.status, 'active');
    const stopped = await getOk(req, `/api/v1/workflow-runs/${dupBoth.json.id}`);
    assert.equal(stopped.status, 'stopped');
    assert.equal(stopped.stop_reason, 'merged');
    assert.equal(stopped.steps[0].status, 'canceled');
  });

  test('bad merges are refused and change nothing', async () => {
    const a = await createContact(req, { first_name: 'A', last_name: 'One' });
    expectError(await req('POST', `/api/v1/contacts/${a.id}/merge`, { body: { other_id: a.id } }), 400, 'invalid_value', 'other_id');
    expectError(await req('POST', `/api/v1/contacts/${a.id}/merge`, { body: {} }), 400, 'validation_failed', 'other_id');
    expectError(await req('POST', `/api/v1/contacts/${a.id}/merge`, { body: { other_id: a.id, x: 1 } }), 400, 'unknown_field', 'x');
    const b = await srv.addAccount();
    const theirs = await createContact(b.req, { first_name: 'Their', last_name: 'Contact' });
    expectError(await req('POST', `/api/v1/contacts/${a.id}/merge`, { body: { other_id: theirs.id } }), 400, 'invalid_value', 'other_id');
    expectError(await b.req('POST', `/api/v1/contacts/${a.id}/merge`, { body: { other_id: theirs.id } }), 404, 'not_found');
    assert.equal((await getOk(req, `/api/v1/contacts/${a.id}`)).version, a.version);
    assert.equal((await getOk(b.req, `/api/v1/contacts/${theirs.id}`)).archived_at, null);
  });
});
