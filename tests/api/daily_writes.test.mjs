// The daily job lets the server's other writes in (issue 5 at a million
// contacts; docs/operations.md "The daily job"): POST /api/v1/jobs/daily
// writes a range of contacts per transaction with a pause between them
// (RAPPORT_DAILY_CHUNK=1 here: one contact each, 50 ms apart, so 40
// contacts take about two seconds). A write sent while it runs is answered
// before the job's own answer, where one transaction for the whole job
// would have made it wait until the end (and, at a million contacts, give
// up after SQLite's 5 s busy timeout). Every contact is scored, and the
// contact written meanwhile keeps the score its own write gave it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { expectStatus } from './lib/expect.mjs';
import { createContact, getOk } from './lib/fixtures.mjs';
import { startServer, uniq } from './lib/server.mjs';

const CONTACTS = 40;
let srv;

before(async () => {
  srv = await startServer({ env: { RAPPORT_DAILY_CHUNK: '1' } });
});
after(async () => {
  await srv?.stop();
});

test('a write sent during POST /jobs/daily is answered before the job is', async () => {
  const req = srv.request;
  const ids = [];
  for (let i = 0; i < CONTACTS; i++)
    ids.push((await createContact(req, { first_name: uniq('Day'), status: 'lead' })).id);

  const order = [];
  const job = req('POST', '/api/v1/jobs/daily', { body: {} }).then((r) => {
    order.push('job');
    return r;
  });
  await new Promise((r) => setTimeout(r, 300)); // the job is between its ranges by now
  // (any connection: the job runs on a thread of its own, server.c "long
  // requests"; tests/api/long_requests.test.mjs)
  const write = req('POST', '/api/v1/activities', {
    body: { contact_id: ids[CONTACTS - 1], kind: 'call', direction: 'inbound', subject: 'While the job runs' },
  }).then((r) => {
    order.push('write');
    return r;
  });
  const [jr, wr] = await Promise.all([job, write]);
  expectStatus(wr, 201, 'POST /api/v1/activities during the job');
  expectStatus(jr, 200, 'POST /api/v1/jobs/daily');
  assert.deepEqual(order, ['write', 'job'], 'the write did not wait for the whole job');
  assert.equal(jr.json.contacts, CONTACTS);
  assert.equal(jr.json.history_rows, CONTACTS);

  // the contact written meanwhile keeps the score its own write gave it
  const scored = await getOk(req, `/api/v1/contacts/${ids[CONTACTS - 1]}/score`);
  const kept = await getOk(req, `/api/v1/contacts/${ids[CONTACTS - 1]}`);
  assert.equal(kept.score, scored.score);
});
