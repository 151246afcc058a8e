// Backup and restore (issue 8; docs/api.md "Backup and restore"):
// GET /api/v1/export/all.jsonl and `rapport export --format jsonl` give
// everything of the account; `rapport --db NEW import FILE` restores it
// into a database without that account, and a server on NEW then answers
// as the old one did: contacts with their score, status and history,
// activities, deals, tasks, workflows, runs, messages, and users who log
// in with their passwords. A bad line is reported by number and nothing
// is written.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { expectError, expectStatus } from './lib/expect.mjs';
import { createContact, exportLines as lines, getOk, historyOf, patchOk, walkPages } from './lib/fixtures.mjs';
import { cliOk, dbFor, runCli, startServer, uniq } from './lib/server.mjs';

const DEMO_EMAIL = 'demo@rapport.test';
const DEMO_PASSWORD = 'demo-password';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const dirs = [];
function tempDir() {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'rapport-backup-'));
  dirs.push(d);
  return d;
}


/** What a user sees of the account through the API. */
async function snapshot(req) {
  const all = async (p, params = {}) => (await walkPages(req, p, { limit: 500, ...params })).items;
  const contacts = [...(await all('/api/v1/contacts')), ...(await all('/api/v1/contacts', { archived: true }))];
  contacts.sort((a, b) => a.id.localeCompare(b.id));
  const picked = contacts.filter((c, i) => i % 37 === 0 || c.notes?.startsWith('Restored? '));
  const history = {};
  const scores = {};
  for (const c of picked) {
    history[c.id] = await historyOf(req, c.id);
    scores[c.id] = await getOk(req, `/api/v1/contacts/${c.id}/score/history`);
  }
  return {
    contacts,
    history,
    scores,
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

let src;
let agent;
let edited;
let fileHttp;
let httpText;

before(async () => {
  const dir = tempDir();
  await cliOk(['demo', '--contacts', '200'], { db: await dbFor(dir), timeoutMs: 120000 });
  src = await startServer({ dir, email: DEMO_EMAIL, password: DEMO_PASSWORD });
  const req = src.request;
  // what the demo does not make: another user, a task, a run, a message, an edit
  agent = await src.addUser('agent');
  edited = await createContact(req, { first_name: 'Zoë', last_name: uniq('Backup'), phones: [{ number: '+15125550142' }], tags: ['backup'] });
  edited = await patchOk(req, `/api/v1/contacts/${edited.id}`, { notes: 'Restored? Café on "Main" St.\nSecond line', status: 'prospect' });
  expectStatus(await req('POST', '/api/v1/tasks', { body: { contact_id: edited.id, title: 'Call about the listing', kind: 'call' } }), 201, 'task');
  const w = await req('POST', '/api/v1/workflows', {
    body: { name: uniq('Nurture'), stop_on_reply: true, trigger: { event: 'manual' }, steps: [{ after: 'P2D', action: 'send_sms', params: { body: 'still looking?' } }] },
  });
  expectStatus(w, 201, 'workflow');
  expectStatus(await req('POST', `/api/v1/workflows/${w.json.id}/enroll`, { body: { contact_id: edited.id } }), 201, 'enroll');
  // a second run of our own: the runs the daily job starts (trend and
  // press-for-agreement alerts on the demo's contacts) depend on the hour
  // the demo was made at, and some hours give none
  const other = await createContact(req, { first_name: 'Ola', last_name: uniq('Backup'), phones: [{ number: '+15125550143' }] });
  expectStatus(await req('POST', `/api/v1/workflows/${w.json.id}/enroll`, { body: { contact_id: other.id } }), 201, 'enroll a second contact');
  const m = await req('POST', '/api/v1/messages', { body: { contact_id: edited.id, channel: 'sms', body: 'Hello from the backup test' } });
  expectStatus(m, 201, 'message');
  // settled: the message sent or given up, the daily job of today run, so
  // that two exports in a row are the same
  let prev = null;
  for (let i = 0; ; i++) {
    const r = await req('GET', '/api/v1/export/all.jsonl');
    expectStatus(r, 200, 'GET /export/all.jsonl');
    const msg = await getOk(req, `/api/v1/messages/${m.json.id}`);
    if (prev !== null && msg.status !== 'queued' && msg.status !== 'sending' && lines(r.text).join('\n') === lines(prev).join('\n')) {
      httpText = r.text;
      break;
    }
    if (i > 100) throw new Error('the account did not settle');
    prev = r.text;
    await sleep(200);
  }
  fileHttp = path.join(tempDir(), 'http.jsonl');
  fs.writeFileSync(fileHttp, httpText);
});

after(async () => {
  await src?.stop({ keep: true });
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe('whole-account export and restore', () => {
  test('GET /export/all.jsonl is the header then one line per row, for owners and admins only', async () => {
    const r = await src.request('GET', '/api/v1/export/all.jsonl');
    expectStatus(r, 200);
    assert.match(r.headers.get('content-type'), /^application\/x-ndjson/);
    assert.equal(r.headers.get('content-disposition'), 'attachment; filename="all.jsonl"');
    const l = r.text.trimEnd().split('\n').map((x) => JSON.parse(x));
    assert.equal(r.headers.get('x-total-count'), String(l.length - 1));
    const h = l[0];
    assert.equal(h.rapport_export, 1);
    assert.ok(Number.isInteger(h.schema) && h.schema >= 9, `schema ${h.schema}`);
    assert.match(h.exported_at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    assert.deepEqual(l[1].t, 'accounts');
    assert.equal(l[1].r.id, h.account_id);
    assert.equal(l[2].t, 'users');
    const tables = new Set(l.slice(1).map((x) => x.t));
    for (const t of ['contacts', 'activities', 'history', 'properties', 'transactions', 'deal_parties', 'tasks', 'workflows', 'workflow_runs', 'run_steps', 'messages', 'score_history', 'contact_scores'])
      assert.ok(tables.has(t), `rows of ${t}`);
    for (const t of ['contacts_fts', 'schema_migrations', 'login_failures', 'deal_epoch']) assert.ok(!tables.has(t), `no rows of ${t}`);
    for (const x of l.slice(1)) {
      if (x.t !== 'accounts') assert.equal(x.r.account_id, h.account_id, `every row is of the account: ${JSON.stringify(x).slice(0, 200)}`);
    }
    const users = l.filter((x) => x.t === 'users').map((x) => x.r);
    assert.ok(users.some((u) => u.email === agent.email && /^\$argon2id\$/.test(u.password_hash)), 'users with their password hashes');
    const c = l.find((x) => x.t === 'contacts' && x.r.id === edited.id).r;
    assert.equal(c.notes, 'Restored? Café on "Main" St.\nSecond line');
    assert.ok(!('seq' in c), 'no SQLite rowid');
    const cs = l.find((x) => x.t === 'contact_scores' && x.r.contact_id === edited.id).r;
    assert.equal(typeof cs.score, 'number', 'the kept score, in its own table');

    expectError(await agent.req('GET', '/api/v1/export/all.jsonl'), 403, 'forbidden');
    expectError(await src.request('GET', '/api/v1/export/all.jsonl?x=1'), 400, 'unknown_field', 'x');
  });

  test('the CLI writes the same lines, to --out or to standard output', async () => {
    const out = path.join(tempDir(), 'cli.jsonl');
    const r = await cliOk(['export', '--format', 'jsonl', '--out', out], { db: src.db });
    assert.match(r.stderr, /Exported account 'Demo Realty' \(\d+ rows\)/);
    assert.deepEqual(lines(fs.readFileSync(out, 'utf8')), lines(httpText));
    const so = await cliOk(['export', '--format', 'jsonl'], { db: src.db });
    assert.deepEqual(lines(so.stdout), lines(httpText));
    const bad = await runCli(['export', '--format', 'jsonl', '--version', '3'], { db: src.db });
    assert.equal(bad.code, 2, bad.stderr);
  });

  test('importing it into a new database restores the account as it was', async () => {
    const dir = tempDir();
    const db = await dbFor(dir);
    const r = await cliOk(['import', fileHttp], { db });
    const rows = lines(httpText).length - 1;
    assert.match(r.stdout, new RegExp(`Restored account 'Demo Realty' \\([0-9a-f-]{36}\\) from .* ${rows} rows`));
    const nContacts = httpText.split('\n').filter((x) => x.startsWith('{"t":"contacts"')).length;
    assert.match(r.stdout, new RegExp(`\\n  contacts +${nContacts}\\n`));

    // the same rows come out again
    const again = await cliOk(['export', '--format', 'jsonl'], { db });
    assert.deepEqual(lines(again.stdout), lines(httpText));

    // a second restore of the same account is refused
    const twice = await runCli(['import', fileHttp], { db });
    assert.equal(twice.code, 1);
    assert.match(twice.stderr, /already holds account/);

    const before = await snapshot(src.request);
    const dst = await startServer({ dir, email: DEMO_EMAIL, password: DEMO_PASSWORD });
    try {
      const after = await snapshot(dst.request);
      assert.ok(before.contacts.length > 200 && before.activities.length > 1000 && before.tasks.length >= 1 && before.runs.length >= 2 && before.messages.length >= 1);
      for (const k of Object.keys(before)) assert.deepEqual(after[k], before[k], `${k} are the same after the restore`);
      // the search index was rebuilt
      const found = await getOk(dst.request, `/api/v1/contacts?q=${encodeURIComponent(edited.last_name)}`);
      assert.deepEqual(found.items.map((c) => c.id), [edited.id]);
      const byNote = await getOk(dst.request, '/api/v1/contacts?q=cafe');
      assert.ok(byNote.items.some((c) => c.id === edited.id), 'notes are searchable, accents folded');
      // users log in with their passwords
      const l = await dst.login(agent.email, agent.password);
      assert.equal(l.status, 200, JSON.stringify(l.json));
      assert.equal(l.user.id, agent.user.id);
      assert.equal((await dst.login(agent.email, 'not the password')).status, 401);
    } finally {
      await dst.stop({ keep: true });
    }
  });

  test('a bad line is reported by its number and nothing is written', async () => {
    const db = await dbFor(tempDir());
    const l = httpText.split('\n');
    const at = l.findIndex((x) => x.startsWith('{"t":"activities"'));
    const broken = [...l];
    broken[at] = broken[at].replace(/"occurred_at":\d+/, '"occurred_at":"yesterday"');
    const bad = path.join(tempDir(), 'bad.jsonl');
    fs.writeFileSync(bad, broken.join('\n'));
    let r = await runCli(['import', bad], { db });
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`^rapport: line ${at + 1}: activities\\.occurred_at: an integer expected\\n$`));

    broken[at] = '{"t":"activities","r":{"account_id":';
    fs.writeFileSync(bad, broken.join('\n'));
    r = await runCli(['import', bad], { db });
    assert.match(r.stderr, new RegExp(`^rapport: line ${at + 1}: `));

    const other = JSON.parse(l[at]);
    other.r.account_id = '01900000-0000-7000-8000-000000000000';
    broken[at] = JSON.stringify(other);
    fs.writeFileSync(bad, broken.join('\n'));
    r = await runCli(['import', bad], { db });
    assert.match(r.stderr, new RegExp(`^rapport: line ${at + 1}: activities\\.account_id: a row of another account`));

    const header = JSON.parse(l[0]);
    fs.writeFileSync(bad, [JSON.stringify({ ...header, schema: header.schema + 1 }), ...l.slice(1)].join('\n'));
    r = await runCli(['import', bad], { db });
    assert.match(r.stderr, /^rapport: line 1: the file is of schema \d+ and this database of schema \d+/);

    // none of these wrote anything: the whole file still goes in
    r = await cliOk(['import', fileHttp], { db });
    assert.match(r.stdout, /^Restored account 'Demo Realty'/);
  });
});
