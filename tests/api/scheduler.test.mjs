// The daily job run by `rapport serve` (issue 5; docs/operations.md "The
// daily job"): at start and then every minute, each account whose local time
// is past 00:05 gets the run of its local day once, whatever the number of
// servers on the database. Each server here pins its clock (RAPPORT_NOW)
// to a day after today, so its first pass is due at once; the run shows in
// GET /stage-averages (its day) and in the contact's score history.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

import { expectStatus } from './lib/expect.mjs';
import { createContact, getOk } from './lib/fixtures.mjs';
import { cliOk, dbFor, startServer, uniq } from './lib/server.mjs';

const DAY_MS = 86400000;

/** An RFC 3339 time `days` days after today (UTC) at hh:mm UTC. */
function pinned(days, hhmm = '15:00') {
  const d = new Date(Date.now() + days * DAY_MS);
  return `${d.toISOString().slice(0, 10)}T${hhmm}:00Z`;
}

/** The date `days` after the date of the RFC 3339 time t. */
function dateAfter(t, days = 0) {
  return new Date(Date.parse(t) + days * DAY_MS).toISOString().slice(0, 10);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls fn (async, truthy when done) every 100 ms for up to ms. */
async function until(what, fn, ms = 15000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not seen within ${ms} ms`);
    await sleep(100);
  }
}

/** The daily job's log lines of a server: runs and days found claimed. */
const runs = (srv) => srv.stderr().split('\n').filter((l) => / info daily job: account /.test(l));
const claimedLines = (srv) => srv.stderr().split('\n').filter((l) => /daily job: .* already claimed/.test(l));

async function stageDay(srv) {
  const r = await srv.request('GET', '/api/v1/stage-averages');
  expectStatus(r, 200, 'GET /api/v1/stage-averages');
  return r.json.day;
}

async function historyDays(srv, id, from, to) {
  const r = await srv.request('GET', `/api/v1/contacts/${id}/score/history?from=${from}&to=${to}`);
  expectStatus(r, 200, 'GET score/history');
  return r.json.items.map((it) => it.day);
}

test('a server runs the day at start; a restart the next day runs that day once', async () => {
  const t1 = pinned(2);
  let srv = await startServer({ env: { RAPPORT_NOW: t1, RAPPORT_LOG: 'info' } });
  try {
    await until('the first run', async () => (await stageDay(srv)) === dateAfter(t1));
    assert.equal(runs(srv).length, 1, srv.stderr());
    assert.match(runs(srv)[0], new RegExp(`${dateAfter(t1)} \\(UTC\\)`));
    const c = await createContact(srv.request, { first_name: uniq('Sched'), status: 'lead' });
    const { dir, email, password } = srv;
    await srv.stop({ keep: true });

    const t2 = pinned(3);
    srv = await startServer({ dir, email, password, env: { RAPPORT_NOW: t2, RAPPORT_LOG: 'info' } });
    const d2 = dateAfter(t2);
    await until('the next day in the score history', async () =>
      (await historyDays(srv, c.id, d2, d2)).includes(d2));
    assert.equal(await stageDay(srv), d2);
    assert.equal(runs(srv).length, 1, srv.stderr());
    // the contact itself is as the run left it
    const got = await getOk(srv.request, `/api/v1/contacts/${c.id}`);
    assert.equal(typeof got.score, 'number');
  } finally {
    await srv.stop();
  }
});

test('two servers on one database run the day once between them', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rapport-api-'));
  const db = await dbFor(dir);
  const email = `${uniq('owner')}@example.test`;
  const password = 'correct horse battery staple';
  await cliOk(['init', '--account', uniq('Acct '), '--email', email, '--password', password], { db });
  const env = { RAPPORT_NOW: pinned(4), RAPPORT_LOG: 'debug' };
  let a;
  let b;
  try {
    [a, b] = await Promise.all([
      startServer({ dir, email, password, env }),
      startServer({ dir, email, password, env }),
    ]);
    await until('both servers looked at the day', () =>
      runs(a).length + claimedLines(a).length >= 1 && runs(b).length + claimedLines(b).length >= 1);
    assert.equal(runs(a).length + runs(b).length, 1, `A:\n${a.stderr()}\nB:\n${b.stderr()}`);
    assert.equal(claimedLines(a).length + claimedLines(b).length, 1);
  } finally {
    await a?.stop({ keep: true });
    await b?.stop({ keep: true });
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("the day is the account's local date: after UTC midnight in Kiritimati (UTC+14)", async () => {
  const t = pinned(5, '11:00'); // 01:00 of the next day in Kiritimati
  let srv = await startServer({ env: { RAPPORT_NOW: t, RAPPORT_LOG: 'info' } });
  try {
    await until('the run of the UTC day', async () => (await stageDay(srv)) === dateAfter(t));
    const c = await createContact(srv.request, { first_name: uniq('Kiri'), status: 'lead' });
    const put = await srv.request('PUT', '/api/v1/settings', { body: { timezone: 'Pacific/Kiritimati' } });
    expectStatus(put, 200, 'PUT /api/v1/settings');
    const { dir, email, password } = srv;
    await srv.stop({ keep: true });
    srv = await startServer({ dir, email, password, env: { RAPPORT_NOW: t, RAPPORT_LOG: 'info' } });
    const local = dateAfter(t, 1);
    await until('the local day in the score history', async () =>
      (await historyDays(srv, c.id, local, local)).includes(local));
    assert.equal(await stageDay(srv), local);
    assert.match(runs(srv)[0], new RegExp(`${local} \\(Pacific/Kiritimati\\)`));
  } finally {
    await srv.stop();
  }
});

test('an unknown timezone is refused by name', async () => {
  const srv = await startServer();
  try {
    const r = await srv.request('PUT', '/api/v1/settings', { body: { timezone: 'Europe/Atlantis' } });
    expectStatus(r, 400, 'PUT an unknown timezone');
    assert.equal(r.json.error.code, 'invalid_value');
    assert.equal(r.json.error.field, 'timezone');
    assert.match(r.json.error.message, /unknown timezone "Europe\/Atlantis"/);
    for (const tz of ['Asia/Kolkata', 'Australia/Lord_Howe', 'America/Argentina/Buenos_Aires', 'UTC']) {
      const ok = await srv.request('PUT', '/api/v1/settings', { body: { timezone: tz } });
      expectStatus(ok, 200, `PUT timezone ${tz}`);
      assert.equal(ok.json.timezone, tz);
    }
  } finally {
    await srv.stop();
  }
});
