// Whole lives of contacts (DOMAIN.md L1-L7, S1-S6, C1-C3, M1-M4): the status,
// stage, category and type an agent sees move by the rules as activities,
// field changes, deals and referrals happen, each change with one history row
// naming its rule. Black box: only the HTTP API of API.md.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { expectStatus, isoDays, RFC3339_UTC } from './lib/expect.mjs';
import {
  createActivity,
  createContact,
  createProperty,
  createTransaction,
  dateDays,
  getOk,
  historyOf,
  patchOk,
  todaysAnywhere,
} from './lib/fixtures.mjs';
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

const contact = (extra = {}, r = req) => createContact(r, { first_name: uniq('Life'), ...extra });
const get = (id, r = req) => getOk(r, `/api/v1/contacts/${id}`);
const act = (id, kind, direction, r = req) => createActivity(r, { contact_id: id, kind, direction });
const patchContact = (id, body, r = req) => patchOk(r, `/api/v1/contacts/${id}`, body);

/** A history row as one readable string: "status suspect->prospect L2". */
const fmt = (h) => `${h.field} ${h.from}->${h.to} ${h.rule}`;

/** Runs fn and returns the history rows it added to contact id, as fmt()
 * strings sorted (rows written by one request share one instant). Asserts
 * the older rows were left as they were (M3: never rewritten). */
async function newRows(id, fn, r = req) {
  const before_ = await historyOf(r, id);
  await fn();
  const after_ = await historyOf(r, id);
  assert.deepEqual(after_.slice(0, before_.length), before_, 'history is never rewritten (M3)');
  return after_.slice(before_.length).map(fmt).sort();
}

/** The status, stage, category and type of a contact, in one object. */
async function state(id, r = req) {
  const c = await get(id, r);
  return { status: c.status, stage: c.stage, category: c.category, type: c.type };
}

const listing = (parties, extra = {}, r = req) =>
  createProperty(r, { status: 'active', address: { street: `${uniq('')} Main St`, city: 'Springfield' }, contacts: parties, ...extra });
const purchase = (parties, extra = {}, r = req) => createTransaction(r, { status: 'pending', price: 450000, contacts: parties, ...extra });
const setProperty = (id, body, r = req) => patchOk(r, `/api/v1/properties/${id}`, body);
const setTransaction = (id, body, r = req) => patchOk(r, `/api/v1/transactions/${id}`, body);

/** A contact that is a client through one open deal of its own. */
async function clientWithListing(extra = {}) {
  const c = await contact(extra);
  const p = await listing([{ contact_id: c.id, role: 'seller' }]);
  assert.equal((await get(c.id)).status, 'client', 'L4 on the listing');
  return { c, p };
}

describe('L2: a website lead becomes a prospect on its first reply', () => {
  test('L2: a web inquiry and outbound messages leave a suspect suspect/aware with no new row', async () => {
    const c = await contact({ emails: [{ address: `${uniq('web')}@example.com` }], source: 'website' });
    assert.deepEqual(await state(c.id), { status: 'suspect', stage: 'aware', category: 'none', type: 'client' });
    const rows = await newRows(c.id, async () => {
      await act(c.id, 'web', 'inbound');
      await act(c.id, 'email', 'outbound');
      await act(c.id, 'sms', 'outbound');
      await act(c.id, 'call', 'outbound');
      await act(c.id, 'note', 'none');
      await act(c.id, 'card', 'outbound');
    });
    assert.deepEqual(rows, [], 'one-way contact moves nothing');
    assert.deepEqual(await state(c.id), { status: 'suspect', stage: 'aware', category: 'none', type: 'client' });
  });

  test('L2/S3: the first inbound email makes the suspect a prospect in stage know, with one row each', async () => {
    const c = await contact({ source: 'website' });
    await act(c.id, 'web', 'inbound');
    const rows = await newRows(c.id, () => act(c.id, 'email', 'inbound'));
    assert.deepEqual(rows, ['stage aware->know S3', 'status suspect->prospect L2']);
    assert.deepEqual(await state(c.id), { status: 'prospect', stage: 'know', category: 'none', type: 'client' });
    // a second reply changes nothing more
    assert.deepEqual(await newRows(c.id, () => act(c.id, 'email', 'inbound')), []);
  });

  test('L2: an inbound sms, call or social message, a meeting or a visit each make a prospect', async () => {
    for (const [kind, direction] of [['sms', 'inbound'], ['call', 'inbound'], ['social', 'inbound'], ['meeting', 'none'], ['visit', 'none']]) {
      const c = await contact();
      const rows = await newRows(c.id, () => act(c.id, kind, direction));
      assert.deepEqual(rows, ['stage aware->know S3', 'status suspect->prospect L2'], `${kind} ${direction}`);
      assert.equal((await get(c.id)).status, 'prospect', `${kind} ${direction}`);
    }
  });

  test('L2: the activity answer is written with its effect (M4): the contact read right after is a prospect', async () => {
    const c = await contact();
    const a = await act(c.id, 'sms', 'inbound');
    assert.equal(a.contact_id, c.id);
    const now = await get(c.id);
    assert.equal(now.status, 'prospect');
    assert.ok(now.version > c.version, 'the contact\'s version moved with its status');
  });

  test('L2 fires only for suspects: a lead or a contact of status none stays where it is', async () => {
    const lead = await contact({ status: 'lead' });
    assert.deepEqual(await newRows(lead.id, () => act(lead.id, 'email', 'inbound')), []);
    assert.equal((await get(lead.id)).status, 'lead');
    const agent = await contact({ type: 'agent', company: uniq('Brokerage') });
    assert.deepEqual(await newRows(agent.id, () => act(agent.id, 'meeting', 'none')), []);
    assert.deepEqual(await state(agent.id), { status: 'none', stage: 'none', category: 'none', type: 'agent' });
  });

  test('L2: tagging a suspect buyer or seller makes it a prospect; another tag does not', async () => {
    const b = await contact({ tags: ['open-house'] });
    assert.deepEqual(await newRows(b.id, () => patchContact(b.id, { tags: ['open-house', 'newsletter'] })), []);
    assert.equal((await get(b.id)).status, 'suspect');
    const rows = await newRows(b.id, () => patchContact(b.id, { tags: ['open-house', 'buyer'] }));
    assert.deepEqual(rows, ['stage aware->know S3', 'status suspect->prospect L2']);
    assert.deepEqual(await state(b.id), { status: 'prospect', stage: 'know', category: 'none', type: 'client' });

    const s = await contact();
    const p = await patchContact(s.id, { tags: ['Seller'] });
    assert.equal(p.status, 'prospect', 'the PATCH answer already shows the rule\'s effect');
    assert.equal(p.stage, 'know');
  });

  test('L2: a suspect whose stage is set to know by hand becomes a prospect (stage row manual)', async () => {
    const c = await contact();
    const rows = await newRows(c.id, () => patchContact(c.id, { stage: 'know' }));
    assert.deepEqual(rows, ['stage aware->know manual', 'status suspect->prospect L2']);
    assert.deepEqual(await state(c.id), { status: 'prospect', stage: 'know', category: 'none', type: 'client' });
  });
});

describe('L3: a lead on needs and timeframe', () => {
  test('L3: a prospect with an intent and then a timeframe becomes a lead; intent alone does not', async () => {
    const c = await contact();
    await act(c.id, 'call', 'inbound');
    assert.equal((await get(c.id)).status, 'prospect');
    assert.deepEqual(await newRows(c.id, () => patchContact(c.id, { intent: 'buy' })), [], 'intent alone');
    assert.equal((await get(c.id)).status, 'prospect');
    const rows = await newRows(c.id, () => patchContact(c.id, { timeframe: dateDays(120) }));
    assert.deepEqual(rows, ['status prospect->lead L3'], 'prospect and lead are both in stage know: no stage row');
    assert.deepEqual(await state(c.id), { status: 'lead', stage: 'know', category: 'none', type: 'client' });
  });

  test('L3: intent and timeframe in one PATCH make a prospect a lead', async () => {
    const c = await contact();
    await act(c.id, 'email', 'inbound');
    const p = await patchContact(c.id, { intent: 'buy_sell', timeframe: dateDays(200) });
    assert.equal(p.status, 'lead');
    assert.equal(p.stage, 'know');
  });

  test('L3: a timeframe alone, or an intent of none with a timeframe, does not make a lead', async () => {
    const c = await contact();
    await act(c.id, 'email', 'inbound');
    assert.deepEqual(await newRows(c.id, () => patchContact(c.id, { timeframe: dateDays(90) })), []);
    assert.deepEqual(await newRows(c.id, () => patchContact(c.id, { intent: 'none' })), []);
    assert.equal((await get(c.id)).status, 'prospect');
    // and the intent, given later, completes it
    assert.deepEqual(await newRows(c.id, () => patchContact(c.id, { intent: 'sell' })), ['status prospect->lead L3']);
  });

  test('L3/S3: a suspect with both needs and a timeframe becomes a lead in stage know', async () => {
    const c = await contact();
    const rows = await newRows(c.id, () => patchContact(c.id, { intent: 'sell', timeframe: dateDays(60) }));
    assert.deepEqual(rows, ['stage aware->know S3', 'status suspect->lead L3']);
    assert.deepEqual(await state(c.id), { status: 'lead', stage: 'know', category: 'none', type: 'client' });
  });

  test('L3: a new contact that comes with an intent and a timeframe is a lead', async () => {
    const c = await contact({ intent: 'buy', timeframe: dateDays(45) });
    assert.deepEqual(await state(c.id), { status: 'lead', stage: 'know', category: 'none', type: 'client' });
  });

  test('L1/M1: a status given on create wins over L3', async () => {
    const given = await contact({ intent: 'buy', timeframe: dateDays(45), status: 'prospect' });
    assert.equal(given.status, 'prospect', 'L1: a status given explicitly on create wins');
    assert.equal((await get(given.id)).status, 'prospect');
  });

  test('L3 does not touch a client: intent and timeframe leave it client', async () => {
    const { c } = await clientWithListing();
    assert.deepEqual(await newRows(c.id, () => patchContact(c.id, { intent: 'buy', timeframe: dateDays(30) })), []);
    assert.equal((await get(c.id)).status, 'client');
  });
});

describe('L4: a client on a pre-listing', () => {
  test('L4/S4: a seller on a pre-listing becomes client/like; a contact of type prospect becomes type client', async () => {
    const c = await contact({ type: 'prospect' });
    await act(c.id, 'email', 'inbound');
    assert.deepEqual(await state(c.id), { status: 'prospect', stage: 'know', category: 'none', type: 'prospect' });
    let p;
    const rows = await newRows(c.id, async () => {
      p = await createProperty(req, { status: 'pre_listing', contacts: [{ contact_id: c.id, role: 'seller' }] });
    });
    assert.equal(p.status, 'pre_listing');
    assert.deepEqual(p.contacts, [{ contact_id: c.id, role: 'seller' }]);
    assert.deepEqual(rows, ['stage know->like S4', 'status prospect->client L4', 'type prospect->client L4']);
    assert.deepEqual(await state(c.id), { status: 'client', stage: 'like', category: 'none', type: 'client' });
  });

  test('L4: a buyer on a pending transaction becomes client, from suspect too', async () => {
    const c = await contact();
    const rows = await newRows(c.id, () => purchase([{ contact_id: c.id, role: 'buyer' }]));
    assert.deepEqual(rows, ['stage aware->like S4', 'status suspect->client L4']);
    assert.deepEqual(await state(c.id), { status: 'client', stage: 'like', category: 'none', type: 'client' });
  });

  test('L4: a party with role other, and a contact of status none (an agent), are unchanged', async () => {
    const lender = await contact({ type: 'prospect' });
    const coAgent = await contact({ type: 'agent', company: uniq('Other Realty') });
    const seller = await contact();
    const lenderRows = await newRows(lender.id, async () => {
      const coAgentRows = await newRows(coAgent.id, () =>
        createProperty(req, {
          status: 'pre_listing',
          contacts: [
            { contact_id: seller.id, role: 'seller' },
            { contact_id: lender.id, role: 'other' },
            { contact_id: coAgent.id, role: 'seller' },
          ],
        }));
      assert.deepEqual(coAgentRows, [], 'status none is never made client');
    });
    assert.deepEqual(lenderRows, [], 'role other has no effect');
    assert.deepEqual(await state(lender.id), { status: 'suspect', stage: 'aware', category: 'none', type: 'prospect' });
    assert.deepEqual(await state(coAgent.id), { status: 'none', stage: 'none', category: 'none', type: 'agent' });
    assert.equal((await get(seller.id)).status, 'client');
  });

  test('L4: a deal created dead makes no client; changed to an open status it does', async () => {
    const c = await contact();
    const p = await listing([{ contact_id: c.id, role: 'seller' }], { status: 'withdrawn' });
    assert.equal((await get(c.id)).status, 'suspect', 'a withdrawn listing is no agreement');
    const rows = await newRows(c.id, () => setProperty(p.id, { status: 'active' }));
    assert.deepEqual(rows, ['stage aware->like S4', 'status suspect->client L4']);
  });

  test('L4: a buyer added to an open deal by PATCH becomes client', async () => {
    const seller = await contact();
    const buyer = await contact();
    const t = await purchase([{ contact_id: seller.id, role: 'seller' }]);
    assert.equal((await get(buyer.id)).status, 'suspect');
    const rows = await newRows(buyer.id, () =>
      setTransaction(t.id, { contacts: [{ contact_id: seller.id, role: 'seller' }, { contact_id: buyer.id, role: 'buyer' }] }));
    assert.deepEqual(rows, ['stage aware->like S4', 'status suspect->client L4']);
  });

  test('L4: moving an open deal between open statuses writes no new row', async () => {
    const { c, p } = await clientWithListing();
    const rows = await newRows(c.id, async () => {
      await setProperty(p.id, { status: 'pending' });
      await setProperty(p.id, { status: 'active', list_price: 510000 });
    });
    assert.deepEqual(rows, []);
    assert.equal((await get(c.id)).status, 'client');
  });
});

describe('L5/L6: a past client when the last of two deals closes', () => {
  test('L5/L6/S6: buyer in a transaction and seller in a listing; the first closing keeps client, the second makes past_client', async () => {
    const c = await contact();
    const t = await purchase([{ contact_id: c.id, role: 'buyer' }]);
    const p = await listing([{ contact_id: c.id, role: 'seller' }]);
    assert.equal((await get(c.id)).status, 'client');
    const bought = dateDays(-20);
    const sold = dateDays(-5);

    let rows = await newRows(c.id, () => setTransaction(t.id, { status: 'closed', close_date: bought }));
    assert.deepEqual(rows, [], 'L5: not the last open deal, so still client');
    let now = await get(c.id);
    assert.equal(now.status, 'client');
    assert.equal(now.stage, 'like');
    assert.equal(now.last_purchase_date, bought, 'L6: the buyer\'s last purchase date');
    assert.equal(now.last_sale_date, null, 'L6: no sale yet');

    rows = await newRows(c.id, () => setProperty(p.id, { status: 'closed', close_date: sold, close_price: 612000 }));
    assert.deepEqual(rows, ['stage like->trust S6', 'status client->past_client L5']);
    now = await get(c.id);
    assert.equal(now.status, 'past_client');
    assert.equal(now.stage, 'trust', 'S6: two closed deals');
    assert.equal(now.last_purchase_date, bought);
    assert.equal(now.last_sale_date, sold, 'L6: the seller\'s last sale date');
  });

  test('L5/S5: one deal closing makes a past client in stage like', async () => {
    const { c, p } = await clientWithListing();
    const rows = await newRows(c.id, () => setProperty(p.id, { status: 'closed', close_date: dateDays(-1) }));
    assert.deepEqual(rows, ['status client->past_client L5'], 'S5: like stays like');
    assert.deepEqual(await state(c.id), { status: 'past_client', stage: 'like', category: 'none', type: 'client' });
  });

  test('L6: close dates never move backwards', async () => {
    const c = await contact();
    const t1 = await purchase([{ contact_id: c.id, role: 'buyer' }]);
    const t2 = await purchase([{ contact_id: c.id, role: 'buyer' }]);
    const p1 = await listing([{ contact_id: c.id, role: 'seller' }]);
    const p2 = await listing([{ contact_id: c.id, role: 'seller' }]);
    const newer = dateDays(-10);
    const older = dateDays(-400);
    await setTransaction(t1.id, { status: 'closed', close_date: newer });
    await setProperty(p1.id, { status: 'closed', close_date: newer });
    await setTransaction(t2.id, { status: 'closed', close_date: older });
    await setProperty(p2.id, { status: 'closed', close_date: older });
    const now = await get(c.id);
    assert.equal(now.last_purchase_date, newer, 'an older closing later does not lower last_purchase_date');
    assert.equal(now.last_sale_date, newer, 'an older closing later does not lower last_sale_date');
    assert.equal(now.status, 'past_client');
  });

  test('L6: status closed without close_date closes it today and dates the seller\'s sale today', async () => {
    const { c, p } = await clientWithListing();
    const closed = await setProperty(p.id, { status: 'closed' });
    assert.equal(closed.status, 'closed');
    assert.match(String(closed.close_date), /^\d{4}-\d{2}-\d{2}$/);
    assert.ok(todaysAnywhere().has(closed.close_date), `close_date ${closed.close_date} is today`);
    const now = await get(c.id);
    assert.equal(now.last_sale_date, closed.close_date);
    assert.equal(now.last_purchase_date, null);
    assert.equal(now.status, 'past_client');
  });

  test('L6: a transaction closed without close_date dates its buyer\'s purchase today', async () => {
    const c = await contact();
    const t = await purchase([{ contact_id: c.id, role: 'buyer' }]);
    const closed = await setTransaction(t.id, { status: 'closed' });
    assert.ok(todaysAnywhere().has(closed.close_date), `close_date ${closed.close_date} is today`);
    const now = await get(c.id);
    assert.equal(now.last_purchase_date, closed.close_date);
    assert.equal(now.status, 'past_client');
  });

  test('L5/L6: a party with role other gets no date and no status from a closing', async () => {
    const seller = await contact();
    const attorney = await contact();
    const p = await listing([{ contact_id: seller.id, role: 'seller' }, { contact_id: attorney.id, role: 'other' }]);
    await setProperty(p.id, { status: 'closed', close_date: dateDays(-3) });
    const a = await get(attorney.id);
    assert.equal(a.status, 'suspect');
    assert.equal(a.last_sale_date, null);
    assert.equal(a.last_purchase_date, null);
    assert.equal((await get(seller.id)).status, 'past_client');
  });
});

describe('L5: dead deals', () => {
  test('L5/S3: a lead whose only deal is canceled is a lead again', async () => {
    const c = await contact();
    await patchContact(c.id, { intent: 'buy', timeframe: dateDays(90) });
    assert.equal((await get(c.id)).status, 'lead', 'L3');
    const t = await purchase([{ contact_id: c.id, role: 'buyer' }]);
    assert.deepEqual(await state(c.id), { status: 'client', stage: 'like', category: 'none', type: 'client' });
    const rows = await newRows(c.id, () => setTransaction(t.id, { status: 'canceled' }));
    assert.deepEqual(rows, ['stage like->know S3', 'status client->lead L5']);
    assert.deepEqual(await state(c.id), { status: 'lead', stage: 'know', category: 'none', type: 'client' });
  });

  test('L5/S2: a suspect whose only listing is withdrawn is a suspect again', async () => {
    const { c, p } = await clientWithListing();
    const rows = await newRows(c.id, () => setProperty(p.id, { status: 'withdrawn' }));
    assert.deepEqual(rows, ['stage like->aware S2', 'status client->suspect L5']);
  });

  test('L5: one of two open deals dying leaves a client; the last one expiring returns it', async () => {
    const c = await contact();
    await act(c.id, 'meeting', 'none');
    const p1 = await listing([{ contact_id: c.id, role: 'seller' }]);
    const p2 = await listing([{ contact_id: c.id, role: 'seller' }]);
    assert.deepEqual(await newRows(c.id, () => setProperty(p1.id, { status: 'expired' })), []);
    assert.equal((await get(c.id)).status, 'client');
    assert.deepEqual(await newRows(c.id, () => setProperty(p2.id, { status: 'expired' })), ['stage like->know S3', 'status client->prospect L5']);
  });

  test('L5: a dead deal after another closed makes a past client', async () => {
    const c = await contact();
    const t = await purchase([{ contact_id: c.id, role: 'buyer' }]);
    const p = await listing([{ contact_id: c.id, role: 'seller' }]);
    await setTransaction(t.id, { status: 'closed', close_date: dateDays(-30) });
    assert.equal((await get(c.id)).status, 'client');
    const rows = await newRows(c.id, () => setProperty(p.id, { status: 'withdrawn' }));
    assert.deepEqual(rows, ['status client->past_client L5']);
    assert.deepEqual(await state(c.id), { status: 'past_client', stage: 'like', category: 'none', type: 'client' });
  });
});

describe('M1: a hand-set value followed by an event', () => {
  test('M1/L4/L5: status set by hand to lead, a deal opens (client), the deal dies (lead again)', async () => {
    const c = await contact();
    assert.deepEqual(await newRows(c.id, () => patchContact(c.id, { status: 'lead' })), ['stage aware->know S3', 'status suspect->lead manual']);
    const p = await listing([{ contact_id: c.id, role: 'seller' }], { status: 'pre_listing' });
    assert.equal((await get(c.id)).status, 'client');
    assert.deepEqual(await newRows(c.id, () => setProperty(p.id, { status: 'canceled' })), ['stage like->know S3', 'status client->lead L5']);
    const st = (await historyOf(req, c.id)).filter((h) => h.field === 'status').map(fmt);
    assert.deepEqual(st, ['status null->suspect L1', 'status suspect->lead manual', 'status lead->client L4', 'status client->lead L5']);
  });

  test('M1/S4: a stage set by hand to trust is kept when a deal makes the contact a client', async () => {
    const c = await contact();
    await patchContact(c.id, { stage: 'trust' });
    const rows = await newRows(c.id, () => listing([{ contact_id: c.id, role: 'seller' }]));
    assert.ok(rows.includes('status suspect->client L4'), JSON.stringify(rows));
    assert.ok(!rows.some((r) => r.startsWith('stage ')), `S4: trust stays: ${JSON.stringify(rows)}`);
    assert.equal((await get(c.id)).stage, 'trust');
  });

  test('M1/L5: a past client set back to prospect by hand is made client by a new deal and past client by its closing', async () => {
    const { c, p } = await clientWithListing();
    await setProperty(p.id, { status: 'closed', close_date: dateDays(-100) });
    await patchContact(c.id, { status: 'prospect' });
    const t = await purchase([{ contact_id: c.id, role: 'buyer' }]);
    assert.equal((await get(c.id)).status, 'client', 'rules fire from the value the user set');
    await setTransaction(t.id, { status: 'closed', close_date: dateDays(-1) });
    assert.equal((await get(c.id)).status, 'past_client');
  });
});

describe('S6 and C1-C3: trust and referrals', () => {
  async function pastClient() {
    const { c, p } = await clientWithListing();
    await setProperty(p.id, { status: 'closed', close_date: dateDays(-200) });
    assert.deepEqual(await state(c.id), { status: 'past_client', stage: 'like', category: 'none', type: 'client' });
    return c;
  }

  test('C1/C2/C3/S6: a past client\'s first referral gives category b, the second category a and trust', async () => {
    const x = await pastClient();
    let r1;
    let rows = await newRows(x.id, async () => {
      r1 = await contact({ referred_by: x.id });
    });
    assert.deepEqual(rows, ['category none->b C2']);
    let now = await get(x.id);
    assert.equal(now.referral_count, 1, 'C1');
    assert.equal(now.category, 'b');
    assert.equal(now.stage, 'like', 'one referral is not trust');

    let r2;
    rows = await newRows(x.id, async () => {
      r2 = await contact({ referred_by: x.id });
    });
    assert.deepEqual(rows, ['category b->a C3', 'stage like->trust S6']);
    now = await get(x.id);
    assert.equal(now.referral_count, 2, 'C1');
    assert.deepEqual(await state(x.id), { status: 'past_client', stage: 'trust', category: 'a', type: 'client' });

    // C1: archiving a referred contact lowers the count; rules never lower a
    // category, and trust is never taken away
    rows = await newRows(x.id, async () => {
      const d = await req('DELETE', `/api/v1/contacts/${r1.id}`);
      expectStatus(d, 200, 'archive');
    });
    assert.deepEqual(rows, []);
    now = await get(x.id);
    assert.equal(now.referral_count, 1, 'C1: an archived contact no longer counts');
    assert.equal(now.category, 'a');
    assert.equal(now.stage, 'trust');

    rows = await newRows(x.id, async () => {
      const d = await req('DELETE', `/api/v1/contacts/${r2.id}?purge=true`);
      expectStatus(d, 204, 'purge');
    });
    assert.deepEqual(rows, []);
    now = await get(x.id);
    assert.equal(now.referral_count, 0, 'C1: a purged contact no longer counts');
    assert.deepEqual(await state(x.id), { status: 'past_client', stage: 'trust', category: 'a', type: 'client' });
  });

  test('C1: changing referred_by moves the count from one contact to the other; null removes it', async () => {
    const x = await contact();
    const y = await contact();
    const r = await contact({ referred_by: x.id });
    assert.equal((await get(x.id)).referral_count, 1);
    await patchContact(r.id, { referred_by: y.id });
    assert.equal((await get(x.id)).referral_count, 0);
    assert.equal((await get(y.id)).referral_count, 1);
    assert.equal((await get(y.id)).category, 'b', 'C2 on the new referrer');
    assert.equal((await get(x.id)).category, 'b', 'the old referrer keeps the category it earned');
    await patchContact(r.id, { referred_by: null });
    assert.equal((await get(y.id)).referral_count, 0);
  });

  test('C2: one referral raises c or d to b, leaves a and b alone', async () => {
    for (const [from, to] of [['c', 'b'], ['d', 'b'], ['b', 'b'], ['a', 'a']]) {
      const x = await contact({ category: from });
      const rows = await newRows(x.id, () => contact({ referred_by: x.id }));
      assert.deepEqual(rows, from === to ? [] : [`category ${from}->${to} C2`], `from ${from}`);
      assert.equal((await get(x.id)).category, to, `from ${from}`);
    }
  });

  test('C3/S6: a suspect with two referrals gets category a but stays aware (trust needs a client)', async () => {
    const x = await contact();
    await contact({ referred_by: x.id });
    await contact({ referred_by: x.id });
    assert.deepEqual(await state(x.id), { status: 'suspect', stage: 'aware', category: 'a', type: 'client' });
    assert.equal((await get(x.id)).referral_count, 2);
  });

  test('S6: a client with two referrals is in trust; closing its deal keeps trust', async () => {
    const { c, p } = await clientWithListing();
    await contact({ referred_by: c.id });
    const rows = await newRows(c.id, () => contact({ referred_by: c.id }));
    assert.deepEqual(rows, ['category b->a C3', 'stage like->trust S6']);
    await setProperty(p.id, { status: 'closed', close_date: dateDays(-2) });
    assert.deepEqual(await state(c.id), { status: 'past_client', stage: 'trust', category: 'a', type: 'client' });
  });

  test('S6/M1: trust after two closings; a stage lowered by hand is then kept as the user set it', async () => {
    const c = await contact();
    const t1 = await purchase([{ contact_id: c.id, role: 'buyer' }]);
    const t2 = await purchase([{ contact_id: c.id, role: 'buyer' }]);
    await setTransaction(t1.id, { status: 'closed', close_date: dateDays(-50) });
    await setTransaction(t2.id, { status: 'closed', close_date: dateDays(-40) });
    assert.equal((await get(c.id)).stage, 'trust', 'S6: two closings');
    assert.deepEqual(await newRows(c.id, () => patchContact(c.id, { stage: 'like' })), ['stage trust->like manual']);
    assert.equal((await get(c.id)).stage, 'like', 'M1: the user may set any stage');
  });
});

describe('L7: repeat business', () => {
  test('L7/L5/S6: a past client party to a new open deal is client again, then past client with trust', async () => {
    const c = await contact();
    const bought = dateDays(-700);
    const t = await purchase([{ contact_id: c.id, role: 'buyer' }]);
    await setTransaction(t.id, { status: 'closed', close_date: bought });
    assert.deepEqual(await state(c.id), { status: 'past_client', stage: 'like', category: 'none', type: 'client' });

    let p;
    let rows = await newRows(c.id, async () => {
      p = await listing([{ contact_id: c.id, role: 'seller' }]);
    });
    assert.deepEqual(rows, ['status past_client->client L7']);
    assert.deepEqual(await state(c.id), { status: 'client', stage: 'like', category: 'none', type: 'client' });

    const sold = dateDays(-3);
    rows = await newRows(c.id, () => setProperty(p.id, { status: 'closed', close_date: sold }));
    assert.deepEqual(rows, ['stage like->trust S6', 'status client->past_client L5']);
    const now = await get(c.id);
    assert.equal(now.last_purchase_date, bought);
    assert.equal(now.last_sale_date, sold);
  });

  test('L7/L6: a closed listing reopened makes its seller a client again; the sale date stays', async () => {
    const { c, p } = await clientWithListing();
    const sold = dateDays(-15);
    await setProperty(p.id, { status: 'closed', close_date: sold });
    assert.equal((await get(c.id)).status, 'past_client');
    const rows = await newRows(c.id, () => setProperty(p.id, { status: 'active', close_date: null }));
    assert.deepEqual(rows, ['status past_client->client L7'], 'changed to an open status');
    const now = await get(c.id);
    assert.equal(now.status, 'client');
    assert.equal(now.last_sale_date, sold, 'L6: never moved backwards, not erased');
  });

  test('L7/L5: a repeat deal that dies returns the contact to past client', async () => {
    const { c, p } = await clientWithListing();
    await setProperty(p.id, { status: 'closed', close_date: dateDays(-300) });
    const t = await purchase([{ contact_id: c.id, role: 'buyer' }]);
    assert.equal((await get(c.id)).status, 'client');
    const rows = await newRows(c.id, () => setTransaction(t.id, { status: 'canceled' }));
    assert.deepEqual(rows, ['status client->past_client L5']);
  });
});

describe('one closed deal for a transaction that sells a listing', () => {
  test('S6: a closed transaction naming the closed listing counts once for a party to both: no trust', async () => {
    const c = await contact();
    const buyer = await contact();
    const p = await listing([{ contact_id: c.id, role: 'seller' }]);
    const t = await purchase([{ contact_id: c.id, role: 'seller' }, { contact_id: buyer.id, role: 'buyer' }], { property_id: p.id });
    assert.equal(t.property_id, p.id);
    const day = dateDays(-7);
    assert.deepEqual(await newRows(c.id, () => setProperty(p.id, { status: 'closed', close_date: day })), [], 'the transaction is still open');
    const rows = await newRows(c.id, () => setTransaction(t.id, { status: 'closed', close_date: day }));
    assert.deepEqual(rows, ['status client->past_client L5'], 'one closed deal: S5 like, not S6 trust');
    const now = await get(c.id);
    assert.equal(now.stage, 'like');
    assert.equal(now.last_sale_date, day);
    assert.deepEqual(await state(buyer.id), { status: 'past_client', stage: 'like', category: 'none', type: 'client' });
    assert.equal((await get(buyer.id)).last_purchase_date, day);
  });

  test('S6: the same two closings on unrelated deals count twice: trust', async () => {
    const c = await contact();
    const p = await listing([{ contact_id: c.id, role: 'seller' }]);
    const t = await purchase([{ contact_id: c.id, role: 'seller' }]);
    await setProperty(p.id, { status: 'closed', close_date: dateDays(-7) });
    await setTransaction(t.id, { status: 'closed', close_date: dateDays(-7) });
    assert.equal((await get(c.id)).stage, 'trust');
  });
});

describe('where DOMAIN.md is silent (docs/rules.md)', () => {
  test('L5: deleting a client\'s only open deal counts as the deal going dead', async () => {
    const c = await contact();
    await act(c.id, 'call', 'inbound');
    const p = await listing([{ contact_id: c.id, role: 'seller' }]);
    assert.equal((await get(c.id)).status, 'client');
    const rows = await newRows(c.id, async () => {
      expectStatus(await req('DELETE', `/api/v1/properties/${p.id}`), 204, 'DELETE property');
    });
    assert.deepEqual(rows, ['stage like->know S3', 'status client->prospect L5']);
  });

  test('L5: a party removed from an open deal counts as the deal going dead for it', async () => {
    const c = await contact();
    const keep = await contact();
    const t = await purchase([{ contact_id: c.id, role: 'buyer' }, { contact_id: keep.id, role: 'seller' }]);
    const rows = await newRows(c.id, () => setTransaction(t.id, { contacts: [{ contact_id: keep.id, role: 'seller' }] }));
    assert.deepEqual(rows, ['stage like->aware S2', 'status client->suspect L5']);
    assert.equal((await get(keep.id)).status, 'client', 'the party that stays is still a client');
  });

  test('L5/L6: a deal recorded already closed makes a past client with its close date', async () => {
    const c = await contact();
    const day = dateDays(-365);
    const rows = await newRows(c.id, () => purchase([{ contact_id: c.id, role: 'buyer' }], { status: 'closed', close_date: day }));
    assert.deepEqual(rows, ['stage aware->like S5', 'status suspect->past_client L5']);
    const now = await get(c.id);
    assert.equal(now.status, 'past_client');
    assert.equal(now.last_purchase_date, day);
  });

  test('L2: a reply planned in the future has not happened yet: the suspect stays a suspect', async () => {
    const c = await contact();
    const rows = await newRows(c.id, () => createActivity(req, { contact_id: c.id, kind: 'meeting', direction: 'none', occurred_at: isoDays(3) }));
    assert.deepEqual(rows, []);
    assert.equal((await get(c.id)).status, 'suspect');
  });
});

describe('M2: automation switches', () => {
  let B; // another account, so the switches do not touch the other tests
  before(async () => {
    B = await srv.addAccount();
  });
  const putSettings = async (body) => {
    const r = await B.req('PUT', '/api/v1/settings', { body });
    expectStatus(r, 200, `PUT /api/v1/settings ${JSON.stringify(body)}`);
    return r.json;
  };

  test('M2: with status_rules off an inbound reply leaves a suspect suspect and writes no row', async () => {
    const s = await putSettings({ automation: { status_rules: false } });
    assert.equal(s.automation.status_rules, false);
    try {
      // a suspect by hand (whether L1 still names new contacts with the
      // switch off is not what this test is about)
      const c = await contact({ status: 'suspect' }, B.req);
      assert.deepEqual(await state(c.id, B.req), { status: 'suspect', stage: 'aware', category: 'none', type: 'client' });
      const rows = await newRows(c.id, async () => {
        await act(c.id, 'email', 'inbound', B.req);
        await patchContact(c.id, { tags: ['buyer'], intent: 'buy', timeframe: dateDays(30) }, B.req);
        await purchase([{ contact_id: c.id, role: 'buyer' }], {}, B.req);
      }, B.req);
      assert.deepEqual(rows, [], 'no L rule fired and nothing recorded');
      assert.deepEqual(await state(c.id, B.req), { status: 'suspect', stage: 'aware', category: 'none', type: 'client' });
    } finally {
      await putSettings({ automation: { status_rules: true } });
    }
    const c = await contact({}, B.req);
    await act(c.id, 'email', 'inbound', B.req);
    assert.equal((await get(c.id, B.req)).status, 'prospect', 'switched back on, L2 fires again');
  });

  test('M2: with stage_rules off status moves, stage does not', async () => {
    await putSettings({ automation: { stage_rules: false } });
    try {
      const c = await contact({ status: 'suspect', stage: 'aware' }, B.req);
      assert.deepEqual(await state(c.id, B.req), { status: 'suspect', stage: 'aware', category: 'none', type: 'client' });
      const rows = await newRows(c.id, () => act(c.id, 'sms', 'inbound', B.req), B.req);
      assert.deepEqual(rows, ['status suspect->prospect L2']);
      assert.deepEqual(await state(c.id, B.req), { status: 'prospect', stage: 'aware', category: 'none', type: 'client' });
    } finally {
      await putSettings({ automation: { stage_rules: true } });
    }
  });

  test('M2: with category_rules off a referral leaves the category alone', async () => {
    await putSettings({ automation: { category_rules: false } });
    try {
      const x = await contact({}, B.req);
      const rows = await newRows(x.id, async () => {
        await contact({ referred_by: x.id }, B.req);
        await contact({ referred_by: x.id }, B.req);
      }, B.req);
      assert.ok(!rows.some((r) => r.startsWith('category ')), JSON.stringify(rows));
      assert.equal((await get(x.id, B.req)).category, 'none');
    } finally {
      await putSettings({ automation: { category_rules: true } });
    }
  });

  test('M2: the switches are per account: account A still runs its rules', async () => {
    await putSettings({ automation: { status_rules: false } });
    try {
      const c = await contact();
      await act(c.id, 'email', 'inbound');
      assert.equal((await get(c.id)).status, 'prospect');
    } finally {
      await putSettings({ automation: { status_rules: true } });
    }
  });
});

describe('M4: concurrent closings', () => {
  test('L5/M4: two deals of one contact closed in parallel requests give past_client and exactly one L5 row', async () => {
    const rounds = 2;
    const perRound = 5;
    for (let round = 0; round < rounds; round++) {
      const lives = [];
      for (let i = 0; i < perRound; i++) {
        const c = await contact();
        const p = await listing([{ contact_id: c.id, role: 'seller' }]);
        const t = await purchase([{ contact_id: c.id, role: 'buyer' }]);
        lives.push({ c, p, t });
      }
      const sold = dateDays(-4);
      const bought = dateDays(-6);
      const rs = await Promise.all(
        lives.flatMap(({ p, t }) => [
          req('PATCH', `/api/v1/properties/${p.id}`, { body: { status: 'closed', close_date: sold } }),
          req('PATCH', `/api/v1/transactions/${t.id}`, { body: { status: 'closed', close_date: bought } }),
        ]),
      );
      for (const r of rs) expectStatus(r, 200, 'parallel closing');
      for (const { c } of lives) {
        const now = await get(c.id);
        assert.equal(now.status, 'past_client', `round ${round}: ${c.id}`);
        assert.equal(now.stage, 'trust', 'S6: two closed deals');
        assert.equal(now.last_sale_date, sold);
        assert.equal(now.last_purchase_date, bought);
        const rows = (await historyOf(req, c.id)).map(fmt);
        assert.deepEqual(
          rows.filter((r) => r.startsWith('status ')),
          ['status null->suspect L1', 'status suspect->client L4', 'status client->past_client L5'],
          `round ${round}: no status row lost or doubled`,
        );
        assert.deepEqual(
          rows.filter((r) => r.startsWith('stage ')),
          ['stage null->aware S2', 'stage aware->like S4', 'stage like->trust S6'],
          `round ${round}: no stage row lost or doubled`,
        );
      }
    }
  });

  test('L5/M4: one deal closing while the other dies, in parallel: past_client, one L5 row', async () => {
    const lives = [];
    for (let i = 0; i < 5; i++) {
      const c = await contact();
      const p = await listing([{ contact_id: c.id, role: 'seller' }]);
      const t = await purchase([{ contact_id: c.id, role: 'buyer' }]);
      lives.push({ c, p, t });
    }
    const rs = await Promise.all(
      lives.flatMap(({ p, t }) => [
        req('PATCH', `/api/v1/properties/${p.id}`, { body: { status: 'closed', close_date: dateDays(-1) } }),
        req('PATCH', `/api/v1/transactions/${t.id}`, { body: { status: 'canceled' } }),
      ]),
    );
    for (const r of rs) expectStatus(r, 200, 'parallel close and cancel');
    for (const { c } of lives) {
      assert.equal((await get(c.id)).status, 'past_client');
      const st = (await historyOf(req, c.id)).filter((h) => h.field === 'status').map(fmt);
      assert.deepEqual(st, ['status null->suspect L1', 'status suspect->client L4', 'status client->past_client L5']);
    }
  });
});

describe('M4: other races', () => {
  test('L2/M4: five inbound replies in parallel write exactly one L2 row', async () => {
    const c = await contact();
    const rs = await Promise.all(Array.from({ length: 5 }, () => req('POST', '/api/v1/activities', { body: { contact_id: c.id, kind: 'email', direction: 'inbound' } })));
    for (const r of rs) expectStatus(r, 201, 'parallel reply');
    const rows = (await historyOf(req, c.id)).map(fmt);
    assert.deepEqual(rows.filter((r) => r.startsWith('status ')), ['status null->suspect L1', 'status suspect->prospect L2']);
    assert.deepEqual(rows.filter((r) => r.startsWith('stage ')), ['stage null->aware S2', 'stage aware->know S3']);
  });

  test('C1/M4: referrals created in parallel are all counted, with one C2 and one C3 row', async () => {
    for (let round = 0; round < 3; round++) {
      const x = await contact();
      const n = 4;
      const rs = await Promise.all(
        Array.from({ length: n }, (_, i) => req('POST', '/api/v1/contacts', { body: { first_name: `Ref${round}-${i}`, referred_by: x.id } })),
      );
      for (const r of rs) expectStatus(r, 201, 'parallel referral');
      const now = await get(x.id);
      assert.equal(now.referral_count, n, `round ${round}: no referral lost`);
      assert.equal(now.category, 'a');
      const cat = (await historyOf(req, x.id)).filter((h) => h.field === 'category').map(fmt);
      assert.deepEqual(cat, ['category none->b C2', 'category b->a C3'], `round ${round}`);
    }
  });
});

describe('history (M3)', () => {
  test('M3: rows come oldest first as {field, from, to, rule, actor, at}; actor is the acting user', async () => {
    const admin = await srv.addUser('admin');
    const c = await contact();
    await createActivity(admin.req, { contact_id: c.id, kind: 'email', direction: 'inbound' });
    const p = await createProperty(admin.req, { status: 'active', contacts: [{ contact_id: c.id, role: 'seller' }] });
    await patchOk(admin.req, `/api/v1/properties/${p.id}`, { status: 'closed', close_date: dateDays(-1) });
    const rows = await historyOf(req, c.id);
    for (const h of rows) {
      for (const k of ['field', 'from', 'to', 'rule', 'actor', 'at']) assert.ok(k in h, `history key ${k}: ${JSON.stringify(h)}`);
      assert.match(h.at, RFC3339_UTC);
    }
    for (let i = 1; i < rows.length; i++) assert.ok(Date.parse(rows[i - 1].at) <= Date.parse(rows[i].at), 'oldest first');
    const st = rows.filter((h) => h.field === 'status');
    assert.deepEqual(st.map(fmt), ['status null->suspect L1', 'status suspect->prospect L2', 'status prospect->client L4', 'status client->past_client L5']);
    assert.equal(st[0].actor, srv.user.id, 'the owner created the contact');
    for (const h of st.slice(1)) assert.equal(h.actor, admin.id, `the admin's requests fired ${h.rule}`);
    // a pure read changes nothing
    assert.deepEqual(await historyOf(req, c.id), rows);
  });
});
