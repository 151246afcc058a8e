// The database's rating and the daily job over HTTP (API.md "Attention,
// dashboard, rFactor": GET /rfactor, /rfactor/history, /dashboard, POST
// /jobs/daily; SCORING.md "rFactor and predictions"). Each story makes its
// own account, so that its counts are exactly the contacts it made.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { expectError, expectStatus, RFC3339_UTC } from './lib/expect.mjs';
import { createContact, createProperty, createTransaction, dateDays, getOk, qs } from './lib/fixtures.mjs';
import { startServer, uniq } from './lib/server.mjs';

const PRIORS = [0.005, 0.01, 0.02, 0.03, 0.05, 0.08, 0.12, 0.18, 0.25, 0.35];
const RFACTOR_KEYS = ['rfactor', 'eligible_contacts', 'predicted_transactions', 'interval', 'predicted_revenue', 'revenue_interval', 'valuation', 'calibrated', 'bands'];
const round1 = (x) => Math.round(x * 10) / 10;
const close = (a, b, tol, what) => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

let srv;
before(async () => {
  srv = await startServer();
});
after(async () => {
  await srv?.stop();
});

async function rfactor(req, params = {}) {
  const res = await req('GET', `/api/v1/rfactor${qs(params)}`);
  expectStatus(res, 200, 'GET /rfactor');
  const r = res.json;
  for (const k of RFACTOR_KEYS) assert.ok(k in r, `rfactor key "${k}" missing: ${res.text.slice(0, 300)}`);
  assert.match(r.as_of, RFC3339_UTC);
  assert.equal(r.bands.length, 10);
  r.bands.forEach((b, i) => {
    assert.deepEqual(Object.keys(b).sort(), ['band', 'contacts', 'prior', 'probability']);
    assert.equal(b.band, i);
    assert.equal(b.prior, PRIORS[i], `prior of band ${i}`);
    assert.ok(b.probability > 0 && b.probability < 1);
  });
  assert.equal(r.bands.reduce((n, b) => n + b.contacts, 0), r.eligible_contacts, 'the bands hold every eligible contact');
  return r;
}

/** SCORING.md predictions from the bands an answer gives. */
function expectPredictions(r, commission, multiple = 1) {
  const P = r.bands.reduce((s, b) => s + b.contacts * b.probability, 0);
  const V = r.bands.reduce((s, b) => s + b.contacts * b.probability * (1 - b.probability), 0);
  close(r.predicted_transactions, P, 0.0051, 'P = sum of p_b over the eligible contacts');
  close(r.interval[0], Math.max(0, P - 1.2816 * Math.sqrt(V)), 0.0051, '80 % interval, low');
  close(r.interval[1], P + 1.2816 * Math.sqrt(V), 0.0051, '80 % interval, high');
  close(r.predicted_revenue, P * commission, 0.011, 'revenue = P x mean commission');
  close(r.revenue_interval[0], Math.max(0, P - 1.2816 * Math.sqrt(V)) * commission, 0.011, 'revenue interval, low');
  close(r.revenue_interval[1], (P + 1.2816 * Math.sqrt(V)) * commission, 0.011, 'revenue interval, high');
  close(r.valuation, P * commission * multiple, 0.011 * multiple, 'valuation = revenue x multiple');
  const N = r.eligible_contacts;
  assert.equal(r.rfactor, N ? Math.min(10, Math.max(0, round1((10 * (P / N)) / PRIORS[9]))) : 0, 'rFactor = round1(10 (P / N) / p_9)');
}

const scoresOf = async (req, ids) => Promise.all(ids.map(async (id) => (await getOk(req, `/api/v1/contacts/${id}`)).score));

describe('GET /rfactor', () => {
  test('prior only: eligible contacts by band, probabilities equal to the priors, calibrated false', async () => {
    const a = await srv.addAccount();
    const mk = (body) => createContact(a.req, { first_name: uniq('Rf'), ...body });
    const eligible = [
      await mk({}),
      await mk({ category: 'a', emails: [{ address: `${uniq('e')}@example.test` }], phones: [{ number: '+12025550101' }] }),
      await mk({ type: 'personal', category: 'b', company: 'Acme' }),
      await mk({ type: 'farm', status: 'prospect' }),
    ];
    await mk({ type: 'vendor' });
    await mk({ type: 'agent' });
    await mk({ type: 'hidden', status: 'suspect' });
    const gone = await mk({});
    expectStatus(await a.req('DELETE', `/api/v1/contacts/${gone.id}`), 200);
    const r = await rfactor(a.req);
    assert.equal(r.calibrated, false, 'no closed deal to learn from');
    assert.equal(r.eligible_contacts, 4, 'types client, personal, farm with a status; not vendor, agent, hidden, archived');
    for (const b of r.bands) assert.equal(b.probability, b.prior, `band ${b.band}: prior only`);
    const want = Array(10).fill(0);
    for (const s of await scoresOf(a.req, eligible.map((c) => c.id))) want[Math.min(9, Math.floor(s / 10))] += 1;
    assert.deepEqual(r.bands.map((b) => b.contacts), want, 'each contact in the band of its score');
    assert.equal(r.mean_commission, 7500, 'fewer than 3 closed deals: the default commission');
    expectPredictions(r, 7500);
    assert.ok(Math.abs(Date.parse(r.as_of) - Date.now()) < 60000, 'as_of defaults to now');
  });

  test('an account without eligible contacts rates 0 and predicts nothing', async () => {
    const a = await srv.addAccount();
    await createContact(a.req, { first_name: uniq('Vendor'), type: 'vendor' });
    const r = await rfactor(a.req);
    assert.equal(r.rfactor, 0);
    assert.equal(r.eligible_contacts, 0);
    assert.equal(r.predicted_transactions, 0);
    assert.deepEqual(r.interval, [0, 0]);
    assert.equal(r.predicted_revenue, 0);
    assert.equal(r.valuation, 0);
  });

  test('the account\'s default commission and valuation multiple are used', async () => {
    const a = await srv.addAccount();
    for (let i = 0; i < 3; i++) await createContact(a.req, { first_name: uniq('Val'), category: 'a' });
    expectStatus(await a.req('PUT', '/api/v1/settings', { body: { default_commission: 10000, valuation_multiple: 2.5 } }), 200);
    const r = await rfactor(a.req);
    assert.equal(r.mean_commission, 10000);
    expectPredictions(r, 10000, 2.5);
  });

  test('three closed deals in the last 24 months give the mean commission', async () => {
    const a = await srv.addAccount();
    const buyers = [];
    for (let i = 0; i < 4; i++) buyers.push(await createContact(a.req, { first_name: uniq('Buyer') }));
    const commissions = [6000, 9000, 12000];
    for (let i = 0; i < 3; i++) {
      await createTransaction(a.req, { status: 'closed', close_date: dateDays(-30 - 100 * i), price: 300000, commission: commissions[i], contacts: [{ contact_id: buyers[i].id, role: 'buyer' }] });
    }
    await createTransaction(a.req, { status: 'closed', close_date: dateDays(-900), price: 300000, commission: 50000, contacts: [{ contact_id: buyers[3].id, role: 'buyer' }] });
    const r = await rfactor(a.req);
    assert.equal(r.mean_commission, 9000, 'the deal closed 900 days ago is too old to count');
    assert.equal(r.commission_deals, 3);
    assert.equal(r.calibrated, false, 'fewer than 10 closed deals');
    expectPredictions(r, 9000);
  });

  test('ten closed deals in the calibration windows calibrate the probabilities', async () => {
    const a = await srv.addAccount();
    for (let i = 0; i < 10; i++) {
      const c = await createContact(a.req, { first_name: uniq('Cal'), known_since: '2022-01-01' });
      await createTransaction(a.req, { status: 'closed', close_date: dateDays(-400 - 40 * i), price: 250000, commission: 7000, contacts: [{ contact_id: c.id, role: 'buyer' }] });
    }
    const r = await rfactor(a.req);
    assert.equal(r.calibrated, true);
    assert.ok(r.bands.some((b) => b.probability !== b.prior), 'at least one band learnt from the account');
    expectPredictions(r, 7000);
  });

  test('as_of: an RFC 3339 time or a date; anything else is refused', async () => {
    const r = await rfactor(srv.request, { as_of: '2026-01-15' });
    assert.equal(r.as_of, '2026-01-15T23:59:59Z');
    expectError(await srv.request('GET', '/api/v1/rfactor?as_of=last-month'), 400, 'invalid_value', 'as_of');
    expectError(await srv.request('GET', '/api/v1/rfactor?band=3'), 400, 'unknown_field', 'band');
  });
});

describe('POST /jobs/daily and GET /rfactor/history', () => {
  test('a run answers what it did; the month keeps the rFactor of its latest run, oldest month first', async () => {
    const a = await srv.addAccount();
    for (let i = 0; i < 3; i++) await createContact(a.req, { first_name: uniq('Hist'), category: 'b' });
    const past = dateDays(-40);
    const res = await a.req('POST', '/api/v1/jobs/daily', { body: { as_of: past } });
    expectStatus(res, 200, 'backfill');
    const old = res.json;
    assert.equal(old.day, past);
    assert.equal(old.as_of, `${past}T23:59:59Z`);
    for (const k of ['contacts', 'changed', 'history_rows', 'alerts_cleared']) assert.ok(Number.isInteger(old[k]), k);
    assert.deepEqual(Object.keys(old.alerts_raised).sort(), ['overdue', 'press', 'trend_falling', 'trend_rising']);
    assert.ok(old.stage_averages && old.stage_averages.stages && old.stage_averages.mid_range);
    for (const k of RFACTOR_KEYS) assert.ok(k in old.rfactor, `rfactor.${k}`);
    const now = await a.req('POST', '/api/v1/jobs/daily');
    expectStatus(now, 200, 'today, without a body');
    assert.ok(now.json.contacts >= 3);
    assert.equal(now.json.rfactor.eligible_contacts, 3);
    const h = await getOk(a.req, '/api/v1/rfactor/history');
    assert.deepEqual(h.items.map((i) => i.month), [past.slice(0, 7), dateDays(0).slice(0, 7)].filter((m, i, all) => all.indexOf(m) === i), 'oldest first');
    const last = h.items[h.items.length - 1];
    for (const k of ['month', 'as_of', 'rfactor', 'eligible_contacts', 'predicted_transactions', 'interval', 'predicted_revenue', 'valuation', 'calibrated']) {
      assert.ok(k in last, `history key ${k}`);
    }
    assert.equal(last.rfactor, now.json.rfactor.rfactor);
    assert.equal(last.eligible_contacts, 3);
    assert.match(last.as_of, RFC3339_UTC);
    assert.deepEqual(last.interval, now.json.rfactor.interval);
  });

  test('only owners and admins run it; bad bodies are refused', async () => {
    const agent = await srv.addUser('agent');
    expectError(await agent.req('POST', '/api/v1/jobs/daily', { body: {} }), 403, 'forbidden');
    const admin = await srv.addUser('admin');
    expectStatus(await admin.req('POST', '/api/v1/jobs/daily', { body: { as_of: dateDays(-1) } }), 200, 'an admin backfills yesterday');
    const req = srv.request;
    expectError(await req('POST', '/api/v1/jobs/daily', { body: { as_of: dateDays(-1), force: true } }), 400, 'unknown_field', 'force');
    expectError(await req('POST', '/api/v1/jobs/daily', { body: { as_of: 'yesterday' } }), 400, 'invalid_value', 'as_of');
    expectError(await req('POST', '/api/v1/jobs/daily', { body: { as_of: 20261101 } }), 400, 'invalid_value', 'as_of');
    expectError(await req('POST', '/api/v1/jobs/daily', { body: { as_of: dateDays(3) } }), 400, 'invalid_value', 'as_of');
    expectError(await req('POST', '/api/v1/jobs/daily', { body: '[]', headers: { 'Content-Type': 'application/json' } }), 400, 'invalid_json');
    expectError(await req('POST', '/api/v1/jobs/daily', { body: 'as_of=2026-01-01', headers: { 'Content-Type': 'text/plain' } }), 415, 'unsupported_media_type');
  });
});

describe('GET /dashboard', () => {
  let a;
  let agent;
  const made = {};
  before(async () => {
    a = await srv.addAccount();
    const r = await a.req('POST', '/api/v1/users', { body: { email: `${uniq('dagent')}@example.test`, password: 'an agent password', role: 'agent', name: 'Dash Agent' } });
    expectStatus(r, 201);
    const l = await srv.login(r.json.email, 'an agent password');
    agent = { id: r.json.id, req: srv.as({ token: l.token }) };
    made.s = await createContact(a.req, { first_name: uniq('Dash'), known_since: '2019-05-01' });
    made.p = await createContact(a.req, { first_name: uniq('Dash'), status: 'prospect' });
    made.v = await createContact(a.req, { first_name: uniq('Dash'), type: 'vendor' });
    made.c = await createContact(a.req, { first_name: uniq('Dash') });
    made.mine = await createContact(agent.req, { first_name: uniq('AgentDash'), known_since: '2019-05-01' });
    const gone = await createContact(a.req, { first_name: uniq('Gone') });
    expectStatus(await a.req('DELETE', `/api/v1/contacts/${gone.id}`), 200);
    await createProperty(a.req, { status: 'active', list_price: 300000, contacts: [{ contact_id: made.c.id, role: 'seller' }] });
    await createTransaction(a.req, { status: 'pending', price: 250000, contacts: [{ contact_id: made.p.id, role: 'buyer' }] });
    await createTransaction(a.req, { status: 'closed', close_date: dateDays(-10), price: 999000, contacts: [] });
    expectStatus(await a.req('POST', '/api/v1/jobs/daily'), 200);
  });

  test('counts by status and stage, stage averages, rFactor, reach-out, pipeline', async () => {
    const d = await getOk(a.req, '/api/v1/dashboard');
    assert.deepEqual(Object.keys(d).sort(), ['counts', 'pipeline', 'reach_out', 'rfactor', 'speed_to_lead', 'stage_averages', 'tasks_due_today']);
    assert.deepEqual(d.counts.status, { none: 1, suspect: 2, prospect: 0, lead: 0, client: 2, past_client: 0 }, 'live contacts by status');
    assert.deepEqual(d.counts.stage, { none: 1, aware: 2, know: 0, like: 2, trust: 0 });
    assert.deepEqual(d.pipeline, { open_deals: 2, open_value: 550000 });
    assert.deepEqual(d.tasks_due_today, []);
    assert.deepEqual(d.speed_to_lead, { median_seconds: null, count: 0 });
    const noAsOf = ({ as_of: _, ...rest }) => rest;
    assert.deepEqual(noAsOf(d.stage_averages), noAsOf(await getOk(a.req, '/api/v1/stage-averages')), 'the figures of GET /stage-averages');
    assert.equal(d.stage_averages.day, dateDays(0), 'from today\'s run');
    assert.deepEqual(noAsOf(d.rfactor), noAsOf(await getOk(a.req, '/api/v1/rfactor')), 'the rFactor of GET /rfactor');
    assert.ok(Array.isArray(d.reach_out) && d.reach_out.length <= 20);
    const ids = d.reach_out.map((i) => i.contact.id);
    assert.ok(ids.includes(made.s.id) && ids.includes(made.mine.id), 'the overdue contacts of the account');
    assert.deepEqual(d.reach_out, (await getOk(a.req, '/api/v1/reach-out?limit=20')).items);
  });

  test('an agent\'s dashboard counts and lists only the contacts it may see', async () => {
    const d = await getOk(agent.req, '/api/v1/dashboard');
    assert.deepEqual(d.counts.status, { none: 0, suspect: 1, prospect: 0, lead: 0, client: 0, past_client: 0 });
    assert.deepEqual(d.reach_out.map((i) => i.contact.id), [made.mine.id]);
    expectError(await agent.req('GET', '/api/v1/dashboard?as_of=2026-01-01'), 400, 'unknown_field', 'as_of');
  });
});
