// Timeline (API.md "Contacts": GET /api/v1/contacts/{id}/timeline): a
// contact's activities, deals and history rows in one list, newest first,
// each item {type, at, <type>: {...}}; only that contact's, only its
// account's.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { expectError, expectStatus, isoDays, RFC3339_UTC } from './lib/expect.mjs';
import { createActivity, createContact, createProperty, createTransaction, dateDays, historyOf, patchOk } from './lib/fixtures.mjs';
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

const TYPES = ['activity', 'property', 'transaction', 'history'];

async function timeline(id, r = req) {
  const res = await r('GET', `/api/v1/contacts/${id}/timeline`);
  expectStatus(res, 200, 'timeline');
  assert.ok(res.json && Array.isArray(res.json.items), `timeline answers {items: [...]}: ${res.text.slice(0, 200)}`);
  return res.json.items;
}

describe('timeline', () => {
  let c;
  let other;
  let acts;
  let p;
  let t;
  let items;
  before(async () => {
    c = await createContact(req, { first_name: uniq('Time') });
    other = await createContact(req, { first_name: uniq('Elsewhere') });
    acts = {
      old: await createActivity(req, { contact_id: c.id, kind: 'web', direction: 'inbound', occurred_at: isoDays(-30), subject: 'inquiry' }),
      reply: await createActivity(req, { contact_id: c.id, kind: 'email', direction: 'inbound', occurred_at: isoDays(-20), subject: 'reply' }),
      call: await createActivity(req, { contact_id: c.id, kind: 'call', direction: 'outbound', occurred_at: isoDays(-10), subject: 'call' }),
    };
    await createActivity(req, { contact_id: other.id, kind: 'call', direction: 'outbound', occurred_at: isoDays(-5), subject: 'not theirs' });
    p = await createProperty(req, { status: 'active', list_price: 350000, contacts: [{ contact_id: c.id, role: 'seller' }] });
    t = await createTransaction(req, { property_id: p.id, contacts: [{ contact_id: c.id, role: 'seller' }] });
    await createProperty(req, { status: 'active', contacts: [{ contact_id: other.id, role: 'seller' }] });
    await patchOk(req, `/api/v1/transactions/${t.id}`, { status: 'closed', close_date: dateDays(-1) });
    items = await timeline(c.id);
  });

  test('every item is {type, at, <type>: {...}} with a known type', () => {
    assert.ok(items.length > 0);
    for (const it of items) {
      assert.ok(TYPES.includes(it.type), `type ${it.type}`);
      assert.match(it.at, RFC3339_UTC);
      assert.ok(it[it.type] && typeof it[it.type] === 'object', `item carries its ${it.type}: ${JSON.stringify(it)}`);
    }
  });

  test('items come newest first', () => {
    for (let i = 1; i < items.length; i++) {
      assert.ok(Date.parse(items[i - 1].at) >= Date.parse(items[i].at), `newest first at ${i}: ${items[i - 1].at} then ${items[i].at}`);
    }
    const last = items[items.length - 1];
    assert.equal(last.type, 'activity', 'the 30-day-old inquiry is the oldest item');
    assert.equal(last.activity.id, acts.old.id);
  });

  test('it holds the contact\'s activities with their fields, and no one else\'s', () => {
    const got = items.filter((it) => it.type === 'activity');
    assert.deepEqual(got.map((it) => it.activity.id), [acts.call.id, acts.reply.id, acts.old.id]);
    for (const it of got) {
      assert.equal(it.activity.contact_id, c.id);
      assert.equal(it.at, it.activity.occurred_at, 'an activity is placed at its occurred_at');
    }
    assert.equal(got[0].activity.subject, 'call');
    assert.equal(got[0].activity.kind, 'call');
  });

  test('it holds the contact\'s deals: the listing and the transaction', () => {
    const props = items.filter((it) => it.type === 'property');
    assert.ok(props.length >= 1, 'the listing is on the timeline');
    assert.ok(props.every((it) => it.property.id === p.id), 'only the contact\'s listing');
    assert.ok(props[0].property.contacts.some((x) => x.contact_id === c.id));
    const txs = items.filter((it) => it.type === 'transaction');
    assert.ok(txs.length >= 1, 'the transaction is on the timeline');
    assert.ok(txs.every((it) => it.transaction.id === t.id));
    assert.equal(txs[0].transaction.status, 'closed', 'the deal as it stands now');
  });

  test('it holds every history row of the contact', async () => {
    const hist = await historyOf(req, c.id);
    const got = items.filter((it) => it.type === 'history').map((it) => it.history);
    const key = (h) => `${h.field} ${h.from}->${h.to} ${h.rule} ${h.at}`;
    assert.deepEqual(got.map(key).sort(), hist.map(key).sort());
    for (const want of ['status null->suspect L1', 'status suspect->prospect L2', 'status prospect->client L4']) {
      assert.ok(got.some((h) => `${h.field} ${h.from}->${h.to} ${h.rule}` === want), `${want} on the timeline`);
    }
  });

  test('another account\'s contact, and an unknown one, are 404', async () => {
    const B = await srv.addAccount();
    expectError(await B.req('GET', `/api/v1/contacts/${c.id}/timeline`), 404, 'not_found');
    expectError(await req('GET', '/api/v1/contacts/0193a5b0-0000-7000-8000-00000000dead/timeline'), 404, 'not_found');
  });

  test('a new contact\'s timeline holds its creation rows only', async () => {
    const n = await createContact(req, { first_name: uniq('New') });
    const its = await timeline(n.id);
    assert.ok(its.length >= 1);
    assert.ok(its.every((it) => it.type === 'history'), JSON.stringify(its));
    assert.deepEqual(its.map((it) => it.history.field).sort(), ['stage', 'status']);
  });
});
