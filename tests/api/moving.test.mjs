// Moving an account between SQLite and PostgreSQL (issue 9 "Moving";
// docs/import.md "Moving"): `rapport --db A.db export --format jsonl`, then
// `rapport --db postgresql://.../B import` of that file gives the same
// account on PostgreSQL, and the way back (PostgreSQL -> SQLite) too. An
// account is made on SQLite (the demo plus what a user adds through the
// API: accented names, tags, an activity, a deal, a task, a workflow run, a
// message), moved to PostgreSQL, and a server there answers as the SQLite
// one did (contacts, accent-insensitive prefix search, timelines, history,
// scores, deals, tasks, workflows); the export of PostgreSQL is the export
// of SQLite line for line; then it moves back to a new SQLite file and the
// same holds.
//
// Needs both stores: it runs under `make api-pg` (RAPPORT_TEST_PG) and is
// skipped, with the reason, on SQLite alone. The SQLite servers are started
// here (startServer gives PostgreSQL databases under `make api-pg`).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { expectStatus } from './lib/expect.mjs';
import { createActivity, createContact, createProperty, createTransaction, dateDays, exportLines as lines, getOk, historyOf, patchOk, walkPages } from './lib/fixtures.mjs';
import { BIN, cliOk, dbFor, dropDbOf, freePort, httpRequest, login, onPostgres, startServer, uniq } from './lib/server.mjs';

const DEMO_EMAIL = 'demo@rapport.test';
const DEMO_PASSWORD = 'demo-password';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const skip = onPostgres ? false : 'moving between the stores needs PostgreSQL: run with RAPPORT_TEST_PG set (make api-pg)';

const dirs = [];
function tempDir() {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'rapport-moving-'));
  dirs.push(d);
  return d;
}


/** Compares two exports line by line, saying which line differs first
 * (a deepEqual of 6,000 lines would print them all); withoutTokens: but
 * the tokens rows (the sessions of the logins on a server). */
function sameExport(a, b, what, { withoutTokens = false } = {}) {
  const keep = (x) => !withoutTokens || !x.startsWith('{"t":"tokens"');
  const x = lines(a).filter(keep);
  const y = lines(b).filter(keep);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) assert.equal(y[i], x[i], `${what}: line ${i + 1} differs`);
  assert.equal(y.length, x.length, `${what}: as many lines`);
}

/** `rapport serve` on a SQLite file, logged in as the demo owner:
 * {request, login, stop()}. */
async function serveSqlite(db) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const proc = spawn(BIN, ['--db', db, 'serve', '--listen', `127.0.0.1:${port}`], {
    env: { ...process.env, RAPPORT_LOG: 'warn' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  proc.stderr.on('data', (d) => (err += d));
  const exited = new Promise((resolve) => proc.on('exit', resolve));
  let gone = false;
  exited.then(() => (gone = true));
  const stop = async () => {
    if (!gone) proc.kill('SIGTERM');
    const t = setTimeout(() => proc.kill('SIGKILL'), 15000);
    await exited;
    clearTimeout(t);
  };
  for (const deadline = Date.now() + 10000; ; ) {
    if (gone) throw new Error(`rapport serve on ${db} exited: ${err.trim()}`);
    try {
      const r = await fetch(`${base}/healthz`);
      await r.text();
      if (r.status === 200) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`rapport serve on ${db} not healthy within 10 s: ${err.trim()}`);
    }
    await sleep(100);
  }
  const l = await login(base, DEMO_EMAIL, DEMO_PASSWORD);
  if (l.status !== 200) {
    await stop();
    throw new Error(`demo login: ${l.status} ${JSON.stringify(l.json)}`);
  }
  return {
    db,
    request: (method, p, o = {}) => httpRequest(base, method, p, { token: l.token, ...o }),
    login: (e, pw) => login(base, e, pw),
    stop,
  };
}

const SEARCHES = ['angs', 'ÅNGSTRÖM', 'zoe', 'nunez', 'Núñ', 'creme brul', 'cafe', 'demenag'];

/** What a user sees of the account through the API. */
async function snapshot(req, mine) {
  const all = async (p, params = {}) => (await walkPages(req, p, { limit: 500, ...params })).items;
  const contacts = [...(await all('/api/v1/contacts')), ...(await all('/api/v1/contacts', { archived: true }))];
  contacts.sort((a, b) => a.id.localeCompare(b.id));
  const picked = contacts.filter((c, i) => i % 23 === 0 || mine.includes(c.id));
  const history = {};
  const scores = {};
  const timelines = {};
  for (const c of picked) {
    history[c.id] = await historyOf(req, c.id);
    scores[c.id] = await getOk(req, `/api/v1/contacts/${c.id}/score/history`);
    timelines[c.id] = await getOk(req, `/api/v1/contacts/${c.id}/timeline?limit=200`);
  }
  const search = {};
  for (const q of SEARCHES) search[q] = (await getOk(req, `/api/v1/contacts?q=${encodeURIComponent(q)}&limit=100`)).items.map((c) => c.id);
  return {
    contacts,
    history,
    scores,
    timelines,
    search,
    activities: await all('/api/v1/activities'),
    properties: await all('/api/v1/properties'),
    transactions: await all('/api/v1/transactions'),
    tasks: await all('/api/v1/tasks'),
    workflows: (await getOk(req, '/api/v1/workflows')).items,
    runs: await all('/api/v1/workflow-runs'),
    messages: await all('/api/v1/messages'),
    users: (await getOk(req, '/api/v1/users?limit=500')).items,
    capture_forms: (await getOk(req, '/api/v1/capture-forms')).items,
  };
}

function sameSnapshot(after, before, where) {
  for (const k of Object.keys(before)) assert.deepEqual(after[k], before[k], `${k} are the same ${where}`);
}

describe('moving an account between SQLite and PostgreSQL', { skip }, () => {
  let srcDb;
  let agent;
  let zoe;
  let jose;
  let mine;
  let exportSqlite; // the export of the SQLite source
  let before0; // the source as the API shows it
  const pgDir = skip ? null : tempDir();

  before(async () => {
    srcDb = path.join(tempDir(), 'a.db');
    await cliOk(['demo', '--contacts', '200'], { db: srcDb, timeoutMs: 120000 });
    const src = await serveSqlite(srcDb);
    try {
      const req = src.request;
      const u = { email: `${uniq('agent')}@example.test`, password: `pw-${uniq('x')}-long` };
      expectStatus(await req('POST', '/api/v1/users', { body: { ...u, role: 'agent', name: 'Agent Ærø' } }), 201, 'user');
      agent = u;
      zoe = await createContact(req, { first_name: 'Zoë', last_name: 'Ångström', phones: [{ number: '+15125550143' }], emails: [{ address: 'zoe.angstrom@example.test' }], tags: ['déménagement', 'vip'] });
      zoe = await patchOk(req, `/api/v1/contacts/${zoe.id}`, { notes: 'Café au lait on "Main" St.\nSecond line', status: 'prospect' });
      jose = await createContact(req, { first_name: 'José', last_name: 'Núñez', company: 'Crème Brûlée Realty', referred_by: zoe.id, tags: ['vip'] });
      await createActivity(req, { contact_id: jose.id, kind: 'note', direction: 'none', body: 'Préfère les appels le matin' });
      await createActivity(req, { contact_id: zoe.id, kind: 'call', direction: 'outbound', body: 'Talked about the move' });
      const p = await createProperty(req, { status: 'closed', close_date: dateDays(-2), list_price: 410000, close_price: 402500, commission: 12075, contacts: [{ contact_id: zoe.id, role: 'seller' }] });
      await createTransaction(req, { property_id: p.id, status: 'closed', close_date: dateDays(-2), price: 402500, commission: 12075.5, contacts: [{ contact_id: jose.id, role: 'buyer' }] });
      expectStatus(await req('POST', '/api/v1/tasks', { body: { contact_id: jose.id, title: 'Rappeler José', kind: 'call' } }), 201, 'task');
      const w = await req('POST', '/api/v1/workflows', {
        body: { name: uniq('Suivi '), stop_on_reply: true, trigger: { event: 'manual' }, steps: [{ after: 'P2D', action: 'send_sms', params: { body: 'toujours intéressé ?' } }] },
      });
      expectStatus(w, 201, 'workflow');
      expectStatus(await req('POST', `/api/v1/workflows/${w.json.id}/enroll`, { body: { contact_id: zoe.id } }), 201, 'enroll');
      const m = await req('POST', '/api/v1/messages', { body: { contact_id: zoe.id, channel: 'sms', body: 'Bonjour Zoë' } });
      expectStatus(m, 201, 'message');
      mine = [zoe.id, jose.id];
      // settled: the message sent or given up, the daily job of today run,
      // so that two exports in a row are the same
      let prev = null;
      for (let i = 0; ; i++) {
        const r = await req('GET', '/api/v1/export/all.jsonl');
        expectStatus(r, 200, 'GET /export/all.jsonl');
        const msg = await getOk(req, `/api/v1/messages/${m.json.id}`);
        if (prev !== null && msg.status !== 'queued' && msg.status !== 'sending' && lines(r.text).join('\n') === lines(prev).join('\n')) break;
        if (i > 100) throw new Error('the account did not settle');
        prev = r.text;
        await sleep(200);
      }
      before0 = await snapshot(req, mine);
    } finally {
      await src.stop();
    }
    exportSqlite = (await cliOk(['export', '--format', 'jsonl'], { db: srcDb })).stdout;
  });

  after(async () => {
    if (pgDir) await dropDbOf(pgDir);
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  let exportPg;

  test('SQLite -> PostgreSQL: the same account, and the same export line for line', async () => {
    const file = path.join(tempDir(), 'from-sqlite.jsonl');
    fs.writeFileSync(file, exportSqlite);
    const pgDb = await dbFor(pgDir);
    assert.match(pgDb, /^postgres(ql)?:\/\//);
    const r = await cliOk(['import', file], { db: pgDb, timeoutMs: 120000 });
    const rows = lines(exportSqlite).length - 1;
    assert.match(r.stdout, new RegExp(`Restored account 'Demo Realty' \\([0-9a-f-]{36}\\) from .* ${rows} rows`));
    const nContacts = exportSqlite.split('\n').filter((x) => x.startsWith('{"t":"contacts"')).length;
    assert.match(r.stdout, new RegExp(`\\n  contacts +${nContacts}\\n`));
    // what went in comes out, line for line
    exportPg = (await cliOk(['export', '--format', 'jsonl'], { db: pgDb })).stdout;
    sameExport(exportSqlite, exportPg, 'rapport export on PostgreSQL against that of SQLite');

    const dst = await startServer({ dir: pgDir, email: DEMO_EMAIL, password: DEMO_PASSWORD });
    try {
      const now = await snapshot(dst.request, mine);
      assert.ok(before0.contacts.length > 200 && before0.activities.length > 1000 && before0.transactions.length > 1 && before0.tasks.length >= 1 && before0.runs.length >= 1);
      assert.deepEqual(before0.search.angs, [zoe.id], 'a prefix finds Ångström');
      assert.deepEqual(before0.search.nunez, [jose.id]);
      assert.ok(before0.search.cafe.includes(zoe.id) && before0.search.demenag.includes(zoe.id), 'notes and tags are searchable, accents folded');
      sameSnapshot(now, before0, 'on PostgreSQL');
      // users log in with their passwords there
      const l = await dst.login(agent.email, agent.password);
      assert.equal(l.status, 200, JSON.stringify(l.json));
      // the server changed nothing but the sessions of its logins
      const e = await dst.request('GET', '/api/v1/export/all.jsonl');
      expectStatus(e, 200, 'GET /export/all.jsonl on PostgreSQL');
      sameExport(exportSqlite, e.text, 'GET /export/all.jsonl on PostgreSQL', { withoutTokens: true });
    } finally {
      await dst.stop({ keep: true });
    }
  });

  test('PostgreSQL -> SQLite: the same account again', async () => {
    assert.ok(exportPg, 'the move to PostgreSQL ran');
    const file = path.join(tempDir(), 'from-pg.jsonl');
    fs.writeFileSync(file, exportPg);
    const db = path.join(tempDir(), 'back.db');
    await cliOk(['import', file], { db, timeoutMs: 120000 });
    sameExport(exportSqlite, (await cliOk(['export', '--format', 'jsonl'], { db })).stdout, 'the export after the way back');
    const dst = await serveSqlite(db);
    try {
      sameSnapshot(await snapshot(dst.request, mine), before0, 'back on SQLite');
      const l = await dst.login(agent.email, agent.password);
      assert.equal(l.status, 200, JSON.stringify(l.json));
    } finally {
      await dst.stop();
    }
  });
});
