// Account isolation (DOMAIN.md "Ownership and teams", API.md "Another
// account's object is not_found, never forbidden"): account B never reads,
// changes, finds or counts account A's data.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { expectError, expectStatus, isoDays } from './lib/expect.mjs';
import { createActivity, createContact, getOk } from './lib/fixtures.mjs';
import { startServer, uniq } from './lib/server.mjs';

let srv;
let A; // request function of account A's owner
let B; // account B: {req, user, ...}
let aContact;
let aActivity;
let aToken;
const marker = uniq('Zebulon').toLowerCase();

before(async () => {
  srv = await startServer();
  A = srv.request;
  B = await srv.addAccount();
  aContact = await createContact(A, {
    first_name: 'Zebulon',
    last_name: marker,
    emails: [{ address: `${marker}@example.com` }],
    phones: [{ number: '(303) 555-0147' }],
    tags: ['secret'],
    notes: 'confidential',
  });
  aActivity = await createActivity(A, { contact_id: aContact.id, kind: 'call', direction: 'inbound', occurred_at: isoDays(-2), subject: 'private' });
  aContact = await getOk(A, `/api/v1/contacts/${aContact.id}`);
  const t = await A('POST', '/api/v1/tokens', { body: { name: 'A token' } });
  expectStatus(t, 201);
  aToken = t.json;
});
after(async () => {
  await srv?.stop();
});

describe('account isolation', () => {
  test('B is a separate account with its own owner', async () => {
    const me = await B.req('GET', '/api/v1/me');
    expectStatus(me, 200);
    assert.equal(me.json.role, 'owner');
    assert.notEqual(me.json.id, srv.user.id);
    const users = await B.req('GET', '/api/v1/users');
    expectStatus(users, 200);
    assert.ok(!users.json.items.some((u) => u.id === srv.user.id), 'B does not list A\'s users');
  });

  test('B gets 404 not_found for every read and write of A\'s contact and activity', async () => {
    const c = `/api/v1/contacts/${aContact.id}`;
    const a = `/api/v1/activities/${aActivity.id}`;
    expectError(await B.req('GET', c), 404, 'not_found');
    expectError(await B.req('GET', `${c}/history`), 404, 'not_found');
    expectError(await B.req('PATCH', c, { body: { first_name: 'Hacked' } }), 404, 'not_found');
    expectError(await B.req('PATCH', c, { body: { first_name: 'Hacked' }, headers: { 'If-Match': String(aContact.version) } }), 404, 'not_found');
    expectError(await B.req('DELETE', c), 404, 'not_found');
    expectError(await B.req('DELETE', `${c}?purge=true`), 404, 'not_found');
    expectError(await B.req('GET', a), 404, 'not_found');
    expectError(await B.req('PATCH', a, { body: { subject: 'Hacked' } }), 404, 'not_found');
    expectError(await B.req('DELETE', a), 404, 'not_found');
  });

  test('B cannot reach A\'s users or tokens', async () => {
    expectError(await B.req('GET', `/api/v1/users/${srv.user.id}`), 404, 'not_found');
    expectError(await B.req('PATCH', `/api/v1/users/${srv.user.id}`, { body: { name: 'Hacked' } }), 404, 'not_found');
    expectError(await B.req('DELETE', `/api/v1/users/${srv.user.id}`), 404, 'not_found');
    expectError(await B.req('DELETE', `/api/v1/tokens/${aToken.id}`), 404, 'not_found');
    const toks = await B.req('GET', '/api/v1/tokens');
    expectStatus(toks, 200);
    assert.ok(!toks.json.items.some((t) => t.id === aToken.id));
    expectStatus(await srv.request('GET', '/api/v1/me', { token: aToken.token }), 200, 'A\'s API token still works');
    expectStatus(await srv.request('GET', '/api/v1/me'), 200, 'A\'s owner is unharmed');
  });

  test('an activity in B naming A\'s contact is 400 invalid_value contact_id, exactly as for an unknown id', async () => {
    const body = { contact_id: aContact.id, kind: 'note', direction: 'none', body: 'sneaky' };
    const r = await B.req('POST', '/api/v1/activities', { body });
    expectError(r, 400, 'invalid_value', 'contact_id');
    const unknown = await B.req('POST', '/api/v1/activities', { body: { ...body, contact_id: '0193a5b0-0000-7000-8000-0000000f00d5' } });
    expectError(unknown, 400, 'invalid_value', 'contact_id');
    assert.equal(r.json.error.message.replaceAll(aContact.id, 'ID'), unknown.json.error.message.replaceAll('0193a5b0-0000-7000-8000-0000000f00d5', 'ID'),
      'the answer does not reveal that the id exists elsewhere');
    // moving B's own activity onto A's contact is refused the same way
    const bc = await createContact(B.req, { first_name: 'Bea' });
    const ba = await createActivity(B.req, { contact_id: bc.id, kind: 'note', direction: 'none' });
    expectError(await B.req('PATCH', `/api/v1/activities/${ba.id}`, { body: { contact_id: aContact.id } }), 400, 'invalid_value', 'contact_id');
  });

  test('B cannot point its contacts at A\'s contact or user', async () => {
    expectError(await B.req('POST', '/api/v1/contacts', { body: { first_name: 'Bo', referred_by: aContact.id } }), 400, 'invalid_value', 'referred_by');
    expectError(await B.req('POST', '/api/v1/contacts', { body: { first_name: 'Bo', owner_id: srv.user.id } }), 400, 'invalid_value', 'owner_id');
  });

  test('search, filters and counts in B never see A\'s contacts or activities', async () => {
    const before = await B.req('GET', '/api/v1/contacts?count=true');
    expectStatus(before, 200);
    for (const q of [marker, 'zebulon', 'confidential', '303-555-0147', `${marker}@example.com`]) {
      const r = await B.req('GET', `/api/v1/contacts?q=${encodeURIComponent(q)}`);
      expectStatus(r, 200);
      assert.deepEqual(r.json.items, [], `q=${q} in B`);
      const inA = await A('GET', `/api/v1/contacts?q=${encodeURIComponent(q)}`);
      assert.ok(inA.json.items.some((x) => x.id === aContact.id), `q=${q} finds it in A (the search itself works)`);
    }
    for (const p of ['/api/v1/contacts?tag=secret', '/api/v1/contacts?archived=true', `/api/v1/contacts?owner_id=${srv.user.id}`, '/api/v1/contacts?limit=500']) {
      const r = await B.req('GET', p);
      expectStatus(r, 200);
      assert.ok(!r.json.items.some((x) => x.id === aContact.id), p);
    }
    const acts = await B.req('GET', '/api/v1/activities?limit=500');
    expectStatus(acts, 200);
    assert.ok(!acts.json.items.some((x) => x.id === aActivity.id));
    const byContact = await B.req('GET', `/api/v1/activities?contact_id=${aContact.id}`);
    if (byContact.status === 200) assert.deepEqual(byContact.json.items, []);
    else expectError(byContact, 400, 'invalid_value', 'contact_id');
    // A grows; B's count does not
    await createContact(A, { first_name: uniq('MoreA') });
    const afterCount = await B.req('GET', '/api/v1/contacts?count=true');
    assert.equal(afterCount.json.total, before.json.total);
  });

  test('after all of B\'s attempts, A\'s contact and activity are unchanged', async () => {
    const c = await getOk(A, `/api/v1/contacts/${aContact.id}`);
    assert.deepEqual(c, aContact);
    const a = await getOk(A, `/api/v1/activities/${aActivity.id}`);
    assert.deepEqual(a, aActivity);
  });
});
