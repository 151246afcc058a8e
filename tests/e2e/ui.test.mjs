// ui.test.mjs: the web UI in a real browser (issue 7, first slice). A real
// `rapport serve` with a demo database is started by run.sh (RAPPORT_URL);
// playwright-core drives Debian's Chromium. Every page is checked for
// console errors; a failing test leaves a screenshot in screenshots/.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, PASSWORD, EMAIL, apiToken, noHorizontalScroll, signIn, withPage } from './lib.mjs';

describe('web UI', () => {
  test('sign in: a wrong password shows the error, the right one opens the dashboard', async () => {
    await withPage('signin', {}, async (page) => {
      await page.goto(BASE + '/');
      await page.getByLabel('Email').fill(EMAIL);
      await page.getByLabel('Password').fill('not-the-password');
      await page.getByRole('button', { name: 'Sign in' }).click();
      const alert = page.getByRole('alert');
      await alert.waitFor();
      assert.match(await alert.innerText(), /wrong email or password/i);
      // the browser logs the 401 of the refused login itself; nothing else
      assert.deepEqual(page.errors.filter((e) => !/status of 401/.test(e)), []);
      page.errors.length = 0;

      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();

      // the reach-out list, each item with its reason, detail and a way to call
      const items = page.locator('[data-testid=reach-out-list] > li');
      await items.first().waitFor();
      assert.ok((await items.count()) > 0, 'reach-out items');
      const first = items.first();
      assert.match(await first.locator('.reason').innerText(), /trend|press|overdue/i);
      assert.ok((await first.locator('.detail').innerText()).length > 5, 'reason detail shown');
      await page.locator('[data-testid=reach-out-list] a[href^="tel:"]').first().waitFor();

      // the rFactor gauge and the predictions with their interval
      const gauge = page.getByTestId('rfactor-gauge');
      await gauge.waitFor();
      assert.match(await gauge.getAttribute('aria-label'), /^rFactor: \d+(\.\d)? out of 10$/);
      const rf = await page.locator('.rfactor').innerText();
      assert.match(rf, /Predicted transactions/);
      assert.match(rf, /\[[\d.,]+ – [\d.,]+\]/, 'an interval is shown');
      assert.match(await page.locator('body').innerText(), /Contacts by status/);
      assert.deepEqual(page.errors, []);

      // a reload keeps the session; signing out returns to the sign-in form
      await page.reload();
      await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('button', { name: 'Sign in' }).waitFor();
      assert.deepEqual(page.errors, []);
    });
  });

  test('contacts: typing part of a name finds the contact', async () => {
    const token = await apiToken();
    const r = await fetch(BASE + '/api/v1/contacts?limit=20&sort=last_name', {
      headers: { Authorization: 'Bearer ' + token },
    });
    const target = (await r.json()).items.find((c) => c.last_name && c.last_name.length >= 5);
    assert.ok(target, 'a demo contact with a last name');
    await withPage('search', {}, async (page) => {
      await signIn(page);
      await page.keyboard.press('/'); // the search shortcut, from the dashboard
      await page.getByRole('heading', { level: 1, name: 'Contacts' }).waitFor();
      const box = page.getByLabel('Search contacts');
      await page.waitForFunction(() => document.activeElement?.id === 'contact-search');
      await box.pressSequentially(target.last_name.slice(0, 4).toLowerCase(), { delay: 30 });
      const row = page.locator('[data-testid=contacts-table] tbody tr', { hasText: target.display_name });
      await row.first().waitFor();
      // the search narrowed the list: the count shown is well under the 200+
      const count = await page.locator('p[role=status]').innerText();
      assert.match(count, /^\d+ contacts?$/);
      assert.ok(parseInt(count, 10) < 100, `search narrows the list (${count})`);
      assert.match(await row.first().locator('.badge').innerText(), /\d+$/, 'a score badge');
      assert.deepEqual(page.errors, []);
    });
  });

  test('contacts: a filter narrows the list and a new contact can be created', async () => {
    await withPage('create', {}, async (page) => {
      await signIn(page);
      await page.getByRole('link', { name: 'Contacts' }).click();
      await page.getByRole('heading', { level: 1, name: 'Contacts' }).waitFor();
      await page.getByRole('button', { name: /^Filters/ }).click();
      await page.getByLabel('Status').selectOption('client');
      await page.waitForFunction(() => {
        const rows = [...document.querySelectorAll('[data-testid=contacts-table] tbody tr')];
        return rows.length > 0 && rows.every((tr) => tr.children[2].innerText === 'Client');
      });
      await page.getByRole('button', { name: 'Clear filters' }).click();

      await page.getByRole('button', { name: 'New contact' }).click();
      const dlg = page.getByRole('dialog');
      await dlg.getByLabel('Email').fill('not an email');
      await dlg.getByRole('button', { name: 'Create contact' }).click();
      await dlg.getByRole('alert').waitFor(); // the API's validation message
      await dlg.getByLabel('Email').fill('zelda.quixote@example.com');
      await dlg.getByLabel('First name').fill('Zelda');
      await dlg.getByLabel('Last name').fill('Quixote');
      await dlg.getByRole('button', { name: 'Create contact' }).click();
      await dlg.waitFor({ state: 'detached' });
      await page.locator('[data-testid=contacts-table] tbody tr', { hasText: 'Zelda Quixote' }).waitFor();
      // the 400 of the refused create is logged by the browser; nothing else
      assert.deepEqual(page.errors.filter((e) => !/status of 400/.test(e)), []);
    });
  });

  test('phone, 390 px: no horizontal scroll, the menu folds and opens', async () => {
    await withPage('phone', { width: 390, height: 844 }, async (page) => {
      await page.goto(BASE + '/');
      assert.ok(await noHorizontalScroll(page), 'sign-in page fits');
      await signIn(page);
      await page.locator('[data-testid=reach-out-list] > li').first().waitFor();
      assert.ok(await noHorizontalScroll(page), 'dashboard fits 390 px');
      const menu = page.getByRole('button', { name: 'Menu' });
      assert.equal(await page.getByRole('link', { name: 'Contacts' }).isVisible(), false);
      await menu.click();
      assert.equal(await menu.getAttribute('aria-expanded'), 'true');
      await page.getByRole('link', { name: 'Contacts' }).click();
      await page.getByRole('heading', { level: 1, name: 'Contacts' }).waitFor();
      await page.locator('[data-testid=contacts-table] tbody tr').first().waitFor();
      assert.ok(await noHorizontalScroll(page), 'contacts fit 390 px');
      assert.deepEqual(page.errors, []);
    });
  });
});
