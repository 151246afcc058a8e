// Contacts (API.md "Contacts"; DOMAIN.md L1, M1, M3): create, read, merge
// patch, versions and If-Match, archive and purge, history.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { CONTACT_KEYS, expectContactShape, expectError, expectStatus, isoDays, RFC3339_UTC } from './lib/expect.mjs';
import { createActivity, createContact, getOk } from './lib/fixtures.mjs';
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

const history = async (id) => {
  const r = await req('GET', `/api/v1/contacts/${id}/history`);
  expectStatus(r, 200, 'history');
  assert.ok(Array.isArray(r.json.items), `history answers {items: [...]}: ${r.text.slice(0, 200)}`);
  return r.json.items;
};

describe('create', () => {
  test('POST answers 201 with the whole object: every key, version 1, read-only fields filled', async () => {
    const r = await req('POST', '/api/v1/contacts', { body: { first_name: 'Ada', last_name: 'Lovelace' } });
    expectStatus(r, 201);
    const c = r.json;
    expectContactShape(c);
    assert.deepEqual(Object.keys(c).filter((k) => !CONTACT_KEYS.includes(k)), [], 'no key outside API.md');
    assert.equal(c.version, 1);
    assert.equal(c.first_name, 'Ada');
    assert.equal(c.last_name, 'Lovelace');
    assert.equal(c.display_name, 'Ada Lovelace');
    assert.equal(c.archived_at, null);
    assert.equal(c.last_touch_at, null);
    assert.equal(c.referral_count, 0);
    assert.deepEqual(c.emails, []);
    assert.deepEqual(c.phones, []);
    assert.deepEqual(c.tags, []);
    assert.deepEqual(c.custom, {});
    assert.equal(c.type, 'client', 'type defaults to client');
    assert.equal(c.category, 'none', 'category defaults to none');
    assert.equal(c.intent, 'none', 'intent defaults to none');
    assert.equal(c.sms_opt_out, false);
    assert.equal(c.email_opt_out, false);
    assert.ok(c.score >= 0 && c.score <= 100);
    const got = await getOk(req, `/api/v1/contacts/${c.id}`);
    assert.deepEqual(got, c, 'GET answers what POST answered');
  });

  test('L1: a new contact of a default type is a suspect in stage aware', async () => {
    for (const type of [undefined, 'client', 'farm', 'personal', 'prospect']) {
      const c = await createContact(req, { first_name: uniq('L1'), ...(type ? { type } : {}) });
      assert.equal(c.status, 'suspect', `type ${type}`);
      assert.equal(c.stage, 'aware', `type ${type}`);
    }
  });

  test('L1: a new contact of type agent, vendor or hidden gets status none', async () => {
    for (const type of ['agent', 'vendor', 'hidden']) {
      const c = await createContact(req, { company: uniq('Co'), type });
      assert.equal(c.type, type);
      assert.equal(c.status, 'none', `type ${type}`);
      assert.equal(c.stage, 'none', `type ${type}`);
    }
  });

  test('L1: a status given on create wins over the rule', async () => {
    const a = await createContact(req, { first_name: uniq('L1'), type: 'agent', status: 'lead' });
    assert.equal(a.status, 'lead');
    const b = await createContact(req, { first_name: uniq('L1'), status: 'prospect' });
    assert.equal(b.status, 'prospect');
    assert.equal(b.stage, 'know', 'stage follows the given status');
    const c = await createContact(req, { first_name: uniq('L1'), status: 'none' });
    assert.equal(c.status, 'none');
  });

  test('phones are stored in E.164 with the default region US; e-mails are kept as typed', async () => {
    const c = await createContact(req, {
      first_name: 'Phil',
      phones: [
        { number: '(415) 555-0134', label: 'mobile' },
        { number: '+44 20 7946 0958', label: 'work' },
      ],
      emails: [{ address: 'Phil.Example@Example.com', label: 'home' }, { address: 'phil@work.example' }],
    });
    assert.deepEqual(c.phones.map((p) => p.number), ['+14155550134', '+442079460958']);
    assert.deepEqual(c.phones.map((p) => p.label), ['mobile', 'work']);
    assert.deepEqual(c.emails.map((e) => e.address), ['Phil.Example@Example.com', 'phil@work.example']);
    assert.equal(c.emails[0].label, 'home');
    const got = await getOk(req, `/api/v1/contacts/${c.id}`);
    assert.deepEqual(got.phones, c.phones);
    assert.deepEqual(got.emails, c.emails);
  });

  test('every writable field round-trips', async () => {
    const body = {
      first_name: 'Zoë',
      last_name: 'Dvořák',
      emails: [{ address: 'zoe@example.com', label: 'home' }],
      phones: [{ number: '+14155550100', label: 'mobile' }],
      address: { street: '1 Main St', city: 'Springfield', region: 'IL', postal_code: '62701', country: 'US' },
      company: 'Acme Realty',
      website: 'https://zoe.example.com',
      social: ['https://social.example/zoe'],
      birthday: '1980-02-29',
      anniversary: '2005-06-15',
      partner: 'Sam',
      children: 'Kim, Lee',
      pets: 'Rex',
      interests: 'sailing',
      notes: 'Met at the open house.\nLikes "quotes" and ünïcödé.',
      custom: { shoe: 'blue', floor: 3 },
      category: 'b',
      type: 'personal',
      intent: 'buy',
      timeframe: '2027-06-01',
      budget: 650000,
      tags: ['golf', 'school-district'],
      source: 'open house',
      known_since: '2019-03-04',
      contact_interval_days: 45,
      sms_opt_out: true,
      email_opt_out: false,
      owner_id: srv.user.id,
    };
    const c = await createContact(req, body);
    for (const [k, v] of Object.entries(body)) {
      if (k === 'tags') assert.deepEqual([...c.tags].sort(), [...v].sort(), 'tags');
      else assert.deepEqual(c[k], v, k);
    }
    assert.equal(c.display_name, 'Zoë Dvořák');
    const got = await getOk(req, `/api/v1/contacts/${c.id}`);
    assert.deepEqual(got, c);
  });

  test('display_name falls back to the company when there is no name', async () => {
    const c = await createContact(req, { company: 'Lonely Title Co' });
    assert.equal(c.display_name, 'Lonely Title Co');
  });

  test('referred_by names another contact; its referral_count counts it', async () => {
    const referrer = await createContact(req, { first_name: uniq('Ref') });
    const c = await createContact(req, { first_name: uniq('Referred'), referred_by: referrer.id });
    assert.equal(c.referred_by, referrer.id);
    assert.equal((await getOk(req, `/api/v1/contacts/${referrer.id}`)).referral_count, 1);
  });

  test('an unknown contact id is 404 not_found', async () => {
    expectError(await req('GET', '/api/v1/contacts/0193a5b0-0000-7000-8000-00000000dead'), 404, 'not_found');
    expectError(await req('GET', '/api/v1/contacts/not-an-id'), 404, 'not_found');
    expectError(await req('PATCH', '/api/v1/contacts/0193a5b0-0000-7000-8000-00000000dead', { body: { first_name: 'x' } }), 404, 'not_found');
    expectError(await req('DELETE', '/api/v1/contacts/0193a5b0-0000-7000-8000-00000000dead'), 404, 'not_found');
    expectError(await req('GET', '/api/v1/contacts/0193a5b0-0000-7000-8000-00000000dead/history'), 404, 'not_found');
  });
});

describe('patch', () => {
  test('PATCH is a JSON merge patch and answers the whole object with version + 1', async () => {
    const c = await createContact(req, {
      first_name: 'Mira',
      last_name: 'Patch',
      company: 'Old Co',
      notes: 'keep me',
      tags: ['a1', 'b2'],
      address: { street: '2 Elm St', city: 'Oldtown', region: 'CA', postal_code: '90001', country: 'US' },
      custom: { k1: 'v1', k2: 'v2' },
    });
    const r = await req('PATCH', `/api/v1/contacts/${c.id}`, {
      body: { company: 'New Co', last_name: null, tags: ['c3'], address: { city: 'Newtown' }, custom: { k1: null, k3: 'v3' } },
    });
    expectStatus(r, 200);
    const p = r.json;
    expectContactShape(p);
    assert.equal(p.version, 2);
    assert.equal(p.company, 'New Co');
    assert.equal(p.last_name, null, 'null removes a value');
    assert.equal(p.first_name, 'Mira', 'absent keys are kept');
    assert.equal(p.notes, 'keep me');
    assert.deepEqual(p.tags, ['c3'], 'arrays are replaced');
    assert.equal(p.address.city, 'Newtown', 'objects are merged');
    assert.equal(p.address.street, '2 Elm St', 'objects are merged, not replaced');
    assert.deepEqual(p.custom, { k2: 'v2', k3: 'v3' });
    assert.equal(p.display_name, 'Mira', 'display name follows the names');
    assert.equal(p.created_at, c.created_at);
    assert.ok(Date.parse(p.updated_at) >= Date.parse(c.updated_at));
    assert.deepEqual(await getOk(req, `/api/v1/contacts/${c.id}`), p, 'GET answers what PATCH answered');
  });

  test('If-Match with an old version is 412 precondition_failed and changes nothing; the current one succeeds', async () => {
    const c = await createContact(req, { first_name: uniq('Ifm') });
    const v2 = await req('PATCH', `/api/v1/contacts/${c.id}`, { body: { company: 'First' } });
    expectStatus(v2, 200);
    assert.equal(v2.json.version, 2);
    const stale = await req('PATCH', `/api/v1/contacts/${c.id}`, { body: { company: 'Stale' }, headers: { 'If-Match': '1' } });
    expectError(stale, 412, 'precondition_failed');
    const now = await getOk(req, `/api/v1/contacts/${c.id}`);
    assert.equal(now.version, 2);
    assert.equal(now.company, 'First');
    const ok = await req('PATCH', `/api/v1/contacts/${c.id}`, { body: { company: 'Second' }, headers: { 'If-Match': '2' } });
    expectStatus(ok, 200);
    assert.equal(ok.json.version, 3);
    assert.equal(ok.json.company, 'Second');
    const staleDel = await req('DELETE', `/api/v1/contacts/${c.id}`, { headers: { 'If-Match': '2' } });
    expectError(staleDel, 412, 'precondition_failed');
    assert.equal((await getOk(req, `/api/v1/contacts/${c.id}`)).archived_at, null, 'a refused DELETE archives nothing');
  });

  test('phones set by PATCH are normalised too', async () => {
    const c = await createContact(req, { first_name: uniq('Ph') });
    const r = await req('PATCH', `/api/v1/contacts/${c.id}`, { body: { phones: [{ number: '415.555.0199' }] } });
    expectStatus(r, 200);
    assert.deepEqual(r.json.phones.map((p) => p.number), ['+14155550199']);
  });

  test('removing the last identity is 400 validation_failed and changes nothing', async () => {
    const c = await createContact(req, { first_name: uniq('Only') });
    const r = await req('PATCH', `/api/v1/contacts/${c.id}`, { body: { first_name: null } });
    expectError(r, 400, 'validation_failed');
    const now = await getOk(req, `/api/v1/contacts/${c.id}`);
    assert.equal(now.version, 1);
    assert.equal(now.first_name, c.first_name);
  });
});

describe('archive and purge', () => {
  test('DELETE archives: 200 with archived_at set, gone from the default list, listed with archived=true', async () => {
    const tag = uniq('arch').toLowerCase();
    const c = await createContact(req, { first_name: uniq('Arch'), tags: [tag] });
    const keep = await createContact(req, { first_name: uniq('Keep'), tags: [tag] });
    const d = await req('DELETE', `/api/v1/contacts/${c.id}`);
    expectStatus(d, 200);
    assert.equal(d.json.id, c.id);
    assert.match(d.json.archived_at, RFC3339_UTC);
    const got = await getOk(req, `/api/v1/contacts/${c.id}`);
    assert.match(got.archived_at ?? '', RFC3339_UTC, 'an archived contact can still be read');
    const list = await getOk(req, `/api/v1/contacts?tag=${tag}`);
    assert.deepEqual(list.items.map((x) => x.id), [keep.id], 'the archived contact left the default list');
    const arch = await getOk(req, `/api/v1/contacts?tag=${tag}&archived=true`);
    assert.ok(arch.items.some((x) => x.id === c.id), 'archived=true lists it');
  });

  test('DELETE ?purge=true is 204; the contact and its activities are gone', async () => {
    const c = await createContact(req, { first_name: uniq('Purge') });
    const a = await createActivity(req, { contact_id: c.id, kind: 'call', direction: 'inbound', occurred_at: isoDays(-1) });
    const d = await req('DELETE', `/api/v1/contacts/${c.id}?purge=true`);
    expectStatus(d, 204);
    assert.equal(d.text, '');
    expectError(await req('GET', `/api/v1/contacts/${c.id}`), 404, 'not_found');
    expectError(await req('GET', `/api/v1/contacts/${c.id}/history`), 404, 'not_found');
    expectError(await req('GET', `/api/v1/activities/${a.id}`), 404, 'not_found');
    const acts = await req('GET', `/api/v1/activities?contact_id=${c.id}`);
    if (acts.status === 200) assert.deepEqual(acts.json.items, [], 'no activity of the purged contact is listed');
    else expectError(acts, 400, 'invalid_value', 'contact_id');
    const arch = await getOk(req, `/api/v1/contacts?archived=true&limit=500`);
    assert.ok(!arch.items.some((x) => x.id === c.id));
  });

  test('an archived contact can be purged', async () => {
    const c = await createContact(req, { first_name: uniq('ArchPurge') });
    expectStatus(await req('DELETE', `/api/v1/contacts/${c.id}`), 200);
    expectStatus(await req('DELETE', `/api/v1/contacts/${c.id}?purge=true`), 204);
    expectError(await req('GET', `/api/v1/contacts/${c.id}`), 404, 'not_found');
  });
});

describe('history (M3) and manual changes (M1)', () => {
  test('M3: creation writes a status row (rule L1) and a stage row', async () => {
    const c = await createContact(req, { first_name: uniq('Hist') });
    const rows = await history(c.id);
    for (const h of rows) {
      for (const k of ['field', 'from', 'to', 'rule', 'actor', 'at']) assert.ok(k in h, `history key ${k}`);
      assert.match(h.at, RFC3339_UTC);
    }
    const st = rows.filter((h) => h.field === 'status');
    assert.equal(st.length, 1, `one status row: ${JSON.stringify(rows)}`);
    assert.equal(st[0].to, 'suspect');
    assert.equal(st[0].rule, 'L1');
    const sg = rows.filter((h) => h.field === 'stage');
    assert.equal(sg.length, 1, `one stage row: ${JSON.stringify(rows)}`);
    assert.equal(sg[0].to, 'aware');
    assert.equal(sg[0].rule, 'S2');
  });

  test('M3: an explicit status on create is recorded as manual', async () => {
    const c = await createContact(req, { first_name: uniq('HistM'), status: 'lead' });
    const st = (await history(c.id)).filter((h) => h.field === 'status');
    assert.equal(st.length, 1);
    assert.equal(st[0].to, 'lead');
    assert.equal(st[0].rule, 'manual');
    assert.equal(st[0].actor, srv.user.id);
  });

  test('M1/M3: a status set by hand is kept and appends one manual row, oldest first', async () => {
    const c = await createContact(req, { first_name: uniq('Man') });
    const before = await history(c.id);
    const r = await req('PATCH', `/api/v1/contacts/${c.id}`, { body: { status: 'past_client' } });
    expectStatus(r, 200);
    assert.equal(r.json.status, 'past_client', 'M1: the user may set any status by hand');
    const rows = await history(c.id);
    assert.deepEqual(rows.slice(0, before.length), before, 'history is never rewritten');
    const added = rows.slice(before.length).filter((h) => h.field === 'status');
    assert.equal(added.length, 1, `one new status row: ${JSON.stringify(rows)}`);
    assert.deepEqual(
      { field: added[0].field, from: added[0].from, to: added[0].to, rule: added[0].rule, actor: added[0].actor },
      { field: 'status', from: 'suspect', to: 'past_client', rule: 'manual', actor: srv.user.id },
    );
    for (let i = 1; i < rows.length; i++) assert.ok(Date.parse(rows[i - 1].at) <= Date.parse(rows[i].at), 'oldest first');
  });

  test('M1/M3: stage, category and type set by hand each append a manual row', async () => {
    const c = await createContact(req, { first_name: uniq('Man2') });
    const r = await req('PATCH', `/api/v1/contacts/${c.id}`, { body: { stage: 'trust', category: 'a', type: 'farm' } });
    expectStatus(r, 200);
    assert.equal(r.json.stage, 'trust');
    assert.equal(r.json.category, 'a');
    assert.equal(r.json.type, 'farm');
    const rows = await history(c.id);
    for (const [field, from, to] of [['stage', 'aware', 'trust'], ['category', 'none', 'a'], ['type', 'client', 'farm']]) {
      const m = rows.filter((h) => h.field === field && h.rule === 'manual');
      assert.equal(m.length, 1, `${field}: ${JSON.stringify(rows)}`);
      assert.equal(m[0].from, from, field);
      assert.equal(m[0].to, to, field);
      assert.equal(m[0].actor, srv.user.id, field);
    }
  });

  test('M3: a PATCH that leaves status, stage, category and type alone adds no history row', async () => {
    const c = await createContact(req, { first_name: uniq('Quiet') });
    const before = await history(c.id);
    expectStatus(await req('PATCH', `/api/v1/contacts/${c.id}`, { body: { notes: 'just a note', status: 'suspect' } }), 200);
    assert.deepEqual(await history(c.id), before);
  });
});

describe('concurrent writes', () => {
  test('parallel PATCHes with the same If-Match: exactly one wins, the others are 412', async () => {
    const c = await createContact(req, { first_name: uniq('Race') });
    const n = 8;
    const rs = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        req('PATCH', `/api/v1/contacts/${c.id}`, { body: { company: `Winner ${i}` }, headers: { 'If-Match': '1' } })),
    );
    const ok = rs.filter((r) => r.status === 200);
    assert.equal(ok.length, 1, `statuses: ${rs.map((r) => r.status).join(',')}`);
    for (const r of rs) if (r.status !== 200) expectError(r, 412, 'precondition_failed');
    const now = await getOk(req, `/api/v1/contacts/${c.id}`);
    assert.equal(now.version, 2);
    assert.equal(now.company, ok[0].json.company);
  });

  test('parallel PATCHes without If-Match all apply: no lost version', async () => {
    const c = await createContact(req, { first_name: uniq('Many') });
    const n = 10;
    const rs = await Promise.all(
      Array.from({ length: n }, (_, i) => req('PATCH', `/api/v1/contacts/${c.id}`, { body: { [`notes`]: `note ${i}` } })),
    );
    assert.deepEqual(rs.map((r) => r.status), Array(n).fill(200), rs.map((r) => r.text.slice(0, 80)).join('\n'));
    assert.deepEqual(rs.map((r) => r.json.version).sort((a, b) => a - b), Array.from({ length: n }, (_, i) => i + 2));
    assert.equal((await getOk(req, `/api/v1/contacts/${c.id}`)).version, n + 1);
  });

  test('parallel creates all succeed and all are counted', async () => {
    const tag = uniq('par').toLowerCase();
    const n = 30;
    const rs = await Promise.all(
      Array.from({ length: n }, (_, i) => req('POST', '/api/v1/contacts', { body: { first_name: `Par${i}`, tags: [tag] } })),
    );
    assert.deepEqual(rs.map((r) => r.status), Array(n).fill(201), rs.filter((r) => r.status !== 201).map((r) => r.text).join('\n'));
    assert.equal(new Set(rs.map((r) => r.json.id)).size, n, 'distinct ids');
    const l = await getOk(req, `/api/v1/contacts?tag=${tag}&count=true`);
    assert.equal(l.total, n);
  });
});
