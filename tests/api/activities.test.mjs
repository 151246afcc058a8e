// Activities (API.md "Activities"): create, read, patch, delete, list with
// filters newest first, validation, and the contact's last_touch_at
// (SCORING.md last_touch: the latest two-way interaction at or before now).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { ACTIVITY_KEYS, expectError, expectStatus, isoDays, RFC3339_UTC } from './lib/expect.mjs';
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

const contact = () => createContact(req, { first_name: uniq('Act') });
const touch = async (id) => (await getOk(req, `/api/v1/contacts/${id}`)).last_touch_at;
const listActs = async (params) => getOk(req, `/api/v1/activities${qs(params)}`);

describe('activity objects', () => {
  test('POST answers 201 with the whole activity; GET answers the same', async () => {
    const c = await contact();
    const when = isoDays(-2);
    const r = await req('POST', '/api/v1/activities', {
      body: {
        contact_id: c.id,
        kind: 'meeting',
        direction: 'none',
        occurred_at: when,
        subject: 'Coffee at Blue Bottle',
        body: 'Talked about schools. Wants 3 bedrooms.',
        duration_s: 3600,
        importance: 'high',
        source: 'manual',
      },
    });
    expectStatus(r, 201);
    const a = r.json;
    for (const k of ACTIVITY_KEYS) assert.ok(k in a, `activity key ${k}`);
    assert.equal(typeof a.id, 'string');
    assert.equal(a.contact_id, c.id);
    assert.equal(a.kind, 'meeting');
    assert.equal(a.direction, 'none');
    assert.equal(a.occurred_at, when);
    assert.equal(a.subject, 'Coffee at Blue Bottle');
    assert.equal(a.body, 'Talked about schools. Wants 3 bedrooms.');
    assert.equal(a.duration_s, 3600);
    assert.equal(a.importance, 'high');
    assert.equal(a.source, 'manual');
    assert.match(a.created_at, RFC3339_UTC);
    const got = await getOk(req, `/api/v1/activities/${a.id}`);
    assert.deepEqual(got, a);
  });

  test('occurred_at defaults to now and importance to normal', async () => {
    const c = await contact();
    const t0 = Date.now();
    const a = await createActivity(req, { contact_id: c.id, kind: 'note', direction: 'none', body: 'remember the dog' });
    const t1 = Date.now();
    assert.match(a.occurred_at, RFC3339_UTC);
    const t = Date.parse(a.occurred_at);
    assert.ok(t >= t0 - 2000 && t <= t1 + 2000, `occurred_at ${a.occurred_at} is now`);
    assert.equal(a.importance, 'normal');
  });

  test('every kind and direction of API.md is accepted', async () => {
    const c = await contact();
    for (const kind of ['email', 'sms', 'call', 'social', 'meeting', 'visit', 'meal', 'party', 'card', 'note', 'web']) {
      const a = await createActivity(req, { contact_id: c.id, kind, direction: kind === 'web' ? 'inbound' : 'outbound', occurred_at: isoDays(-5) });
      assert.equal(a.kind, kind);
    }
    for (const direction of ['inbound', 'outbound', 'none']) {
      const a = await createActivity(req, { contact_id: c.id, kind: 'email', direction, occurred_at: isoDays(-5) });
      assert.equal(a.direction, direction);
    }
  });

  test('PATCH merges and answers the whole activity; DELETE removes it', async () => {
    const c = await contact();
    const a = await createActivity(req, { contact_id: c.id, kind: 'call', direction: 'outbound', occurred_at: isoDays(-1), subject: 'first', duration_s: 30 });
    const p = await req('PATCH', `/api/v1/activities/${a.id}`, { body: { subject: 'second', body: 'voicemail' } });
    expectStatus(p, 200);
    assert.equal(p.json.id, a.id);
    assert.equal(p.json.subject, 'second');
    assert.equal(p.json.body, 'voicemail');
    assert.equal(p.json.kind, 'call');
    assert.equal(p.json.duration_s, 30);
    assert.equal(p.json.occurred_at, a.occurred_at);
    assert.deepEqual(await getOk(req, `/api/v1/activities/${a.id}`), p.json);
    const d = await req('DELETE', `/api/v1/activities/${a.id}`);
    assert.ok(d.status === 204 || d.status === 200, `DELETE: ${d.status} ${d.text}`);
    expectError(await req('GET', `/api/v1/activities/${a.id}`), 404, 'not_found');
    expectError(await req('DELETE', `/api/v1/activities/${a.id}`), 404, 'not_found');
    expectError(await req('PATCH', `/api/v1/activities/${a.id}`, { body: { subject: 'x' } }), 404, 'not_found');
    assert.ok(!(await listActs({ contact_id: c.id })).items.some((x) => x.id === a.id));
  });

  test('bad activity bodies are 400 with the field named, and create nothing', async () => {
    const c = await contact();
    const base = { contact_id: c.id, kind: 'call', direction: 'inbound', occurred_at: isoDays(-1) };
    expectError(await req('POST', '/api/v1/activities', { body: { ...base, kind: 'telegram' } }), 400, 'invalid_value', 'kind');
    expectError(await req('POST', '/api/v1/activities', { body: { ...base, direction: 'sideways' } }), 400, 'invalid_value', 'direction');
    expectError(await req('POST', '/api/v1/activities', { body: { ...base, importance: 'urgent' } }), 400, 'invalid_value', 'importance');
    expectError(await req('POST', '/api/v1/activities', { body: { ...base, occurred_at: 'yesterday' } }), 400, 'invalid_value', 'occurred_at');
    expectError(await req('POST', '/api/v1/activities', { body: { ...base, duration_s: 'long' } }), 400, 'invalid_value', 'duration_s');
    expectError(await req('POST', '/api/v1/activities', { body: { ...base, mood: 'happy' } }), 400, 'unknown_field', 'mood');
    expectError(await req('POST', '/api/v1/activities', { body: { ...base, contact_id: '0193a5b0-0000-7000-8000-00000000beef' } }), 400, 'invalid_value', 'contact_id');
    expectError(await req('POST', '/api/v1/activities', { body: { ...base, contact_id: 42 } }), 400, 'invalid_value', 'contact_id');
    const missing = await req('POST', '/api/v1/activities', { body: { kind: 'call', direction: 'inbound' } });
    expectStatus(missing, 400, 'an activity without contact_id');
    assert.deepEqual((await listActs({ contact_id: c.id })).items, [], 'nothing was recorded');
    assert.equal(await touch(c.id), null, 'the refused inbound call did not touch the contact');
  });

  test('a PATCH with one good and one bad field changes nothing', async () => {
    const c = await contact();
    const a = await createActivity(req, { contact_id: c.id, kind: 'email', direction: 'outbound', occurred_at: isoDays(-1), subject: 'hello' });
    expectError(await req('PATCH', `/api/v1/activities/${a.id}`, { body: { subject: 'changed', kind: 'pigeon' } }), 400, 'invalid_value', 'kind');
    assert.deepEqual(await getOk(req, `/api/v1/activities/${a.id}`), a);
  });
});

describe('activity lists', () => {
  let c;
  let acts;
  before(async () => {
    c = await contact();
    acts = {};
    for (const [name, kind, days] of [['d1', 'call', -1], ['d5', 'email', -5], ['d10', 'call', -10], ['d15', 'sms', -15], ['d30', 'meeting', -30]]) {
      acts[name] = await createActivity(req, { contact_id: c.id, kind, direction: 'outbound', occurred_at: isoDays(days), subject: name });
    }
    // another contact's activity, never in this contact's list
    const other = await contact();
    await createActivity(req, { contact_id: other.id, kind: 'call', direction: 'outbound', occurred_at: isoDays(-2) });
  });

  test('?contact_id= lists that contact\'s activities, newest first', async () => {
    const r = await listActs({ contact_id: c.id });
    assert.deepEqual(r.items.map((a) => a.subject), ['d1', 'd5', 'd10', 'd15', 'd30']);
    assert.equal(r.next_cursor, null);
  });

  test('?kind= filters by kind', async () => {
    const r = await listActs({ contact_id: c.id, kind: 'call' });
    assert.deepEqual(r.items.map((a) => a.subject), ['d1', 'd10']);
    expectError(await req('GET', `/api/v1/activities${qs({ contact_id: c.id, kind: 'fax' })}`), 400, 'invalid_value', 'kind');
  });

  test('?from= and ?to= bound occurred_at', async () => {
    const r = await listActs({ contact_id: c.id, from: isoDays(-12), to: isoDays(-3) });
    assert.deepEqual(r.items.map((a) => a.subject), ['d5', 'd10']);
    assert.deepEqual((await listActs({ contact_id: c.id, from: isoDays(-7) })).items.map((a) => a.subject), ['d1', 'd5']);
    assert.deepEqual((await listActs({ contact_id: c.id, to: isoDays(-20) })).items.map((a) => a.subject), ['d30']);
    expectError(await req('GET', `/api/v1/activities${qs({ contact_id: c.id, from: 'last week' })}`), 400, 'invalid_value', 'from');
  });

  test('pages of the activity list give every activity once, newest first', async () => {
    const walked = await walkPages(req, '/api/v1/activities', { contact_id: c.id, limit: 2 });
    assert.equal(walked.pages, 3);
    assert.deepEqual(walked.items.map((a) => a.subject), ['d1', 'd5', 'd10', 'd15', 'd30']);
  });

  test('without contact_id the list holds the account\'s activities', async () => {
    const r = await listActs({ limit: 500 });
    for (const a of Object.values(acts)) assert.ok(r.items.some((x) => x.id === a.id));
    for (let i = 1; i < r.items.length; i++) {
      assert.ok(Date.parse(r.items[i - 1].occurred_at) >= Date.parse(r.items[i].occurred_at), 'newest first');
    }
  });
});

describe('last_touch_at', () => {
  test('an inbound two-way activity sets the contact\'s last_touch_at to its time', async () => {
    const c = await contact();
    assert.equal(c.last_touch_at, null);
    const when = isoDays(-3);
    await createActivity(req, { contact_id: c.id, kind: 'call', direction: 'inbound', occurred_at: when });
    assert.equal(await touch(c.id), when);
    const later = isoDays(-1);
    await createActivity(req, { contact_id: c.id, kind: 'email', direction: 'inbound', occurred_at: later });
    assert.equal(await touch(c.id), later, 'a later touch moves it');
    await createActivity(req, { contact_id: c.id, kind: 'sms', direction: 'inbound', occurred_at: isoDays(-9) });
    assert.equal(await touch(c.id), later, 'an older touch does not move it back');
  });

  test('one-way activities (web form, note, card, outbound e-mail) do not touch the contact', async () => {
    const c = await contact();
    await createActivity(req, { contact_id: c.id, kind: 'web', direction: 'inbound', occurred_at: isoDays(-1) });
    await createActivity(req, { contact_id: c.id, kind: 'note', direction: 'none', occurred_at: isoDays(-1) });
    await createActivity(req, { contact_id: c.id, kind: 'card', direction: 'outbound', occurred_at: isoDays(-1) });
    await createActivity(req, { contact_id: c.id, kind: 'email', direction: 'outbound', occurred_at: isoDays(-1) });
    assert.equal(await touch(c.id), null);
  });

  test('a meeting in the future is a planned item and not yet a touch', async () => {
    const c = await contact();
    await createActivity(req, { contact_id: c.id, kind: 'meeting', direction: 'none', occurred_at: isoDays(3) });
    assert.equal(await touch(c.id), null);
  });

  test('deleting the only touch clears last_touch_at; moving it moves last_touch_at', async () => {
    const c = await contact();
    const a = await createActivity(req, { contact_id: c.id, kind: 'call', direction: 'inbound', occurred_at: isoDays(-4) });
    const moved = isoDays(-2);
    expectStatus(await req('PATCH', `/api/v1/activities/${a.id}`, { body: { occurred_at: moved } }), 200);
    assert.equal(await touch(c.id), moved);
    const d = await req('DELETE', `/api/v1/activities/${a.id}`);
    assert.ok(d.status === 204 || d.status === 200);
    assert.equal(await touch(c.id), null);
  });
});
