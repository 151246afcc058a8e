// Long requests run on a thread of their own (server.c "long requests",
// RP_ROUTE_OWN_THREAD): POST /api/v1/jobs/daily, /jobs/mail-sync and the
// exports take seconds at a million contacts. libmicrohttpd keeps a
// connection on the server thread that accepted it, so a handler running
// there held up every other connection of that thread until it ended (the
// web UI's keep-alive requests among them). With `--threads 1` every
// connection is on one server thread: a request sent while the daily job
// runs (RAPPORT_DAILY_CHUNK=1: one contact per transaction, 50 ms apart,
// so 30 contacts take about 1.5 s) must still be answered before the job
// is, on the same keep-alive connection pool and on a new connection; and
// a stop (SIGTERM) during the job lets it finish and answer first.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, test } from 'node:test';

import { expectStatus } from './lib/expect.mjs';
import { createContact, getOk } from './lib/fixtures.mjs';
import { startServer, uniq } from './lib/server.mjs';

const CONTACTS = 30;
let srv;

/** A request on a new connection (agent: false). Resolves {status, json}. */
function fresh(method, path, body) {
  const data = body === undefined ? '' : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const rq = http.request(`${srv.base}${path}`, {
      method,
      agent: false,
      headers: {
        Authorization: `Bearer ${srv.token}`,
        ...(data ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) } : {}),
      },
    }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => {
        let json = null;
        try {
          json = text ? JSON.parse(text) : null;
        } catch {
          /* a download */
        }
        resolve({ status: res.statusCode, text, json });
      });
    });
    rq.on('error', reject);
    rq.end(data);
  });
}

async function addContacts(n) {
  const ids = [];
  for (let i = 0; i < n; i++)
    ids.push((await createContact(srv.request, { first_name: uniq('Long'), status: 'lead' })).id);
  return ids;
}

before(async () => {
  srv = await startServer({ env: { RAPPORT_DAILY_CHUNK: '1' }, args: ['--threads', '1'] });
});
after(async () => {
  await srv?.stop();
});

test('requests on the one server thread are answered while POST /jobs/daily runs', async () => {
  const ids = await addContacts(CONTACTS);
  const order = [];
  const job = fresh('POST', '/api/v1/jobs/daily', {}).then((r) => {
    order.push('job');
    return r;
  });
  await new Promise((r) => setTimeout(r, 300)); // the job is between its ranges by now
  const list = srv.request('GET', '/api/v1/contacts?limit=5').then((r) => {
    order.push('list');
    return r;
  });
  const write = fresh('POST', '/api/v1/activities', {
    contact_id: ids[0], kind: 'call', direction: 'inbound', subject: 'While the job runs',
  }).then((r) => {
    order.push('write');
    return r;
  });
  const [jr, lr, wr] = await Promise.all([job, list, write]);
  expectStatus(lr, 200, 'GET /api/v1/contacts during the job');
  expectStatus(wr, 201, 'POST /api/v1/activities during the job');
  expectStatus(jr, 200, 'POST /api/v1/jobs/daily');
  assert.equal(order[order.length - 1], 'job', `the other requests waited for the job: ${order}`);
  assert.equal(jr.json.contacts, CONTACTS);
  assert.equal(jr.json.history_rows, CONTACTS);
  assert.equal(lr.json.items.length, 5);
});

test('an export answers in full from its own thread, errors too', async () => {
  const r = await srv.request('GET', '/api/v1/export/all.jsonl');
  expectStatus(r, 200, 'GET /api/v1/export/all.jsonl');
  const lines = r.text.trim().split('\n');
  assert.equal(r.headers.get('x-total-count'), String(lines.length - 1));
  assert.ok(lines.filter((l) => JSON.parse(l).t === 'contacts').length >= CONTACTS);
  const csv = await srv.request('GET', '/api/v1/export/contacts.csv');
  expectStatus(csv, 200, 'GET /api/v1/export/contacts.csv');
  assert.equal(csv.headers.get('content-type'), 'text/csv; charset=utf-8');
  // an error found on the thread is the API's JSON error
  const bad = await srv.request('GET', '/api/v1/export/contacts.vcf?version=5');
  expectStatus(bad, 400, 'vCard version 5');
  assert.equal(bad.json.error.field, 'version');
  const anon = await srv.request('GET', '/api/v1/export/all.jsonl', { token: null });
  expectStatus(anon, 401, 'export without a token');
  const agent = await srv.addUser('agent');
  expectStatus(await agent.req('POST', '/api/v1/jobs/daily', { body: {} }), 403, 'the daily job as an agent');
});

test('a burst of exports past the own-thread cap (16) all answer, whole and alike', async () => {
  const rs = await Promise.all(Array.from({ length: 24 }, () => fresh('GET', '/api/v1/export/contacts.vcf')));
  for (const r of rs) assert.equal(r.status, 200);
  const texts = new Set(rs.map((r) => r.text));
  assert.equal(texts.size, 1, 'every answer the same vCard file');
  assert.ok([...texts][0].startsWith('BEGIN:VCARD'));
});

test('a stop during POST /jobs/daily lets the job finish and answer', async () => {
  const job = fresh('POST', '/api/v1/jobs/daily', {});
  await new Promise((r) => setTimeout(r, 300));
  srv.proc.kill('SIGTERM');
  const jr = await job;
  expectStatus(jr, 200, 'POST /api/v1/jobs/daily across the stop');
  assert.ok(jr.json.contacts >= CONTACTS);
  const e = await srv.exited;
  assert.equal(e.code, 0, `rapport serve exited with ${e.code ?? e.signal}: ${srv.stderr()}`);
});
