// Auth and users (API.md "Auth and users", "Conventions"): login, cookie and
// CSRF, logout, API tokens, users, roles, the login rate limit, and 401 on
// every endpoint without credentials.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { expectError, expectNoPassword, expectStatus } from './lib/expect.mjs';
import { createContact } from './lib/fixtures.mjs';
import { cliOk, httpRequest, startServer, uniq } from './lib/server.mjs';

let srv;
before(async () => {
  srv = await startServer();
});
after(async () => {
  await srv?.stop();
});

const FAKE_ID = '0193a5b0-0000-7000-8000-000000000001';

describe('login', () => {
  test('login answers token, csrf_token and the user, and sets an HttpOnly SameSite=Lax session cookie', async () => {
    const r = await httpRequest(srv.base, 'POST', '/api/v1/auth/login', {
      body: { email: srv.email, password: srv.password },
    });
    expectStatus(r, 200);
    assert.equal(typeof r.json.token, 'string');
    assert.ok(r.json.token.length >= 16, 'token long enough to be a secret');
    assert.equal(typeof r.json.csrf_token, 'string');
    assert.ok(r.json.csrf_token.length >= 16);
    assert.equal(r.json.user.email, srv.email.toLowerCase());
    assert.equal(r.json.user.role, 'owner');
    assert.equal(typeof r.json.user.id, 'string');
    expectNoPassword(r, srv.password);
    const lines = r.headers.getSetCookie();
    const line = lines.find((l) => l.startsWith('rapport_session='));
    assert.ok(line, `Set-Cookie rapport_session expected, got ${JSON.stringify(lines)}`);
    assert.match(line, /;\s*HttpOnly/i);
    assert.match(line, /;\s*SameSite=Lax/i);
    assert.ok(line.split(';')[0].length > 'rapport_session='.length + 8, 'cookie carries a value');
  });

  test('a wrong password is 401 invalid_credentials, the same as an unknown email', async () => {
    const bad = await srv.login(srv.email, 'not the password');
    expectError({ status: bad.status, json: bad.json, text: JSON.stringify(bad.json) }, 401, 'invalid_credentials');
    const r = await httpRequest(srv.base, 'POST', '/api/v1/auth/login', {
      body: { email: `${uniq('nobody')}@example.test`, password: 'whatever it is' },
    });
    expectError(r, 401, 'invalid_credentials');
    assert.equal(r.headers.getSetCookie().some((l) => /rapport_session=[^;]+/.test(l) && !/rapport_session=;/.test(l)), false,
      'no session cookie on a failed login');
  });

  test('the bearer token reaches /api/v1/me, which answers the current user', async () => {
    const r = await srv.request('GET', '/api/v1/me');
    expectStatus(r, 200);
    assert.equal(r.json.email, srv.email.toLowerCase());
    assert.equal(r.json.id, srv.user.id);
    assert.equal(r.json.role, 'owner');
    expectNoPassword(r, srv.password);
  });

  test('an invalid or malformed credential is 401 unauthorized', async () => {
    expectError(await srv.request('GET', '/api/v1/me', { token: 'not-a-real-token' }), 401, 'unauthorized');
    expectError(await srv.request('GET', '/api/v1/me', { token: `${srv.token}x` }), 401, 'unauthorized');
    expectError(await srv.request('GET', '/api/v1/me', { token: null, headers: { Authorization: 'Basic Zm9vOmJhcg==' } }), 401, 'unauthorized');
    expectError(await srv.request('GET', '/api/v1/me', { token: null, cookie: 'forged-session-value' }), 401, 'unauthorized');
  });
});

describe('session cookie and CSRF', () => {
  test('the cookie alone authenticates a GET', async () => {
    const l = await srv.login(srv.email, srv.password);
    const r = await httpRequest(srv.base, 'GET', '/api/v1/me', { cookie: l.cookie });
    expectStatus(r, 200);
    assert.equal(r.json.email, srv.email.toLowerCase());
  });

  test('a cookie-authenticated write without X-CSRF-Token is 403 forbidden and creates nothing', async () => {
    const l = await srv.login(srv.email, srv.password);
    const name = uniq('Csrf');
    const before = await srv.request('GET', '/api/v1/contacts?count=true&limit=1');
    expectStatus(before, 200);
    const r = await httpRequest(srv.base, 'POST', '/api/v1/contacts', { cookie: l.cookie, body: { first_name: name } });
    expectError(r, 403, 'forbidden');
    const wrong = await httpRequest(srv.base, 'POST', '/api/v1/contacts', {
      cookie: l.cookie,
      csrf: `${l.csrf}x`,
      body: { first_name: name },
    });
    expectError(wrong, 403, 'forbidden');
    const other = await srv.login(srv.email, srv.password);
    const crossed = await httpRequest(srv.base, 'POST', '/api/v1/contacts', {
      cookie: l.cookie,
      csrf: other.csrf,
      body: { first_name: name },
    });
    expectError(crossed, 403, 'forbidden');
    const list = await srv.request('GET', '/api/v1/contacts?count=true&limit=1');
    expectStatus(list, 200);
    assert.equal(list.json.total, before.json.total, 'the refused writes created no contact');
  });

  test('a cookie-authenticated write with the login csrf_token succeeds', async () => {
    const l = await srv.login(srv.email, srv.password);
    const r = await httpRequest(srv.base, 'POST', '/api/v1/contacts', {
      cookie: l.cookie,
      csrf: l.csrf,
      body: { first_name: uniq('CsrfOk') },
    });
    expectStatus(r, 201);
  });

  test('a bearer-authenticated write needs no CSRF token', async () => {
    const r = await srv.request('POST', '/api/v1/contacts', { body: { first_name: uniq('Bearer') } });
    expectStatus(r, 201);
  });
});

describe('logout', () => {
  test('logout is 204 and the session token and cookie stop working', async () => {
    const l = await srv.login(srv.email, srv.password);
    expectStatus(await httpRequest(srv.base, 'GET', '/api/v1/me', { token: l.token }), 200);
    const out = await httpRequest(srv.base, 'POST', '/api/v1/auth/logout', { token: l.token });
    expectStatus(out, 204);
    expectError(await httpRequest(srv.base, 'GET', '/api/v1/me', { token: l.token }), 401, 'unauthorized');
    expectError(await httpRequest(srv.base, 'GET', '/api/v1/me', { cookie: l.cookie }), 401, 'unauthorized');
    // other sessions of the same user live on
    expectStatus(await srv.request('GET', '/api/v1/me'), 200);
  });

  test('logout through the cookie needs the CSRF token like any write', async () => {
    const l = await srv.login(srv.email, srv.password);
    expectError(await httpRequest(srv.base, 'POST', '/api/v1/auth/logout', { cookie: l.cookie }), 403, 'forbidden');
    expectStatus(await httpRequest(srv.base, 'GET', '/api/v1/me', { cookie: l.cookie }), 200);
    expectStatus(await httpRequest(srv.base, 'POST', '/api/v1/auth/logout', { cookie: l.cookie, csrf: l.csrf }), 204);
    expectError(await httpRequest(srv.base, 'GET', '/api/v1/me', { cookie: l.cookie }), 401, 'unauthorized');
  });
});

describe('API tokens', () => {
  test('create gives {id, name, token} once; the token works as Bearer; the list never shows the secret; DELETE revokes', async () => {
    const name = uniq('ci token ');
    const c = await srv.request('POST', '/api/v1/tokens', { body: { name } });
    expectStatus(c, 201);
    assert.equal(typeof c.json.id, 'string');
    assert.equal(c.json.name, name);
    assert.equal(typeof c.json.token, 'string');
    assert.ok(c.json.token.length >= 16);
    const secret = c.json.token;

    const me = await srv.request('GET', '/api/v1/me', { token: secret });
    expectStatus(me, 200, 'API token as Bearer');
    assert.equal(me.json.id, srv.user.id);
    expectStatus(await srv.request('POST', '/api/v1/contacts', { token: secret, body: { first_name: uniq('ByToken') } }), 201,
      'API token writes without CSRF');

    const list = await srv.request('GET', '/api/v1/tokens');
    expectStatus(list, 200);
    assert.ok(Array.isArray(list.json.items));
    const mine = list.json.items.find((t) => t.id === c.json.id);
    assert.ok(mine, 'the new token is listed');
    assert.equal(mine.name, name);
    for (const t of list.json.items) assert.ok(!('token' in t), 'the list never carries `token`');
    assert.ok(!list.text.includes(secret), 'the secret never appears in the list');

    const del = await srv.request('DELETE', `/api/v1/tokens/${c.json.id}`);
    assert.ok(del.status === 204 || del.status === 200, `DELETE token: ${del.status} ${del.text}`);
    expectError(await srv.request('GET', '/api/v1/me', { token: secret }), 401, 'unauthorized');
    const after2 = await srv.request('GET', '/api/v1/tokens');
    assert.ok(!after2.json.items.some((t) => t.id === c.json.id), 'a revoked token is no longer listed');
    expectError(await srv.request('DELETE', `/api/v1/tokens/${c.json.id}`), 404, 'not_found');
  });

  test('an unknown key in the token body is 400 unknown_field', async () => {
    expectError(await srv.request('POST', '/api/v1/tokens', { body: { name: 'x', scope: 'all' } }), 400, 'unknown_field', 'scope');
  });
});

describe('users', () => {
  test('the owner creates, lists, reads, renames and deletes an agent; no answer ever carries a password', async () => {
    const email = `${uniq('agent')}@example.test`;
    const password = 'agent password 1234';
    const c = await srv.request('POST', '/api/v1/users', {
      body: { email, password, name: 'Alma Agent', role: 'agent', phone: '(415) 555-0123' },
    });
    expectStatus(c, 201);
    expectNoPassword(c, password);
    assert.equal(c.json.email, email);
    assert.equal(c.json.role, 'agent');
    assert.equal(c.json.name, 'Alma Agent');
    assert.equal(c.json.phone, '+14155550123', 'a user\'s phone is kept in E.164 too');
    const id = c.json.id;

    const list = await srv.request('GET', '/api/v1/users');
    expectStatus(list, 200);
    expectNoPassword(list, password);
    assert.ok(list.json.items.some((u) => u.id === id), 'the agent is listed');
    assert.ok(list.json.items.some((u) => u.id === srv.user.id), 'the owner is listed');

    const one = await srv.request('GET', `/api/v1/users/${id}`);
    expectStatus(one, 200);
    expectNoPassword(one, password);
    assert.equal(one.json.email, email);

    const p = await srv.request('PATCH', `/api/v1/users/${id}`, { body: { name: 'Alma Renamed' } });
    expectStatus(p, 200);
    expectNoPassword(p, password);
    assert.equal(p.json.name, 'Alma Renamed');
    assert.equal(p.json.email, email);
    assert.equal((await srv.request('GET', `/api/v1/users/${id}`)).json.name, 'Alma Renamed');

    const l = await srv.login(email, password);
    assert.equal(l.status, 200, 'the agent logs in');
    assert.equal(l.user.role, 'agent');
    expectNoPassword({ json: l.json, text: JSON.stringify(l.json) }, password);

    const del = await srv.request('DELETE', `/api/v1/users/${id}`);
    assert.ok(del.status === 204 || del.status === 200, `DELETE user: ${del.status} ${del.text}`);
    const list2 = await srv.request('GET', '/api/v1/users');
    assert.ok(!list2.json.items.some((u) => u.id === id), 'a deleted user is no longer listed');
    expectError(await srv.request('GET', `/api/v1/users/${id}`), 404, 'not_found');
    expectError(await httpRequest(srv.base, 'GET', '/api/v1/me', { token: l.token }), 401, 'unauthorized');
    const again = await srv.login(email, password);
    assert.equal(again.status, 401, 'a deleted user cannot log in');
  });

  test('a password changed by PATCH replaces the old one', async () => {
    const u = await srv.addUser('agent');
    const p = await srv.request('PATCH', `/api/v1/users/${u.id}`, { body: { password: 'a brand new password' } });
    expectStatus(p, 200);
    expectNoPassword(p, 'a brand new password');
    assert.equal((await srv.login(u.email, u.password)).status, 401, 'old password refused');
    assert.equal((await srv.login(u.email, 'a brand new password')).status, 200, 'new password accepted');
  });

  test('an agent calling /api/v1/users is 403 forbidden, and cannot create a user', async () => {
    const a = await srv.addUser('agent');
    expectError(await a.req('GET', '/api/v1/users'), 403, 'forbidden');
    const email = `${uniq('sneaky')}@example.test`;
    expectError(await a.req('POST', '/api/v1/users', { body: { email, password: 'sneaky password', role: 'owner' } }), 403, 'forbidden');
    expectError(await a.req('PATCH', `/api/v1/users/${a.id}`, { body: { role: 'owner' } }), 403, 'forbidden');
    expectError(await a.req('DELETE', `/api/v1/users/${srv.user.id}`), 403, 'forbidden');
    assert.equal((await srv.login(email, 'sneaky password')).status, 401, 'the refused user does not exist');
    const me = await a.req('GET', '/api/v1/me');
    expectStatus(me, 200);
    assert.equal(me.json.role, 'agent');
  });

  test('an admin may manage users', async () => {
    const adm = await srv.addUser('admin');
    expectStatus(await adm.req('GET', '/api/v1/users'), 200);
    const r = await adm.req('POST', '/api/v1/users', {
      body: { email: `${uniq('byadmin')}@example.test`, password: 'made by an admin', role: 'agent' },
    });
    expectStatus(r, 201);
  });

  test('a second user with an e-mail already in use is 409 conflict', async () => {
    const u = await srv.addUser('agent');
    const r = await srv.request('POST', '/api/v1/users', { body: { email: u.email, password: 'some other password', role: 'agent' } });
    expectError(r, 409, 'conflict');
    assert.equal((await srv.login(u.email, u.password)).status, 200, 'the first user is unharmed');
  });

  test('bad user bodies are refused with the field named', async () => {
    expectError(await srv.request('POST', '/api/v1/users', {
      body: { email: `${uniq('r')}@example.test`, password: 'long enough pw', role: 'emperor' },
    }), 400, 'invalid_value', 'role');
    expectError(await srv.request('POST', '/api/v1/users', {
      body: { email: 'not an email', password: 'long enough pw', role: 'agent' },
    }), 400, 'invalid_value', 'email');
    expectError(await srv.request('POST', '/api/v1/users', {
      body: { email: `${uniq('r')}@example.test`, password: 'long enough pw', role: 'agent', shoe_size: 9 },
    }), 400, 'unknown_field', 'shoe_size');
  });

  test('`rapport user add` makes a user who can log in with the given role', async () => {
    const email = `${uniq('cliagent')}@example.test`;
    await cliOk(['user', 'add', '--email', email, '--password', 'cli agent password', '--role', 'agent', '--account', srv.account], {
      db: srv.db,
    });
    const l = await srv.login(email, 'cli agent password');
    assert.equal(l.status, 200, `login: ${JSON.stringify(l.json)}`);
    assert.equal(l.user.role, 'agent');
    const list = await srv.request('GET', '/api/v1/users');
    assert.ok(list.json.items.some((u) => u.email === email), 'the CLI user is in the owner\'s account');
  });
});

describe('login rate limit', () => {
  test('the 11th failed login for one e-mail within 15 minutes is 429, even with the right password; other e-mails are unaffected', async () => {
    const u = await srv.addUser('agent');
    for (let i = 1; i <= 10; i++) {
      const r = await srv.login(u.email, `wrong password ${i}`);
      assert.equal(r.status, 401, `failure ${i} is 401, got ${r.status} ${JSON.stringify(r.json)}`);
      assert.equal(r.json.error.code, 'invalid_credentials');
    }
    const eleventh = await srv.login(u.email, 'wrong password 11');
    assert.equal(eleventh.status, 429, `11th: ${JSON.stringify(eleventh.json)}`);
    assert.equal(eleventh.json.error.code, 'rate_limited');
    const good = await srv.login(u.email, u.password);
    assert.equal(good.status, 429, 'a good password is still refused while limited');
    assert.equal(good.json.error.code, 'rate_limited');
    assert.equal(good.token, undefined);
    // the limit is per e-mail, not per client address
    assert.equal((await srv.login(srv.email, srv.password)).status, 200);
    // a session opened before the lock keeps working
    expectStatus(await u.req('GET', '/api/v1/me'), 200);
  });
});

describe('login rate limit window', () => {
  test('failures older than 15 minutes no longer count (clock pinned with RAPPORT_NOW across restarts)', async () => {
    const t0 = Date.parse('2030-03-01T10:00:00Z');
    const at = (min) => new Date(t0 + min * 60000).toISOString().replace('.000Z', 'Z');
    let s = await startServer({ env: { RAPPORT_NOW: at(0) }, login: false });
    const { dir, email, password } = s;
    try {
      for (let i = 1; i <= 10; i++) assert.equal((await s.login(email, `wrong ${i}`)).status, 401, `failure ${i}`);
      assert.equal((await s.login(email, password)).status, 429, 'limited at once');
      await s.stop({ keep: true });
      s = await startServer({ dir, email, password, env: { RAPPORT_NOW: at(14) }, login: false });
      assert.equal((await s.login(email, password)).status, 429, 'still limited 14 minutes later');
      await s.stop({ keep: true });
      s = await startServer({ dir, email, password, env: { RAPPORT_NOW: at(31) }, login: false });
      const l = await s.login(email, password);
      assert.equal(l.status, 200, `free again once the failures are older than 15 minutes: ${JSON.stringify(l.json)}`);
    } finally {
      await s.stop();
    }
  });
});

describe('no credentials', () => {
  const table = [
    ['POST', '/api/v1/auth/logout'],
    ['GET', '/api/v1/me'],
    ['GET', '/api/v1/users'],
    ['POST', '/api/v1/users', { email: 'x@example.test', password: 'long enough pw', role: 'agent' }],
    ['GET', `/api/v1/users/${FAKE_ID}`],
    ['PATCH', `/api/v1/users/${FAKE_ID}`, { name: 'x' }],
    ['DELETE', `/api/v1/users/${FAKE_ID}`],
    ['GET', '/api/v1/tokens'],
    ['POST', '/api/v1/tokens', { name: 'x' }],
    ['DELETE', `/api/v1/tokens/${FAKE_ID}`],
    ['GET', '/api/v1/contacts'],
    ['POST', '/api/v1/contacts', { first_name: 'Nobody' }],
    ['GET', `/api/v1/contacts/${FAKE_ID}`],
    ['PATCH', `/api/v1/contacts/${FAKE_ID}`, { first_name: 'x' }],
    ['DELETE', `/api/v1/contacts/${FAKE_ID}`],
    ['GET', `/api/v1/contacts/${FAKE_ID}/history`],
    ['GET', '/api/v1/activities'],
    ['POST', '/api/v1/activities', { contact_id: FAKE_ID, kind: 'note', direction: 'none' }],
    ['GET', `/api/v1/activities/${FAKE_ID}`],
    ['PATCH', `/api/v1/activities/${FAKE_ID}`, { subject: 'x' }],
    ['DELETE', `/api/v1/activities/${FAKE_ID}`],
  ];

  test('every endpoint but login, healthz and metrics is 401 unauthorized without credentials', async () => {
    const failures = [];
    for (const [method, p, body] of table) {
      const r = await httpRequest(srv.base, method, p, { body });
      if (r.status !== 401 || r.json?.error?.code !== 'unauthorized') failures.push(`${method} ${p}: ${r.status} ${r.text.slice(0, 120)}`);
    }
    assert.deepEqual(failures, []);
  });

  test('every endpoint is 401 unauthorized with a revoked API token', async () => {
    const c = await srv.request('POST', '/api/v1/tokens', { body: { name: uniq('revoked') } });
    expectStatus(c, 201);
    const del = await srv.request('DELETE', `/api/v1/tokens/${c.json.id}`);
    assert.ok(del.status === 204 || del.status === 200, `revoke: ${del.status} ${del.text}`);
    const failures = [];
    for (const [method, p, body] of table) {
      const r = await httpRequest(srv.base, method, p, { body, token: c.json.token });
      if (r.status !== 401 || r.json?.error?.code !== 'unauthorized') failures.push(`${method} ${p}: ${r.status} ${r.text.slice(0, 120)}`);
    }
    assert.deepEqual(failures, []);
  });
});
