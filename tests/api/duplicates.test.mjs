// GET /api/v1/duplicates (issue 8, API.md Contacts): likely pairs by the
// same email (however it is cased), the same phone (however it was typed),
// or close names at one address, never a family at one address; merging a
// pair with POST /contacts/{id}/merge takes it off the list.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { expectError, expectStatus } from './lib/expect.mjs';
import { createContact, getOk } from './lib/fixtures.mjs';
import { startServer } from './lib/server.mjs';

let srv;
before(async () => {
  srv = await startServer();
});
after(async () => {
  await srv?.stop();
});

const pairOf = (items, a, b) =>
  items.find((p) => {
    const ids = p.contacts.map((c) => c.id);
    return ids.includes(a.id) && ids.includes(b.id);
  });

test('same email, same phone, close names at one address; a family is not a pair', async () => {
  const req = srv.request;
  const e1 = await createContact(req, { first_name: 'Ann', last_name: 'Lee', emails: [{ address: 'Ann.Lee@Example.com' }] });
  const e2 = await createContact(req, { first_name: 'Annie', last_name: 'Lee-Wong', emails: [{ address: 'ann.lee@example.com' }] });
  const p1 = await createContact(req, { first_name: 'Raj', last_name: 'Patel', phones: [{ number: '(312) 555-0142' }] });
  const p2 = await createContact(req, { company: 'Patel Builders', phones: [{ number: '+1 312.555.0142' }] });
  const home = { street: '12 Elm St.', city: 'Montclair', region: 'NJ', postal_code: '07042' };
  const n1 = await createContact(req, { first_name: 'Jon', last_name: 'Smith', address: home });
  const n2 = await createContact(req, { first_name: 'Jonathan', last_name: 'Smith', address: { ...home, street: '12 elm st' } });
  const wife = await createContact(req, { first_name: 'Carol', last_name: 'Smith', address: home });
  const elsewhere = await createContact(req, { first_name: 'Jon', last_name: 'Smith', address: { street: '9 Oak Ave', postal_code: '07042' } });

  const list = await getOk(req, '/api/v1/duplicates');
  assert.equal(list.next_cursor, null);
  const byEmail = pairOf(list.items, e1, e2);
  assert.ok(byEmail, JSON.stringify(list.items));
  assert.equal(byEmail.reason, 'email');
  assert.equal(byEmail.value, 'ann.lee@example.com');
  const byPhone = pairOf(list.items, p1, p2);
  assert.equal(byPhone?.reason, 'phone');
  assert.equal(byPhone.value, '+13125550142');
  const byName = pairOf(list.items, n1, n2);
  assert.equal(byName?.reason, 'name_address');
  assert.ok(!pairOf(list.items, n1, wife), 'Jon and Carol Smith are two people');
  assert.ok(!pairOf(list.items, n2, wife));
  assert.ok(!pairOf(list.items, n1, elsewhere), 'another address is not a pair by name');
  for (const p of list.items) {
    assert.equal(p.contacts.length, 2);
    for (const c of p.contacts) assert.deepEqual(Object.keys(c).sort(), ['display_name', 'emails', 'id', 'phones', 'score', 'status']);
  }

  // merging takes the pair off the list; the survivor has both emails' owner
  expectStatus(await req('POST', `/api/v1/contacts/${e1.id}/merge`, { body: { other_id: e2.id } }), 200);
  const after = await getOk(req, '/api/v1/duplicates');
  assert.ok(!pairOf(after.items, e1, e2));
  assert.ok(pairOf(after.items, p1, p2), 'the others stay');

  expectError(await req('GET', '/api/v1/duplicates?limit=0'), 400, 'invalid_value', 'limit');
  const one = await getOk(req, '/api/v1/duplicates?limit=1');
  assert.equal(one.items.length, 1);
});

test('another account never sees these contacts; an agent sees pairs of its contacts only', async () => {
  const other = await startServer();
  try {
    await createContact(other.request, { first_name: 'X', last_name: 'Y', emails: [{ address: 'ann.lee@example.com' }] });
    const mine = await getOk(other.request, '/api/v1/duplicates');
    assert.equal(mine.items.length, 0, 'one contact alone is no pair');
  } finally {
    await other.stop();
  }
  const agent = await srv.addUser('agent');
  const a1 = await createContact(agent.req, { first_name: 'Gus', last_name: 'Grant', emails: [{ address: 'gus@example.com' }] });
  const a2 = await createContact(agent.req, { first_name: 'Gus', last_name: 'Grant', emails: [{ address: 'GUS@example.com' }] });
  const seen = await getOk(agent.req, '/api/v1/duplicates');
  assert.ok(pairOf(seen.items, a1, a2));
  for (const p of seen.items) for (const c of p.contacts) assert.ok([a1.id, a2.id].includes(c.id), 'only its own');
});
