// tasks.test.mjs: the tasks page (issue 7). Each test makes its own contact
// and tasks through the API (the server is shared with the other e2e
// files): a call task due today is completed as connected and leaves the
// list, and the contact gets an outbound call (docs/api.md Tasks); snooze
// moves a task a day on; the new-task form with its contact picker.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, apiCall, apiToken, noHorizontalScroll, signIn, withPage } from './lib.mjs';

const uniq = () => Date.now().toString(36) + Math.floor(Math.random() * 1e4);
const rfc3339 = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

async function newContact(token, last) {
  const c = await apiCall(token, 'POST', '/contacts', { first_name: 'Tess', last_name: last });
  assert.equal(c.status, 201);
  return c.json;
}

async function newTask(token, body) {
  const t = await apiCall(token, 'POST', '/tasks', body);
  assert.equal(t.status, 201);
  return t.json;
}

const item = (page, title) => page.locator('[data-testid=task-list] > li', { hasText: title });

async function openTasks(page) {
  await signIn(page);
  await page.getByRole('link', { name: 'Tasks' }).click();
  await page.getByRole('heading', { level: 1, name: 'Tasks' }).waitFor();
}

describe('tasks', () => {
  test('a call due today is completed as connected: it leaves the list, the contact has a call', async () => {
    const token = await apiToken();
    const tag = uniq();
    const contact = await newContact(token, 'Caller' + tag);
    const title = `Call back about the offer ${tag}`;
    const task = await newTask(token, {
      title,
      kind: 'call',
      due_at: rfc3339(Date.now()),
      contact_id: contact.id,
    });
    const calls = async () =>
      (await apiCall(token, 'GET', `/activities?contact_id=${contact.id}&kind=call`)).json.items;
    assert.equal((await calls()).length, 0);

    await withPage('tasks-done', {}, async (page) => {
      await openTasks(page);
      assert.equal(await page.getByRole('tab', { name: 'Due today' }).getAttribute('aria-selected'), 'true');
      const it = item(page, title);
      await it.waitFor();
      assert.match(await it.innerText(), /Call/);
      assert.match(await it.innerText(), /Today \d{1,2}:\d{2}/);
      assert.equal(
        await it.getByRole('link', { name: contact.display_name }).getAttribute('href'),
        `/contacts/${contact.id}`
      );

      await it.getByRole('button', { name: `Done ${title}` }).click();
      const dlg = page.getByRole('dialog', { name: 'How did the call go?' });
      await dlg.waitFor();
      await dlg.getByRole('button', { name: 'Connected' }).click();
      await it.waitFor({ state: 'detached' });
      await page
        .getByRole('status')
        .filter({ hasText: `Done: ${title}. A call with ${contact.display_name} was logged.` })
        .waitFor();

      // the API: done with the outcome, one outbound call on the contact
      const t = (await apiCall(token, 'GET', `/tasks?contact_id=${contact.id}&done=true`)).json.items;
      assert.equal(t.length, 1);
      assert.equal(t[0].id, task.id);
      assert.equal(t[0].outcome, 'connected');
      const cs = await calls();
      assert.equal(cs.length, 1);
      assert.equal(cs[0].direction, 'outbound');
      assert.equal(cs[0].subject, title);

      // still gone after a reload; listed under Done with its outcome
      await page.reload();
      await page.getByRole('heading', { level: 1, name: 'Tasks' }).waitFor();
      await page.locator('[data-testid=task-list], .tasks-page p.muted').first().waitFor();
      assert.equal(await item(page, title).count(), 0);
      await page.getByRole('tab', { name: 'Done' }).click();
      await item(page, title).waitFor();
      assert.match(await item(page, title).innerText(), /Connected/);
      assert.deepEqual(page.errors, []);
    });
  });

  test('snooze moves a task due today to tomorrow (Upcoming)', async () => {
    const token = await apiToken();
    const tag = uniq();
    const contact = await newContact(token, 'Snoozer' + tag);
    const title = `Send the market report ${tag}`;
    const due = Date.now();
    const task = await newTask(token, { title, kind: 'email', due_at: rfc3339(due), contact_id: contact.id });
    await withPage('tasks-snooze', {}, async (page) => {
      await openTasks(page);
      const it = item(page, title);
      await it.waitFor();
      await it.getByRole('button', { name: `Snooze 1 day ${title}` }).click();
      await it.waitFor({ state: 'detached' });
      await page.getByRole('status').filter({ hasText: `Snoozed “${title}”` }).waitFor();
      const t = (await apiCall(token, 'GET', `/tasks?contact_id=${contact.id}`)).json.items[0];
      assert.equal(t.id, task.id);
      assert.equal(Date.parse(t.due_at) - Date.parse(task.due_at), 86400000);
      assert.equal(t.done, false);
      await page.getByRole('tab', { name: 'Upcoming' }).click();
      await page.waitForURL(/\/tasks\/upcoming$/);
      await item(page, title).waitFor();
      assert.deepEqual(page.errors, []);
    });
  });

  test('new task: the title is required; a call for a contact picked by search', async () => {
    const token = await apiToken();
    const tag = uniq();
    const contact = await newContact(token, 'Picked' + tag);
    const title = `Ask about the open house ${tag}`;
    await withPage('tasks-new', {}, async (page) => {
      await openTasks(page);
      await page.getByRole('button', { name: 'New task' }).click();
      const dlg = page.getByRole('dialog', { name: 'New task' });
      await dlg.getByRole('button', { name: 'Create task' }).click();
      assert.match(await dlg.getByRole('alert').innerText(), /title/);
      await dlg.getByLabel('Title').fill(title);
      await dlg.getByLabel('Kind').selectOption('call');
      // due the day after tomorrow at 10:00, local time: an Upcoming task
      const when = new Date();
      when.setDate(when.getDate() + 2);
      when.setHours(10, 0, 0, 0);
      const p = (n) => String(n).padStart(2, '0');
      await dlg
        .getByLabel('Due')
        .fill(`${when.getFullYear()}-${p(when.getMonth() + 1)}-${p(when.getDate())}T10:00`);
      await dlg.getByLabel('Contact (search by name)').fill('Picked' + tag);
      await dlg.getByRole('button', { name: contact.display_name }).click();
      await dlg.getByText(contact.display_name).waitFor();
      await dlg.getByRole('button', { name: 'Create task' }).click();
      await dlg.waitFor({ state: 'detached' });
      await page.getByRole('status').filter({ hasText: `Created “${title}”` }).waitFor();

      const t = (await apiCall(token, 'GET', `/tasks?contact_id=${contact.id}`)).json.items;
      assert.equal(t.length, 1);
      assert.equal(t[0].title, title);
      assert.equal(t[0].kind, 'call');
      assert.equal(Date.parse(t[0].due_at), when.getTime());
      const me = (await apiCall(token, 'GET', '/me')).json;
      assert.equal(t[0].assignee_id, me.id);

      await page.getByRole('tab', { name: 'Upcoming' }).click();
      const it = item(page, title);
      await it.waitFor();
      assert.match(await it.innerText(), new RegExp(contact.display_name));
      assert.deepEqual(page.errors, []);
    });
  });

  test('phone, 390 px: tasks fit without horizontal scroll', async () => {
    const token = await apiToken();
    const tag = uniq();
    const contact = await newContact(token, 'Phone' + tag);
    const title = `A rather long task title to wrap on a small phone screen ${tag}`;
    await newTask(token, { title, kind: 'todo', due_at: rfc3339(Date.now()), contact_id: contact.id });
    await withPage('tasks-phone', { width: 390, height: 844 }, async (page) => {
      await signIn(page);
      await page.goto(BASE + '/tasks');
      await item(page, title).waitFor();
      assert.ok(await noHorizontalScroll(page), 'tasks fit 390 px');
      await page.getByRole('button', { name: 'New task' }).click();
      await page.getByRole('dialog', { name: 'New task' }).waitFor();
      assert.ok(await noHorizontalScroll(page), 'the new-task dialog fits 390 px');
      assert.deepEqual(page.errors, []);
    });
  });
});
