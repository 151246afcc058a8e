// Settings (API.md "Settings"; DOMAIN.md M2): GET gives the account's
// settings with their defaults; PUT merges a partial object and answers the
// whole one; only admins and owners change them; bad values are 400 with the
// field; the default region completes local phone numbers.
import assert from 'node:assert/strict';
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

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

const put = (r, body) => r('PUT', '/api/v1/settings', { body });
async function putOk(r, body) {
  const res = await put(r, body);
  expectStatus(res, 200, `PUT /api/v1/settings ${JSON.stringify(body)}`);
  return res.json;
}

/** Asserts the defaults of a fresh account (API.md Settings, SCORING.md
 * default commission 7500 and valuation multiple). */
function expectDefaults(s) {
  assert.equal(typeof s.timezone, 'string');
  assert.ok(s.timezone.length > 0, 'a timezone');
  assert.ok(s.office_hours && typeof s.office_hours === 'object', 'office_hours object');
  assert.match(s.office_hours.start, HHMM);
  assert.match(s.office_hours.end, HHMM);
  assert.ok(s.office_hours.start < s.office_hours.end, 'office hours start before they end');
  assert.ok(Array.isArray(s.office_hours.days) && s.office_hours.days.length > 0, 'office days');
  assert.equal(s.default_region, 'US');
  assert.equal(s.currency, 'USD');
  assert.equal(s.default_commission, 7500);
  assert.equal(s.valuation_multiple, 1);
  assert.deepEqual(s.automation, { status_rules: true, stage_rules: true, category_rules: true, workflows: true });
  assert.deepEqual(s.routing, { mode: 'owner', agent_ids: [] });
}

describe('settings', () => {
  test('GET gives the defaults of a new account', async () => {
    const B = await srv.addAccount();
    expectDefaults(await getOk(B.req, '/api/v1/settings'));
  });

  test('PUT merges a partial object, answers the whole one, and GET agrees', async () => {
    const B = await srv.addAccount();
    const before_ = await getOk(B.req, '/api/v1/settings');
    const s = await putOk(B.req, { currency: 'EUR', automation: { workflows: false } });
    assert.equal(s.currency, 'EUR');
    assert.deepEqual(s.automation, { status_rules: true, stage_rules: true, category_rules: true, workflows: false }, 'nested objects merge');
    assert.equal(s.default_commission, 7500, 'absent keys are kept');
    assert.deepEqual(s.office_hours, before_.office_hours);
    assert.deepEqual(s.routing, before_.routing);
    assert.equal(s.timezone, before_.timezone);
    assert.deepEqual(await getOk(B.req, '/api/v1/settings'), s);

    const t = await putOk(B.req, {
      timezone: 'America/Chicago',
      office_hours: { start: '08:30' },
      default_commission: 9000,
      valuation_multiple: 2.5,
    });
    assert.equal(t.timezone, 'America/Chicago');
    assert.equal(t.office_hours.start, '08:30');
    assert.equal(t.office_hours.end, before_.office_hours.end, 'office_hours merge');
    assert.deepEqual(t.office_hours.days, before_.office_hours.days);
    assert.equal(t.default_commission, 9000);
    assert.equal(t.valuation_multiple, 2.5);
    assert.equal(t.currency, 'EUR', 'the earlier PUT stays');
    assert.equal(t.automation.workflows, false);
    assert.deepEqual(await getOk(B.req, '/api/v1/settings'), t);
  });

  test('settings are per account: one account\'s PUT leaves the others alone', async () => {
    const B = await srv.addAccount();
    const C = await srv.addAccount();
    await putOk(B.req, { currency: 'GBP', automation: { status_rules: false } });
    expectDefaults(await getOk(C.req, '/api/v1/settings'));
  });

  test('routing takes round_robin with the account\'s agents', async () => {
    const agent = await srv.addUser('agent');
    const s = await putOk(req, { routing: { mode: 'round_robin', agent_ids: [agent.id] } });
    assert.deepEqual(s.routing, { mode: 'round_robin', agent_ids: [agent.id] });
    const back = await putOk(req, { routing: { mode: 'owner', agent_ids: [] } });
    assert.deepEqual(back.routing, { mode: 'owner', agent_ids: [] });
  });

  test('an agent or assistant may not change settings (403); an admin may', async () => {
    const agent = await srv.addUser('agent');
    const assistant = await srv.addUser('assistant');
    const admin = await srv.addUser('admin');
    const before_ = await getOk(req, '/api/v1/settings');
    expectError(await put(agent.req, { currency: 'JPY' }), 403, 'forbidden');
    expectError(await put(assistant.req, { automation: { status_rules: false } }), 403, 'forbidden');
    assert.deepEqual(await getOk(req, '/api/v1/settings'), before_, 'a refused PUT changes nothing');
    const s = await putOk(admin.req, { office_hours: { end: '18:30' } });
    assert.equal(s.office_hours.end, '18:30');
    await putOk(req, { office_hours: { end: before_.office_hours.end } });
  });

  test('bad values are 400 with the field named, and change nothing', async () => {
    const B = await srv.addAccount();
    const before_ = await getOk(B.req, '/api/v1/settings');
    const bad = async (body, code, field) => expectError(await put(B.req, body), 400, code, field);
    await bad({ office_hours: { start: '25:00' } }, 'invalid_value', 'office_hours.start');
    await bad({ office_hours: { start: 'nine' } }, 'invalid_value', 'office_hours.start');
    await bad({ automation: { status_rules: 'yes' } }, 'invalid_value', 'automation.status_rules');
    await bad({ automation: { stage_rules: 0 } }, 'invalid_value', 'automation.stage_rules');
    await bad({ automation: { teleport: true } }, 'unknown_field', 'automation.teleport');
    await bad({ automation: 'off' }, 'invalid_value', 'automation');
    await bad({ default_region: 'USA' }, 'invalid_value', 'default_region');
    await bad({ default_region: 7 }, 'invalid_value', 'default_region');
    await bad({ routing: { mode: 'random' } }, 'invalid_value', 'routing.mode');
    await bad({ routing: { mode: 'round_robin', agent_ids: ['0193a5b0-0000-7000-8000-00000000a9e7'] } }, 'invalid_value', 'routing.agent_ids[0]');
    await bad({ default_commission: 'lots' }, 'invalid_value', 'default_commission');
    await bad({ default_commission: -1 }, 'invalid_value', 'default_commission');
    await bad({ valuation_multiple: 'x' }, 'invalid_value', 'valuation_multiple');
    await bad({ colour: 'teal' }, 'unknown_field', 'colour');
    // one good and one bad key: nothing changes
    await bad({ currency: 'CAD', office_hours: { end: '99:99' } }, 'invalid_value', 'office_hours.end');
    assert.deepEqual(await getOk(B.req, '/api/v1/settings'), before_);
  });

  test('a timezone that is not an IANA zone is 400 invalid_value timezone', async () => {
    const B = await srv.addAccount();
    const before_ = await getOk(B.req, '/api/v1/settings');
    expectError(await put(B.req, { timezone: 'Mars/Olympus_Mons' }), 400, 'invalid_value', 'timezone');
    expectError(await put(B.req, { timezone: '' }), 400, 'invalid_value', 'timezone');
    assert.deepEqual(await getOk(B.req, '/api/v1/settings'), before_);
    assert.equal((await putOk(B.req, { timezone: 'Europe/London' })).timezone, 'Europe/London');
  });

  test('default_region GB makes a local number a UK one; the other account stays US', async () => {
    const B = await srv.addAccount();
    const s = await putOk(B.req, { default_region: 'GB' });
    assert.equal(s.default_region, 'GB');
    const uk = await createContact(B.req, { first_name: uniq('Uk'), phones: [{ number: '020 7946 0958' }] });
    assert.deepEqual(uk.phones.map((p) => p.number), ['+442079460958']);
    const intl = await createContact(B.req, { first_name: uniq('Us'), phones: [{ number: '+1 415 555 0134' }] });
    assert.deepEqual(intl.phones.map((p) => p.number), ['+14155550134'], 'an international number is kept');
    const us = await createContact(req, { first_name: uniq('Us'), phones: [{ number: '(415) 555-0134' }] });
    assert.deepEqual(us.phones.map((p) => p.number), ['+14155550134'], 'account A still completes US numbers');
    assert.equal((await getOk(req, '/api/v1/settings')).default_region, 'US');
  });

  test('settings need authentication', async () => {
    const r = await srv.request('GET', '/api/v1/settings', { token: null });
    expectError(r, 401, 'unauthorized');
    expectError(await srv.request('PUT', '/api/v1/settings', { token: null, body: { currency: 'EUR' } }), 401, 'unauthorized');
  });
});
