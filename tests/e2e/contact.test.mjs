// contact.test.mjs: the contact page (issue 7) in a real browser against a
// real `rapport serve` (run.sh). Every test makes its own contact through
// the API, so the shared demo data and the other e2e files do not matter.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, apiCall, apiToken, noHorizontalScroll, signIn, withPage } from './lib.mjs';

const tag = () => Math.random().toString(36).slice(2, 8);

async function newContact(token, body) {
  const r = await apiCall(token, 'POST', '/contacts', body);
  assert.equal(r.status, 201, JSON.stringify(r.json));
  return r.json;
}

async function openContact(page, c) {
  await signIn(page);
  await page.goto(`${BASE}/contacts/${c.id}`);
  await page.getByRole('heading', { level: 1, name: c.display_name }).waitFor();
}

const pillText = (page, f) => page.getByTestId(`${f}-pill`).innerText();

async function waitPill(page, f, re) {
  await page.waitForFunction(
    ([sel, src]) => new RegExp(src).test(document.querySelector(sel)?.innerText || ''),
    [`[data-testid=${f}-pill]`, re.source]
  );
}

// the browser logs the 4xx answers the tests provoke on purpose; nothing else
const unexpected = (errors, status) =>
  errors.filter((e) => !(status && new RegExp(`status of ${status}`).test(e)));

describe('contact page', () => {
  test('L2: logging an inbound email moves a suspect to prospect, shown at once', async () => {
    const token = await apiToken();
    const c = await newContact(token, {
      first_name: 'Rita',
      last_name: 'Reply' + tag(),
      emails: [{ address: `rita.${tag()}@example.com` }],
    });
    assert.equal(c.status, 'suspect');
    await withPage('contact-reply', {}, async (page) => {
      await openContact(page, c);
      assert.match(await pillText(page, 'status'), /Status\s+Suspect/);
      assert.match(await pillText(page, 'stage'), /Stage\s+Aware/);

      await page.keyboard.press('l'); // the log shortcut
      const dlg = page.getByRole('dialog', { name: /Log an activity/ });
      await dlg.waitFor();
      await dlg.getByLabel('Kind').selectOption('email');
      await dlg.getByLabel('Direction').selectOption('inbound');
      await dlg.getByLabel('Subject').fill('Re: the house on Elm');
      await dlg.getByLabel('Notes').fill('Yes, we would love to see it Saturday.');
      await dlg.getByRole('button', { name: 'Save activity' }).click();
      await dlg.waitFor({ state: 'detached' });

      await waitPill(page, 'status', /Prospect/);
      assert.match(await pillText(page, 'stage'), /Know/, 'S3 follows');
      assert.match(await page.getByTestId('flash').innerText(), /Status is now Prospect/);
      const tl = page.getByTestId('timeline');
      await tl.getByText('Re: the house on Elm').waitFor();
      const item = tl.locator('li', { hasText: 'Re: the house on Elm' });
      assert.match(await item.innerText(), /from the contact/);

      // the status history, with the rule in words
      await page.getByTestId('status-pill').click();
      const hist = page.locator('#pill-history');
      await hist.waitFor();
      const text = await hist.innerText();
      assert.match(text, /Suspect → Prospect/);
      assert.match(text, /two-way communication began \(rule L2\)/);
      assert.match(text, /Set to Suspect · new contact \(rule L1\)/);
      assert.deepEqual(page.errors, []);

      // an outbound note does not move it further, and Escape closes the form
      await page.keyboard.press('l');
      await dlg.waitFor();
      await page.keyboard.press('Escape');
      await dlg.waitFor({ state: 'detached' });
      assert.match(await pillText(page, 'status'), /Prospect/);
    });
  });

  test('L4: a new listing with the contact as seller makes it a client', async () => {
    const token = await apiToken();
    const c = await newContact(token, {
      first_name: 'Sam',
      last_name: 'Seller' + tag(),
      phones: [{ number: '+15125550199' }],
    });
    await withPage('contact-listing', {}, async (page) => {
      await openContact(page, c);
      const deals = page.getByRole('region', { name: 'Deals' });
      await deals.getByText(/No deals yet/).waitFor(); // once the deals have loaded
      await deals.getByRole('button', { name: 'New listing' }).click();
      const form = page.getByRole('form', { name: 'New listing' });
      await form.getByLabel('Street').fill('12 Juniper Lane');
      await form.getByLabel('City').fill('Austin');
      await form.getByLabel('List price').fill('515000');
      assert.equal(await form.getByLabel('Status').inputValue(), 'active');
      assert.equal(await form.getByLabel("Contact's role").inputValue(), 'seller');
      await form.getByRole('button', { name: 'Create listing' }).click();
      await form.waitFor({ state: 'detached' });

      await waitPill(page, 'status', /Client/);
      assert.match(await pillText(page, 'stage'), /Like/);
      const row = page.getByTestId('deals').locator('li', { hasText: '12 Juniper Lane' });
      await row.waitFor();
      assert.match(await row.innerText(), /Seller/);
      assert.equal(await row.getByLabel('Status').inputValue(), 'active');
      await page.getByTestId('timeline').getByText('12 Juniper Lane, Austin').waitFor();
      await page.getByTestId('status-pill').click();
      assert.match(
        await page.locator('#pill-history').innerText(),
        /Suspect → Client · became party to an open deal \(rule L4\)/
      );

      // the API agrees
      const r = await apiCall(token, 'GET', `/properties?contact_id=${c.id}`);
      assert.equal(r.json.items.length, 1);
      assert.equal(r.json.items[0].address.street, '12 Juniper Lane');
      assert.equal(r.json.items[0].list_price, 515000);
      assert.deepEqual(page.errors, []);
    });
  });

  test('score: 14 factor bars with points of max and detail, the decay line', async () => {
    const token = await apiToken();
    // known for years, never a two-way touch: the decay is at work
    const c = await newContact(token, {
      first_name: 'Dora',
      last_name: 'Decay' + tag(),
      company: 'Quiet Co',
      known_since: '2021-03-01',
    });
    const s = (await apiCall(token, 'GET', `/contacts/${c.id}/score`)).json;
    assert.ok(s.decay.months_inactive > 0);
    await withPage('contact-score', {}, async (page) => {
      await openContact(page, c);
      const bars = page.getByTestId('score-factors').locator('li');
      await bars.first().waitFor();
      assert.equal(await bars.count(), 14);
      for (let i = 0; i < 14; i++) {
        const f = s.factors[i];
        const li = bars.nth(i);
        const pts = await li.locator('.factor-points').innerText();
        assert.match(pts, /^\d+(\.\d+)? \/ \d+$/, f.name);
        assert.equal(Number(pts.split(' / ')[1]), f.max, f.name);
        assert.equal(Number(pts.split(' / ')[0]), f.points, f.name);
        assert.equal(await li.locator('.factor-detail').innerText(), f.detail);
        assert.ok(await li.getByRole('meter').isVisible());
      }
      assert.match(await bars.nth(1).innerText(), /Category/);
      const decay = await page.getByTestId('decay').innerText();
      const one = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });
      const lost = one.format(s.decay.points_lost);
      const x = s.decay.multiplier.toFixed(2);
      assert.ok(
        decay.startsWith(
          `${s.decay.months_inactive} months inactive: ×${x}, −${lost} points`
        ),
        decay
      );
      const hist = page.getByRole('region', { name: 'Score history' });
      await hist.getByText(/No score history yet/).waitFor(); // once the history has loaded
      assert.deepEqual(page.errors, []);
    });

    // a demo contact with daily history gets the chart
    const top = (await apiCall(token, 'GET', '/contacts?sort=-score&limit=1')).json.items[0];
    await withPage('contact-chart', {}, async (page) => {
      await openContact(page, top);
      const chart = page.getByTestId('score-chart');
      await chart.locator('canvas').waitFor();
      assert.match(
        await chart.getAttribute('aria-label'),
        /^Score history: [\d.]+ on \w+ \d+, \d{4}, [\d.]+ on/
      );
      assert.deepEqual(page.errors, []);
    });
  });

  test('workflows: enroll from the page, the run shows its next step, stop it', async () => {
    const token = await apiToken();
    const c = await newContact(token, {
      first_name: 'Wade',
      last_name: 'Flow' + tag(),
      emails: [{ address: `wade.${tag()}@example.com` }],
    });
    const wfs = (await apiCall(token, 'GET', '/workflows')).json.items;
    // one whose first step waits (an hour or more), so the run stays active
    const waits = (w) =>
      w.enabled && /^P.*[1-9]/.test(w.steps[0]?.after || '') && !w.steps[0].relative_to;
    const wf = wfs.find((w) => waits(w) && w.name === 'Buyer lead') || wfs.find(waits);
    assert.ok(wf, 'an enabled demo workflow with a waiting first step');
    await withPage('contact-workflow', {}, async (page) => {
      await openContact(page, c);
      const box = page.getByRole('region', { name: 'Workflows' });
      // the runs load after the page: wait for the answer, not the first paint
      await box.getByText(/Not in any workflow/).waitFor();
      await box.getByLabel('Workflow').selectOption({ label: wf.name });
      await box.getByRole('button', { name: 'Enroll' }).click();
      const run = page.getByTestId('workflow-runs').locator('li', { hasText: wf.name });
      await run.waitFor();
      assert.match(await run.innerText(), /Active/);
      assert.match(await run.innerText(), /Next: .+ \(step \d+\)/);
      const flash = await page.getByTestId('flash').innerText();
      assert.match(flash, new RegExp(`Enrolled in ${wf.name}`));

      await run.getByRole('button', { name: `Stop ${wf.name}` }).click();
      await page.waitForFunction(() =>
        /Stopped/.test(document.querySelector('[data-testid=workflow-runs] li')?.innerText || '')
      );
      assert.match(await run.innerText(), /Stopped: By user/);
      assert.equal(await run.getByRole('button', { name: /Stop/ }).count(), 0);
      const runs = (await apiCall(token, 'GET', `/workflow-runs?contact_id=${c.id}`)).json.items;
      assert.equal(runs.length, 1);
      assert.equal(runs[0].status, 'stopped');
      assert.deepEqual(page.errors, []);
    });
  });

  test('fields: an edit persists, Escape cancels, a bad email errs at the field', async () => {
    const token = await apiToken();
    const c = await newContact(token, {
      first_name: 'Erin',
      last_name: 'Edit' + tag(),
      company: 'Old Corp',
    });
    const rex = await newContact(token, {
      first_name: 'Rex',
      last_name: 'Referrer' + tag(),
      emails: [{ address: `rex.${tag()}@example.com` }],
    });
    await withPage('contact-edit', {}, async (page) => {
      await openContact(page, c);
      await page.getByRole('button', { name: /^Company: Old Corp/ }).click();
      const input = page.getByLabel('Company');
      const focused = await input.evaluate((el) => el === document.activeElement);
      assert.equal(focused, true, 'the editor has focus');
      await input.fill('Maple Homes');
      await input.press('Enter');
      await page.getByRole('button', { name: /^Company: Maple Homes/ }).waitFor();
      assert.match(await page.getByTestId('flash').innerText(), /Saved/);

      // Escape leaves the value as it was
      await page.getByRole('button', { name: /^Partner: empty/ }).click();
      await page.getByLabel('Partner').fill('Not saved');
      await page.getByLabel('Partner').press('Escape');
      await page.getByRole('button', { name: /^Partner: empty/ }).waitFor();

      // a bad email: the API's message at the field, the editor stays open
      await page.getByRole('button', { name: /^Emails: empty/ }).click();
      await page.getByLabel('Emails').fill('erin at example');
      await page.getByLabel('Emails').press('Enter');
      const err = page.locator('#cf-emails-err');
      await err.waitFor();
      assert.equal(await err.getAttribute('role'), 'alert');
      assert.match(await err.innerText(), /space/i);
      assert.equal(await page.getByLabel('Emails').getAttribute('aria-invalid'), 'true');
      await page.getByLabel('Emails').fill('erin@example.com');
      await page.getByLabel('Emails').press('Enter');
      await page.getByRole('button', { name: /^Emails: erin@example.com/ }).waitFor();

      // a select (category) and a checkbox (opt-out)
      await page.getByRole('button', { name: /^Category: None/ }).click();
      const cat = page.getByLabel('Category', { exact: true });
      await cat.selectOption('a');
      await cat.press('Enter');
      await waitPill(page, 'category', /Category\s+A/);
      await page.getByLabel('Opted out of SMS').check();
      for (let i = 0; i < 50; i++) {
        if ((await apiCall(token, 'GET', `/contacts/${c.id}`)).json.sms_opt_out) break;
        await page.waitForTimeout(100);
      }
      assert.equal(await page.getByLabel('Opted out of SMS').isChecked(), true);

      // referred by: pick a contact found by name
      await page.getByRole('button', { name: /^Referred by: empty/ }).click();
      const ref = page.getByLabel('Referred by');
      await ref.pressSequentially(rex.last_name.slice(0, 10), { delay: 20 });
      const pick = `${rex.display_name} · ${rex.emails[0].address}`;
      const option = page.locator(`#cf-referred-by-list option[value="${pick}"]`);
      await option.waitFor({ state: 'attached' });
      await ref.fill(pick);
      await page.waitForTimeout(400); // longer than the search delay: the choice must stay
      await ref.press('Enter');
      await page.getByRole('button', { name: `Referred by: ${rex.display_name}. Edit` }).waitFor();
      await page.getByRole('link', { name: 'Open' }).waitFor();

      // someone else changes the contact: If-Match refuses, the page reloads it
      const cur = (await apiCall(token, 'GET', `/contacts/${c.id}`)).json;
      const other = await apiCall(token, 'PATCH', `/contacts/${c.id}`, { pets: 'A cat' });
      assert.equal(other.status, 200);
      await page.getByRole('button', { name: /^Children:/ }).click();
      await page.getByLabel('Children').fill('Two');
      await page.getByLabel('Children').press('Enter');
      await page.locator('#cf-children-err', { hasText: 'Changed elsewhere, reloaded' }).waitFor();
      await page.getByRole('button', { name: /^Pets: A cat/ }).waitFor(); // reloaded
      await page.getByLabel('Children').press('Enter'); // saving again works
      await page.getByRole('button', { name: /^Children: Two/ }).waitFor();

      await page.reload();
      await page.getByRole('heading', { level: 1, name: c.display_name }).waitFor();
      await page.getByRole('button', { name: /^Company: Maple Homes/ }).waitFor();
      const after = (await apiCall(token, 'GET', `/contacts/${c.id}`)).json;
      assert.equal(after.company, 'Maple Homes');
      assert.deepEqual(after.emails.map((e) => e.address), ['erin@example.com']);
      assert.equal(after.category, 'a');
      assert.equal(after.sms_opt_out, true);
      assert.equal(after.children, 'Two');
      assert.equal(after.referred_by, rex.id);
      // C2: the referrer's category went to B
      assert.equal((await apiCall(token, 'GET', `/contacts/${rex.id}`)).json.category, 'b');
      assert.ok(after.version > cur.version);
      // the refused email (400) and the refused stale write (412) are logged by the browser
      assert.deepEqual(unexpected(page.errors.filter((e) => !/status of 412/.test(e)), 400), []);
    });
  });

  test('send: a channel the contact cannot use is disabled with the reason', async () => {
    const token = await apiToken();
    const c = await newContact(token, {
      first_name: 'Otto',
      last_name: 'Optout' + tag(),
      emails: [{ address: `otto.${tag()}@example.com` }],
      phones: [{ number: '+15125550142' }],
      sms_opt_out: true,
    });
    await withPage('contact-send', {}, async (page) => {
      await openContact(page, c);
      const text = page.getByRole('button', { name: 'Text (Opted out of SMS)' });
      assert.equal(await text.isDisabled(), true);
      await page.getByRole('button', { name: `Email ${c.display_name}` }).click();
      const dlg = page.getByRole('dialog', { name: /Send a message/ });
      assert.equal(await dlg.getByRole('radio', { name: /SMS/ }).isDisabled(), true);
      assert.match(await dlg.innerText(), /Opted out of SMS/);
      assert.equal(await dlg.getByRole('radio', { name: /Email/ }).isChecked(), true);
      await dlg.getByLabel('Subject').fill('Market update');
      await dlg.getByLabel('Message').fill('Prices on your street went up.');
      await dlg.getByRole('button', { name: 'Send now' }).click();
      await dlg.waitFor({ state: 'detached' });
      await page.getByTestId('timeline').getByText('Market update').waitFor();
      const msgs = (await apiCall(token, 'GET', `/messages?contact_id=${c.id}`)).json.items;
      assert.equal(msgs.length, 1);
      assert.equal(msgs[0].channel, 'email');
      assert.equal(msgs[0].subject, 'Market update');
      assert.deepEqual(page.errors, []);
    });
  });

  test('phone, 390 px: the contact page and its log form fit, no horizontal scroll', async () => {
    const token = await apiToken();
    const top = (await apiCall(token, 'GET', '/contacts?sort=-score&limit=1')).json.items[0];
    await withPage('contact-phone', { width: 390, height: 844 }, async (page) => {
      await openContact(page, top);
      await page.getByTestId('score-factors').locator('li').first().waitFor();
      await page.getByTestId('timeline').locator('li').first().waitFor();
      await page.getByTestId('score-chart').locator('canvas').waitFor();
      assert.ok(await noHorizontalScroll(page), 'contact page fits 390 px');
      await page.getByTestId('status-pill').click();
      await page.locator('#pill-history').waitFor();
      await page.getByRole('button', { name: /^Street:/ }).click();
      assert.ok(await noHorizontalScroll(page), 'history and an open editor fit');
      await page.getByLabel('Street').press('Escape');
      await page.getByRole('button', { name: 'Log activity' }).click();
      await page.getByRole('dialog', { name: /Log an activity/ }).waitFor();
      assert.ok(await noHorizontalScroll(page), 'the log form fits');
      assert.deepEqual(page.errors, []);
    });
  });
});
