// Lead capture (API.md "Lead capture", DOMAIN.md A1, docs/api.md "Lead
// capture"): POST /api/v1/leads and the public POST /capture/{key} (JSON and
// form-encoded), matching an existing contact by email or phone, a new lead
// as a suspect with a web activity and the speed-to-lead workflow, the
// honeypot, the rate limit, CORS, round-robin routing, the forms API, the
// isolation of accounts and the dashboard's speed_to_lead.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { expectError, expectStatus, secs } from './lib/expect.mjs';
import { createActivity, getOk, historyOf, qs } from './lib/fixtures.mjs';
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

const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const email = (p = 'lead') => `${uniq(p)}@Example.test`;
/** A US phone number unique in this file (the fixed ones below use 212). */
let phoneSeq = 0;
function phone() {
  phoneSeq += 1;
  const n = (process.pid * 7 + Date.now() + phoneSeq) % 10000;
  return { digits: `312555${String(n).padStart(4, '0')}`, n };
}

/** A new form of the owner's account (its own rate-limit bucket). */
async function newForm(body = {}, r = req) {
  const res = await r('POST', '/api/v1/capture-forms', { body: { name: uniq('Form '), ...body } });
  expectStatus(res, 201, 'POST /api/v1/capture-forms');
  return res.json;
}
/** POSTs to a public form: a string body is form-encoded, an object JSON. */
function capture(form, body, headers = {}) {
  const isForm = typeof body === 'string';
  return req('POST', form.path, { token: null, body, headers: { ...(isForm ? FORM : {}), ...headers } });
}
async function lead(body, r = req) {
  const res = await r('POST', '/api/v1/leads', { body });
  expectStatus(res, 201, `POST /api/v1/leads ${JSON.stringify(body)}`);
  return res.json;
}
const webOf = async (contactId, r = req) =>
  (await getOk(r, `/api/v1/activities${qs({ contact_id: contactId, kind: 'web' })}`)).items;
const findByQ = async (q) => (await getOk(req, `/api/v1/contacts${qs({ q })}`)).items;

describe('POST /api/v1/leads', () => {
  test('a new lead is a suspect with a web activity, its history, and the speed-to-lead run', async () => {
    const e = email();
    const res = await req('POST', '/api/v1/leads', {
      body: { first_name: 'Nadia', last_name: uniq('Lead'), email: e, phone: '(212) 555-0101', message: 'Looking for a 2-bed\nnear the park', intent: 'buy', source: 'zillow' },
    });
    expectStatus(res, 201);
    assert.deepEqual(Object.keys(res.json).sort(), ['contact_id', 'created']);
    assert.equal(res.json.created, true);
    assert.equal(res.headers.get('location'), `/api/v1/contacts/${res.json.contact_id}`);
    const c = await getOk(req, `/api/v1/contacts/${res.json.contact_id}`);
    assert.equal(c.status, 'suspect', 'DOMAIN.md L1/A1: a captured lead is a suspect');
    assert.equal(c.stage, 'aware');
    assert.equal(c.first_name, 'Nadia');
    assert.equal(c.intent, 'buy');
    assert.equal(c.source, 'zillow');
    assert.equal(c.emails[0].address.toLowerCase(), e.toLowerCase());
    assert.equal(c.phones[0].number, '+12125550101');
    assert.equal(c.owner_id, srv.user.id, 'routing owner: the caller');
    const web = await webOf(c.id);
    assert.equal(web.length, 1);
    assert.equal(web[0].direction, 'inbound');
    assert.equal(web[0].subject, 'Web inquiry');
    assert.equal(web[0].body, 'Looking for a 2-bed\nnear the park');
    assert.equal(web[0].source, 'zillow');
    const h = await historyOf(req, c.id);
    assert.deepEqual(h.map((x) => [x.field, x.to, x.rule]), [['status', 'suspect', 'L1'], ['stage', 'aware', 'S2']]);
    const runs = await getOk(req, `/api/v1/workflow-runs${qs({ contact_id: c.id })}`);
    assert.ok(runs.items.some((x) => x.event === 'lead_captured'), `speed-to-lead run expected: ${JSON.stringify(runs.items)}`);
  });

  test('source defaults to website', async () => {
    const { contact_id: id } = await lead({ email: email() });
    assert.equal((await getOk(req, `/api/v1/contacts/${id}`)).source, 'website');
  });

  test('needs a token, refuses unknown fields, needs an email or a phone, checks each field', async () => {
    expectError(await req('POST', '/api/v1/leads', { token: null, body: { email: email() } }), 401, 'unauthorized');
    expectError(await req('POST', '/api/v1/leads', { body: { email: email(), website: 'x' } }), 400, 'unknown_field', 'website');
    expectError(await req('POST', '/api/v1/leads', { body: { first_name: 'Only a name' } }), 400, 'validation_failed');
    expectError(await req('POST', '/api/v1/leads', { body: { email: 'not-an-email' } }), 400, 'invalid_value', 'email');
    expectError(await req('POST', '/api/v1/leads', { body: { phone: '12' } }), 400, 'invalid_value', 'phone');
    expectError(await req('POST', '/api/v1/leads', { body: { email: email(), intent: 'rent' } }), 400, 'invalid_value', 'intent');
    expectError(await req('POST', '/api/v1/leads', { body: { email: email(), first_name: 7 } }), 400, 'invalid_value', 'first_name');
    expectError(await req('POST', '/api/v1/leads', { body: 'email=a@b.test', headers: FORM }), 415, 'unsupported_media_type');
  });

  test('an existing contact by email (any case) gets a web activity, not a duplicate; empty fields are filled, never overwritten', async () => {
    const e = email('match');
    const last = uniq('Keep');
    const first = await lead({ first_name: 'Ruth', last_name: last, email: e });
    const p = phone();
    const again = await lead({ first_name: 'Other', email: e.toUpperCase(), phone: p.digits, intent: 'sell', message: 'second visit' });
    assert.deepEqual(again, { contact_id: first.contact_id, created: false });
    const c = await getOk(req, `/api/v1/contacts/${first.contact_id}`);
    assert.equal(c.first_name, 'Ruth', 'a filled field is never overwritten');
    assert.equal(c.last_name, last);
    assert.deepEqual(c.phones.map((x) => x.number), [`+1${p.digits}`], 'an empty field is filled');
    assert.equal(c.intent, 'sell');
    assert.equal(c.emails.length, 1);
    const web = await webOf(c.id);
    assert.equal(web.length, 2);
    assert.equal(web[0].body, 'second visit');
    assert.equal((await findByQ(last)).length, 1, 'one contact');
  });

  test('an existing contact by phone, however the number is typed', async () => {
    const p = phone();
    const d = p.digits;
    const first = await lead({ phone: `(${d.slice(0, 3)}) ${d.slice(3, 6)}-${d.slice(6)}` });
    const again = await lead({ phone: `+1 ${d.slice(0, 3)}.${d.slice(3, 6)}.${d.slice(6)}`, first_name: 'Filled' });
    assert.deepEqual(again, { contact_id: first.contact_id, created: false });
    const c = await getOk(req, `/api/v1/contacts/${first.contact_id}`);
    assert.equal(c.first_name, 'Filled');
    assert.equal((await webOf(c.id)).length, 2);
  });

  test('an archived contact is not matched: the lead is new', async () => {
    const e = email('arch');
    const first = await lead({ email: e });
    expectStatus(await req('DELETE', `/api/v1/contacts/${first.contact_id}`), 200, 'archive');
    const again = await lead({ email: e });
    assert.equal(again.created, true);
    assert.notEqual(again.contact_id, first.contact_id);
    // purging a captured contact erases its captures with it
    expectStatus(await req('DELETE', `/api/v1/contacts/${again.contact_id}?purge=true`), 204, 'purge');
    expectError(await req('GET', `/api/v1/contacts/${again.contact_id}`), 404, 'not_found');
  });

  test('a contact made by hand is matched too', async () => {
    const e = email('hand');
    const c = await req('POST', '/api/v1/contacts', { body: { first_name: 'Hand', emails: [{ address: e }], status: 'client' } });
    expectStatus(c, 201);
    const l = await lead({ email: e, message: 'hello again' });
    assert.deepEqual(l, { contact_id: c.json.id, created: false });
    const after = await getOk(req, `/api/v1/contacts/${c.json.id}`);
    assert.equal(after.status, 'client', 'a web inquiry changes no status (L2: one-way)');
  });
});

describe('the public form POST /capture/{key}', () => {
  test('form-encoded: a new lead with the form source; fields a web form carries besides are ignored', async () => {
    const form = await newForm({ source: 'open-house-site' });
    const last = uniq('Form');
    const e = email('form');
    const body = new URLSearchParams({ first_name: 'Zoé', last_name: last, email: e, phone: '212 555 0199', message: 'Hi! 100% interested & ready', utm_campaign: 'fall', submit: 'Send', website: '' }).toString();
    const res = await capture(form, body);
    expectStatus(res, 201);
    assert.equal(res.json.created, true);
    const c = await getOk(req, `/api/v1/contacts/${res.json.contact_id}`);
    assert.equal(c.first_name, 'Zoé', 'UTF-8 decoded');
    assert.equal(c.last_name, last);
    assert.equal(c.source, 'open-house-site');
    assert.equal(c.status, 'suspect');
    assert.equal(c.owner_id, srv.user.id, 'routing owner, form without owner: the first owner');
    const web = await webOf(c.id);
    assert.equal(web.length, 1);
    assert.equal(web[0].body, 'Hi! 100% interested & ready');
    assert.equal(web[0].source, 'open-house-site');
  });

  test('JSON: unknown keys are ignored; a lead given twice matches', async () => {
    const form = await newForm();
    const e = email('json');
    const a = await capture(form, { email: e, first_name: 'Jo', page: { url: 'https://x.example/' }, consent: true });
    expectStatus(a, 201);
    assert.equal(a.json.created, true);
    const b = await capture(form, { email: e.toLowerCase(), message: 'again' });
    expectStatus(b, 201);
    assert.deepEqual(b.json, { contact_id: a.json.contact_id, created: false });
  });

  test('the form owner takes its leads', async () => {
    const agent = await srv.addUser('agent');
    const form = await newForm({ owner_id: agent.id });
    assert.equal(form.owner_id, agent.id);
    const res = await capture(form, `email=${encodeURIComponent(email('own'))}`);
    expectStatus(res, 201);
    const c = await getOk(agent.req, `/api/v1/contacts/${res.json.contact_id}`);
    assert.equal(c.owner_id, agent.id);
  });

  test('refusals: no email or phone, a field twice, a bad escape, a bad phone, another media type, too large, no such form', async () => {
    const form = await newForm();
    expectError(await capture(form, 'first_name=Bo&message=hi'), 400, 'validation_failed');
    expectError(await capture(form, 'email=a%40b.test&email=c%40d.test'), 400, 'invalid_value', 'email');
    expectError(await capture(form, 'message=50%&email=a%40b.test'), 400, 'invalid_value', 'message');
    expectError(await capture(form, 'phone=call+me'), 400, 'invalid_value', 'phone');
    expectError(await capture(form, 'email=%FF%FE%40b.test'), 400, 'invalid_value', 'email');
    expectError(await req('POST', form.path, { token: null, body: 'email=a@b.test', headers: { 'Content-Type': 'text/plain' } }), 415, 'unsupported_media_type');
    const big = `email=a%40b.test&message=${'x'.repeat(70 * 1024)}`;
    expectError(await capture(form, big), 413, 'payload_too_large');
    expectError(await capture({ path: '/capture/0123456789abcdef0123456789abcdef' }, 'email=a%40b.test'), 404, 'not_found');
    expectError(await capture({ path: '/capture/not-a-key' }, 'email=a%40b.test'), 404, 'not_found');
  });

  test('honeypot: a filled website field answers like a new lead and stores nothing', async () => {
    const form = await newForm();
    const last = uniq('Bot');
    for (const field of ['website', 'company_website']) {
      const res = await capture(form, `first_name=Bot&last_name=${last}&email=${encodeURIComponent(email('bot'))}&${field}=http%3A%2F%2Fspam.example`);
      expectStatus(res, 201, field);
      assert.deepEqual(Object.keys(res.json).sort(), ['contact_id', 'created']);
      assert.equal(res.json.created, true);
      expectError(await req('GET', `/api/v1/contacts/${res.json.contact_id}`), 404, 'not_found');
    }
    const json = await capture(form, { last_name: last, email: email('bot'), website: 'x' });
    expectStatus(json, 201);
    assert.equal(json.json.created, true);
    assert.deepEqual(await findByQ(last), [], 'no contact was stored');
  });

  test('rate limit: 10 captures per 10 minutes per address and form, then 429; other forms are not affected', async () => {
    const form = await newForm();
    const other = await newForm();
    for (let i = 0; i < 10; i += 1) {
      // honeypot hits count as captures too (and store nothing)
      const res = await capture(form, i === 0 ? `email=${encodeURIComponent(email('rl'))}` : 'email=a%40b.test&website=x');
      expectStatus(res, 201, `capture ${i + 1}`);
    }
    const e = email('limited');
    const res = await capture(form, `email=${encodeURIComponent(e)}`);
    expectError(res, 429, 'rate_limited');
    assert.ok(Number(res.headers.get('retry-after')) > 0, 'Retry-After');
    assert.deepEqual(await findByQ(e.split('@')[0]), [], 'a refused capture stores nothing');
    expectStatus(await capture(other, `email=${encodeURIComponent(e)}`), 201, 'another form');
  });
});

describe('CORS of the public form', () => {
  test('a form open to any origin answers Access-Control-Allow-Origin: *', async () => {
    const form = await newForm();
    assert.deepEqual(form.allowed_origins, []);
    const pre = await req('OPTIONS', form.path, { token: null, headers: { Origin: 'https://anywhere.example', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' } });
    expectStatus(pre, 204, 'preflight');
    assert.equal(pre.headers.get('access-control-allow-origin'), '*');
    const res = await capture(form, { email: email('cors') }, { Origin: 'https://anywhere.example' });
    expectStatus(res, 201);
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
  });

  test('a form with allowed origins: preflight and posts only from them', async () => {
    const form = await newForm({ allowed_origins: ['https://Agent.example/', 'http://localhost:8000', 'https://agent.example:443'] });
    assert.deepEqual(form.allowed_origins, ['https://agent.example', 'http://localhost:8000'], 'normalised and deduplicated');
    const pre = await req('OPTIONS', form.path, { token: null, headers: { Origin: 'https://agent.example', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' } });
    expectStatus(pre, 204, 'preflight');
    assert.equal(pre.headers.get('access-control-allow-origin'), 'https://agent.example');
    assert.match(pre.headers.get('access-control-allow-methods'), /POST/);
    assert.match(pre.headers.get('access-control-allow-headers'), /content-type/i);
    assert.match(pre.headers.get('vary') || '', /Origin/);

    const bad = await req('OPTIONS', form.path, { token: null, headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST' } });
    expectError(bad, 403, 'forbidden');
    assert.equal(bad.headers.get('access-control-allow-origin'), null);

    const e = email('evil');
    const refused = await capture(form, { email: e }, { Origin: 'https://evil.example' });
    expectError(refused, 403, 'forbidden');
    assert.equal(refused.headers.get('access-control-allow-origin'), null);
    assert.deepEqual(await findByQ(e.split('@')[0]), [], 'a refused origin stores nothing');

    const ok = await capture(form, `email=${encodeURIComponent(email('good'))}`, { Origin: 'http://localhost:8000' });
    expectStatus(ok, 201);
    assert.equal(ok.headers.get('access-control-allow-origin'), 'http://localhost:8000');
    const server = await capture(form, { email: email('server') });
    expectStatus(server, 201, 'no Origin (a server-side post)');

    expectError(await req('OPTIONS', '/capture/0123456789abcdef0123456789abcdef', { token: null, headers: { Origin: 'https://agent.example' } }), 404, 'not_found');
  });
});

describe('routing', () => {
  test('round robin alternates between the agents, in turn, for both endpoints', async () => {
    const a = await srv.addUser('agent');
    const b = await srv.addUser('agent');
    expectStatus(await req('PUT', '/api/v1/settings', { body: { routing: { mode: 'round_robin', agent_ids: [a.id, b.id] } } }), 200, 'PUT routing');
    try {
      const form = await newForm();
      const owners = [];
      for (let i = 0; i < 4; i += 1) {
        const r = i % 2 ? await capture(form, { email: email('rr') }) : await req('POST', '/api/v1/leads', { body: { email: email('rr') } });
        expectStatus(r, 201, `lead ${i}`);
        owners.push((await getOk(req, `/api/v1/contacts/${r.json.contact_id}`)).owner_id);
      }
      assert.ok(owners.every((o) => o === a.id || o === b.id), `owners ${owners}`);
      for (let i = 1; i < owners.length; i += 1) assert.notEqual(owners[i], owners[i - 1], `turns alternate: ${owners}`);
      // concurrent captures never share a turn: 6 at once split 3 and 3
      const burst = await Promise.all(Array.from({ length: 6 }, () => req('POST', '/api/v1/leads', { body: { email: email('burst') } })));
      const burstOwners = await Promise.all(burst.map(async (r) => {
        expectStatus(r, 201, 'burst');
        return (await getOk(req, `/api/v1/contacts/${r.json.contact_id}`)).owner_id;
      }));
      assert.equal(burstOwners.filter((o) => o === a.id).length, 3, `burst owners ${burstOwners}`);
      assert.equal(burstOwners.filter((o) => o === b.id).length, 3, `burst owners ${burstOwners}`);
      // a match does not take a turn
      const e = email('rr-match');
      const first = await lead({ email: e });
      const o1 = (await getOk(req, `/api/v1/contacts/${first.contact_id}`)).owner_id;
      await lead({ email: e });
      const next = await lead({ email: email('rr') });
      const o2 = (await getOk(req, `/api/v1/contacts/${next.contact_id}`)).owner_id;
      assert.notEqual(o2, o1);
      // the agent who got it sees it
      const mine = o2 === a.id ? a : b;
      expectStatus(await mine.req('GET', `/api/v1/contacts/${next.contact_id}`), 200, 'owner sees its lead');
    } finally {
      expectStatus(await req('PUT', '/api/v1/settings', { body: { routing: { mode: 'owner', agent_ids: [] } } }), 200, 'routing back');
    }
  });
});

describe('capture forms', () => {
  test('every account starts with one form; each shows its public path', async () => {
    const list = await getOk(req, '/api/v1/capture-forms');
    assert.equal(list.next_cursor, null);
    const seeded = list.items.find((f) => f.name === 'Website');
    assert.ok(seeded, `the seeded form: ${JSON.stringify(list.items)}`);
    assert.equal(seeded.source, 'website');
    assert.match(seeded.key, /^[0-9a-f]{32}$/);
    assert.equal(seeded.path, `/capture/${seeded.key}`);
    expectStatus(await capture(seeded, { email: email('seeded') }), 201, 'the seeded form takes leads');
    const agent = await srv.addUser('agent');
    const seen = await getOk(agent.req, '/api/v1/capture-forms');
    assert.ok(seen.items.some((f) => f.id === seeded.id), 'an agent may read the forms');
  });

  test('create, read, patch, delete (owner or admin); validation with the field', async () => {
    const f = await newForm({ name: 'Open house', allowed_origins: ['https://a.example'] });
    assert.equal(f.name, 'Open house');
    assert.notEqual(f.key, (await newForm()).key, 'a new random key each');
    assert.deepEqual(await getOk(req, `/api/v1/capture-forms/${f.id}`), f);
    const p = await req('PATCH', `/api/v1/capture-forms/${f.id}`, { body: { allowed_origins: null, source: 'flyer', key: f.key } });
    expectStatus(p, 200);
    assert.deepEqual(p.json.allowed_origins, []);
    assert.equal(p.json.source, 'flyer');
    assert.equal(p.json.key, f.key);
    expectError(await req('PATCH', `/api/v1/capture-forms/${f.id}`, { body: { key: 'f'.repeat(32) } }), 400, 'invalid_value', 'key');
    expectError(await req('POST', '/api/v1/capture-forms', { body: { allowed_origins: ['https://a.example/path'] } }), 400, 'invalid_value', 'allowed_origins[0]');
    expectError(await req('POST', '/api/v1/capture-forms', { body: { allowed_origins: ['ftp://a.example'] } }), 400, 'invalid_value', 'allowed_origins[0]');
    expectError(await req('POST', '/api/v1/capture-forms', { body: { colour: 'red' } }), 400, 'unknown_field', 'colour');
    expectError(await req('POST', '/api/v1/capture-forms', { body: { owner_id: '0190aaaa-0000-7000-8000-000000000000' } }), 400, 'invalid_value', 'owner_id');
    const agent = await srv.addUser('agent');
    expectError(await agent.req('POST', '/api/v1/capture-forms', { body: {} }), 403, 'forbidden');
    expectError(await agent.req('DELETE', `/api/v1/capture-forms/${f.id}`), 403, 'forbidden');
    expectStatus(await req('DELETE', `/api/v1/capture-forms/${f.id}`), 204, 'DELETE');
    expectError(await capture(f, { email: email('gone') }), 404, 'not_found');
    expectError(await req('GET', `/api/v1/capture-forms/${f.id}`), 404, 'not_found');
  });
});

describe('accounts', () => {
  test("another account's form key never touches this one", async () => {
    const other = await srv.addAccount();
    const theirs = (await getOk(other.req, '/api/v1/capture-forms')).items;
    assert.equal(theirs.length, 1, 'the new account got its own form');
    const mine = (await getOk(req, '/api/v1/capture-forms')).items;
    assert.ok(!mine.some((f) => f.id === theirs[0].id || f.key === theirs[0].key));
    const e = email('iso');
    const here = await lead({ email: e });
    const res = await capture(theirs[0], { email: e, message: 'for the other agency' });
    expectStatus(res, 201);
    assert.equal(res.json.created, true, 'this account\'s contact is not matched');
    assert.notEqual(res.json.contact_id, here.contact_id);
    expectError(await req('GET', `/api/v1/contacts/${res.json.contact_id}`), 404, 'not_found');
    assert.equal((await webOf(here.contact_id)).length, 1, 'no activity here');
    const c = await getOk(other.req, `/api/v1/contacts/${res.json.contact_id}`);
    assert.equal(c.owner_id, other.user.id);
    expectError(await req('GET', `/api/v1/capture-forms/${theirs[0].id}`), 404, 'not_found');
    expectError(await req('DELETE', `/api/v1/capture-forms/${theirs[0].id}`), 404, 'not_found');
  });
});

describe('dashboard speed_to_lead', () => {
  test('counts the new leads the caller sees and the median time to a first outbound touch', async () => {
    const agent = await srv.addUser('agent');
    const form = await newForm({ owner_id: agent.id });
    const dash0 = (await getOk(agent.req, '/api/v1/dashboard')).speed_to_lead;
    assert.deepEqual(dash0, { median_seconds: null, count: 0 });
    const a = await capture(form, { email: email('s2l') });
    const b = await capture(form, { email: email('s2l') });
    expectStatus(a, 201);
    expectStatus(b, 201);
    await capture(form, { email: (await getOk(req, `/api/v1/contacts/${a.json.contact_id}`)).emails[0].address });
    const captured = Math.min(...(await webOf(a.json.contact_id)).map((w) => secs(w.occurred_at)));
    await createActivity(agent.req, { contact_id: a.json.contact_id, kind: 'sms', direction: 'inbound' });
    await sleep(1100);
    const call = await createActivity(agent.req, { contact_id: a.json.contact_id, kind: 'call', direction: 'outbound' });
    const dash = (await getOk(agent.req, '/api/v1/dashboard')).speed_to_lead;
    assert.equal(dash.count, 2, 'two new leads (a match is no new lead)');
    assert.equal(dash.median_seconds, secs(call.occurred_at) - captured);
    assert.ok(dash.median_seconds >= 1);
    const owners = (await getOk(req, '/api/v1/dashboard')).speed_to_lead;
    assert.ok(owners.count >= 2, 'the owner sees them too');
  });
});
