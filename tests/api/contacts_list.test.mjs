// Contact lists (API.md "Conventions" lists, "Contacts" filters and sorts):
// full-text q, filters, sorts, limit, cursor paging (also while contacts
// are created and archived between pages) and count. Each test works
// inside its own tag so the tests do not see each other's contacts.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { expectError, expectStatus, isoDays } from './lib/expect.mjs';
import { createActivity, createContact, getOk, qs, walkPages } from './lib/fixtures.mjs';
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

const newTag = () => uniq('t').toLowerCase();
const ids = (items) => items.map((c) => c.id);
const list = async (params) => getOk(req, `/api/v1/contacts${qs(params)}`);
const sameSet = (a, b, msg) => assert.deepEqual([...a].sort(), [...b].sort(), msg);

describe('full-text search q', () => {
  let dvorak;
  let other;
  before(async () => {
    dvorak = await createContact(req, {
      first_name: 'Antonín',
      last_name: 'Dvořák',
      emails: [{ address: 'zedquill@example.org' }],
      phones: [{ number: '(415) 555-0134' }],
      company: 'Hinterland Realty',
      notes: 'Wants a marina view',
      tags: ['golfer'],
    });
    other = await createContact(req, { first_name: 'Bruno', last_name: 'Walter', phones: [{ number: '+1 212 555 0188' }] });
  });

  const found = async (q) => ids((await list({ q, limit: 500 })).items);

  test('case- and accent-insensitive prefixes of names match', async () => {
    for (const q of ['dvo', 'DVORAK', 'Dvořák', 'dvořá', 'antonin', 'ANTON']) {
      const got = await found(q);
      assert.ok(got.includes(dvorak.id), `q=${q} finds Dvořák: ${JSON.stringify(got)}`);
      assert.ok(!got.includes(other.id), `q=${q} does not find Walter`);
    }
  });

  test('q searches e-mails, company, notes and tags', async () => {
    for (const q of ['zedquill', 'hinter', 'marina', 'golf']) {
      const got = await found(q);
      assert.ok(got.includes(dvorak.id), `q=${q}`);
      assert.ok(!got.includes(other.id), `q=${q} does not find Walter`);
    }
  });

  test('a q that reads as a phone number matches the phone however it is typed', async () => {
    for (const q of ['415-555-0134', '(415) 555-0134', '4155550134', '+14155550134', '+1 415 555 0134']) {
      const got = await found(q);
      assert.ok(got.includes(dvorak.id), `q=${q} finds +14155550134: ${JSON.stringify(got)}`);
      assert.ok(!got.includes(other.id), `q=${q} does not find +12125550188`);
    }
  });

  test('several words must all match; a word matching nothing finds nothing', async () => {
    assert.ok((await found('antonin dvorak')).includes(dvorak.id));
    assert.ok(!(await found('antonin walter')).includes(dvorak.id));
    assert.deepEqual(await found(`zzq${uniq('none')}`), []);
  });

  test('q combines with the other filters', async () => {
    assert.ok((await found('dvo')).includes(dvorak.id));
    const r = await list({ q: 'dvo', status: 'lead' });
    assert.ok(!ids(r.items).includes(dvorak.id), 'a suspect is not listed under status=lead');
  });

  test('q never finds an archived contact in the default list', async () => {
    const c = await createContact(req, { first_name: 'Quixotic', last_name: uniq('Arch') });
    assert.ok((await found('quixotic')).includes(c.id));
    expectStatus(await req('DELETE', `/api/v1/contacts/${c.id}`), 200);
    assert.ok(!(await found('quixotic')).includes(c.id));
  });
});

describe('filters', () => {
  let tag;
  let agent;
  const made = {};
  before(async () => {
    tag = newTag();
    agent = await srv.addUser('agent');
    const mk = async (name, body) => {
      made[name] = await createContact(req, { first_name: name, tags: [tag], ...body });
    };
    await mk('Sus', {});
    await mk('Pro', { status: 'prospect', category: 'c' });
    await mk('Lea', { status: 'lead', category: 'b', owner_id: agent.user.id });
    await mk('Cli', { status: 'client', category: 'a', type: 'personal', owner_id: agent.user.id });
    await mk('Ven', { type: 'vendor', tags: [tag, 'plumber'] });
    await mk('Old', { known_since: '2015-01-01' });
  });

  const filtered = async (params) => ids((await list({ tag, limit: 500, ...params })).items);

  test('status, stage, category and type filter, with comma lists', async () => {
    sameSet(await filtered({ status: 'lead' }), [made.Lea.id]);
    sameSet(await filtered({ status: 'lead,client' }), [made.Lea.id, made.Cli.id]);
    sameSet(await filtered({ status: 'suspect' }), [made.Sus.id, made.Old.id]);
    sameSet(await filtered({ stage: 'know' }), [made.Pro.id, made.Lea.id]);
    sameSet(await filtered({ stage: 'none,like' }), [made.Ven.id, made.Cli.id]);
    sameSet(await filtered({ category: 'a,b' }), [made.Lea.id, made.Cli.id]);
    sameSet(await filtered({ type: 'vendor' }), [made.Ven.id]);
    sameSet(await filtered({ type: 'personal,vendor' }), [made.Cli.id, made.Ven.id]);
    sameSet(await filtered({ status: 'lead,client', category: 'a' }), [made.Cli.id], 'filters combine with AND');
  });

  test('tag filters by one tag', async () => {
    sameSet(await filtered({}), Object.values(made).map((c) => c.id));
    const plumbers = ids((await list({ tag: 'plumber', limit: 500 })).items);
    assert.ok(plumbers.includes(made.Ven.id));
    assert.ok(!plumbers.includes(made.Sus.id));
  });

  test('owner_id filters by owner', async () => {
    sameSet(await filtered({ owner_id: agent.user.id }), [made.Lea.id, made.Cli.id]);
  });

  test('score_min and score_max keep exactly the contacts in range', async () => {
    const all = (await list({ tag, limit: 500 })).items;
    const scores = all.map((c) => c.score).sort((a, b) => a - b);
    const mid = scores[Math.floor(scores.length / 2)];
    sameSet(await filtered({ score_min: mid }), ids(all.filter((c) => c.score >= mid)), `score_min=${mid}`);
    sameSet(await filtered({ score_max: mid }), ids(all.filter((c) => c.score <= mid)), `score_max=${mid}`);
    sameSet(await filtered({ score_min: scores[0], score_max: scores[scores.length - 1] }), ids(all));
    assert.deepEqual(await filtered({ score_min: scores[scores.length - 1] + 0.1 }), []);
  });

  test('overdue=true lists the contacts past their contact interval (A4)', async () => {
    const got = await filtered({ overdue: 'true' });
    assert.ok(got.includes(made.Old.id), 'known since 2015 and never touched is overdue');
    assert.ok(!got.includes(made.Sus.id), 'a contact met today is not overdue');
    const old = await getOk(req, `/api/v1/contacts/${made.Old.id}`);
    assert.equal(old.overdue, true);
    const all = (await list({ tag, limit: 500 })).items;
    sameSet(got, ids(all.filter((c) => c.overdue)), 'overdue=true agrees with the overdue field');
  });

  test('archived=true lists the archived contacts', async () => {
    const t = newTag();
    const a = await createContact(req, { first_name: 'Gone', tags: [t] });
    const b = await createContact(req, { first_name: 'Here', tags: [t] });
    expectStatus(await req('DELETE', `/api/v1/contacts/${a.id}`), 200);
    assert.deepEqual(ids((await list({ tag: t })).items), [b.id]);
    assert.ok(ids((await list({ tag: t, archived: 'true' })).items).includes(a.id));
  });

  test('bad filter values are 400 invalid_value with the parameter named', async () => {
    expectError(await req('GET', '/api/v1/contacts?status=hot'), 400, 'invalid_value', 'status');
    expectError(await req('GET', '/api/v1/contacts?status=lead,hot'), 400, 'invalid_value', 'status');
    expectError(await req('GET', '/api/v1/contacts?stage=bff'), 400, 'invalid_value', 'stage');
    expectError(await req('GET', '/api/v1/contacts?category=z'), 400, 'invalid_value', 'category');
    expectError(await req('GET', '/api/v1/contacts?type=alien'), 400, 'invalid_value', 'type');
    expectError(await req('GET', '/api/v1/contacts?score_min=high'), 400, 'invalid_value', 'score_min');
    expectError(await req('GET', '/api/v1/contacts?score_max=1e999x'), 400, 'invalid_value', 'score_max');
    expectError(await req('GET', '/api/v1/contacts?overdue=maybe'), 400, 'invalid_value', 'overdue');
    expectError(await req('GET', '/api/v1/contacts?sort=shoe_size'), 400, 'invalid_value', 'sort');
    expectError(await req('GET', '/api/v1/contacts?sort=--score'), 400, 'invalid_value', 'sort');
  });
});

/* Checks that items are ordered by key (desc when the sort starts with
 * "-"); null values sit together at one end. A contact without a last name
 * may sort by its display name (API.md is silent), so for last_name only
 * the contacts that have one are checked, case-insensitively. */
function assertSorted(items, sort) {
  const desc = sort.startsWith('-');
  const key = desc ? sort.slice(1) : sort;
  const val = (c) => {
    const v = c[key];
    if (v === null || v === undefined) return null;
    if (key === 'last_name') return v.toLowerCase();
    return key.endsWith('_at') ? Date.parse(v) : v;
  };
  const vals = items.map(val);
  const nn = vals.filter((v) => v !== null);
  for (let i = 1; i < nn.length; i++) {
    const ok = desc ? nn[i - 1] >= nn[i] : nn[i - 1] <= nn[i];
    assert.ok(ok, `sort=${sort}: ${JSON.stringify(nn[i - 1])} before ${JSON.stringify(nn[i])}`);
  }
  const firstNull = vals.indexOf(null);
  if (firstNull >= 0 && key !== 'last_name') {
    const lastNull = vals.lastIndexOf(null);
    assert.ok(vals.slice(firstNull, lastNull + 1).every((v) => v === null), `sort=${sort}: nulls are together`);
    assert.ok(firstNull === 0 || lastNull === vals.length - 1, `sort=${sort}: nulls are at one end`);
  }
}

describe('sorting and cursor paging', () => {
  let tag;
  let made;
  before(async () => {
    tag = newTag();
    made = [];
    const names = ['Moreau', 'Able', 'Zeller', 'Baker', 'Able', 'Quinn', 'Carter', 'Moreau', 'Ebert', 'Young', null];
    const cats = ['a', 'none', 'b', 'c', 'd', 'a', 'none', 'b', 'none', 'c', 'none'];
    for (let i = 0; i < names.length; i++) {
      const body = { tags: [tag], category: cats[i] };
      if (names[i]) Object.assign(body, { first_name: `P${i}`, last_name: names[i] });
      else body.company = 'Nameless Holdings';
      if (i % 3 === 0) body.status = 'lead';
      made.push(await createContact(req, body));
    }
    // different last touches for some, and later updates for others
    for (const [i, days] of [[1, -40], [4, -3], [6, -200], [9, -10]]) {
      await createActivity(req, { contact_id: made[i].id, kind: 'call', direction: 'inbound', occurred_at: isoDays(days) });
    }
    for (const i of [2, 7]) {
      expectStatus(await req('PATCH', `/api/v1/contacts/${made[i].id}`, { body: { notes: 'touched later' } }), 200);
    }
  });

  const sorts = ['score', '-score', 'last_name', '-last_name', 'created_at', '-created_at', 'updated_at', '-updated_at',
    'last_touch_at', '-last_touch_at'];

  for (const sort of sorts) {
    test(`sort=${sort} orders the list, and walking pages of 3 gives the same contacts exactly once, in order`, async () => {
      const one = await list({ tag, sort, limit: 500 });
      assert.equal(one.next_cursor, null, 'one page holds all');
      sameSet(ids(one.items), ids(made), 'the whole set');
      assertSorted(one.items, sort);
      const walked = await walkPages(req, '/api/v1/contacts', { tag, sort, limit: 3 });
      assert.equal(walked.pages, 4, '11 contacts in pages of 3');
      assert.deepEqual(ids(walked.items), ids(one.items));
    });
  }

  test('the default list pages through everything in a stable order', async () => {
    const one = await list({ tag, limit: 500 });
    const walked = await walkPages(req, '/api/v1/contacts', { tag, limit: 2 });
    assert.deepEqual(ids(walked.items), ids(one.items));
  });

  test('sort=last_name puts equal last names in a stable order across pages', async () => {
    const walked = await walkPages(req, '/api/v1/contacts', { tag, sort: 'last_name', limit: 1 });
    assert.equal(new Set(ids(walked.items)).size, made.length, 'no contact twice');
    assert.equal(walked.items.length, made.length);
  });

  test('ascending created_at: contacts created between page fetches cause no repeat or gap', async () => {
    const t = newTag();
    const orig = [];
    for (let i = 0; i < 10; i++) orig.push(await createContact(req, { first_name: `Walk${i}`, tags: [t] }));
    const expected = ids((await list({ tag: t, sort: 'created_at', limit: 500 })).items);
    sameSet(expected, ids(orig));
    const added = [];
    const walked = await walkPages(req, '/api/v1/contacts', { tag: t, sort: 'created_at', limit: 3 }, {
      between: async () => {
        for (let k = 0; k < 2; k++) added.push(await createContact(req, { first_name: uniq('Mid'), tags: [t] }));
      },
    });
    const got = ids(walked.items);
    assert.equal(new Set(got).size, got.length, 'no contact twice');
    assert.deepEqual(got.filter((id) => expected.includes(id)), expected, 'every original contact once, in order');
    assert.deepEqual(got.slice(0, orig.length), expected, 'newer contacts come after the older ones');
    assertSorted(walked.items, 'created_at');
    // everything created during the walk sorts after the cursor, so it is seen
    const seen = new Set(got);
    assert.deepEqual(ids(added).filter((id) => !seen.has(id)), [], 'contacts created mid-walk are listed at the end');
  });

  for (const sort of ['-created_at', 'last_name', '-score']) {
    test(`sort=${sort}: contacts created between page fetches cause no repeat or gap among the others`, async () => {
      const t = newTag();
      const names = ['Hale', 'Fry', 'Iverson', 'Gage', 'Hale', 'Abbot', 'Dunn', 'Cole', 'Baker', 'Eads'];
      for (let i = 0; i < names.length; i++) {
        await createContact(req, { first_name: `W${i}`, last_name: names[i], tags: [t], category: i % 2 ? 'a' : 'none' });
      }
      const expected = ids((await list({ tag: t, sort, limit: 500 })).items);
      const walked = await walkPages(req, '/api/v1/contacts', { tag: t, sort, limit: 3 }, {
        between: async () => {
          // new contacts that sort before and after the cursor
          await createContact(req, { first_name: uniq('New'), last_name: 'Aaron', tags: [t], category: 'a' });
          await createContact(req, { first_name: uniq('New'), last_name: 'Zz', tags: [t] });
        },
      });
      const got = ids(walked.items);
      assert.equal(new Set(got).size, got.length, 'no contact twice');
      assert.deepEqual(got.filter((id) => expected.includes(id)), expected, 'every original contact once, in order');
      assertSorted(walked.items, sort);
    });
  }

  test('archiving an already seen contact mid-walk skips no other contact', async () => {
    const t = newTag();
    const orig = [];
    for (let i = 0; i < 9; i++) orig.push(await createContact(req, { first_name: `Arc${i}`, tags: [t] }));
    const expected = ids((await list({ tag: t, sort: 'created_at', limit: 500 })).items);
    let archived = 0;
    const walked = await walkPages(req, '/api/v1/contacts', { tag: t, sort: 'created_at', limit: 3 }, {
      between: async () => {
        expectStatus(await req('DELETE', `/api/v1/contacts/${expected[archived]}`), 200);
        archived += 1;
      },
    });
    assert.deepEqual(ids(walked.items), expected);
  });
});

describe('limit, cursor and count', () => {
  let tag;
  before(async () => {
    tag = newTag();
    for (let i = 0; i < 53; i++) await createContact(req, { first_name: `Lim${i}`, tags: [tag] });
  });

  test('the default limit is 50 and next_cursor leads to the rest', async () => {
    const r = await list({ tag });
    assert.equal(r.items.length, 50);
    assert.equal(typeof r.next_cursor, 'string');
    const rest = await list({ tag, cursor: r.next_cursor });
    assert.equal(rest.items.length, 3);
    assert.equal(rest.next_cursor, null);
    assert.equal(new Set([...ids(r.items), ...ids(rest.items)]).size, 53);
  });

  test('limit=500 is allowed; a last page has next_cursor null', async () => {
    const r = await list({ tag, limit: 500 });
    assert.equal(r.items.length, 53);
    assert.equal(r.next_cursor, null);
    const exact = await list({ tag, limit: 53 });
    assert.equal(exact.items.length, 53);
    if (exact.next_cursor !== null) {
      const empty = await list({ tag, limit: 53, cursor: exact.next_cursor });
      assert.deepEqual(empty.items, []);
      assert.equal(empty.next_cursor, null);
    }
  });

  test('limit 0, 501, -1 or not a number is 400 invalid_value field limit', async () => {
    for (const l of ['0', '501', '-1', 'ten']) {
      expectError(await req('GET', `/api/v1/contacts?limit=${l}`), 400, 'invalid_value', 'limit');
    }
  });

  test('count=true adds total, the number of matches regardless of the page', async () => {
    const r = await list({ tag, count: 'true', limit: 5 });
    assert.equal(r.total, 53);
    assert.equal(r.items.length, 5);
    const next = await list({ tag, count: 'true', limit: 5, cursor: r.next_cursor });
    assert.equal(next.total, 53);
    const f = await list({ tag, count: 'true', status: 'lead' });
    assert.equal(f.total, 0);
    assert.deepEqual(f.items, []);
  });

  test('a bad cursor is 400 invalid_value field cursor', async () => {
    for (const c of ['garbage', 'eyJ4IjoxfQ', '%00%ff', 'a'.repeat(600)]) {
      expectError(await req('GET', `/api/v1/contacts?cursor=${c}`), 400, 'invalid_value', 'cursor');
    }
  });
});
