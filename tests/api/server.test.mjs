// The server itself (API.md "Conventions", "Command line"): /healthz,
// /metrics, keep-alive connections, graceful stop on SIGTERM with the data
// kept across a restart, and the CLI's exit statuses.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { expectError, expectStatus } from './lib/expect.mjs';
import { createContact, getOk } from './lib/fixtures.mjs';
import { httpRequest, runCli, startServer, uniq } from './lib/server.mjs';

let srv;
before(async () => {
  srv = await startServer();
});
after(async () => {
  await srv?.stop();
});

describe('health and metrics', () => {
  test('/healthz answers 200 {"status":"ok"} without auth', async () => {
    const r = await httpRequest(srv.base, 'GET', '/healthz');
    expectStatus(r, 200);
    assert.deepEqual(r.json, { status: 'ok' });
    assert.match(r.headers.get('content-type') || '', /^application\/json/);
  });

  const requestsTotal = (text) =>
    text.split('\n').filter((l) => l.startsWith('rapport_http_requests_total'))
      .reduce((sum, l) => sum + Number(l.trim().split(/\s+/).at(-1)), 0);

  test('/metrics answers Prometheus text with rapport_http_requests_total, which counts requests', async () => {
    const r = await httpRequest(srv.base, 'GET', '/metrics');
    expectStatus(r, 200);
    assert.match(r.headers.get('content-type') || '', /^text\/plain/);
    assert.match(r.text, /^# TYPE rapport_http_requests_total counter$/m);
    assert.match(r.text, /^rapport_http_requests_total(\{[^}]*\})? \d+(\.\d+)?$/m);
    const before1 = requestsTotal(r.text);
    for (let i = 0; i < 5; i++) expectStatus(await srv.request('GET', '/api/v1/me'), 200);
    const after1 = requestsTotal((await httpRequest(srv.base, 'GET', '/metrics')).text);
    assert.ok(after1 >= before1 + 5, `the counter grew by at least 5: ${before1} -> ${after1}`);
  });
});

describe('keep-alive', () => {
  test('several requests, POSTs with bodies included, share one connection', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const sockets = new Set();
    const one = (method, p, body) =>
      new Promise((resolve, reject) => {
        const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
        const r = http.request(`${srv.base}${p}`, {
          method,
          agent,
          headers: {
            Authorization: `Bearer ${srv.token}`,
            ...(data ? { 'Content-Type': 'application/json', 'Content-Length': data.length } : {}),
          },
        }, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (d) => (text += d));
          res.on('end', () => resolve({ status: res.statusCode, text, reused: r.reusedSocket }));
        });
        r.on('socket', (s) => sockets.add(s));
        r.on('error', reject);
        r.end(data);
      });
    try {
      const results = [];
      results.push(await one('GET', '/api/v1/me'));
      const c = await one('POST', '/api/v1/contacts', { first_name: uniq('Keep'), notes: 'k'.repeat(20000) });
      results.push(c);
      const id = JSON.parse(c.text).id;
      results.push(await one('PATCH', `/api/v1/contacts/${id}`, { company: 'Alive Inc' }));
      results.push(await one('GET', `/api/v1/contacts/${id}`));
      results.push(await one('POST', '/api/v1/activities', { contact_id: id, kind: 'note', direction: 'none', body: 'on one socket' }));
      results.push(await one('GET', '/healthz'));
      assert.deepEqual(results.map((x) => x.status), [200, 201, 200, 200, 201, 200], results.map((x) => x.text.slice(0, 100)).join('\n'));
      assert.equal(JSON.parse(results[3].text).company, 'Alive Inc');
      assert.equal(sockets.size, 1, 'one TCP connection for all requests');
      assert.deepEqual(results.slice(1).map((x) => x.reused), [true, true, true, true, true]);
    } finally {
      agent.destroy();
    }
  });
});

describe('graceful stop', () => {
  test('SIGTERM makes the server exit 0 within a few seconds; the data written before is there after a restart', async () => {
    const s = await startServer();
    let s2;
    let stopped = false;
    try {
      const c = await createContact(s.request, { first_name: uniq('Durable'), phones: [{ number: '(415) 555-0166' }] });
      const p = await s.request('PATCH', `/api/v1/contacts/${c.id}`, { body: { notes: 'written just before the stop' } });
      expectStatus(p, 200);
      const t0 = Date.now();
      const e = await s.stop({ keep: true });
      stopped = true;
      const took = Date.now() - t0;
      assert.equal(e.code, 0, `exit status 0, got ${e.code ?? e.signal}; stderr: ${s.stderr().slice(-500)}`);
      assert.ok(took < 5000, `stopped in ${took} ms`);
      await assert.rejects(fetch(`${s.base}/healthz`), 'no longer listening');
      s2 = await startServer({ dir: s.dir, email: s.email, password: s.password });
      const got = await getOk(s2.request, `/api/v1/contacts/${c.id}`);
      assert.deepEqual(got, p.json);
    } finally {
      if (!stopped) await s.stop();
      if (s2) await s2.stop();
      fs.rmSync(s.dir, { recursive: true, force: true });
    }
  });
});

describe('command line', () => {
  test('an unknown command or a missing argument is a usage error: exit 2, one line on stderr', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rapport-cli-'));
    try {
      const db = path.join(dir, 'x.db');
      const a = await runCli(['frobnicate'], { db });
      assert.equal(a.code, 2, `unknown command: ${a.code} ${a.stderr}`);
      assert.equal(a.stderr.trim().split('\n').length, 1, `one line: ${JSON.stringify(a.stderr)}`);
      const b = await runCli(['init', '--account', 'X', '--email', 'x@example.test'], { db });
      assert.equal(b.code, 2, `init without --password: ${b.code} ${b.stderr}`);
      assert.ok(b.stderr.trim().length > 0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('serve on an address in use fails with exit 1 and a message', async () => {
    const r = await runCli(['serve', '--listen', `127.0.0.1:${srv.port}`], { db: srv.db, timeoutMs: 10000 });
    assert.equal(r.code, 1, `exit ${r.code ?? r.signal}: ${r.stderr}`);
    assert.ok(r.stderr.trim().length > 0);
    expectStatus(await httpRequest(srv.base, 'GET', '/healthz'), 200, 'the running server is unharmed');
  });

  test('the account made by init answers on the API; the first user is its owner', async () => {
    const me = await srv.request('GET', '/api/v1/me');
    expectStatus(me, 200);
    assert.equal(me.json.role, 'owner');
    expectError(await httpRequest(srv.base, 'GET', '/api/v1/me'), 401, 'unauthorized');
  });
});
