// Errors (API.md "Conventions"): the error object, unknown fields and query
// parameters, wrong types and values with their paths, read-only keys,
// identity, 404, 413, 415, invalid JSON and UTF-8, and "a rejected request
// changes nothing".
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';

import { expectError, expectStatus } from './lib/expect.mjs';
import { createContact, getOk } from './lib/fixtures.mjs';
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

const post = (body) => req('POST', '/api/v1/contacts', { body });
const raw = (method, p, body, contentType = 'application/json') =>
  req(method, p, { body, headers: contentType ? { 'Content-Type': contentType } : {} });
const count = async () => (await getOk(req, '/api/v1/contacts?count=true&limit=1')).total;

/* POSTs a JSON body to /api/v1/contacts with node:http, chunk by chunk,
 * and resolves the answer {status, text}. A server may answer a too large
 * body early and close the connection while the client is still writing,
 * as curl and browsers expect; the answer counts, a write error after it
 * does not (fetch would throw it away). */
function upload(headers, chunks) {
  return new Promise((resolve, reject) => {
    let answered = false;
    const r = http.request(`${srv.base}/api/v1/contacts`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${srv.token}`, ...headers },
    }, (resp) => {
      answered = true;
      let text = '';
      resp.setEncoding('utf8');
      resp.on('data', (d) => (text += d));
      resp.on('end', () => resolve({ status: resp.statusCode, text }));
      resp.on('error', () => resolve({ status: resp.statusCode, text }));
    });
    r.on('error', (e) => {
      if (!answered) setTimeout(() => (answered ? null : reject(e)), 500);
    });
    let i = 0;
    const pump = () => {
      while (i < chunks.length) {
        if (!r.write(chunks[i++])) {
          r.once('drain', pump);
          return;
        }
      }
      r.end();
    };
    pump();
  });
}

describe('unknown fields', () => {
  test('an unknown query parameter is 400 unknown_field naming it, on every endpoint', async () => {
    const c = await createContact(req, { first_name: uniq('Q') });
    const a = await req('POST', '/api/v1/activities', { body: { contact_id: c.id, kind: 'note', direction: 'none' } });
    expectStatus(a, 201);
    const table = [
      ['GET', '/api/v1/contacts?colour=red', 'colour'],
      ['GET', '/api/v1/activities?contactid=x', 'contactid'],
      ['GET', `/api/v1/contacts/${c.id}?expand=all`, 'expand'],
      ['GET', `/api/v1/contacts/${c.id}/history?since=x`, 'since'],
      ['PATCH', `/api/v1/contacts/${c.id}?dry_run=true`, 'dry_run', { notes: 'never' }],
      ['DELETE', `/api/v1/contacts/${c.id}?hard=true`, 'hard'],
      ['POST', '/api/v1/contacts?upsert=true', 'upsert', { first_name: 'Never' }],
      ['GET', `/api/v1/activities/${a.json.id}?x=1`, 'x'],
      ['PATCH', `/api/v1/activities/${a.json.id}?x=1`, 'x', { subject: 'never' }],
      ['DELETE', `/api/v1/activities/${a.json.id}?x=1`, 'x'],
      ['POST', '/api/v1/activities?x=1', 'x', { contact_id: c.id, kind: 'note', direction: 'none' }],
      ['GET', '/api/v1/me?x=1', 'x'],
      ['GET', '/api/v1/users?role=agent', 'role'],
      ['GET', '/api/v1/tokens?x=1', 'x'],
    ];
    const failures = [];
    for (const [method, p, field, body] of table) {
      const r = await req(method, p, { body });
      if (r.status !== 400 || r.json?.error?.code !== 'unknown_field' || r.json?.error?.field !== field) {
        failures.push(`${method} ${p}: ${r.status} ${r.text.slice(0, 100)}`);
      }
    }
    assert.deepEqual(failures, []);
    const now = await getOk(req, `/api/v1/contacts/${c.id}`);
    assert.equal(now.archived_at, null, 'the refused DELETE did nothing');
    assert.equal(now.notes, null, 'the refused PATCH did nothing');
    expectStatus(await req('GET', `/api/v1/activities/${a.json.id}`), 200, 'the refused DELETE kept the activity');
  });

  test('an unknown body key is 400 unknown_field with its path', async () => {
    expectError(await post({ first_name: 'A', nickname: 'Al' }), 400, 'unknown_field', 'nickname');
    expectError(await post({ first_name: 'A', address: { city: 'X', zip: '1' } }), 400, 'unknown_field', 'address.zip');
    expectError(await post({ first_name: 'A', emails: [{ address: 'a@example.com' }, { address: 'b@example.com', primary: true }] }),
      400, 'unknown_field', 'emails[1].primary');
    expectError(await post({ first_name: 'A', phones: [{ number: '+14155550100', kind: 'cell' }] }), 400, 'unknown_field', 'phones[0].kind');
    const c = await createContact(req, { first_name: uniq('U') });
    expectError(await req('PATCH', `/api/v1/contacts/${c.id}`, { body: { favourite_colour: 'red' } }), 400, 'unknown_field', 'favourite_colour');
  });
});

describe('invalid values', () => {
  test('wrong types are 400 invalid_value with the path', async () => {
    expectError(await post({ first_name: 5 }), 400, 'invalid_value', 'first_name');
    expectError(await post({ first_name: 'A', tags: 'vip' }), 400, 'invalid_value', 'tags');
    expectError(await post({ first_name: 'A', tags: ['ok', 7] }), 400, 'invalid_value', 'tags[1]');
    expectError(await post({ first_name: 'A', emails: 'a@example.com' }), 400, 'invalid_value', 'emails');
    expectError(await post({ first_name: 'A', budget: 'lots' }), 400, 'invalid_value', 'budget');
    expectError(await post({ first_name: 'A', sms_opt_out: 'yes' }), 400, 'invalid_value', 'sms_opt_out');
    expectError(await post({ first_name: 'A', contact_interval_days: 1.5 }), 400, 'invalid_value', 'contact_interval_days');
    expectError(await post({ first_name: 'A', address: 'Main St' }), 400, 'invalid_value', 'address');
    expectError(await post({ first_name: 'A', custom: ['x'] }), 400, 'invalid_value', 'custom');
  });

  test('wrong enum values are 400 invalid_value naming the field', async () => {
    expectError(await post({ first_name: 'A', status: 'hot' }), 400, 'invalid_value', 'status');
    expectError(await post({ first_name: 'A', stage: 'friend' }), 400, 'invalid_value', 'stage');
    expectError(await post({ first_name: 'A', category: 'A' }), 400, 'invalid_value', 'category');
    expectError(await post({ first_name: 'A', type: 'robot' }), 400, 'invalid_value', 'type');
    expectError(await post({ first_name: 'A', intent: 'rent' }), 400, 'invalid_value', 'intent');
  });

  test('a bad e-mail or phone is 400 invalid_value with its path', async () => {
    expectError(await post({ first_name: 'A', emails: [{ address: 'ok@example.com' }, { address: 'not-an-email' }] }),
      400, 'invalid_value', 'emails[1].address');
    expectError(await post({ first_name: 'A', emails: [{ address: 'two@@example.com' }] }), 400, 'invalid_value', 'emails[0].address');
    expectError(await post({ first_name: 'A', phones: [{ number: 'call me maybe' }] }), 400, 'invalid_value', 'phones[0].number');
    expectError(await post({ first_name: 'A', phones: [{ number: '+14155550100' }, { number: '12' }] }), 400, 'invalid_value', 'phones[1].number');
  });

  test('bad dates are 400 invalid_value naming the field', async () => {
    expectError(await post({ first_name: 'A', birthday: '1980-02-30' }), 400, 'invalid_value', 'birthday');
    expectError(await post({ first_name: 'A', timeframe: 'soon' }), 400, 'invalid_value', 'timeframe');
    expectError(await post({ first_name: 'A', known_since: '2020-13-01' }), 400, 'invalid_value', 'known_since');
  });

  test('a contact_id or owner_id that names nothing is 400 invalid_value', async () => {
    expectError(await post({ first_name: 'A', referred_by: '0193a5b0-0000-7000-8000-0000000000aa' }), 400, 'invalid_value', 'referred_by');
    expectError(await post({ first_name: 'A', owner_id: '0193a5b0-0000-7000-8000-0000000000aa' }), 400, 'invalid_value', 'owner_id');
  });

  test('a read-only key with a different value is 400 invalid_value; with the same value it is accepted', async () => {
    const c = await createContact(req, { first_name: uniq('Ro') });
    const p = `/api/v1/contacts/${c.id}`;
    expectError(await req('PATCH', p, { body: { id: '0193a5b0-0000-7000-8000-0000000000ab' } }), 400, 'invalid_value', 'id');
    expectError(await req('PATCH', p, { body: { version: 7 } }), 400, 'invalid_value', 'version');
    expectError(await req('PATCH', p, { body: { score: 99 } }), 400, 'invalid_value', 'score');
    expectError(await req('PATCH', p, { body: { referral_count: 5 } }), 400, 'invalid_value', 'referral_count');
    expectError(await req('PATCH', p, { body: { created_at: '2001-01-01T00:00:00Z' } }), 400, 'invalid_value', 'created_at');
    expectError(await req('PATCH', p, { body: { display_name: 'Someone Else' } }), 400, 'invalid_value', 'display_name');
    expectError(await req('PATCH', p, { body: { overdue: !c.overdue } }), 400, 'invalid_value', 'overdue');
    expectError(await post({ first_name: 'A', score: 50 }), 400, 'invalid_value', 'score');
    const same = await req('PATCH', p, { body: { id: c.id, version: c.version, company: 'Same Keys Inc' } });
    expectStatus(same, 200, 'read-only keys with their current values');
    assert.equal(same.json.company, 'Same Keys Inc');
  });

  test('the object from GET, changed and sent back whole as a PATCH, is accepted', async () => {
    const c = await createContact(req, { first_name: uniq('Round'), emails: [{ address: 'round@example.com', label: 'work' }], tags: ['x1'] });
    const got = await getOk(req, `/api/v1/contacts/${c.id}`);
    const r = await req('PATCH', `/api/v1/contacts/${c.id}`, { body: { ...got, notes: 'sent back whole' } });
    expectStatus(r, 200);
    assert.equal(r.json.notes, 'sent back whole');
    assert.equal(r.json.version, got.version + 1);
  });

  test('a contact with no first name, last name, company, e-mail or phone is 400 validation_failed', async () => {
    expectError(await post({}), 400, 'validation_failed');
    expectError(await post({ notes: 'who is this?', tags: ['x'] }), 400, 'validation_failed');
    expectError(await post({ first_name: '', last_name: '   ' }), 400, 'validation_failed');
    expectError(await post({ emails: [], phones: [] }), 400, 'validation_failed');
    for (const body of [{ last_name: 'Solo' }, { company: 'Solo Co' }, { emails: [{ address: 'solo@example.com' }] }, { phones: [{ number: '+14155550177' }] }]) {
      expectStatus(await post(body), 201, JSON.stringify(body));
    }
  });
});

describe('HTTP-level errors', () => {
  test('an unknown path is 404 not_found', async () => {
    expectError(await req('GET', '/api/v1/nothing-here'), 404, 'not_found');
    expectError(await req('GET', '/api/v2/contacts'), 404, 'not_found');
    expectError(await req('GET', '/api/v1/contacts/x/y/z'), 404, 'not_found');
  });

  test('a body over 1 MiB is 413 payload_too_large and creates nothing', async () => {
    const before = await count();
    const big = Buffer.from(JSON.stringify({ first_name: 'Big', notes: 'x'.repeat(1024 * 1024 + 10) }));
    const res = await upload({ 'Content-Length': big.length }, [big]);
    assert.equal(res.status, 413, `1 MiB + 25 bytes: ${res.status} ${res.text.slice(0, 200)}`);
    assert.equal(JSON.parse(res.text).error.code, 'payload_too_large');
    assert.equal(await count(), before);
  });

  test('a chunked body over 1 MiB (no Content-Length) is 413 payload_too_large too', async () => {
    const before = await count();
    const chunks = [Buffer.from('{"first_name":"Chunky","notes":"')];
    for (let i = 0; i < 32; i++) chunks.push(Buffer.alloc(64 * 1024, 'y'));
    chunks.push(Buffer.from('"}'));
    const res = await upload({ 'Transfer-Encoding': 'chunked' }, chunks);
    assert.equal(res.status, 413, `chunked 2 MiB: ${res.status} ${res.text.slice(0, 200)}`);
    assert.equal(JSON.parse(res.text).error.code, 'payload_too_large');
    assert.equal(await count(), before);
  });

  test('a body just under 1 MiB is not refused for its size', async () => {
    const body = Buffer.from(JSON.stringify({ first_name: 'Nearly', notes: 'n'.repeat(1024 * 1024 - 100) }));
    assert.ok(body.length <= 1024 * 1024);
    const res = await upload({ 'Content-Length': body.length }, [body]);
    assert.notEqual(res.status, 413, res.text.slice(0, 200));
    assert.ok(res.status === 201 || (res.status === 400 && JSON.parse(res.text).error.field === 'notes'), `${res.status} ${res.text.slice(0, 200)}`);
  });

  test('a POST without a JSON content type is 415 unsupported_media_type', async () => {
    const body = JSON.stringify({ first_name: 'Typed' });
    expectError(await raw('POST', '/api/v1/contacts', body, 'text/plain'), 415, 'unsupported_media_type');
    expectError(await raw('POST', '/api/v1/contacts', body, 'application/x-www-form-urlencoded'), 415, 'unsupported_media_type');
    expectError(await raw('POST', '/api/v1/contacts', body, null), 415, 'unsupported_media_type');
    const c = await createContact(req, { first_name: uniq('Mt') });
    expectError(await raw('PATCH', `/api/v1/contacts/${c.id}`, body, 'text/plain'), 415, 'unsupported_media_type');
    expectStatus(await raw('POST', '/api/v1/contacts', body, 'application/json; charset=utf-8'), 201, 'charset parameter allowed');
  });

  test('invalid JSON is 400 invalid_json', async () => {
    for (const body of ['{"first_name": "A"', '{first_name: "A"}', '{"first_name": "A"} trailing', '', '{"a":1,}']) {
      expectError(await raw('POST', '/api/v1/contacts', body), 400, 'invalid_json');
    }
  });

  test('invalid UTF-8 in the body is 400 invalid_json', async () => {
    const bad = Buffer.concat([Buffer.from('{"first_name": "Bad'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
    expectError(await raw('POST', '/api/v1/contacts', bad), 400, 'invalid_json');
    const overlong = Buffer.concat([Buffer.from('{"first_name": "'), Buffer.from([0xc0, 0xaf]), Buffer.from('"}')]);
    expectError(await raw('POST', '/api/v1/contacts', overlong), 400, 'invalid_json');
  });

  test('a JSON body that is not an object is refused', async () => {
    for (const body of ['[]', '"first_name"', '42', 'null']) {
      const r = await raw('POST', '/api/v1/contacts', body);
      expectStatus(r, 400, body);
      assert.ok(['invalid_json', 'invalid_value', 'validation_failed'].includes(r.json?.error?.code), r.text);
    }
  });
});

describe('a rejected request changes nothing', () => {
  test('a PATCH with one good field and one bad field leaves the contact as it was', async () => {
    const c = await createContact(req, { first_name: uniq('Atomic'), company: 'Before Co', phones: [{ number: '+14155550111' }] });
    const p = `/api/v1/contacts/${c.id}`;
    expectError(await req('PATCH', p, { body: { company: 'After Co', status: 'bogus' } }), 400, 'invalid_value', 'status');
    expectError(await req('PATCH', p, { body: { company: 'After Co', emails: [{ address: 'nope' }] } }), 400, 'invalid_value', 'emails[0].address');
    expectError(await req('PATCH', p, { body: { status: 'lead', wat: 1 } }), 400, 'unknown_field', 'wat');
    expectError(await req('PATCH', p, { body: { stage: 'trust', version: 99 } }), 400, 'invalid_value', 'version');
    const now = await getOk(req, p);
    assert.deepEqual(now, c, 'same version and values');
    const hist = await getOk(req, `${p}/history`);
    assert.ok(!hist.items.some((h) => h.to === 'lead' || h.to === 'trust'), 'no history row from a refused request');
  });

  test('a refused POST creates no contact', async () => {
    const before = await count();
    expectError(await post({ first_name: 'Never', emails: [{ address: 'x@example.com' }, { address: 'bad' }] }), 400, 'invalid_value', 'emails[1].address');
    expectError(await post({ first_name: 'Never', tags: ['a'], nope: true }), 400, 'unknown_field', 'nope');
    assert.equal(await count(), before);
  });
});
