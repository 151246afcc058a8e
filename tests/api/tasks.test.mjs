// Tasks (API.md "Tasks", docs/api.md "Tasks"): create, read, merge-patch,
// delete; validation with the field named; the due filters in the account's
// timezone; visibility between agents and accounts; If-Match; a connected
// call task records exactly one outbound call; the dashboard's
// tasks_due_today. The server's clock is pinned (RAPPORT_NOW) so "today",
// "overdue" and "upcoming" are known.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { expectError, expectStatus, RFC3339_UTC } from './lib/expect.mjs';
import { createContact, getOk, patchOk, qs, walkPages } from './lib/fixtures.mjs';
import { startServer, uniq } from './lib/server.mjs';

// 10:00 in New York (UTC-5 in November): the account's day is
// 2026-11-24T05:00Z .. 2026-11-25T05:00Z.
const NOW = '2026-11-24T15:00:00Z';
const TASK_KEYS = [
  'id', 'version', 'contact_id', 'title', 'kind', 'due_at', 'assignee_id', 'done', 'done_at',
  'outcome', 'workflow_run_id', 'activity_id', 'created_by', 'created_at', 'updated_at',
];

let srv;
let req;
before(async () => {
  srv = await startServer({ env: { RAPPORT_NOW: NOW } });
  req = srv.request;
  expectStatus(await req('PUT', '/api/v1/settings', { body: { timezone: 'America/New_York' } }), 200, 'PUT timezone');
});
after(async () => {
  await srv?.stop();
});

const contact = (r = req, extra = {}) => createContact(r, { first_name: uniq('Task'), ...extra });
async function createTask(r, body) {
  const res = await r('POST', '/api/v1/tasks', { body });
  expectStatus(res, 201, `POST /api/v1/tasks ${JSON.stringify(body).slice(0, 200)}`);
  return res.json;
}
const listTasks = (r, params) => getOk(r, `/api/v1/tasks${qs(params)}`);
const ids = (page) => page.items.map((t) => t.id);
const callsOf = async (contactId) =>
  (await getOk(req, `/api/v1/activities${qs({ contact_id: contactId, kind: 'call' })}`)).items;

describe('task objects', () => {
  test('POST answers 201 with the whole task, Location and ETag; GET answers the same', async () => {
    const c = await contact();
    const r = await req('POST', '/api/v1/tasks', {
      body: { contact_id: c.id, title: '  Call about the open house  ', kind: 'call', due_at: '2026-11-24T20:00:00Z' },
    });
    expectStatus(r, 201);
    const t = r.json;
    assert.deepEqual(Object.keys(t).sort(), [...TASK_KEYS].sort());
    assert.equal(t.contact_id, c.id);
    assert.equal(t.title, 'Call about the open house', 'the title is trimmed');
    assert.equal(t.kind, 'call');
    assert.equal(t.due_at, '2026-11-24T20:00:00Z');
    assert.equal(t.done, false);
    assert.equal(t.done_at, null);
    assert.equal(t.outcome, null);
    assert.equal(t.workflow_run_id, null);
    assert.equal(t.activity_id, null);
    assert.equal(t.created_by, srv.user.id);
    assert.equal(t.version, 1);
    assert.equal(t.created_at, NOW);
    assert.match(t.updated_at, RFC3339_UTC);
    assert.equal(r.headers.get('location'), `/api/v1/tasks/${t.id}`);
    assert.equal(r.headers.get('etag'), '"1"');
    assert.deepEqual(await getOk(req, `/api/v1/tasks/${t.id}`), t);
  });

  test('defaults: kind todo, no due time, assignee the contact\'s owner or else the creator', async () => {
    const ann = await srv.addUser('agent');
    const annContact = await contact(ann.req);
    const onAnns = await createTask(req, { contact_id: annContact.id, title: 'Send the comps' });
    assert.equal(onAnns.kind, 'todo');
    assert.equal(onAnns.due_at, null);
    assert.equal(onAnns.assignee_id, ann.id, 'the contact\'s owner');
    const loose = await createTask(req, { title: 'Order signs' });
    assert.equal(loose.contact_id, null);
    assert.equal(loose.assignee_id, srv.user.id, 'the creating user');
    const nobody = await createTask(req, { title: 'Anyone', assignee_id: null });
    assert.equal(nobody.assignee_id, null, 'an explicit null leaves it unassigned');
    const given = await createTask(req, { contact_id: annContact.id, title: 'Mine', assignee_id: srv.user.id });
    assert.equal(given.assignee_id, srv.user.id, 'a given assignee wins');
  });

  test('PATCH merges; done true completes now, done false reopens, done_at completes then', async () => {
    const t = await createTask(req, { title: 'Write the listing', kind: 'email', due_at: '2026-11-25T14:00:00Z' });
    const p1 = await patchOk(req, `/api/v1/tasks/${t.id}`, { title: 'Write the listing copy' });
    assert.equal(p1.title, 'Write the listing copy');
    assert.equal(p1.kind, 'email');
    assert.equal(p1.due_at, t.due_at);
    assert.equal(p1.version, 2);
    const done = await patchOk(req, `/api/v1/tasks/${t.id}`, { done: true, outcome: 'sent' });
    assert.equal(done.done, true);
    assert.equal(done.done_at, NOW);
    assert.equal(done.outcome, 'sent');
    const again = await patchOk(req, `/api/v1/tasks/${t.id}`, { done: true });
    assert.equal(again.done_at, NOW, 'a done task keeps its done_at');
    const reopened = await patchOk(req, `/api/v1/tasks/${t.id}`, { done: false });
    assert.equal(reopened.done, false);
    assert.equal(reopened.done_at, null);
    const at = await patchOk(req, `/api/v1/tasks/${t.id}`, { done_at: '2026-11-23T18:30:00Z' });
    assert.equal(at.done, true);
    assert.equal(at.done_at, '2026-11-23T18:30:00Z');
    const open = await patchOk(req, `/api/v1/tasks/${t.id}`, { done_at: null });
    assert.equal(open.done, false);
    const back = await patchOk(req, `/api/v1/tasks/${t.id}`, { ...open, title: 'Same again' });
    assert.equal(back.title, 'Same again', 'what GET gave can be sent back');
    assert.deepEqual(await getOk(req, `/api/v1/tasks/${t.id}`), back);
  });

  test('DELETE answers 204 and the task is gone', async () => {
    const t = await createTask(req, { title: 'Throw away' });
    const d = await req('DELETE', `/api/v1/tasks/${t.id}`);
    expectStatus(d, 204);
    expectError(await req('GET', `/api/v1/tasks/${t.id}`), 404, 'not_found');
    expectError(await req('PATCH', `/api/v1/tasks/${t.id}`, { body: { title: 'x' } }), 404, 'not_found');
    expectError(await req('DELETE', `/api/v1/tasks/${t.id}`), 404, 'not_found');
  });

  test('If-Match: a stale version is 412 and changes nothing; the current one passes', async () => {
    const t = await createTask(req, { title: 'Versioned' });
    const p = await patchOk(req, `/api/v1/tasks/${t.id}`, { title: 'Versioned 2' });
    expectError(await req('PATCH', `/api/v1/tasks/${t.id}`, { body: { title: 'lost update' }, headers: { 'If-Match': '"1"' } }), 412, 'precondition_failed');
    expectError(await req('DELETE', `/api/v1/tasks/${t.id}`, { headers: { 'If-Match': '1' } }), 412, 'precondition_failed');
    assert.deepEqual(await getOk(req, `/api/v1/tasks/${t.id}`), p);
    const ok = await req('PATCH', `/api/v1/tasks/${t.id}`, { body: { title: 'Versioned 3' }, headers: { 'If-Match': `"${p.version}"` } });
    expectStatus(ok, 200);
    assert.equal(ok.headers.get('etag'), `"${p.version + 1}"`);
    expectStatus(await req('DELETE', `/api/v1/tasks/${t.id}`, { headers: { 'If-Match': String(p.version + 1) } }), 204);
  });

  test('a purged contact takes its tasks along; an archived one keeps them', async () => {
    const a = await contact();
    const b = await contact();
    const ta = await createTask(req, { contact_id: a.id, title: 'On a' });
    const tb = await createTask(req, { contact_id: b.id, title: 'On b' });
    expectStatus(await req('DELETE', `/api/v1/contacts/${a.id}?purge=true`), 204);
    expectError(await req('GET', `/api/v1/tasks/${ta.id}`), 404, 'not_found');
    expectStatus(await req('DELETE', `/api/v1/contacts/${b.id}`), 200);
    assert.equal((await getOk(req, `/api/v1/tasks/${tb.id}`)).contact_id, b.id);
  });

  test('a deleted user\'s tasks are left without assignee', async () => {
    const u = await srv.addUser('agent');
    const t = await createTask(req, { title: 'For the leaver', assignee_id: u.id });
    expectStatus(await req('DELETE', `/api/v1/users/${u.id}`), 204);
    const after1 = await getOk(req, `/api/v1/tasks/${t.id}`);
    assert.equal(after1.assignee_id, null);
    assert.ok(after1.version > t.version);
  });
});

describe('validation', () => {
  test('bad bodies are 400 with the field named, and create nothing', async () => {
    const c = await contact();
    const base = { contact_id: c.id, title: 'Call back', kind: 'call' };
    const post = (body) => req('POST', '/api/v1/tasks', { body });
    expectError(await post({ ...base, title: undefined }), 400, 'validation_failed', 'title');
    expectError(await post({ ...base, title: '   ' }), 400, 'validation_failed', 'title');
    expectError(await post({ ...base, title: 'x'.repeat(501) }), 400, 'invalid_value', 'title');
    expectError(await post({ ...base, title: 'two\nlines' }), 400, 'invalid_value', 'title');
    expectError(await post({ ...base, title: 7 }), 400, 'invalid_value', 'title');
    expectError(await post({ ...base, kind: 'fax' }), 400, 'invalid_value', 'kind');
    expectError(await post({ ...base, due_at: 'tomorrow' }), 400, 'invalid_value', 'due_at');
    expectError(await post({ ...base, due_at: '2026-11-25' }), 400, 'invalid_value', 'due_at');
    expectError(await post({ ...base, due_at: '2026-13-01T10:00:00Z' }), 400, 'invalid_value', 'due_at');
    expectError(await post({ ...base, outcome: 'maybe' }), 400, 'invalid_value', 'outcome');
    expectError(await post({ ...base, done: 'yes' }), 400, 'invalid_value', 'done');
    expectError(await post({ ...base, done: false, done_at: '2026-11-24T10:00:00Z' }), 400, 'validation_failed', 'done');
    expectError(await post({ ...base, done_at: '2026-11-25T10:00:00Z' }), 400, 'invalid_value', 'done_at');
    expectError(await post({ ...base, contact_id: '0193a5b0-0000-7000-8000-00000000beef' }), 400, 'invalid_value', 'contact_id');
    expectError(await post({ ...base, contact_id: 42 }), 400, 'invalid_value', 'contact_id');
    expectError(await post({ ...base, assignee_id: '0193a5b0-0000-7000-8000-00000000beef' }), 400, 'invalid_value', 'assignee_id');
    expectError(await post({ ...base, assignee_id: 'me' }), 400, 'invalid_value', 'assignee_id');
    expectError(await post({ ...base, priority: 'high' }), 400, 'unknown_field', 'priority');
    expectError(await post({ ...base, id: '0193a5b0-0000-7000-8000-00000000beef' }), 400, 'invalid_value', 'id');
    expectError(await post({ ...base, workflow_run_id: '0193a5b0-0000-7000-8000-00000000beef' }), 400, 'invalid_value', 'workflow_run_id');
    expectError(await req('POST', '/api/v1/tasks', { body: '[1]' , headers: { 'Content-Type': 'application/json' } }), 400, 'invalid_json');
    assert.deepEqual((await listTasks(req, { contact_id: c.id })).items, [], 'nothing was created');
    assert.deepEqual(await callsOf(c.id), [], 'no call was recorded');
  });

  test('a PATCH with one good and one bad field changes nothing', async () => {
    const t = await createTask(req, { title: 'Stay as is', kind: 'sms' });
    expectError(await req('PATCH', `/api/v1/tasks/${t.id}`, { body: { title: 'changed', kind: 'pigeon' } }), 400, 'invalid_value', 'kind');
    expectError(await req('PATCH', `/api/v1/tasks/${t.id}`, { body: { title: null } }), 400, 'validation_failed', 'title');
    expectError(await req('PATCH', `/api/v1/tasks/${t.id}`, { body: { created_by: null } }), 400, 'invalid_value', 'created_by');
    expectError(await req('PATCH', `/api/v1/tasks/${t.id}`, { body: { done: false, done_at: '2026-11-24T10:00:00Z' } }), 400, 'validation_failed', 'done');
    assert.deepEqual(await getOk(req, `/api/v1/tasks/${t.id}`), t);
  });

  test('bad list arguments are 400 with the argument named', async () => {
    expectError(await req('GET', '/api/v1/tasks?due=soon'), 400, 'invalid_value', 'due');
    expectError(await req('GET', '/api/v1/tasks?done=maybe'), 400, 'invalid_value', 'done');
    expectError(await req('GET', '/api/v1/tasks?due=overdue&done=true'), 400, 'invalid_value', 'done');
    expectError(await req('GET', '/api/v1/tasks?assignee_id=bob'), 400, 'invalid_value', 'assignee_id');
    expectError(await req('GET', '/api/v1/tasks?contact_id=1'), 400, 'invalid_value', 'contact_id');
    expectError(await req('GET', '/api/v1/tasks?limit=0'), 400, 'invalid_value', 'limit');
    expectError(await req('GET', '/api/v1/tasks?cursor=bogus'), 400, 'invalid_value', 'cursor');
    expectError(await req('GET', '/api/v1/tasks?sort=due_at'), 400, 'unknown_field', 'sort');
  });
});

describe('lists and due filters (the account is in America/New_York)', () => {
  let c;
  const t = {};
  before(async () => {
    c = await contact();
    const mk = async (name, body) => (t[name] = await createTask(req, { contact_id: c.id, title: name, ...body }));
    await mk('morning', { due_at: '2026-11-24T14:00:00Z' }); // 09:00 local: today, overdue
    await mk('afternoon', { due_at: '2026-11-24T20:00:00Z' }); // 15:00 local: today
    await mk('late', { due_at: '2026-11-25T03:00:00Z' }); // 22:00 local, tomorrow in UTC: today
    await mk('yesterday', { due_at: '2026-11-24T04:00:00Z' }); // 23:00 local the day before: overdue
    await mk('tomorrow', { due_at: '2026-11-25T06:00:00Z' }); // 01:00 local tomorrow: upcoming
    await mk('someday', {}); // no due time: in no due list
    await mk('finished', { due_at: '2026-11-24T16:00:00Z', done: true }); // done: in no due list
  });

  test('the default order: open by due time, those without one, then done', async () => {
    const all = await listTasks(req, { contact_id: c.id, count: true });
    assert.deepEqual(ids(all), ['yesterday', 'morning', 'afternoon', 'late', 'tomorrow', 'someday', 'finished'].map((n) => t[n].id));
    assert.equal(all.total, 7);
    assert.equal(all.next_cursor, null);
  });

  test('due=today is today in the account\'s timezone, open tasks only', async () => {
    const today = await listTasks(req, { contact_id: c.id, due: 'today' });
    assert.deepEqual(ids(today), [t.morning.id, t.afternoon.id, t.late.id]);
  });

  test('due=overdue is open and due before now; due=upcoming is due after today', async () => {
    assert.deepEqual(ids(await listTasks(req, { contact_id: c.id, due: 'overdue' })), [t.yesterday.id, t.morning.id]);
    assert.deepEqual(ids(await listTasks(req, { contact_id: c.id, due: 'upcoming' })), [t.tomorrow.id]);
    assert.deepEqual(ids(await listTasks(req, { contact_id: c.id, due: 'today', done: 'false' })), [t.morning.id, t.afternoon.id, t.late.id]);
  });

  test('done=true and done=false split the list; completing moves a task over', async () => {
    assert.deepEqual(ids(await listTasks(req, { contact_id: c.id, done: 'true' })), [t.finished.id]);
    assert.equal((await listTasks(req, { contact_id: c.id, done: 'false' })).items.length, 6);
    const x = await createTask(req, { contact_id: c.id, title: 'flip', due_at: '2026-11-24T18:00:00Z' });
    assert.ok(ids(await listTasks(req, { contact_id: c.id, due: 'today' })).includes(x.id));
    await patchOk(req, `/api/v1/tasks/${x.id}`, { done_at: '2026-11-24T14:59:00Z' });
    assert.ok(!ids(await listTasks(req, { contact_id: c.id, due: 'today' })).includes(x.id));
    // finished was done at NOW, x a minute before
    assert.deepEqual(ids(await listTasks(req, { contact_id: c.id, done: 'true' })), [t.finished.id, x.id], 'most recently done first');
    expectStatus(await req('DELETE', `/api/v1/tasks/${x.id}`), 204);
  });

  test('pages of 2 walk the list without gaps or repeats', async () => {
    const { items, pages } = await walkPages(req, '/api/v1/tasks', { contact_id: c.id, limit: 2 });
    assert.equal(pages, 4);
    assert.deepEqual(items.map((x) => x.id), ids(await listTasks(req, { contact_id: c.id })));
  });

  test('assignee_id filters by assignee', async () => {
    const u = await srv.addUser('agent');
    const mine = await createTask(req, { contact_id: c.id, title: 'theirs', assignee_id: u.id, due_at: '2026-11-26T12:00:00Z' });
    assert.deepEqual(ids(await listTasks(req, { assignee_id: u.id })), [mine.id]);
    assert.deepEqual(ids(await listTasks(req, { assignee_id: u.id, due: 'upcoming' })), [mine.id]);
    assert.deepEqual(ids(await listTasks(req, { assignee_id: u.id, due: 'today' })), []);
    expectStatus(await req('DELETE', `/api/v1/tasks/${mine.id}`), 204);
  });

  test('in a UTC account the same late task is due tomorrow, not today', async () => {
    const other = await srv.addAccount();
    const late = await createTask(other.req, { title: 'late', due_at: '2026-11-25T03:00:00Z' });
    assert.deepEqual(ids(await listTasks(other.req, { due: 'today' })), []);
    assert.deepEqual(ids(await listTasks(other.req, { due: 'upcoming' })), [late.id]);
  });
});

describe('visibility', () => {
  let ann, bob, admin, annContact, teamContact, annTask, bobAssigned, teamTask;
  before(async () => {
    ann = await srv.addUser('agent');
    bob = await srv.addUser('agent');
    admin = await srv.addUser('admin');
    annContact = await contact(ann.req);
    teamContact = await contact();
    expectStatus(await req('PATCH', `/api/v1/contacts/${teamContact.id}`, { body: { owner_id: null } }), 200);
    annTask = await createTask(ann.req, { contact_id: annContact.id, title: 'Ann\'s own' });
    // on a contact the owner keeps, assigned to Bob: Bob sees it, Ann does not
    const ownerContact = await contact();
    bobAssigned = await createTask(req, { contact_id: ownerContact.id, title: 'For Bob', assignee_id: bob.id });
    teamTask = await createTask(req, { contact_id: teamContact.id, title: 'Team', assignee_id: null });
  });

  test('another agent\'s task answers 404 to every verb and is in no list', async () => {
    for (const [m, body] of [['GET'], ['PATCH', { title: 'taken' }], ['DELETE']]) {
      const r = await bob.req(m, `/api/v1/tasks/${annTask.id}`, body ? { body } : {});
      expectError(r, 404, 'not_found');
    }
    assert.ok(!ids(await listTasks(bob.req, { limit: 500 })).includes(annTask.id));
    assert.deepEqual(await getOk(ann.req, `/api/v1/tasks/${annTask.id}`), annTask, 'nothing changed');
    expectError(await bob.req('POST', '/api/v1/tasks', { body: { contact_id: annContact.id, title: 'x' } }), 400, 'invalid_value', 'contact_id');
    expectError(await bob.req('PATCH', `/api/v1/tasks/${bobAssigned.id}`, { body: { contact_id: annContact.id } }), 400, 'invalid_value', 'contact_id');
  });

  test('an agent sees the tasks assigned to it, its own, and the team\'s', async () => {
    const bobs = ids(await listTasks(bob.req, { limit: 500 }));
    assert.ok(bobs.includes(bobAssigned.id), 'assigned to Bob');
    assert.ok(bobs.includes(teamTask.id), 'on a team contact');
    await getOk(bob.req, `/api/v1/tasks/${bobAssigned.id}`);
    expectError(await ann.req('GET', `/api/v1/tasks/${bobAssigned.id}`), 404, 'not_found');
    const loose = await createTask(bob.req, { title: 'No contact, for Ann', assignee_id: ann.id });
    await getOk(bob.req, `/api/v1/tasks/${loose.id}`); // its creator
    await getOk(ann.req, `/api/v1/tasks/${loose.id}`); // its assignee
    const done = await patchOk(bob.req, `/api/v1/tasks/${bobAssigned.id}`, { done: true });
    assert.equal(done.done, true);
  });

  test('admins and owners see every task of the account', async () => {
    await getOk(admin.req, `/api/v1/tasks/${annTask.id}`);
    const all = ids(await listTasks(req, { limit: 500 }));
    assert.ok(all.includes(annTask.id) && all.includes(bobAssigned.id) && all.includes(teamTask.id));
  });

  test('another account\'s task is not_found, and its ids are refused in bodies', async () => {
    const B = await srv.addAccount();
    for (const [m, body] of [['GET'], ['PATCH', { title: 'hacked' }], ['DELETE']]) {
      expectError(await B.req(m, `/api/v1/tasks/${annTask.id}`, body ? { body } : {}), 404, 'not_found');
    }
    expectError(await B.req('PATCH', `/api/v1/tasks/${annTask.id}`, { body: { title: 'hacked' }, headers: { 'If-Match': '1' } }), 404, 'not_found');
    assert.deepEqual((await listTasks(B.req, { count: true })).total, 0);
    expectError(await B.req('POST', '/api/v1/tasks', { body: { contact_id: annContact.id, title: 'x' } }), 400, 'invalid_value', 'contact_id');
    expectError(await B.req('POST', '/api/v1/tasks', { body: { title: 'x', assignee_id: ann.id } }), 400, 'invalid_value', 'assignee_id');
    assert.deepEqual(await getOk(ann.req, `/api/v1/tasks/${annTask.id}`), annTask);
  });
});

describe('completing a call task with outcome connected records an outbound call', () => {
  test('exactly one call, on the contact, whatever is done after', async () => {
    const c = await contact();
    const before1 = await getOk(req, `/api/v1/contacts/${c.id}`);
    const t = await createTask(req, { contact_id: c.id, title: 'Call Maria back', kind: 'call', due_at: '2026-11-24T14:00:00Z' });
    const attempt = await patchOk(req, `/api/v1/tasks/${t.id}`, { outcome: 'no_answer' });
    assert.equal(attempt.activity_id, null);
    assert.deepEqual(await callsOf(c.id), [], 'an attempt records nothing');
    const done = await patchOk(req, `/api/v1/tasks/${t.id}`, { done: true, outcome: 'connected' });
    const calls = await callsOf(c.id);
    assert.equal(calls.length, 1);
    const call = calls[0];
    assert.equal(done.activity_id, call.id);
    assert.equal(call.contact_id, c.id);
    assert.equal(call.kind, 'call');
    assert.equal(call.direction, 'outbound');
    assert.equal(call.occurred_at, done.done_at);
    assert.equal(call.subject, 'Call Maria back');
    // the rules and the rescore ran: an outbound call is no L2 event, and
    // without a duration it is no two-way touch (SCORING.md connected call)
    const after1 = await getOk(req, `/api/v1/contacts/${c.id}`);
    assert.equal(after1.status, 'suspect');
    assert.equal(after1.last_touch_at, null);
    assert.ok(after1.score > before1.score, `the score moved: ${before1.score} -> ${after1.score}`);
    // completing again, reopening and completing again record nothing more
    await patchOk(req, `/api/v1/tasks/${t.id}`, { done: true, outcome: 'connected' });
    await patchOk(req, `/api/v1/tasks/${t.id}`, { done: false });
    const again = await patchOk(req, `/api/v1/tasks/${t.id}`, { done_at: '2026-11-24T14:30:00Z' });
    assert.equal(again.activity_id, call.id);
    assert.equal((await callsOf(c.id)).length, 1);
    // deleting the task leaves the call: it happened
    expectStatus(await req('DELETE', `/api/v1/tasks/${t.id}`), 204);
    assert.equal((await callsOf(c.id)).length, 1);
  });

  test('a task created done and connected records its call at its done_at', async () => {
    const c = await contact();
    const t = await createTask(req, { contact_id: c.id, title: 'Logged call', kind: 'call', done_at: '2026-11-23T17:00:00Z', outcome: 'connected' });
    const calls = await callsOf(c.id);
    assert.equal(calls.length, 1);
    assert.equal(calls[0].id, t.activity_id);
    assert.equal(calls[0].occurred_at, '2026-11-23T17:00:00Z');
  });

  test('other kinds, other outcomes and refused writes record no call', async () => {
    const c = await contact();
    await createTask(req, { contact_id: c.id, title: 'todo', kind: 'todo', done: true, outcome: 'connected' });
    await createTask(req, { contact_id: c.id, title: 'email', kind: 'email', done: true, outcome: 'connected' });
    await createTask(req, { contact_id: c.id, title: 'voicemail', kind: 'call', done: true, outcome: 'left_voicemail' });
    const open = await createTask(req, { contact_id: c.id, title: 'open', kind: 'call', outcome: 'connected' });
    assert.equal(open.activity_id, null, 'not done yet');
    expectError(await req('PATCH', `/api/v1/tasks/${open.id}`, { body: { done: true }, headers: { 'If-Match': '7' } }), 412, 'precondition_failed');
    expectError(await req('PATCH', `/api/v1/tasks/${open.id}`, { body: { done: true, kind: 'fax' } }), 400, 'invalid_value', 'kind');
    assert.deepEqual(await callsOf(c.id), []);
    const noContact = await createTask(req, { title: 'no contact', kind: 'call', done: true, outcome: 'connected' });
    assert.equal(noContact.activity_id, null);
  });
});

describe('dashboard', () => {
  test('tasks_due_today lists the open tasks the caller sees that are due today', async () => {
    const carl = await srv.addUser('agent');
    const mine = await contact(carl.req);
    const a = await createTask(carl.req, { contact_id: mine.id, title: 'a', due_at: '2026-11-24T21:00:00Z' });
    const b = await createTask(carl.req, { title: 'b', due_at: '2026-11-25T04:00:00Z' }); // 23:00 local
    await createTask(carl.req, { title: 'tomorrow', due_at: '2026-11-25T05:00:00Z' }); // 00:00 local tomorrow
    await createTask(carl.req, { title: 'done', due_at: '2026-11-24T21:00:00Z', done: true });
    await createTask(carl.req, { title: 'no due' });
    await createTask(req, { title: 'the owner\'s', due_at: '2026-11-24T21:00:00Z' });
    const d = await getOk(carl.req, '/api/v1/dashboard');
    assert.ok(Array.isArray(d.tasks_due_today));
    assert.deepEqual(d.tasks_due_today.map((x) => x.id), [a.id, b.id]);
    assert.deepEqual(d.tasks_due_today[0], a, 'items are task objects');
    const owner = await getOk(req, '/api/v1/dashboard');
    const ownerIds = owner.tasks_due_today.map((x) => x.id);
    assert.ok(ownerIds.includes(a.id) && ownerIds.includes(b.id), 'the owner sees the account\'s');
  });
});

describe('tasks in the score (SCORING.md factor 14, frequency)', () => {
  test('a task due within two weeks is one more cluster; deleting it takes it back', async () => {
    const c = await contact();
    // one inbound e-mail yesterday: one cluster
    const a = await req('POST', '/api/v1/activities', {
      body: { contact_id: c.id, kind: 'email', direction: 'inbound', occurred_at: '2026-11-23T15:00:00Z' },
    });
    expectStatus(a, 201, 'activity');
    const freq = async () =>
      (await getOk(req, `/api/v1/contacts/${c.id}/score`)).factors.find((f) => f.name === 'frequency').points;
    const score = async () => (await getOk(req, `/api/v1/contacts/${c.id}`)).score;
    const f1 = await freq();
    const s1 = await score();
    const t = await createTask(req, { contact_id: c.id, title: 'Call back', kind: 'call', due_at: '2026-11-30T15:00:00Z' });
    const f2 = await freq();
    assert.ok(f2 > f1, `frequency ${f1} -> ${f2}`);
    assert.ok((await score()) > s1, 'the kept score moved with the write');
    expectStatus(await req('DELETE', `/api/v1/tasks/${t.id}`), 204, 'delete');
    assert.equal(await freq(), f1);
    assert.equal(await score(), s1);
  });
});
