// Whom to contact now (API.md "Attention": GET /reach-out, POST
// /alerts/{id}/dismiss, GET /stage-averages; DOMAIN.md A2-A4, SCORING.md
// "Stage averages, trend alert (A2), mid-range (A3), stay in touch (A4)"):
// the daily job raises the alerts, the reach-out list shows them, a user
// dismisses them. The clock is pinned with RAPPORT_NOW and moved by
// restarting the server on the same database: day 0, day 7, day 14 (serve
// also runs the day's job by itself when it starts; the tests run it again
// through the API once the day's data is in: a second run of a day gives
// the state of one run on the final data). Each story lives in its own
// account, so that its stage averages are its own.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { expectError, expectStatus, RFC3339_UTC } from './lib/expect.mjs';
import { createActivity, createContact, createProperty, getOk, qs } from './lib/fixtures.mjs';
import { cliOk, startServer, uniq } from './lib/server.mjs';

const D0 = Date.parse('2026-04-06T12:00:00Z');
const at = (days, hours = 0) => new Date(D0 + days * 86400000 + hours * 3600000).toISOString().replace('.000Z', 'Z');
const day = (days) => at(days).slice(0, 10);

let srv;
let dir;
/** The accounts of the stories: {email, password, req} (req renewed at each restart). */
const acct = {};
const c = {};
const runs = {};

/** (Re)starts the server with the clock at day k and logs every account in again. */
async function clock(k) {
  if (srv) await srv.stop({ keep: true });
  srv = await startServer(dir ? { dir, email: acct.main.email, password: acct.main.password, env: { RAPPORT_NOW: at(k) } } : { env: { RAPPORT_NOW: at(k) } });
  if (!dir) {
    dir = srv.dir;
    acct.main = { email: srv.email, password: srv.password };
  }
  for (const a of Object.values(acct)) {
    const l = await srv.login(a.email, a.password);
    assert.equal(l.status, 200, `login ${a.email} on day ${k}`);
    a.req = srv.as({ token: l.token });
  }
}

/** A new account (and its owner) of the same server. */
async function account(name) {
  const a = { email: `${uniq(name)}@example.test`, password: 'a long enough password' };
  await cliOk(['account', 'add', '--account', uniq(name), '--email', a.email, '--password', a.password], { db: srv.db });
  const l = await srv.login(a.email, a.password);
  a.req = srv.as({ token: l.token });
  acct[name] = a;
  // the stories measure the scores alone: the built-in reach-out workflows
  // would plan a task on each alert, and a task due soon counts in the
  // frequency factor (SCORING.md 14)
  expectStatus(await a.req('PUT', '/api/v1/settings', { body: { automation: { workflows: false } } }), 200, 'workflows off');
  return a;
}

async function daily(req, body = {}) {
  const res = await req('POST', '/api/v1/jobs/daily', { body });
  expectStatus(res, 200, `POST /jobs/daily ${JSON.stringify(body)}`);
  return res.json;
}

async function reachOut(req, params = {}) {
  const res = await req('GET', `/api/v1/reach-out${qs(params)}`);
  expectStatus(res, 200, `GET /reach-out ${JSON.stringify(params)}`);
  assert.ok(Array.isArray(res.json.items), 'reach-out answers {items: [...]}');
  return res.json.items;
}

const alertsOf = (items, id) => items.filter((i) => i.contact.id === id).map((i) => i.reason).sort();

/** An exchange: our outbound email at day k - 3 h, their answer at k - 2 h. */
async function exchange(req, id, k) {
  await createActivity(req, { contact_id: id, kind: 'email', direction: 'outbound', occurred_at: at(k, -3) });
  await createActivity(req, { contact_id: id, kind: 'email', direction: 'inbound', occurred_at: at(k, -2) });
}

before(async () => {
  // ---- day 0 ----
  await clock(0);
  const main = acct.main.req;
  // A4: two contacts known since 2020 and never touched are overdue at once;
  // one met today is not. An agent has one of its own.
  c.o = await createContact(main, {
    first_name: uniq('Overdue'),
    last_name: 'Owen',
    known_since: '2020-01-01',
    phones: [{ number: '+13125550177' }],
    emails: [{ address: `${uniq('owen')}@example.test` }],
    sms_opt_out: true,
  });
  c.t = await createContact(main, { first_name: uniq('Touched'), last_name: 'Later', known_since: '2020-01-01' });
  c.fresh = await createContact(main, { first_name: uniq('Fresh'), last_name: 'Face' });
  const agent = await srv.addUser('agent');
  acct.agent = { email: agent.email, password: agent.password, req: agent.req };
  c.g = await createContact(agent.req, { first_name: uniq('Agents'), last_name: 'Own', known_since: '2020-01-01' });
  runs.main0 = await daily(main);

  // A2 rising: R answers two more emails each week; A, a prospect who never
  // writes, keeps the stage average below R.
  const rising = await account('rising');
  c.r = await createContact(rising.req, { first_name: uniq('Rising'), last_name: 'Star', emails: [{ address: `${uniq('r')}@example.test` }] });
  c.a = await createContact(rising.req, { first_name: uniq('Anchor'), last_name: 'Low', status: 'prospect' });
  await exchange(rising.req, c.r.id, 0);
  runs.rising0 = await daily(rising.req);

  // A2 falling: F last wrote 55 days ago (the decay's month of grace ends
  // between day 0 and day 7, and the weights keep ageing); H, in the same
  // stage, keeps writing and keeps the average above F.
  const falling = await account('falling');
  c.f = await createContact(falling.req, { first_name: uniq('Fading'), last_name: 'Away', category: 'a', emails: [{ address: `${uniq('f')}@example.test` }] });
  for (const k of [-62, -60, -58, -55]) await exchange(falling.req, c.f.id, k);
  for (const k of [-57, -55]) await createActivity(falling.req, { contact_id: c.f.id, kind: 'meeting', occurred_at: at(k, -1) });
  c.h = await createContact(falling.req, { first_name: uniq('Holding'), last_name: 'Up', category: 'a', emails: [{ address: `${uniq('h')}@example.test` }] });
  await exchange(falling.req, c.h.id, 0);
  await createActivity(falling.req, { contact_id: c.h.id, kind: 'meeting', occurred_at: at(0, -1) });
  runs.falling0 = await daily(falling.req);

  // A3 press: P, a lead the agent has come to know well, scores above the
  // default mid-range's lower edge (35; fewer than 5 like-stage clients);
  // Q, a lead with nothing but needs and a timeframe, does not.
  const press = await account('press');
  c.p = await createContact(press.req, {
    first_name: uniq('Pressing'), last_name: 'Lead', category: 'a', intent: 'buy', timeframe: '2026-09-01', budget: 500000,
    emails: [{ address: `${uniq('p')}@example.test` }], phones: [{ number: '+12025550188' }], company: 'Acme',
    address: { street: '1 Main St', city: 'Springfield' }, birthday: '1985-06-01', partner: 'Sam',
  });
  for (const k of [-9, -5, -1]) await exchange(press.req, c.p.id, k);
  for (const k of [-8, -3]) await createActivity(press.req, { contact_id: c.p.id, kind: 'meeting', importance: 'high', occurred_at: at(k) });
  for (const k of [-6, -2]) await createActivity(press.req, { contact_id: c.p.id, kind: 'meal', occurred_at: at(k) });
  c.q = await createContact(press.req, { first_name: uniq('Quiet'), last_name: 'Lead', intent: 'sell', timeframe: '2027-01-01' });
  runs.press0 = await daily(press.req);

  // ---- day 7 ----
  await clock(7);
  await exchange(acct.rising.req, c.r.id, 7);
  await exchange(acct.rising.req, c.r.id, 6);
  runs.rising7 = await daily(acct.rising.req);
  await exchange(acct.falling.req, c.h.id, 7);
  await createActivity(acct.falling.req, { contact_id: c.h.id, kind: 'meeting', occurred_at: at(7, -1) });
  runs.falling7 = await daily(acct.falling.req);

  // ---- day 14 ----
  await clock(14);
  await exchange(acct.rising.req, c.r.id, 14);
  await exchange(acct.rising.req, c.r.id, 13);
  runs.rising14 = await daily(acct.rising.req);
  await exchange(acct.falling.req, c.h.id, 14);
  await createActivity(acct.falling.req, { contact_id: c.h.id, kind: 'meeting', occurred_at: at(14, -1) });
  runs.falling14 = await daily(acct.falling.req);
});

after(async () => {
  await srv?.stop();
});

describe('reach-out list', () => {
  test('every item is {alert_id, contact: {id, display_name, status, stage, score, phone, email, opt-outs}, reason, detail, since}', async () => {
    const items = await reachOut(acct.main.req);
    assert.ok(items.length >= 2);
    for (const it of items) {
      assert.deepEqual(Object.keys(it).sort(), ['alert_id', 'contact', 'detail', 'reason', 'since']);
      assert.deepEqual(Object.keys(it.contact).sort(), [
        'display_name', 'email', 'email_opt_out', 'id', 'phone', 'score', 'sms_opt_out', 'stage', 'status',
      ]);
      // how to reach the contact comes with the item (docs/api.md)
      const c = await getOk(acct.main.req, `/api/v1/contacts/${it.contact.id}`);
      assert.equal(it.contact.phone, c.phones[0]?.number ?? null);
      assert.equal(it.contact.email, c.emails[0]?.address ?? null);
      assert.equal(it.contact.sms_opt_out, c.sms_opt_out);
      assert.equal(typeof it.alert_id, 'string');
      assert.ok(['trend_rising', 'trend_falling', 'press', 'overdue'].includes(it.reason));
      assert.equal(typeof it.detail, 'string');
      assert.match(it.since, RFC3339_UTC);
      assert.equal(typeof it.contact.score, 'number');
    }
    const owen = items.find((it) => it.contact.id === c.o.id);
    assert.ok(owen, 'the overdue contact is listed');
    assert.equal(owen.contact.phone, '+13125550177');
    assert.equal(owen.contact.sms_opt_out, true);
    assert.equal(owen.contact.email_opt_out, false);
  });

  test('A4: contacts past their interval are on the list as overdue from the day the job saw it; a contact met that day is not', async () => {
    assert.ok(runs.main0.alerts_raised.overdue >= 2, JSON.stringify(runs.main0));
    const items = await reachOut(acct.main.req);
    const o = items.find((i) => i.contact.id === c.o.id);
    assert.ok(o, 'the contact known since 2020 and never touched');
    assert.equal(o.reason, 'overdue');
    assert.equal(o.since, at(0), 'raised by the run of day 0');
    assert.equal(o.contact.display_name, c.o.display_name);
    assert.equal(o.contact.status, 'suspect');
    assert.equal(o.contact.stage, 'aware');
    // (rapport serve runs the daily job by itself at each restart: by day 7
    // the fresh contact is overdue too, but not on day 0)
    assert.ok(items.filter((i) => i.contact.id === c.fresh.id).every((i) => i.since !== at(0)), 'met on day 0: not overdue then');
    assert.deepEqual(alertsOf(await reachOut(acct.main.req, { reason: 'overdue' }), c.o.id), ['overdue']);
  });

  test('A2 rising: replies over 14 days lift a contact above its stage average, and it is on the list', async () => {
    const items = await reachOut(acct.rising.req, { reason: 'trend_rising' });
    assert.deepEqual(items.map((i) => i.contact.id), [c.r.id], `rising: ${JSON.stringify(items)} (runs ${JSON.stringify([runs.rising0.alerts_raised, runs.rising7.alerts_raised, runs.rising14.alerts_raised])})`);
    assert.equal(items[0].since, at(14), 'raised on day 14: the first day with 14 days of scores');
    assert.equal(runs.rising7.alerts_raised.trend_rising, 0, 'not on day 7: no score of day -7');
    const h = (await getOk(acct.rising.req, `/api/v1/contacts/${c.r.id}/score/history${qs({ from: day(0), to: day(14) })}`)).items;
    const s = (k) => h.find((i) => i.day === day(k)).score;
    assert.ok(s(14) > s(7) && s(7) > s(0) && s(14) - s(0) >= 2, `scores ${s(0)}, ${s(7)}, ${s(14)}`);
    const avg = await getOk(acct.rising.req, '/api/v1/stage-averages');
    assert.ok(s(14) > avg.stages.know.mean, 'above the know average');
  });

  test('A2 falling: a contact who went quiet sinks below its stage average, and it is on the list', async () => {
    const items = await reachOut(acct.falling.req, { reason: 'trend_falling' });
    const h = (await getOk(acct.falling.req, `/api/v1/contacts/${c.f.id}/score/history${qs({ from: day(0), to: day(14) })}`)).items;
    const s = (k) => h.find((i) => i.day === day(k))?.score;
    assert.deepEqual(items.map((i) => i.contact.id), [c.f.id], `falling: ${JSON.stringify(items)}; scores ${s(0)}, ${s(7)}, ${s(14)}`);
    assert.ok(s(14) < s(7) && s(7) < s(0) && s(0) - s(14) >= 2, `scores ${s(0)}, ${s(7)}, ${s(14)}`);
    assert.equal(items[0].since, at(14));
    assert.deepEqual(alertsOf(await reachOut(acct.falling.req, { reason: 'trend_falling' }), c.h.id), [], 'the one who keeps writing is not falling');
  });

  test('A3 press: a lead at or above the mid-range\'s lower edge is on the list; a lead below it is not', async () => {
    const avg = await getOk(acct.press.req, '/api/v1/stage-averages');
    assert.deepEqual(avg.mid_range, { low: 35, high: 55, basis: 0 }, 'fewer than 5 like-stage clients: 35 to 55');
    const p = await getOk(acct.press.req, `/api/v1/contacts/${c.p.id}`);
    const q = await getOk(acct.press.req, `/api/v1/contacts/${c.q.id}`);
    assert.equal(p.status, 'lead');
    assert.equal(q.status, 'lead');
    assert.ok(p.score >= 35 && q.score < 35, `scores ${p.score} and ${q.score}`);
    const items = await reachOut(acct.press.req, { reason: 'press' });
    assert.deepEqual(items.map((i) => i.contact.id), [c.p.id]);
    assert.equal(items[0].contact.status, 'lead');
    assert.equal(runs.press0.alerts_raised.press, 1);
  });

  test('reason takes a comma list; limit caps the list', async () => {
    const all = await reachOut(acct.main.req);
    const both = await reachOut(acct.main.req, { reason: 'overdue,press' });
    assert.deepEqual(both.map((i) => i.alert_id).sort(), all.filter((i) => ['overdue', 'press'].includes(i.reason)).map((i) => i.alert_id).sort());
    const one = await reachOut(acct.main.req, { limit: 1 });
    assert.equal(one.length, 1);
    assert.equal(one[0].alert_id, all[0].alert_id, 'the most urgent first');
  });

  test('bad arguments are refused', async () => {
    const req = acct.main.req;
    expectError(await req('GET', '/api/v1/reach-out?reason=urgent'), 400, 'invalid_value', 'reason');
    expectError(await req('GET', '/api/v1/reach-out?reason=overdue,'), 400, 'invalid_value', 'reason');
    expectError(await req('GET', '/api/v1/reach-out?limit=0'), 400, 'invalid_value', 'limit');
    expectError(await req('GET', '/api/v1/reach-out?limit=501'), 400, 'invalid_value', 'limit');
    expectError(await req('GET', '/api/v1/reach-out?sort=score'), 400, 'unknown_field', 'sort');
    expectError(await req('GET', '/api/v1/reach-out', { token: null }), 401, 'unauthorized');
  });

  test('an agent sees only the alerts of contacts it may see', async () => {
    const mine = await reachOut(acct.agent.req);
    assert.deepEqual(mine.map((i) => i.contact.id), [c.g.id]);
    const owners = await reachOut(acct.main.req);
    assert.ok(owners.some((i) => i.contact.id === c.g.id), 'the owner sees the agent\'s contact too');
    const o = owners.find((i) => i.contact.id === c.o.id);
    expectError(await acct.agent.req('POST', `/api/v1/alerts/${o.alert_id}/dismiss`), 404, 'not_found');
    assert.ok((await reachOut(acct.main.req)).some((i) => i.alert_id === o.alert_id), 'still there');
  });
});

describe('dismissal and clearing', () => {
  test('a dismissed alert leaves the list; dismissing it again changes nothing', async () => {
    const req = acct.main.req;
    const it = (await reachOut(req)).find((i) => i.contact.id === c.o.id);
    const res = await req('POST', `/api/v1/alerts/${it.alert_id}/dismiss`);
    expectStatus(res, 200, 'dismiss');
    assert.equal(res.json.alert_id, it.alert_id);
    assert.equal(res.json.open, false);
    assert.equal(res.json.reason, 'overdue');
    assert.equal(res.json.contact.id, c.o.id);
    assert.equal(res.json.dismissed_at, at(14));
    assert.ok(!(await reachOut(req)).some((i) => i.alert_id === it.alert_id), 'off the list');
    const again = await req('POST', `/api/v1/alerts/${it.alert_id}/dismiss`);
    expectStatus(again, 200, 'dismiss again');
    assert.equal(again.json.open, false);
    assert.equal(again.json.reason, 'overdue', 'a closed alert still answers its state');
    assert.equal(again.json.dismissed_at, at(14), 'the first dismissal\'s time is kept');
  });

  test('the agent dismisses its own contact\'s alert', async () => {
    const it = (await reachOut(acct.agent.req))[0];
    expectStatus(await acct.agent.req('POST', `/api/v1/alerts/${it.alert_id}/dismiss`, { body: {} }), 200);
    assert.deepEqual(await reachOut(acct.agent.req), []);
  });

  test('a two-way interaction clears the overdue alert (A4: any two-way interaction resets the clock)', async () => {
    const req = acct.main.req;
    assert.deepEqual(alertsOf(await reachOut(req), c.t.id), ['overdue']);
    await createActivity(req, { contact_id: c.t.id, kind: 'call', direction: 'inbound', occurred_at: at(14, -1) });
    assert.deepEqual(alertsOf(await reachOut(req), c.t.id), []);
    assert.equal((await getOk(req, `/api/v1/contacts/${c.t.id}`)).overdue, false);
  });

  test('unknown alerts, another account\'s alerts and bodies with keys are refused', async () => {
    const req = acct.main.req;
    expectError(await req('POST', '/api/v1/alerts/0193a5b0-0000-7000-8000-0000000000aa/dismiss'), 404, 'not_found');
    expectError(await req('POST', '/api/v1/alerts/nonsense/dismiss'), 404, 'not_found');
    const theirs = (await reachOut(acct.press.req))[0];
    expectError(await req('POST', `/api/v1/alerts/${theirs.alert_id}/dismiss`), 404, 'not_found');
    assert.ok((await reachOut(acct.press.req)).some((i) => i.alert_id === theirs.alert_id), 'still on its own account\'s list');
    expectError(await acct.press.req('POST', `/api/v1/alerts/${theirs.alert_id}/dismiss`, { body: { why: 'done' } }), 400, 'unknown_field', 'why');
    expectError(await req('GET', `/api/v1/alerts/${theirs.alert_id}/dismiss`), 405, 'method_not_allowed');
  });
});

describe('stage averages', () => {
  let sa;
  const made = {};
  before(async () => {
    sa = await account('averages');
    // five clients (like) with different amounts of contact, two suspects, a vendor
    for (let i = 0; i < 5; i++) {
      made[`c${i}`] = await createContact(sa.req, { first_name: uniq(`Client${i}`), last_name: 'Averaged', category: ['a', 'b', 'c', 'd', 'none'][i] });
      await createProperty(sa.req, { status: 'active', list_price: 300000 + i, contacts: [{ contact_id: made[`c${i}`].id, role: 'buyer' }] });
      for (let k = 0; k < i; k++) await exchange(sa.req, made[`c${i}`].id, 14 - k);
    }
    made.s0 = await createContact(sa.req, { first_name: uniq('Sus'), last_name: 'One' });
    made.s1 = await createContact(sa.req, { first_name: uniq('Sus'), last_name: 'Two', company: 'Acme' });
    made.v = await createContact(sa.req, { first_name: uniq('Vend'), last_name: 'Or', type: 'vendor' });
  });

  test('as of a day before the first daily run: zeros and the default mid-range', async () => {
    const avg = await getOk(sa.req, `/api/v1/stage-averages${qs({ as_of: at(13) })}`);
    assert.equal(avg.day, null);
    assert.equal(avg.as_of, at(13));
    assert.deepEqual(Object.keys(avg.stages), ['aware', 'know', 'like', 'trust']);
    for (const s of Object.values(avg.stages)) assert.deepEqual(s, { mean: 0, count: 0 });
    assert.deepEqual(avg.mid_range, { low: 35, high: 55, basis: 0 });
  });

  test('after a run: the mean score of each stage and the 25th-75th percentile band of the like-stage clients', async () => {
    const run = await daily(sa.req);
    const avg = await getOk(sa.req, '/api/v1/stage-averages');
    assert.equal(avg.day, day(14));
    const like = [];
    for (let i = 0; i < 5; i++) {
      const x = await getOk(sa.req, `/api/v1/contacts/${made[`c${i}`].id}`);
      assert.equal(x.stage, 'like');
      like.push(x.score);
    }
    const aware = [(await getOk(sa.req, `/api/v1/contacts/${made.s0.id}`)).score, (await getOk(sa.req, `/api/v1/contacts/${made.s1.id}`)).score];
    const mean = (a) => a.reduce((x, y) => x + y, 0) / a.length;
    assert.equal(avg.stages.like.count, 5);
    assert.ok(Math.abs(avg.stages.like.mean - mean(like)) < 0.006, `like mean ${avg.stages.like.mean} vs ${mean(like)}`);
    assert.equal(avg.stages.aware.count, 2, 'the vendor (status none) is not averaged');
    assert.ok(Math.abs(avg.stages.aware.mean - mean(aware)) < 0.006);
    assert.deepEqual([avg.stages.know, avg.stages.trust], [{ mean: 0, count: 0 }, { mean: 0, count: 0 }]);
    // Hyndman-Fan type 7 percentiles of five sorted values: ranks 1 and 3
    const s = [...like].sort((a, b) => a - b);
    assert.equal(avg.mid_range.basis, 5);
    assert.ok(Math.abs(avg.mid_range.low - s[1]) < 0.006 && Math.abs(avg.mid_range.high - s[3]) < 0.006, `${JSON.stringify(avg.mid_range)} vs ${s}`);
    assert.deepEqual(run.stage_averages.stages, avg.stages, 'the job answers the same figures');
    const earlier = await getOk(sa.req, `/api/v1/stage-averages${qs({ as_of: day(13) })}`);
    assert.equal(earlier.day, null, 'as of the day before: no run yet');
    assert.equal(earlier.as_of, `${day(13)}T23:59:59Z`, 'a date is the end of that day');
  });

  test('bad as_of is refused', async () => {
    expectError(await sa.req('GET', '/api/v1/stage-averages?as_of=tomorrow'), 400, 'invalid_value', 'as_of');
    expectError(await sa.req('GET', '/api/v1/stage-averages?day=2026-01-01'), 400, 'unknown_field', 'day');
  });
});
