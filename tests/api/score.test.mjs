// The relationship score explained (API.md Contacts: GET
// /contacts/{id}/score?as_of= and /score/history; SCORING.md "Explanation",
// "Decay", A4): fourteen factors and the decay that add up to the score a
// contact carries, as of any moment, and the daily scores the daily job
// keeps. Black box: only the HTTP API, the clock pinned with RAPPORT_NOW
// where the story needs days to pass.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { expectContactShape, expectError, expectStatus, RFC3339_UTC } from './lib/expect.mjs';
import { createActivity, createContact, createProperty, getOk, qs } from './lib/fixtures.mjs';
import { startServer, uniq } from './lib/server.mjs';

/** SCORING.md factor names, in order, with their maxima. */
const FACTORS = [
  ['time_known', 6], ['category', 8], ['stage', 10], ['status', 8], ['type', 2], ['referrals', 10],
  ['details', 8], ['lifetime_value', 6], ['engagement', 12], ['bonding', 8], ['relationship', 8],
  ['intensity', 5], ['reply_intensity', 5], ['frequency', 4],
];

const round1 = (x) => Math.round(x * 10) / 10;
const points = (s, name) => s.factors.find((f) => f.name === name).points;

/** Asserts the shape of a score answer and SCORING.md's identity
 * score == round1(multiplier * sum(points)) on the numbers as read. */
function expectScore(s, id) {
  for (const k of ['contact_id', 'as_of', 'score', 'factors', 'decay', 'stage_average', 'band', 'interval_days', 'overdue']) {
    assert.ok(k in s, `score key "${k}" missing: ${JSON.stringify(s).slice(0, 300)}`);
  }
  if (id) assert.equal(s.contact_id, id);
  assert.match(s.as_of, RFC3339_UTC);
  assert.deepEqual(s.factors.map((f) => [f.name, f.max]), FACTORS, 'the fourteen factors of SCORING.md in order');
  let sum = 0;
  for (const f of s.factors) {
    assert.deepEqual(Object.keys(f).sort(), ['detail', 'max', 'name', 'points']);
    assert.equal(typeof f.detail, 'string');
    assert.ok(f.points >= 0 && f.points <= f.max, `${f.name} ${f.points} within 0..${f.max}`);
    assert.equal(Math.round(f.points * 100) / 100, f.points, `${f.name} has two decimals`);
    sum += f.points;
  }
  const d = s.decay;
  assert.ok(Number.isInteger(d.months_inactive) && d.months_inactive >= 0);
  assert.ok(d.multiplier >= 0 && d.multiplier <= 1, `multiplier ${d.multiplier}`);
  assert.equal(s.score, round1(d.multiplier * sum), `score == round1(multiplier * sum of points) (${d.multiplier} * ${sum})`);
  assert.ok(Math.abs(d.points_lost - (sum - d.multiplier * sum)) < 0.006, 'points_lost is what the decay took');
  assert.ok(s.score >= 0 && s.score <= 100);
  assert.equal(s.band, Math.min(9, Math.floor(s.score / 10)), 'band = min(9, floor(score / 10))');
  assert.equal(typeof s.overdue, 'boolean');
}

/** Every number in a JSON text is written as the shortest decimal that
 * reads back as the same double (42.3, not 42.299999999999997). */
function expectShortNumbers(text) {
  const re = /[:[,](-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)(?=[,\]}])/g;
  let m;
  let n = 0;
  while ((m = re.exec(text))) {
    const t = m[1];
    const v = Number(t);
    const shortest = String(v);
    assert.ok(t === shortest || t === `${shortest}.0`, `number ${t} is not the shortest form of ${shortest}`);
    n += 1;
  }
  assert.ok(n > 0, 'numbers found');
}

async function getScore(r, id, params = {}) {
  const res = await r('GET', `/api/v1/contacts/${id}/score${qs(params)}`);
  expectStatus(res, 200, `GET score of ${id} ${JSON.stringify(params)}`);
  expectScore(res.json, id);
  return res;
}

describe('GET /contacts/{id}/score at now', () => {
  let srv;
  let req;
  before(async () => {
    srv = await startServer();
    req = srv.request;
  });
  after(async () => {
    await srv?.stop();
  });

  test('explains the score: fourteen factors, decay, band, and the identity of SCORING.md', async () => {
    const c = await createContact(req, {
      first_name: uniq('Expl'), last_name: 'Ain', category: 'b', emails: [{ address: `${uniq('e')}@example.test` }],
      company: 'Acme', birthday: '1980-04-02', intent: 'buy',
    });
    await createActivity(req, { contact_id: c.id, kind: 'email', direction: 'outbound', occurred_at: new Date(Date.now() - 3 * 86400000).toISOString() });
    await createActivity(req, { contact_id: c.id, kind: 'email', direction: 'inbound', occurred_at: new Date(Date.now() - 2 * 86400000).toISOString() });
    const res = await getScore(req, c.id);
    const s = res.json;
    assert.ok(Math.abs(Date.parse(s.as_of) - Date.now()) < 60000, 'as_of defaults to now');
    assert.equal(points(s, 'category'), 6, 'category b gives 6');
    assert.ok(points(s, 'engagement') > 0, 'an inbound message counts for engagement');
    assert.ok(points(s, 'reply_intensity') > 0, 'a reply a day after the email counts');
    assert.equal(s.decay.months_inactive, 0, 'touched two days ago: no month of silence');
    assert.equal(s.decay.multiplier, 1);
    assert.equal(s.stage_average, null, 'no daily run yet: no stage average');
    expectShortNumbers(res.text);
  });

  test('numbers are written as the shortest decimal of the same double: a custom number reads back as sent', async () => {
    const custom = { third: 0.1 + 0.2, tenth: 0.1, big: 1234567.8901, tiny: 2.5e-7 };
    const c = await createContact(req, { first_name: uniq('Num'), custom });
    const res = await req('GET', `/api/v1/contacts/${c.id}`);
    expectStatus(res, 200);
    assert.deepEqual(res.json.custom, custom, 'the very doubles sent');
    assert.ok(res.text.includes('"third":0.30000000000000004') && res.text.includes('"tenth":0.1,'), res.text.slice(0, 400));
    expectShortNumbers(res.text);
  });

  test('a suspect known only by name, phone and email scores under 15', async () => {
    const c = await createContact(req, {
      first_name: uniq('Bare'), last_name: 'Bones', emails: [{ address: `${uniq('b')}@example.test` }], phones: [{ number: '+12025550143' }],
    });
    const s = (await getScore(req, c.id)).json;
    assert.ok(s.score < 15, `score ${s.score}`);
    assert.equal(s.score, c.score, 'the contact carries the score its explanation gives');
  });

  test('an inbound reply raises the score, and the contact then carries exactly the score GET score explains', async () => {
    const c = await createContact(req, { first_name: uniq('Rise'), emails: [{ address: `${uniq('r')}@example.test` }] });
    const before_ = (await getScore(req, c.id)).json;
    assert.equal(c.score, before_.score, 'score on creation');
    await createActivity(req, { contact_id: c.id, kind: 'email', direction: 'outbound', occurred_at: new Date(Date.now() - 3600000).toISOString() });
    const afterOut = await getOk(req, `/api/v1/contacts/${c.id}`);
    assert.equal(afterOut.score, (await getScore(req, c.id)).json.score, 'after an outbound email');
    await createActivity(req, { contact_id: c.id, kind: 'email', direction: 'inbound' });
    const got = await getOk(req, `/api/v1/contacts/${c.id}`);
    expectContactShape(got);
    const now = (await getScore(req, c.id)).json;
    assert.ok(got.score > before_.score, `the reply raised the score: ${before_.score} -> ${got.score}`);
    assert.equal(got.score, now.score, 'GET contact and GET score agree after the write');
    assert.ok(points(now, 'engagement') > points(before_, 'engagement'));
    const listed = await req('GET', `/api/v1/contacts${qs({ q: c.first_name })}`);
    expectStatus(listed, 200);
    assert.equal(listed.json.items.find((x) => x.id === c.id).score, now.score, 'the list shows the same score');
  });

  test('interval_days and overdue follow A4: 7 days for aware, none for stage none, a hand-set interval wins', async () => {
    const sus = await createContact(req, { first_name: uniq('Aware') });
    let s = (await getScore(req, sus.id)).json;
    assert.equal(s.interval_days, 7);
    assert.equal(s.overdue, false);
    const vendor = await createContact(req, { first_name: uniq('Vendor'), type: 'vendor' });
    s = (await getScore(req, vendor.id)).json;
    assert.equal(vendor.stage, 'none');
    assert.equal(s.interval_days, null, 'stage none has no interval');
    assert.equal(s.overdue, false);
    const hand = await createContact(req, { first_name: uniq('Hand'), contact_interval_days: 45 });
    assert.equal((await getScore(req, hand.id)).json.interval_days, 45);
    const old = await createContact(req, { first_name: uniq('Old'), known_since: '2015-01-01' });
    s = (await getScore(req, old.id)).json;
    assert.equal(s.interval_days, 7, 'never touched: the years known do not stretch the interval');
    assert.equal(s.overdue, true, 'known since 2015 and never touched');
    assert.equal((await getOk(req, `/api/v1/contacts/${old.id}`)).overdue, true, 'the contact says the same');
  });

  test('bad as_of, unknown arguments and unknown contacts are refused', async () => {
    const c = await createContact(req, { first_name: uniq('Bad') });
    const p = `/api/v1/contacts/${c.id}/score`;
    expectError(await req('GET', `${p}?as_of=soon`), 400, 'invalid_value', 'as_of');
    expectError(await req('GET', `${p}?as_of=2026-02-30`), 400, 'invalid_value', 'as_of');
    expectError(await req('GET', `${p}?as_of=2026-13-01T00:00:00Z`), 400, 'invalid_value', 'as_of');
    expectError(await req('GET', `${p}?as_of=`), 400, 'invalid_value', 'as_of');
    expectError(await req('GET', `${p}?at=2026-01-01`), 400, 'unknown_field', 'at');
    expectError(await req('GET', '/api/v1/contacts/0193a5b0-0000-7000-8000-0000000000aa/score'), 404, 'not_found');
    expectError(await req('GET', '/api/v1/contacts/0193a5b0-0000-7000-8000-0000000000aa/score/history'), 404, 'not_found');
    const h = `/api/v1/contacts/${c.id}/score/history`;
    expectError(await req('GET', `${h}?from=2026-13-01`), 400, 'invalid_value', 'from');
    expectError(await req('GET', `${h}?to=yesterday`), 400, 'invalid_value', 'to');
    expectError(await req('GET', `${h}?from=2026-05-02&to=2026-05-01`), 400, 'invalid_value', 'from');
    expectError(await req('GET', `${h}?from=2016-01-01&to=2026-01-08`), 400, 'invalid_value', 'from');
    expectStatus(await req('GET', `${h}?from=2016-01-01&to=2026-01-07`), 200, '3,660 days, the most, are fine');
    expectError(await req('GET', `${h}?days=3`), 400, 'unknown_field', 'days');
  });

  test('another account\'s contact and another agent\'s contact are not found', async () => {
    const mine = await createContact(req, { first_name: uniq('Mine') });
    const other = await srv.addAccount();
    expectError(await other.req('GET', `/api/v1/contacts/${mine.id}/score`), 404, 'not_found');
    expectError(await other.req('GET', `/api/v1/contacts/${mine.id}/score/history`), 404, 'not_found');
    const agent = await srv.addUser('agent');
    expectError(await agent.req('GET', `/api/v1/contacts/${mine.id}/score`), 404, 'not_found', undefined);
    const own = await createContact(agent.req, { first_name: uniq('Agents') });
    await getScore(agent.req, own.id);
  });
});

describe('as_of and the score history (clock pinned, days pass between restarts)', () => {
  const D0 = Date.parse('2026-03-02T12:00:00Z');
  const at = (days, hours = 0) => new Date(D0 + days * 86400000 + hours * 3600000).toISOString().replace('.000Z', 'Z');
  const day = (days) => at(days).slice(0, 10);
  let srv;
  let dir;
  let email;
  let password;
  const c = {};
  const runs = {};

  /** (Re)starts the server with the clock at day k. */
  async function clock(k) {
    if (srv) await srv.stop({ keep: true });
    srv = await startServer(dir ? { dir, email, password, env: { RAPPORT_NOW: at(k) } } : { env: { RAPPORT_NOW: at(k) } });
    ({ dir, email, password } = srv);
    return srv.request;
  }
  async function daily(req, body = {}) {
    const res = await req('POST', '/api/v1/jobs/daily', { body });
    expectStatus(res, 200, `POST /jobs/daily ${JSON.stringify(body)}`);
    return res.json;
  }

  before(async () => {
    // day 0: three new contacts; the daily job runs
    let req = await clock(0);
    c.x = await createContact(req, { first_name: uniq('Becomes'), last_name: 'Client', emails: [{ address: `${uniq('x')}@example.test` }] });
    c.y = await createContact(req, { first_name: uniq('Replies'), last_name: 'Later', emails: [{ address: `${uniq('y')}@example.test` }] });
    c.z = await createContact(req, { first_name: uniq('Daily'), last_name: 'Scores', emails: [{ address: `${uniq('z')}@example.test` }] });
    await createActivity(req, { contact_id: c.z.id, kind: 'email', direction: 'outbound', occurred_at: at(0, -2) });
    runs[0] = await daily(req);
    // day 1: z answers; the job runs
    req = await clock(1);
    await createActivity(req, { contact_id: c.z.id, kind: 'email', direction: 'inbound', occurred_at: at(1, -1) });
    runs[1] = await daily(req);
    // day 2: the job runs again, nothing new
    req = await clock(2);
    runs[2] = await daily(req);
    // day 10: x became a client, y replied three times since day 5
    req = await clock(10);
    await createProperty(req, { status: 'active', list_price: 400000, contacts: [{ contact_id: c.x.id, role: 'buyer' }] });
    for (const k of [5, 6, 8]) {
      await createActivity(req, { contact_id: c.y.id, kind: 'email', direction: 'inbound', occurred_at: at(k) });
    }
  });
  after(async () => {
    await srv?.stop();
  });

  test('a contact that became a client after T is scored at T with the status and stage it had then', async () => {
    const req = srv.request;
    const then = (await getScore(req, c.x.id, { as_of: at(5) })).json;
    assert.equal(then.as_of, at(5));
    assert.equal(then.status, 'suspect');
    assert.equal(then.stage, 'aware');
    assert.equal(points(then, 'status'), 1, 'suspect: 1 point');
    assert.equal(points(then, 'stage'), 2, 'aware: 2 points');
    const now = (await getScore(req, c.x.id)).json;
    assert.equal(now.as_of, at(10), 'as_of defaults to the (pinned) now');
    assert.equal(now.status, 'client');
    assert.equal(points(now, 'status'), 8, 'client: 8 points');
    assert.equal(points(now, 'stage'), 8, 'like: 8 points');
    assert.ok(now.score > then.score);
    assert.equal((await getOk(req, `/api/v1/contacts/${c.x.id}`)).score, now.score);
  });

  test('as_of may be a date: the end of that day in the account\'s timezone, or now for today', async () => {
    const req = srv.request;
    const d = (await getScore(req, c.x.id, { as_of: day(5) })).json;
    assert.equal(d.as_of, `${day(5)}T23:59:59Z`);
    assert.equal(d.status, 'suspect');
    const today = (await getScore(req, c.x.id, { as_of: day(10) })).json;
    assert.equal(today.as_of, at(10), 'today means now');
    const offset = (await getScore(req, c.x.id, { as_of: '2026-03-07T08:00:00+02:00' })).json;
    assert.equal(offset.as_of, '2026-03-07T06:00:00Z', 'an offset is turned into UTC');
  });

  test('as_of before any activity gives a lower score than after the replies', async () => {
    const req = srv.request;
    const before_ = (await getScore(req, c.y.id, { as_of: at(3) })).json;
    const between = (await getScore(req, c.y.id, { as_of: at(6, 1) })).json;
    const now = (await getScore(req, c.y.id)).json;
    assert.equal(points(before_, 'engagement'), 0, 'no message yet on day 3');
    assert.ok(points(between, 'engagement') > 0, 'two replies by day 6');
    assert.ok(points(now, 'engagement') > points(between, 'engagement'), 'three replies by day 10');
    assert.ok(before_.score < between.score && between.score < now.score, `${before_.score} < ${between.score} < ${now.score}`);
    assert.equal(before_.last_touch_at, null);
    assert.equal(now.last_touch_at, at(8));
  });

  test('score history: one item per day from the first kept score, each the score the daily job computed that day', async () => {
    const req = srv.request;
    const res = await req('GET', `/api/v1/contacts/${c.z.id}/score/history${qs({ from: day(-3), to: day(9) })}`);
    expectStatus(res, 200);
    const items = res.json.items;
    assert.deepEqual(items.map((i) => i.day), Array.from({ length: 10 }, (_, k) => day(k)), 'days 0..9, none before the first run');
    for (const k of [0, 1, 2]) {
      const live = (await getScore(req, c.z.id, { as_of: at(k) })).json.score;
      assert.equal(items[k].score, live, `day ${k}: the score as of that day's run`);
    }
    assert.ok(items[1].score > items[0].score, 'the reply of day 1 shows');
    for (let k = 3; k <= 9; k++) assert.equal(items[k].score, items[2].score, `day ${k} without a run keeps day 2's score`);
    assert.equal(runs[0].day, day(0));
    assert.equal(runs[2].day, day(2));
  });

  test('score history defaults to the 90 days that end today; a run today adds today', async () => {
    const req = srv.request;
    const run = await daily(req);
    assert.equal(run.day, day(10));
    const items = (await getOk(req, `/api/v1/contacts/${c.z.id}/score/history`)).items;
    assert.equal(items[0].day, day(0));
    assert.equal(items[items.length - 1].day, day(10));
    assert.equal(items.length, 11);
    assert.equal(items[10].score, (await getScore(req, c.z.id, { as_of: at(10) })).json.score);
    assert.equal((await getOk(req, `/api/v1/contacts/${c.z.id}`)).score, items[10].score, 'today\'s run keeps the score on the contact');
    const none = await getOk(req, `/api/v1/contacts/${c.z.id}/score/history${qs({ from: day(-30), to: day(-1) })}`);
    assert.deepEqual(none.items, [], 'nothing before the first run');
  });

  test('a backfill of a past day keeps that day\'s score and leaves the days after it as they were', async () => {
    const req = srv.request;
    const before_ = (await getOk(req, `/api/v1/contacts/${c.z.id}/score/history${qs({ from: day(0), to: day(10) })}`)).items;
    const run = await daily(req, { as_of: day(5) });
    assert.equal(run.day, day(5));
    assert.equal(run.as_of, `${day(5)}T23:59:59Z`);
    const items = (await getOk(req, `/api/v1/contacts/${c.z.id}/score/history${qs({ from: day(0), to: day(10) })}`)).items;
    assert.equal(items[5].score, (await getScore(req, c.z.id, { as_of: day(5) })).json.score);
    for (const k of [0, 1, 2, 3, 4, 6, 7, 8, 9, 10]) assert.equal(items[k].score, before_[k].score, `day ${k} unchanged`);
  });

  test('the score names its stage average once the daily job has run', async () => {
    const req = srv.request;
    const s = (await getScore(req, c.z.id)).json;
    const avg = await getOk(req, '/api/v1/stage-averages');
    assert.ok(avg.stages[s.stage], `stage ${s.stage}`);
    assert.equal(s.stage_average, avg.stages[s.stage].mean);
    assert.ok(avg.stages[s.stage].count >= 1);
  });
});
