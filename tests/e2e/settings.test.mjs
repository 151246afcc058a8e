// settings.test.mjs: the settings page and bulk tag on the contacts list
// (issue 7), in a real browser against the real server of run.sh. Tests
// that change account settings put them back; contacts and users are
// created here through the API, with unique names.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { BASE, apiCall, apiToken, noHorizontalScroll, signIn, withPage } from './lib.mjs';

const uniq = () => Date.now().toString(36) + Math.random().toString(36).slice(2, 6);

/* The form of a section, found by its heading's id. */
const form = (page, titleId) => page.locator(`form[aria-labelledby=${titleId}]`);

async function saved(page, titleId, text = 'Saved') {
  await form(page, titleId).getByRole('status').filter({ hasText: text }).waitFor();
}

async function signInAs(page, email, password) {
  await page.goto(BASE + '/');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
}

describe('settings', () => {
  test('office hours and time zone: saved, kept over a reload, bad hours refused', async () => {
    const token = await apiToken();
    const before = (await apiCall(token, 'GET', '/settings')).json;
    try {
      await withPage('settings-hours', {}, async (page) => {
        await signIn(page);
        await page.getByRole('link', { name: 'Settings' }).click();
        await page.getByRole('heading', { level: 2, name: 'General' }).waitFor();
        await page.getByLabel('Time zone').fill('America/Chicago');
        await form(page, 'general-title').getByRole('button', { name: 'Save' }).click();
        await saved(page, 'general-title');

        await page.getByRole('link', { name: 'Office hours' }).click();
        assert.equal(new URL(page.url()).pathname, '/settings/office-hours');
        await page.getByLabel('Opens at').fill('08:30');
        await page.getByLabel('Closes at').fill('17:15');
        await page.getByLabel('Saturday').check();
        await page.getByLabel('Friday').uncheck();
        await form(page, 'oh-title').getByRole('button', { name: 'Save' }).click();
        await saved(page, 'oh-title');

        await page.reload();
        await page.getByRole('heading', { level: 2, name: 'Office hours' }).waitFor();
        assert.equal(await page.getByLabel('Opens at').inputValue(), '08:30');
        assert.equal(await page.getByLabel('Closes at').inputValue(), '17:15');
        assert.ok(await page.getByLabel('Saturday').isChecked());
        assert.ok(!(await page.getByLabel('Friday').isChecked()));
        assert.match(await form(page, 'oh-title').innerText(), /America\/Chicago/);
        await page.getByRole('link', { name: 'General' }).click();
        assert.equal(await page.getByLabel('Time zone').inputValue(), 'America/Chicago');

        const s = (await apiCall(token, 'GET', '/settings')).json;
        assert.equal(s.timezone, 'America/Chicago');
        assert.deepEqual(s.office_hours, {
          start: '08:30',
          end: '17:15',
          days: ['mon', 'tue', 'wed', 'thu', 'sat'],
        });

        // closing before opening: the server's reason, the field marked, nothing saved
        await page.getByRole('link', { name: 'Office hours' }).click();
        await page.getByLabel('Closes at').fill('07:00');
        await form(page, 'oh-title').getByRole('button', { name: 'Save' }).click();
        const alert = form(page, 'oh-title').getByRole('alert');
        await alert.waitFor();
        assert.match(await alert.innerText(), /start before they end/);
        assert.equal(await page.getByLabel('Closes at').getAttribute('aria-invalid'), 'true');
        assert.equal((await apiCall(token, 'GET', '/settings')).json.office_hours.end, '17:15');
        assert.deepEqual(page.errors.filter((e) => !/status of 400/.test(e)), []);
      });
    } finally {
      await apiCall(token, 'PUT', '/settings', {
        timezone: before.timezone,
        office_hours: before.office_hours,
      });
    }
  });

  test('automation: workflows switched off and on again', async () => {
    const token = await apiToken();
    const before = (await apiCall(token, 'GET', '/settings')).json.automation;
    try {
      await withPage('settings-automation', {}, async (page) => {
        await signIn(page);
        await page.goto(BASE + '/settings/automation');
        const sw = page.getByRole('switch', { name: /^Workflows/ });
        await sw.waitFor();
        assert.ok(await sw.isChecked(), 'workflows start on');
        assert.match(await form(page, 'auto-title').innerText(), /speed to lead/);
        await sw.uncheck();
        await form(page, 'auto-title').getByRole('button', { name: 'Save' }).click();
        await saved(page, 'auto-title');
        assert.equal((await apiCall(token, 'GET', '/settings')).json.automation.workflows, false);

        await page.reload();
        await page.getByRole('switch', { name: /^Workflows/ }).waitFor();
        assert.ok(!(await page.getByRole('switch', { name: /^Workflows/ }).isChecked()));
        assert.ok(await page.getByRole('switch', { name: /^Status rules/ }).isChecked());
        await page.getByRole('switch', { name: /^Workflows/ }).check();
        await form(page, 'auto-title').getByRole('button', { name: 'Save' }).click();
        await saved(page, 'auto-title');
        const a = (await apiCall(token, 'GET', '/settings')).json.automation;
        assert.deepEqual(a, { ...before, workflows: true });
        assert.deepEqual(page.errors, []);
      });
    } finally {
      await apiCall(token, 'PUT', '/settings', { automation: before });
    }
  });

  test('API token: shown once, works against /me, revoked gives 401', async () => {
    const name = 'e2e token ' + uniq();
    await withPage('settings-tokens', {}, async (page) => {
      await signIn(page);
      await page.goto(BASE + '/settings/tokens');
      await page.getByLabel('Token name').fill(name);
      await page.getByRole('button', { name: 'Create token' }).click();
      const secretBox = page.getByLabel(/shown only this once/);
      await secretBox.waitFor();
      const secret = await secretBox.inputValue();
      assert.ok(secret.length >= 20, 'a secret is shown');
      await page.getByRole('button', { name: 'Copy token' }).waitFor();

      const me = await fetch(BASE + '/api/v1/me', { headers: { Authorization: 'Bearer ' + secret } });
      assert.equal(me.status, 200);
      assert.equal((await me.json()).email, process.env.RAPPORT_EMAIL || 'demo@rapport.test');

      // listed without its secret; a reload does not show it again
      await page.reload();
      const row = page.locator('[data-testid=tokens-table] tbody tr', { hasText: name });
      await row.waitFor();
      assert.equal(await page.getByTestId('new-token').count(), 0);
      assert.ok(!(await page.content()).includes(secret), 'the secret is gone after a reload');

      await row.getByRole('button', { name: 'Revoke' }).click();
      await row.getByRole('button', { name: 'Yes, revoke' }).click();
      await page.getByRole('status').filter({ hasText: `Revoked “${name}”` }).waitFor();
      assert.equal(await row.count(), 0);
      const after = await fetch(BASE + '/api/v1/me', { headers: { Authorization: 'Bearer ' + secret } });
      assert.equal(after.status, 401);
      assert.deepEqual(page.errors, []);
    });
  });

  test('users: add an agent, see it listed, change its role, remove it', async () => {
    const token = await apiToken();
    const email = `agent-${uniq()}@rapport.test`;
    await withPage('settings-users', {}, async (page) => {
      await signIn(page);
      await page.goto(BASE + '/settings/users');
      await page.locator('[data-testid=users-table]').waitFor();
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Name', { exact: true }).fill('Erin Agent');
      await page.getByLabel('Password').fill('agent-password-1');
      assert.equal(await page.getByLabel('Role', { exact: true }).inputValue(), 'agent');
      await page.getByRole('button', { name: 'Add user' }).click();
      await saved(page, 'add-user-title', `Added ${email} as agent.`);
      const row = page.locator('[data-testid=users-table] tbody tr', { hasText: email });
      await row.waitFor();
      assert.match(await row.innerText(), /Erin Agent/);
      assert.equal(await row.getByLabel('Role of Erin Agent').inputValue(), 'agent');

      await row.getByLabel('Role of Erin Agent').selectOption('assistant');
      await page.getByRole('status').filter({ hasText: 'Erin Agent is now assistant.' }).waitFor();
      const list = (await apiCall(token, 'GET', '/users?limit=500')).json.items;
      assert.equal(list.find((u) => u.email === email)?.role, 'assistant');

      await row.getByRole('button', { name: 'Remove' }).click();
      await row.getByRole('button', { name: 'Yes, remove' }).click();
      await page.getByRole('status').filter({ hasText: 'Erin Agent was removed.' }).waitFor();
      assert.equal(await row.count(), 0);
      const left = (await apiCall(token, 'GET', '/users?limit=500')).json.items;
      assert.ok(!left.some((u) => u.email === email), 'the user is gone');
      assert.deepEqual(page.errors, []);
    });
  });

  test('channels: a secret is write-only, shown as set and kept when left empty', async (t) => {
    const token = await apiToken();
    const before = (await apiCall(token, 'GET', '/settings/channels')).json;
    if (before.sms.account_sid || before.sms.auth_token_set) {
      t.skip('SMS is already set up on this server: its secret could not be put back');
      return;
    }
    try {
      await withPage('settings-channels', {}, async (page) => {
        await signIn(page);
        await page.goto(BASE + '/settings/channels');
        const sms = form(page, 'ch-sms-title');
        await sms.waitFor();
        assert.equal(await page.getByTestId('sms-secret').innerText(), 'Not set.');
        const hook = await page.getByLabel(/Inbound webhook/).inputValue();
        assert.match(hook, /\/api\/v1\/hooks\/sms\/[0-9a-f]+$/);
        // a closed local port: nothing can be sent anywhere meanwhile
        await page.getByLabel('API base URL').fill('http://127.0.0.1:9');
        await page.getByLabel('Account SID').fill('AC0123456789');
        await page.getByLabel('From number').fill('+15551234567');
        await page.getByLabel('Auth token').fill('s3cret-token');
        await sms.getByRole('button', { name: 'Save' }).click();
        await saved(page, 'ch-sms-title');
        assert.equal(await page.getByLabel('Auth token').inputValue(), '');
        assert.match(await page.getByTestId('sms-secret').innerText(), /^Set\./);

        await page.reload();
        await page.getByTestId('sms-secret').filter({ hasText: 'Set.' }).waitFor();
        assert.equal(await page.getByLabel('Auth token').inputValue(), '');
        assert.equal(await page.getByLabel('Account SID').inputValue(), 'AC0123456789');
        assert.ok(!(await page.content()).includes('s3cret-token'));
        // saving again without typing the token keeps it
        await page.getByLabel('From number').fill('+15557654321');
        await sms.getByRole('button', { name: 'Save' }).click();
        await saved(page, 'ch-sms-title');
        const got = (await apiCall(token, 'GET', '/settings/channels')).json.sms;
        assert.equal(got.from, '+15557654321');
        assert.equal(got.auth_token_set, true);
        assert.ok(!JSON.stringify(got).includes('s3cret-token'));

        await sms.getByRole('button', { name: /Remove the Text messages/ }).click();
        await saved(page, 'ch-sms-title', 'Removed');
        assert.equal(await page.getByTestId('sms-secret').innerText(), 'Not set.');
        assert.deepEqual(page.errors, []);
      });
    } finally {
      await apiCall(token, 'PUT', '/settings/channels', { sms: null });
    }
  });

  test('an agent sees settings read-only, without users and channels', async () => {
    const token = await apiToken();
    const email = `reader-${uniq()}@rapport.test`;
    const u = await apiCall(token, 'POST', '/users', {
      email,
      password: 'reader-password-1',
      role: 'agent',
    });
    assert.equal(u.status, 201);
    try {
      await withPage('settings-agent', {}, async (page) => {
        await signInAs(page, email, 'reader-password-1');
        await page.goto(BASE + '/settings');
        await page.getByRole('heading', { level: 2, name: 'General' }).waitFor();
        assert.match(await page.locator('.note').innerText(), /Only owners and admins/);
        assert.ok(await page.getByLabel('Time zone').isDisabled());
        assert.equal(await page.getByRole('button', { name: 'Save' }).count(), 0);
        const nav = page.getByRole('navigation', { name: 'Settings sections' });
        assert.equal(await nav.getByRole('link', { name: 'Users' }).count(), 0);
        assert.equal(await nav.getByRole('link', { name: 'Channels' }).count(), 0);
        // an agent still makes its own API tokens
        await nav.getByRole('link', { name: 'API tokens' }).click();
        await page.getByRole('button', { name: 'Create token' }).waitFor();
        assert.deepEqual(page.errors, []);
      });
    } finally {
      await apiCall(token, 'DELETE', `/users/${u.json.id}`);
    }
  });

  test('every section fits a 390 px phone', async () => {
    await withPage('settings-phone', { width: 390, height: 844 }, async (page) => {
      await signIn(page);
      for (const s of ['general', 'office-hours', 'automation', 'routing', 'channels', 'users', 'tokens', 'capture']) {
        await page.goto(BASE + '/settings/' + s);
        await page.locator('.settings-body .card').first().waitFor();
        assert.ok(await noHorizontalScroll(page), `no horizontal scroll on ${s}`);
      }
      // capture forms: the key and a snippet posting to this server
      const snippet = await page.getByLabel('HTML snippet').first().inputValue();
      assert.match(snippet, new RegExp(`action="${BASE}/capture/[0-9a-f]{32}"`));
      assert.deepEqual(page.errors, []);
    });
  });
  test('capture form: the snippet, pasted on another site, brings in a lead', async () => {
    const token = await apiToken();
    const email = `lead-${uniq()}@example.com`;
    let snippet = '';
    await withPage('settings-capture', {}, async (page) => {
      await signIn(page);
      await page.goto(BASE + '/settings/capture');
      snippet = await page.getByLabel('HTML snippet').first().inputValue();
      assert.deepEqual(page.errors, []);
    });
    // the agent's own site: another origin, a real HTTP server
    const site = createServer((req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><html><body><h1>My listings</h1>${snippet}</body></html>`);
    });
    await new Promise((ok) => site.listen(0, '127.0.0.1', ok));
    try {
      await withPage('capture-site', {}, async (page) => {
        await page.goto(`http://127.0.0.1:${site.address().port}/`);
        await page.getByLabel('First name').fill('Lena');
        await page.getByLabel('Last name').fill('Lead');
        await page.getByLabel('Email').fill(email);
        await page.getByLabel('How can I help?').fill('Looking for a 3 bedroom house');
        await page.getByRole('button', { name: 'Send' }).click();
        await page.getByText('Thank you!').waitFor();
        assert.deepEqual(page.errors, []);
      });
    } finally {
      site.close();
    }
    const found = (await apiCall(token, 'GET', `/contacts?q=${encodeURIComponent(email)}`)).json;
    assert.equal(found.items.length, 1, 'the lead is a contact');
    assert.equal(found.items[0].status, 'suspect');
    assert.equal(found.items[0].display_name, 'Lena Lead');
  });
});

describe('contacts bulk tag', () => {
  test('tag three contacts at once, then remove the tag from one', async () => {
    const token = await apiToken();
    const last = 'Bulkmark' + uniq();
    const ids = [];
    for (const first of ['Ann', 'Bob', 'Cid']) {
      const r = await apiCall(token, 'POST', '/contacts', {
        first_name: first,
        last_name: last,
        tags: ['keep'],
      });
      assert.equal(r.status, 201);
      ids.push(r.json.id);
    }
    const tag = 'e2e-' + uniq();
    await withPage('contacts-bulk', { width: 390, height: 844 }, async (page) => {
      await signIn(page);
      await page.goto(BASE + '/contacts');
      await page.getByLabel('Search contacts').fill(last);
      const rows = page.locator('[data-testid=contacts-table] tbody tr');
      await page.waitForFunction(
        () => document.querySelectorAll('[data-testid=contacts-table] tbody tr').length === 3
      );
      assert.match(await rows.first().innerText(), new RegExp(last));

      await page.getByLabel('Select all on page').check();
      const bar = page.getByRole('region', { name: 'Bulk tag' });
      assert.match(await bar.innerText(), /3 selected/);
      assert.ok(await noHorizontalScroll(page), 'the bar fits a phone');
      await bar.getByLabel('Tag').fill(tag);
      await bar.getByRole('button', { name: 'Add tag' }).click();
      await bar.getByRole('status').filter({ hasText: `Added “${tag}” to 3 contacts.` }).waitFor();
      for (const id of ids) {
        const c = (await apiCall(token, 'GET', `/contacts/${id}`)).json;
        assert.deepEqual(c.tags.sort(), [tag, 'keep'].sort(), `${c.display_name} tagged`);
      }

      // remove it from Bob only
      await bar.getByRole('button', { name: 'Clear selection' }).click();
      assert.equal(await bar.count(), 0);
      await page.getByLabel(`Select Bob ${last}`).check();
      await bar.getByLabel('Tag').fill(tag);
      await bar.getByRole('button', { name: 'Remove tag' }).click();
      await bar.getByRole('status').filter({ hasText: `Removed “${tag}” from 1 contact.` }).waitFor();
      const tags = await Promise.all(
        ids.map(async (id) => (await apiCall(token, 'GET', `/contacts/${id}`)).json.tags)
      );
      assert.deepEqual(tags.map((t) => t.includes(tag)), [true, false, true]);
      assert.ok(tags.every((t) => t.includes('keep')), 'other tags are kept');
      assert.deepEqual(page.errors, []);
    });
  });
});
