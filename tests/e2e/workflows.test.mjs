// The workflows page (issue 7): the list with the built-ins, the editor's
// live preview of a message for a chosen contact (POST
// /workflows/preview) and its template error, the API's validation error
// at the step it names, creating a workflow with two steps that survive a
// reload, the runs tab with a run made by API enrolment and its Stop
// button, the read-only editor of an agent, and the 390 px layout.
// Every test makes its own contacts and workflows through the API.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, apiCall, apiToken, noHorizontalScroll, signIn, withPage } from './lib.mjs';

const uniq = (p) => `${p}${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;

async function newContact(token, extra = {}) {
  const first = uniq('Wfp');
  const r = await apiCall(token, 'POST', '/contacts', {
    first_name: first,
    last_name: 'Preview',
    phones: [{ number: '+15125550177' }],
    ...extra,
  });
  assert.equal(r.status, 201, JSON.stringify(r.json));
  return r.json;
}

async function pickContact(page, c) {
  await page.getByLabel('Preview messages for').fill(c.first_name);
  await page.getByRole('button', { name: c.display_name }).click();
  await page.getByTestId('wf-preview-contact-chosen').filter({ hasText: c.first_name }).waitFor();
}

test('the list shows the built-ins with trigger, switch, steps and runs', async () => {
  await withPage('workflows-list', {}, async (page) => {
    await signIn(page);
    await page.goto(BASE + '/workflows');
    await page.getByRole('heading', { level: 1, name: 'Workflows' }).waitFor();
    const table = page.getByTestId('workflows-table');
    for (const name of ['Speed to lead', 'Buyer lead', 'Seller lead', 'Post-closing'])
      await table.getByRole('link', { name, exact: true }).waitFor();
    const row = table.getByRole('row').filter({ has: page.getByRole('link', { name: 'Speed to lead', exact: true }) });
    await row.getByText('Lead captured').waitFor();
    assert.ok(await row.getByRole('switch', { name: 'Speed to lead enabled' }).isChecked());
    assert.equal((await row.getByRole('cell').nth(3).textContent()).trim(), '2');
    assert.deepEqual(page.errors, []);
  });
});

test('speed to lead: the preview renders the SMS for a chosen contact, and names a bad variable', async () => {
  const token = await apiToken();
  const c = await newContact(token);
  await withPage('workflows-preview', {}, async (page) => {
    await signIn(page);
    await page.goto(BASE + '/workflows');
    await page.getByRole('link', { name: 'Speed to lead', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Speed to lead' }).waitFor();
    await pickContact(page, c);
    const preview = page.getByTestId('preview-1');
    await preview.getByText(`Hi ${c.first_name}, this is`).waitFor();

    // a bad variable: the preview says so inline, nothing is saved
    const body = page.locator('.wf-step').nth(0).getByLabel('Message');
    await body.fill('Hi {{nonsense}}, call me');
    const err = preview.getByRole('alert');
    await err.waitFor();
    assert.match(await err.textContent(), /unknown variable \{\{nonsense\}\}/);

    // saving it: the API's error is shown at the step's message field
    await page.getByRole('button', { name: 'Save workflow' }).click();
    await page.locator('.wf-save-bar [role=alert]').filter({ hasText: 'Step 1' }).waitFor();
    assert.equal(await body.getAttribute('aria-invalid'), 'true');
    assert.match(await page.locator('.wf-step').nth(0).locator('.wf-field-error').textContent(), /unknown variable/);

    // fixing it brings the rendered text back
    await body.fill('Hello {{first_name}} from {{account.name}}');
    await preview.getByText(`Hello ${c.first_name} from E2E Realty`).waitFor();
    assert.deepEqual(page.errors.filter((e) => !/400 \(Bad Request\)/.test(e)), []);
  });
  // the built-in was not changed
  const list = await apiCall(token, 'GET', '/workflows');
  const stl = list.json.items.find((w) => w.builtin === 'speed_to_lead');
  assert.match(stl.steps[0].params.body, /Thanks for reaching out/);
});

test('a new workflow with two steps is saved and its steps are there after a reload', async () => {
  const name = uniq('Nurture ');
  await withPage('workflows-create', {}, async (page) => {
    await signIn(page);
    await page.goto(BASE + '/workflows');
    await page.getByRole('button', { name: 'New workflow' }).click();
    await page.getByRole('heading', { level: 1, name: 'New workflow' }).waitFor();
    await page.getByLabel('Name').fill(name);
    await page.getByLabel('Trigger event').selectOption('tag_added');
    await page.getByRole('button', { name: 'Add filter' }).click();
    await page.getByLabel('Equals').fill('open-house');

    const s1 = page.locator('.wf-step').nth(0);
    await s1.getByLabel('Wait (ISO 8601 duration)').fill('P3D');
    await s1.getByText('3 days after the workflow starts', { exact: true }).waitFor();
    await s1.getByLabel('Message').fill('Hi {{first_name|there}}, thanks for visiting!');

    await page.getByRole('button', { name: 'Add step' }).click();
    const s2 = page.locator('.wf-step').nth(1);
    await s2.getByLabel('Action').selectOption('create_task');
    await s2.getByLabel('Wait (ISO 8601 duration)').fill('PT5M');
    await s2.getByText('5 minutes after the previous step', { exact: true }).waitFor();
    await s2.getByLabel('Task title').fill('Call {{display_name}} after the open house');
    await s2.getByLabel('Kind').selectOption('call');

    await page.getByRole('button', { name: 'Create workflow' }).click();
    await page.waitForURL(/\/workflows\/[0-9a-f-]{36}$/);
    await page.getByRole('heading', { level: 1, name }).waitFor();

    await page.reload();
    await page.getByRole('heading', { level: 1, name }).waitFor();
    await page.getByRole('heading', { name: 'Steps (2)' }).waitFor();
    assert.equal(await page.getByLabel('Trigger event').inputValue(), 'tag_added');
    assert.equal(await page.getByLabel('Equals').inputValue(), 'open-house');
    const r1 = page.locator('.wf-step').nth(0);
    const r2 = page.locator('.wf-step').nth(1);
    assert.equal(await r1.getByLabel('Wait (ISO 8601 duration)').inputValue(), 'P3D');
    assert.equal(await r1.getByLabel('Message').inputValue(), 'Hi {{first_name|there}}, thanks for visiting!');
    assert.equal(await r2.getByLabel('Action').inputValue(), 'create_task');
    assert.equal(await r2.getByLabel('Task title').inputValue(), 'Call {{display_name}} after the open house');
    assert.equal(await r2.getByLabel('Kind').inputValue(), 'call');

    // move the task first, save, and the order holds after a reload
    await page.getByRole('button', { name: 'Move step 2 up' }).click();
    await page.getByRole('button', { name: 'Save workflow' }).click();
    await page.getByRole('status').filter({ hasText: `Saved “${name}”` }).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'Steps (2)' }).waitFor();
    assert.equal(await page.locator('.wf-step').nth(0).getByLabel('Action').inputValue(), 'create_task');
    assert.deepEqual(page.errors, []);
  });
});

test('the runs tab lists a run made by API enrolment, with its next step, and stops it', async () => {
  const token = await apiToken();
  const c = await newContact(token);
  const wf = await apiCall(token, 'POST', '/workflows', {
    name: uniq('Runs '),
    trigger: { event: 'manual' },
    steps: [
      { after: 'P3D', action: 'send_sms', params: { body: 'Hi {{first_name}}' } },
      { after: 'P7D', action: 'create_task', params: { title: 'Call {{display_name}}', kind: 'call' } },
    ],
  });
  assert.equal(wf.status, 201);
  const run = await apiCall(token, 'POST', `/workflows/${wf.json.id}/enroll`, { contact_id: c.id });
  assert.equal(run.status, 201, JSON.stringify(run.json));
  await withPage('workflows-runs', {}, async (page) => {
    await signIn(page);
    await page.goto(BASE + '/workflows');
    const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: wf.json.name, exact: true }) });
    await row.getByRole('link', { name: `1 active runs of ${wf.json.name}` }).click();
    await page.getByRole('tab', { name: 'Runs', selected: true }).waitFor();
    const runRow = page.getByTestId('runs-table').getByRole('row').filter({ hasText: c.first_name });
    await runRow.waitFor();
    await runRow.getByText('Active').waitFor();
    await runRow.getByText('Step 1: Send SMS').waitFor();
    await runRow.getByText(/^due /).waitFor();
    await runRow.getByRole('button', { name: `Stop the run of ${c.display_name}` }).click();
    await runRow.getByText('Stopped').first().waitFor();
    await page.getByRole('status').filter({ hasText: 'Stopped the run' }).waitFor();

    // the list's switch turns the workflow off
    await page.getByRole('link', { name: '← All workflows' }).click();
    const sw = page.getByRole('switch', { name: `${wf.json.name} enabled` });
    assert.ok(await sw.isChecked());
    await sw.click();
    await page.getByRole('status').filter({ hasText: `${wf.json.name} disabled.` }).waitFor();
    assert.equal(await sw.isChecked(), false);
    assert.deepEqual(page.errors, []);
  });
  const after = await apiCall(token, 'GET', `/workflow-runs/${run.json.id}`);
  assert.equal(after.json.status, 'stopped');
  const w = await apiCall(token, 'GET', `/workflows/${wf.json.id}`);
  assert.equal(w.json.enabled, false);
});

test('an agent sees the editor read-only but can preview', async () => {
  const token = await apiToken();
  const email = `${uniq('agent')}@example.test`;
  const password = 'agent-password-long';
  const u = await apiCall(token, 'POST', '/users', { email, password, role: 'agent', name: 'Eve Agent' });
  assert.equal(u.status, 201, JSON.stringify(u.json));
  const c = await newContact(token, { owner_id: u.json.id });
  await withPage('workflows-agent', {}, async (page) => {
    await page.goto(BASE + '/');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
    await page.goto(BASE + '/workflows');
    await page.getByRole('link', { name: 'Speed to lead', exact: true }).click();
    await page.getByText('Only owners and admins can change workflows').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Save workflow' }).count(), 0);
    assert.equal(await page.getByRole('button', { name: 'New workflow' }).count(), 0);
    assert.ok(await page.locator('.wf-step').nth(0).getByLabel('Message').isDisabled());
    await pickContact(page, c);
    // the agent's own contact: its name and the agent's name are filled in
    await page.getByTestId('preview-1').getByText(`Hi ${c.first_name}, this is Eve Agent.`).waitFor();
    assert.deepEqual(page.errors, []);
  });
});

test('the list and the editor fit a 390 px phone', async () => {
  await withPage('workflows-phone', { width: 390, height: 844 }, async (page) => {
    await signIn(page);
    await page.goto(BASE + '/workflows');
    await page.getByTestId('workflows-table').waitFor();
    assert.ok(await noHorizontalScroll(page), 'the list scrolls sideways');
    await page.getByRole('link', { name: 'Buyer lead', exact: true }).click();
    await page.getByRole('heading', { name: /^Steps \(/ }).waitFor();
    assert.ok(await noHorizontalScroll(page), 'the editor scrolls sideways');
    await page.getByRole('tab', { name: 'Runs' }).click();
    await page.getByTestId('runs-table').waitFor();
    assert.ok(await noHorizontalScroll(page), 'the runs tab scrolls sideways');
    assert.deepEqual(page.errors, []);
  });
});
