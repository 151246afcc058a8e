// Deals (API.md "Deals"; DOMAIN.md vocabulary): properties (listings) and
// transactions: create, read, merge patch, delete, versions and If-Match,
// lists with ?status= and ?contact_id=, validation, account isolation. The
// rules the deals drive are in lifecycle.test.mjs.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { expectError, expectStatus, RFC3339_UTC } from './lib/expect.mjs';
import { createContact, createProperty, createTransaction, dateDays, getOk, patchOk, qs, walkPages } from './lib/fixtures.mjs';
import { startServer, uniq } from './lib/server.mjs';

let srv;
let req;
before(async () => {
  srv = await startServer();
  req = srv.request;
});
after(async () => {
  await srv?.stop();
});

/** Every key of a property (API.md Deals, plus id, version, timestamps). */
const PROPERTY_KEYS = ['id', 'version', 'address', 'mls_id', 'status', 'list_price', 'close_price', 'close_date', 'commission', 'contacts', 'created_at', 'updated_at'];
/** Every key of a transaction. */
const TRANSACTION_KEYS = ['id', 'version', 'property_id', 'status', 'price', 'close_date', 'commission', 'contacts', 'created_at', 'updated_at'];

const PROPERTY_STATUSES = ['pre_listing', 'active', 'pending', 'closed', 'withdrawn', 'expired', 'canceled'];
const TX_STATUSES = ['pending', 'contingency', 'clear_to_close', 'closed', 'canceled'];
const NO_SUCH_ID = '0193a5b0-0000-7000-8000-00000000d0d0';

const contact = () => createContact(req, { first_name: uniq('Deal') });
const ids = (items) => items.map((x) => x.id).sort();

function expectShape(obj, keys, what) {
  assert.ok(obj && typeof obj === 'object', `${what} object`);
  for (const k of keys) assert.ok(k in obj, `${what} key "${k}" missing: ${JSON.stringify(obj)}`);
  assert.equal(typeof obj.id, 'string');
  assert.ok(obj.id.length > 0);
  assert.ok(Number.isInteger(obj.version), 'version is an integer');
  assert.match(obj.created_at, RFC3339_UTC);
  assert.match(obj.updated_at, RFC3339_UTC);
  assert.ok(Array.isArray(obj.contacts), 'contacts is an array');
}

describe('properties', () => {
  test('POST answers 201 with the whole property; GET answers the same', async () => {
    const seller = await contact();
    const lender = await contact();
    const body = {
      address: { street: '12 Harbor Rd', city: 'Portland', region: 'ME', postal_code: '04101', country: 'US' },
      mls_id: `MLS-${uniq('')}`,
      status: 'pre_listing',
      list_price: 525000.5,
      commission: 15750,
      contacts: [
        { contact_id: seller.id, role: 'seller' },
        { contact_id: lender.id, role: 'other' },
      ],
    };
    const r = await req('POST', '/api/v1/properties', { body });
    expectStatus(r, 201);
    const p = r.json;
    expectShape(p, PROPERTY_KEYS, 'property');
    assert.equal(p.version, 1);
    assert.deepEqual(p.address, body.address);
    assert.equal(p.mls_id, body.mls_id);
    assert.equal(p.status, 'pre_listing');
    assert.equal(p.list_price, 525000.5);
    assert.equal(p.commission, 15750);
    assert.equal(p.close_price, null);
    assert.equal(p.close_date, null);
    assert.deepEqual(p.contacts, body.contacts, 'parties in the order given');
    assert.deepEqual(await getOk(req, `/api/v1/properties/${p.id}`), p);
  });

  test('status defaults to active; absent money and dates are null', async () => {
    const p = await createProperty(req, { address: { street: `${uniq('')} Oak Ave` } });
    assert.equal(p.status, 'active');
    assert.equal(p.list_price, null);
    assert.equal(p.close_price, null);
    assert.equal(p.commission, null);
    assert.equal(p.close_date, null);
    assert.deepEqual(p.contacts, []);
  });

  test('every property status of DOMAIN.md is accepted', async () => {
    for (const status of PROPERTY_STATUSES) {
      const p = await createProperty(req, { status, ...(status === 'closed' ? { close_date: dateDays(-3) } : {}) });
      assert.equal(p.status, status);
    }
  });

  test('PATCH merges, replaces the parties and answers the whole property with version + 1', async () => {
    const a = await contact();
    const b = await contact();
    const p = await createProperty(req, {
      address: { street: '1 Elm St', city: 'Oldtown' },
      mls_id: 'OLD-1',
      list_price: 400000,
      contacts: [{ contact_id: a.id, role: 'seller' }],
    });
    const q = await patchOk(req, `/api/v1/properties/${p.id}`, {
      address: { city: 'Newtown' },
      mls_id: null,
      list_price: 410000,
      status: 'pending',
      contacts: [{ contact_id: b.id, role: 'seller' }],
    });
    expectShape(q, PROPERTY_KEYS, 'property');
    assert.equal(q.id, p.id);
    assert.equal(q.version, 2);
    assert.equal(q.address.street, '1 Elm St', 'objects are merged');
    assert.equal(q.address.city, 'Newtown');
    assert.equal(q.mls_id, null, 'null removes a value');
    assert.equal(q.list_price, 410000);
    assert.equal(q.status, 'pending');
    assert.deepEqual(q.contacts, [{ contact_id: b.id, role: 'seller' }], 'arrays are replaced');
    assert.equal(q.created_at, p.created_at);
    assert.ok(Date.parse(q.updated_at) >= Date.parse(p.updated_at));
    assert.deepEqual(await getOk(req, `/api/v1/properties/${p.id}`), q);
  });

  test('closing with close_price and close_date keeps them', async () => {
    const p = await createProperty(req, { list_price: 300000 });
    const day = dateDays(-2);
    const q = await patchOk(req, `/api/v1/properties/${p.id}`, { status: 'closed', close_price: 298500, close_date: day });
    assert.equal(q.status, 'closed');
    assert.equal(q.close_price, 298500);
    assert.equal(q.close_date, day);
    assert.equal(q.list_price, 300000);
  });

  test('DELETE answers 204; the property is gone', async () => {
    const p = await createProperty(req, { mls_id: uniq('DEL') });
    const d = await req('DELETE', `/api/v1/properties/${p.id}`);
    expectStatus(d, 204);
    expectError(await req('GET', `/api/v1/properties/${p.id}`), 404, 'not_found');
    expectError(await req('PATCH', `/api/v1/properties/${p.id}`, { body: { mls_id: 'x' } }), 404, 'not_found');
    expectError(await req('DELETE', `/api/v1/properties/${p.id}`), 404, 'not_found');
    expectError(await req('GET', `/api/v1/properties/${NO_SUCH_ID}`), 404, 'not_found');
  });

  test('If-Match: a stale version is 412 and changes nothing; the current one applies', async () => {
    const p = await createProperty(req, { list_price: 100000 });
    await patchOk(req, `/api/v1/properties/${p.id}`, { list_price: 110000 });
    expectError(
      await req('PATCH', `/api/v1/properties/${p.id}`, { body: { list_price: 1 }, headers: { 'If-Match': '1' } }),
      412,
      'precondition_failed',
    );
    expectError(await req('DELETE', `/api/v1/properties/${p.id}`, { headers: { 'If-Match': '1' } }), 412, 'precondition_failed');
    const now = await getOk(req, `/api/v1/properties/${p.id}`);
    assert.equal(now.list_price, 110000);
    assert.equal(now.version, 2);
    const ok = await req('PATCH', `/api/v1/properties/${p.id}`, { body: { list_price: 120000 }, headers: { 'If-Match': '2' } });
    expectStatus(ok, 200);
    assert.equal(ok.json.version, 3);
    expectStatus(await req('DELETE', `/api/v1/properties/${p.id}`, { headers: { 'If-Match': '3' } }), 204);
  });

  test('bad property bodies are 400 with the field named, and create nothing', async () => {
    const c = await contact();
    const other = await srv.addAccount();
    const theirs = await createContact(other.req, { first_name: 'Theirs' });
    const good = { status: 'active', contacts: [{ contact_id: c.id, role: 'seller' }] };
    const post = (body) => req('POST', '/api/v1/properties', { body });
    expectError(await post({ ...good, colour: 'blue' }), 400, 'unknown_field', 'colour');
    expectError(await post({ ...good, status: 'sold' }), 400, 'invalid_value', 'status');
    expectError(await post({ ...good, status: 'pending_sale' }), 400, 'invalid_value', 'status');
    expectError(await post({ ...good, list_price: 'a lot' }), 400, 'invalid_value', 'list_price');
    expectError(await post({ ...good, close_date: 'tomorrow' }), 400, 'invalid_value', 'close_date');
    expectError(await post({ ...good, close_date: '2026-13-01' }), 400, 'invalid_value', 'close_date');
    expectError(await post({ ...good, contacts: 'everyone' }), 400, 'invalid_value', 'contacts');
    expectError(await post({ ...good, contacts: [{ contact_id: NO_SUCH_ID, role: 'seller' }] }), 400, 'invalid_value', 'contacts[0].contact_id');
    expectError(await post({ ...good, contacts: [{ contact_id: theirs.id, role: 'seller' }] }), 400, 'invalid_value', 'contacts[0].contact_id');
    expectError(
      await post({ ...good, contacts: [{ contact_id: c.id, role: 'seller' }, { contact_id: theirs.id, role: 'buyer' }] }),
      400,
      'invalid_value',
      'contacts[1].contact_id',
    );
    expectError(await post({ ...good, contacts: [{ contact_id: c.id, role: 'landlord' }] }), 400, 'invalid_value', 'contacts[0].role');
    const noRole = await post({ ...good, contacts: [{ contact_id: c.id }] });
    expectStatus(noRole, 400, 'a party without a role');
    assert.equal(noRole.json?.error?.field, 'contacts[0].role');
    expectError(await post({ ...good, contacts: [{ contact_id: c.id, role: 'seller', share: 1 }] }), 400, 'unknown_field', 'contacts[0].share');
    expectError(await post({ ...good, id: NO_SUCH_ID }), 400, 'invalid_value', 'id');
    const none = await getOk(req, `/api/v1/properties${qs({ contact_id: c.id })}`);
    assert.deepEqual(none.items, [], 'nothing was created');
    const now = await getOk(req, `/api/v1/contacts/${c.id}`);
    assert.equal(now.status, 'suspect', 'a rejected deal fires no rule');
  });

  test('a PATCH with one good and one bad field changes nothing', async () => {
    const c = await contact();
    const p = await createProperty(req, { list_price: 250000, contacts: [{ contact_id: c.id, role: 'seller' }] });
    expectError(await req('PATCH', `/api/v1/properties/${p.id}`, { body: { list_price: 260000, status: 'gone' } }), 400, 'invalid_value', 'status');
    expectError(
      await req('PATCH', `/api/v1/properties/${p.id}`, { body: { status: 'closed', contacts: [{ contact_id: NO_SUCH_ID, role: 'seller' }] } }),
      400,
      'invalid_value',
      'contacts[0].contact_id',
    );
    assert.deepEqual(await getOk(req, `/api/v1/properties/${p.id}`), p);
    assert.equal((await getOk(req, `/api/v1/contacts/${c.id}`)).status, 'client', 'still the open listing\'s client');
  });
});

describe('transactions', () => {
  test('POST answers 201 with the whole transaction; status defaults to pending; GET answers the same', async () => {
    const buyer = await contact();
    const seller = await contact();
    const p = await createProperty(req, { list_price: 700000 });
    const body = {
      property_id: p.id,
      price: 690000,
      commission: 20700,
      contacts: [
        { contact_id: buyer.id, role: 'buyer' },
        { contact_id: seller.id, role: 'seller' },
      ],
    };
    const r = await req('POST', '/api/v1/transactions', { body });
    expectStatus(r, 201);
    const t = r.json;
    expectShape(t, TRANSACTION_KEYS, 'transaction');
    assert.equal(t.version, 1);
    assert.equal(t.status, 'pending', 'default status');
    assert.equal(t.property_id, p.id);
    assert.equal(t.price, 690000);
    assert.equal(t.commission, 20700);
    assert.equal(t.close_date, null);
    assert.deepEqual(t.contacts, body.contacts);
    assert.deepEqual(await getOk(req, `/api/v1/transactions/${t.id}`), t);
    const bare = await createTransaction(req, { price: 1 });
    assert.equal(bare.property_id, null);
    assert.equal(bare.status, 'pending');
  });

  test('every transaction status of DOMAIN.md is accepted', async () => {
    for (const status of TX_STATUSES) {
      const t = await createTransaction(req, { status, ...(status === 'closed' ? { close_date: dateDays(-3) } : {}) });
      assert.equal(t.status, status);
    }
  });

  test('PATCH merges and answers the whole transaction; DELETE answers 204', async () => {
    const t = await createTransaction(req, { price: 500000, commission: 15000 });
    const day = dateDays(-1);
    const u = await patchOk(req, `/api/v1/transactions/${t.id}`, { status: 'closed', close_date: day, price: 495000 });
    assert.equal(u.version, 2);
    assert.equal(u.status, 'closed');
    assert.equal(u.close_date, day);
    assert.equal(u.price, 495000);
    assert.equal(u.commission, 15000, 'absent keys are kept');
    assert.deepEqual(await getOk(req, `/api/v1/transactions/${t.id}`), u);
    expectError(await req('PATCH', `/api/v1/transactions/${t.id}`, { body: { price: 1 }, headers: { 'If-Match': '1' } }), 412, 'precondition_failed');
    expectStatus(await req('DELETE', `/api/v1/transactions/${t.id}`), 204);
    expectError(await req('GET', `/api/v1/transactions/${t.id}`), 404, 'not_found');
    expectError(await req('DELETE', `/api/v1/transactions/${t.id}`), 404, 'not_found');
  });

  test('bad transaction bodies are 400 with the field named', async () => {
    const c = await contact();
    const post = (body) => req('POST', '/api/v1/transactions', { body });
    const good = { contacts: [{ contact_id: c.id, role: 'buyer' }] };
    expectError(await post({ ...good, closing_agent: 'x' }), 400, 'unknown_field', 'closing_agent');
    expectError(await post({ ...good, status: 'active' }), 400, 'invalid_value', 'status');
    expectError(await post({ ...good, property_id: NO_SUCH_ID }), 400, 'invalid_value', 'property_id');
    expectError(await post({ ...good, price: '1M' }), 400, 'invalid_value', 'price');
    expectError(await post({ ...good, contacts: [{ contact_id: NO_SUCH_ID, role: 'buyer' }] }), 400, 'invalid_value', 'contacts[0].contact_id');
    expectError(await post({ ...good, contacts: [{ contact_id: c.id, role: 'tenant' }] }), 400, 'invalid_value', 'contacts[0].role');
    assert.deepEqual((await getOk(req, `/api/v1/transactions${qs({ contact_id: c.id })}`)).items, []);
    assert.equal((await getOk(req, `/api/v1/contacts/${c.id}`)).status, 'suspect');
  });

  test('deleting a property leaves the transaction that named it without a property', async () => {
    const p = await createProperty(req, {});
    const t = await createTransaction(req, { property_id: p.id });
    expectStatus(await req('DELETE', `/api/v1/properties/${p.id}`), 204);
    const now = await getOk(req, `/api/v1/transactions/${t.id}`);
    assert.equal(now.property_id, null);
  });
});

describe('deal lists', () => {
  let x;
  let props;
  let txs;
  before(async () => {
    x = await contact();
    const y = await contact();
    const party = (role) => [{ contact_id: x.id, role }];
    props = {
      active: await createProperty(req, { status: 'active', contacts: party('seller') }),
      pending: await createProperty(req, { status: 'pending', contacts: party('seller') }),
      closed: await createProperty(req, { status: 'closed', close_date: dateDays(-9), contacts: party('seller') }),
      other: await createProperty(req, { status: 'active', contacts: party('other') }),
      notX: await createProperty(req, { status: 'active', contacts: [{ contact_id: y.id, role: 'seller' }] }),
    };
    txs = {
      pending: await createTransaction(req, { status: 'pending', contacts: party('buyer') }),
      contingency: await createTransaction(req, { status: 'contingency', contacts: party('buyer') }),
      canceled: await createTransaction(req, { status: 'canceled', contacts: party('buyer') }),
      notX: await createTransaction(req, { status: 'pending', contacts: [{ contact_id: y.id, role: 'buyer' }] }),
    };
  });

  test('?contact_id= lists the deals the contact is party to, in any role', async () => {
    const r = await getOk(req, `/api/v1/properties${qs({ contact_id: x.id })}`);
    assert.deepEqual(ids(r.items), ids([props.active, props.pending, props.closed, props.other]));
    assert.equal(r.next_cursor, null);
    const t = await getOk(req, `/api/v1/transactions${qs({ contact_id: x.id })}`);
    assert.deepEqual(ids(t.items), ids([txs.pending, txs.contingency, txs.canceled]));
  });

  test('?status=active,pending&contact_id= combines both filters', async () => {
    const r = await getOk(req, `/api/v1/properties${qs({ status: 'active,pending', contact_id: x.id })}`);
    assert.deepEqual(ids(r.items), ids([props.active, props.pending, props.other]));
    const c = await getOk(req, `/api/v1/properties${qs({ status: 'closed', contact_id: x.id })}`);
    assert.deepEqual(ids(c.items), ids([props.closed]));
    const t = await getOk(req, `/api/v1/transactions${qs({ status: 'pending,contingency', contact_id: x.id })}`);
    assert.deepEqual(ids(t.items), ids([txs.pending, txs.contingency]));
  });

  test('?status= alone lists every deal of the account in that status', async () => {
    const r = await getOk(req, `/api/v1/properties${qs({ status: 'active', limit: 500 })}`);
    for (const p of r.items) assert.equal(p.status, 'active');
    const got = new Set(r.items.map((p) => p.id));
    for (const p of [props.active, props.other, props.notX]) assert.ok(got.has(p.id), `active property ${p.id} listed`);
    assert.ok(!got.has(props.pending.id));
  });

  test('lists page with limit and cursor, and count=true adds the total', async () => {
    const { items, pages } = await walkPages(req, '/api/v1/properties', { contact_id: x.id, limit: 1 });
    assert.deepEqual(ids(items), ids([props.active, props.pending, props.closed, props.other]));
    assert.ok(pages >= 4, `one per page: ${pages}`);
    const n = await getOk(req, `/api/v1/transactions${qs({ contact_id: x.id, count: 'true' })}`);
    assert.equal(n.total, 3);
  });

  test('bad list arguments are 400 with the field named', async () => {
    expectError(await req('GET', `/api/v1/properties${qs({ status: 'sold' })}`), 400, 'invalid_value', 'status');
    expectError(await req('GET', `/api/v1/transactions${qs({ status: 'active' })}`), 400, 'invalid_value', 'status');
    expectError(await req('GET', `/api/v1/properties${qs({ colour: 'red' })}`), 400, 'unknown_field', 'colour');
    expectError(await req('GET', `/api/v1/transactions${qs({ limit: 'many' })}`), 400, 'invalid_value', 'limit');
  });
});

describe('deal isolation', () => {
  test('another account\'s deals are not_found for every read and write, and never listed', async () => {
    const c = await contact();
    const p = await createProperty(req, { status: 'active', list_price: 999000, contacts: [{ contact_id: c.id, role: 'seller' }] });
    const t = await createTransaction(req, { property_id: p.id, contacts: [{ contact_id: c.id, role: 'seller' }] });
    const B = await srv.addAccount();
    for (const path of [`/api/v1/properties/${p.id}`, `/api/v1/transactions/${t.id}`]) {
      expectError(await B.req('GET', path), 404, 'not_found');
      expectError(await B.req('PATCH', path, { body: { status: 'closed' } }), 404, 'not_found');
      expectError(await B.req('PATCH', path, { body: { status: 'closed' }, headers: { 'If-Match': '1' } }), 404, 'not_found');
      expectError(await B.req('DELETE', path), 404, 'not_found');
    }
    const bp = await getOk(B.req, '/api/v1/properties?limit=500');
    assert.ok(!bp.items.some((x) => x.id === p.id));
    const bt = await getOk(B.req, '/api/v1/transactions?limit=500');
    assert.ok(!bt.items.some((x) => x.id === t.id));
    const byContact = await B.req('GET', `/api/v1/properties${qs({ contact_id: c.id })}`);
    if (byContact.status === 200) assert.deepEqual(byContact.json.items, []);
    else expectError(byContact, 400, 'invalid_value', 'contact_id');
    expectError(await B.req('POST', '/api/v1/transactions', { body: { property_id: p.id } }), 400, 'invalid_value', 'property_id');
    // A's deal and its contact are as they were
    assert.deepEqual(await getOk(req, `/api/v1/properties/${p.id}`), p);
    assert.equal((await getOk(req, `/api/v1/contacts/${c.id}`)).status, 'client');
  });
});
