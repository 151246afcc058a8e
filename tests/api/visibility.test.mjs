// Teams (DOMAIN.md "Ownership and teams"): an agent sees and changes the
// contacts it owns and the team's (no owner); another agent's contacts
// answer 404 as another account's do; owners and admins see everything.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { expectStatus } from './lib/expect.mjs';
import { createActivity, createContact, getOk } from './lib/fixtures.mjs';
import { startServer, uniq } from './lib/server.mjs';

let srv, ann, bob, admin, annContact, bobContact, teamContact, bobActivity;
const marker = uniq('vis').toLowerCase();

before(async () => {
  srv = await startServer();
  ann = await srv.addUser('agent');
  bob = await srv.addUser('agent');
  admin = await srv.addUser('admin');
  annContact = await createContact(ann.req, { first_name: 'Ann', last_name: `${marker}a` });
  bobContact = await createContact(bob.req, { first_name: 'Bob', last_name: `${marker}b` });
  const t = await createContact(srv.request, { first_name: 'Team', last_name: `${marker}t` });
  const r = await srv.request('PATCH', `/api/v1/contacts/${t.id}`, { body: { owner_id: null } });
  expectStatus(r, 200);
  teamContact = r.json;
  bobActivity = await createActivity(bob.req, { contact_id: bobContact.id, kind: 'call', direction: 'inbound' });
  bobContact = await getOk(bob.req, `/api/v1/contacts/${bobContact.id}`); // L2 moved it
});
after(() => srv?.stop());

const names = (page) => page.items.map((c) => c.last_name).sort();

describe('agents see their own contacts and the team\'s', () => {
  test('a new contact is owned by the agent who created it', () => {
    assert.equal(annContact.owner_id, ann.id);
    assert.equal(teamContact.owner_id, null);
  });

  test('list and search show an agent its own and the team\'s contacts only', async () => {
    const list = await getOk(ann.req, `/api/v1/contacts?q=${marker}&count=true`);
    assert.deepEqual(names(list), [`${marker}a`, `${marker}t`]);
    assert.equal(list.total, 2);
    const all = await getOk(admin.req, `/api/v1/contacts?q=${marker}`);
    assert.deepEqual(names(all), [`${marker}a`, `${marker}b`, `${marker}t`]);
    const owner = await getOk(srv.request, `/api/v1/contacts?q=${marker}`);
    assert.equal(owner.items.length, 3);
  });

  test('another agent\'s contact, its history, timeline and activities answer 404', async () => {
    for (const [m, p, body] of [
      ['GET', `/api/v1/contacts/${bobContact.id}`],
      ['PATCH', `/api/v1/contacts/${bobContact.id}`, { notes: 'taken' }],
      ['DELETE', `/api/v1/contacts/${bobContact.id}`],
      ['GET', `/api/v1/contacts/${bobContact.id}/history`],
      ['GET', `/api/v1/contacts/${bobContact.id}/timeline`],
      ['GET', `/api/v1/activities/${bobActivity.id}`],
      ['PATCH', `/api/v1/activities/${bobActivity.id}`, { subject: 'x' }],
      ['DELETE', `/api/v1/activities/${bobActivity.id}`],
    ]) {
      const r = await ann.req(m, p, body ? { body } : {});
      expectStatus(r, 404, `${m} ${p}`);
      assert.equal(r.json.error.code, 'not_found');
    }
    const r = await ann.req('POST', '/api/v1/activities', {
      body: { contact_id: bobContact.id, kind: 'note' },
    });
    expectStatus(r, 400);
    assert.equal(r.json.error.field, 'contact_id');
    const acts = await getOk(ann.req, '/api/v1/activities?limit=500');
    assert.ok(!acts.items.some((a) => a.id === bobActivity.id));
    // nothing changed for Bob
    const still = await getOk(bob.req, `/api/v1/contacts/${bobContact.id}`);
    assert.equal(still.version, bobContact.version);
    assert.equal(still.archived_at, null);
    await getOk(bob.req, `/api/v1/activities/${bobActivity.id}`);
  });

  test('the team\'s contact can be read and changed by every agent', async () => {
    const r = await ann.req('PATCH', `/api/v1/contacts/${teamContact.id}`, { body: { notes: 'called' } });
    expectStatus(r, 200);
    await getOk(bob.req, `/api/v1/contacts/${teamContact.id}`);
  });

  test('admins and owners see every contact', async () => {
    await getOk(admin.req, `/api/v1/contacts/${bobContact.id}`);
    await getOk(srv.request, `/api/v1/activities/${bobActivity.id}`);
  });
});
