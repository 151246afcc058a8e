// import.test.mjs: the import page (issues 7 and 8). A CSV made here with
// three unique contacts (one with a bad email) goes through the file input:
// the progress bar reaches done, the counts show 2 created and 1 error with
// its line, the two are found through the API, and a reload shows that
// import again. The Gmail vCard sample imports. Files the import cannot
// read (wrong extension, over 256 MiB) are refused before any upload.
// Duplicates: two contacts made through the API with one unique email show
// as a pair; "Merge into left" (confirmed in place) removes the pair and
// the API shows the right one archived; "Not a duplicate" hides a pair for
// the session. Export: the CSV link answers 200 text/csv. 390 px fits.
// The server is shared with the other e2e files: unique names everywhere.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { BASE, apiCall, apiToken, noHorizontalScroll, signIn, withPage } from './lib.mjs';

const uniq = () => Date.now().toString(36) + Math.floor(Math.random() * 1e4);
const GMAIL = new URL('../data/vcard/gmail.vcf', import.meta.url);

async function openImport(page) {
  await signIn(page);
  await page.getByRole('link', { name: 'Import', exact: true }).first().click();
  await page.getByRole('heading', { level: 1, name: 'Import' }).waitFor();
}

/* Waits for the progress card's status to say the import finished. */
async function finished(page) {
  const st = page.locator('.im-progress [role=status]');
  await st.filter({ hasText: 'Import finished' }).waitFor({ timeout: 20000 });
  return st.innerText();
}

async function counts(page) {
  const out = {};
  for (const div of await page.locator('[data-testid=import-counts] > div').all())
    out[await div.locator('dt').innerText()] = Number(await div.locator('dd').innerText());
  return out;
}

async function newContact(token, first, last, email) {
  const r = await apiCall(token, 'POST', '/contacts', {
    first_name: first,
    last_name: last,
    emails: [{ address: email }],
  });
  assert.equal(r.status, 201);
  return r.json;
}

describe('import page', () => {
  test('a CSV with a bad row: done, 2 created, 1 error by line, shown after a reload', async () => {
    const token = await apiToken();
    const tag = uniq();
    const last = 'Imp' + tag;
    const csv =
      'First Name,Last Name,Email,Phone\n' +
      `Ann,${last},ann.${tag}@example.com,\n` +
      `Bob,${last},bob-at-nowhere,\n` +
      `Cyd,${last},cyd.${tag}@example.com,+1 415 555 0100\n`;
    await withPage('import-csv', {}, async (page) => {
      await openImport(page);
      await page.getByLabel('File to import').setInputFiles({
        name: `people-${tag}.csv`,
        mimeType: 'text/csv',
        buffer: Buffer.from(csv),
      });
      await page.getByText(`people-${tag}.csv: ${csv.length} bytes, CSV (contacts).`).waitFor();
      assert.equal(await page.getByRole('radio', { name: /^Merge/ }).isChecked(), true);
      await page.getByRole('button', { name: 'Upload' }).click();

      await page.getByRole('heading', { name: `Import of people-${tag}.csv` }).waitFor();
      const said = await finished(page);
      assert.match(said, /2 created, 0 merged, 0 skipped, 1 error\./);
      const bar = page.getByTestId('import-progress');
      assert.equal(await bar.getAttribute('max'), '3');
      assert.equal(await bar.getAttribute('value'), '3');
      assert.equal(await page.getByTestId('import-of').innerText(), '3 of 3 records');
      assert.deepEqual(await counts(page), { Created: 2, Merged: 0, Skipped: 0, Errors: 1 });
      const rows = page.locator('.im-errors tbody tr');
      assert.equal(await rows.count(), 1);
      assert.equal(await rows.locator('td').first().innerText(), '3'); // Bob, under the header
      assert.match(await rows.locator('td').nth(1).innerText(), /email/i);
      await page.getByText('skipped whole').waitFor();
      assert.equal(
        await page.getByRole('link', { name: 'Open the contacts list' }).getAttribute('href'),
        '/contacts'
      );

      // the API has the two good rows, not the bad one
      const found = (await apiCall(token, 'GET', `/contacts?q=${last}`)).json.items;
      assert.deepEqual(found.map((c) => c.first_name).sort(), ['Ann', 'Cyd']);
      assert.equal(found.find((c) => c.first_name === 'Cyd').phones[0].number, '+14155550100');

      // a reload shows the same import again (kept in sessionStorage)
      await page.reload();
      await page.getByRole('heading', { name: `Import of people-${tag}.csv` }).waitFor();
      assert.match(await finished(page), /2 created/);
      assert.equal(await page.locator('.im-errors tbody tr').count(), 1);

      // hidden on request, and not back after a reload
      await page.getByRole('button', { name: 'Hide this import' }).click();
      await page
        .getByRole('heading', { name: `Import of people-${tag}.csv` })
        .waitFor({ state: 'detached' });
      await page.reload();
      await page.getByRole('heading', { level: 1, name: 'Import' }).waitFor();
      assert.equal(await page.locator('.im-progress').count(), 0);
      assert.deepEqual(page.errors, []);
    });
  });

  test('the Gmail vCard sample imports with the skip policy', async () => {
    const token = await apiToken();
    await withPage('import-vcard', {}, async (page) => {
      await openImport(page);
      await page.getByRole('radio', { name: /^Skip/ }).check();
      await page.getByLabel('File to import').setInputFiles({
        name: 'gmail.vcf',
        mimeType: 'text/vcard',
        buffer: readFileSync(GMAIL),
      });
      await page.getByText(/gmail\.vcf: .*, vCard \(contacts\)\./).waitFor();
      await page.getByRole('button', { name: 'Upload' }).click();
      await finished(page);
      assert.equal(await page.getByTestId('import-of').innerText(), '3 of 3 records');
      const c = await counts(page);
      assert.equal(c.Errors, 0);
      assert.equal(c.Merged, 0); // skip never merges
      assert.equal(c.Created + c.Skipped, 3);
      assert.equal(await page.locator('.im-errors').count(), 0);
      const found = (await apiCall(token, 'GET', '/contacts?q=priya.raman@gmail.com')).json.items;
      assert.ok(found.some((x) => x.display_name === 'Priya Raman'));
      assert.deepEqual(page.errors, []);
    });
  });

  test('an unknown extension and a file over 256 MiB are refused before upload', async () => {
    await withPage('import-refused', {}, async (page) => {
      await openImport(page);
      let posts = 0;
      page.on('request', (r) => {
        if (r.method() === 'POST' && r.url().includes('/api/v1/imports')) posts++;
      });
      await page.getByRole('button', { name: 'Upload' }).click();
      await page.getByRole('alert').filter({ hasText: 'Choose a file to import first.' }).waitFor();
      await page.getByLabel('File to import').setInputFiles({
        name: 'notes.pdf',
        mimeType: 'application/pdf',
        buffer: Buffer.from('%PDF-1.4 hello'),
      });
      await page
        .getByRole('alert')
        .filter({ hasText: '“notes.pdf” is not a file the import reads' })
        .waitFor();
      assert.equal(await page.getByLabel('File to import').getAttribute('aria-invalid'), 'true');

      // a drop of a file that says it is 300 MiB (the size faked: a real one
      // would take 300 MiB of memory here)
      await page.getByTestId('drop-zone').evaluate((zone) => {
        const f = new File(['a,b\n'], 'huge.csv', { type: 'text/csv' });
        Object.defineProperty(f, 'size', { value: 300 * 1024 * 1024 });
        const ev = new Event('drop', { bubbles: true, cancelable: true });
        Object.defineProperty(ev, 'dataTransfer', { value: { files: [f] } });
        zone.dispatchEvent(ev);
      });
      await page
        .getByRole('alert')
        .filter({ hasText: '“huge.csv” is 300 MiB; files over 256 MiB cannot be imported' })
        .waitFor();
      // Upload has nothing to send: the reason stays, no request goes
      await page.getByRole('button', { name: 'Upload' }).click();
      await page.waitForTimeout(300);
      const alert = page.locator('.im-upload [role=alert]');
      assert.match(await alert.innerText(), /“huge\.csv” is 300 MiB/);
      assert.equal(posts, 0);
      assert.equal(await page.locator('.im-progress').count(), 0);
      assert.deepEqual(page.errors, []);
    });
  });

  test('duplicates: a pair with one email, merged into the left; another hidden', async () => {
    const token = await apiToken();
    const tag = uniq();
    const email = `dup.${tag}@example.com`;
    const left = await newContact(token, 'Dana', 'Left' + tag, email);
    const right = await newContact(token, 'Dana', 'Right' + tag, email);
    const email2 = `twin.${tag}@example.com`;
    await newContact(token, 'Tom', 'TwinA' + tag, email2);
    await newContact(token, 'Tim', 'TwinB' + tag, email2);
    // the list orders pairs left to right by id: left was created first
    const pair = (p, who) => p.getByTestId('duplicate-pair').filter({ hasText: who });

    await withPage('import-dups', {}, async (page) => {
      await openImport(page);
      await page.getByLabel('Find a pair (name, email or phone)').fill(tag);
      const it = pair(page, email);
      await it.waitFor();
      assert.match(await it.locator('.im-why').innerText(), new RegExp(`^Same email ${email}$`));
      const sides = it.locator('.im-side');
      assert.match(await sides.nth(0).innerText(), new RegExp(`Dana Left${tag}`));
      assert.match(await sides.nth(1).innerText(), new RegExp(`Dana Right${tag}`));
      assert.match(await sides.nth(0).innerText(), /Status\s+Suspect/);
      assert.equal(await pair(page, email2).count(), 1);

      await it.getByRole('button', { name: 'Merge into left' }).click();
      await it.getByText(`Keep Dana Left${tag} and merge Dana Right${tag} into it?`).waitFor();
      await it.getByRole('button', { name: 'Cancel' }).click();
      await it.getByRole('button', { name: 'Merge into left' }).click();
      await it.getByRole('button', { name: 'Yes, merge' }).click();
      await it.waitFor({ state: 'detached' });
      const st = page.locator('.im-merged[role=status]');
      await st.filter({ hasText: `Dana Left${tag} is kept` }).waitFor();
      assert.equal(
        await st.getByRole('link', { name: `Open Dana Left${tag}` }).getAttribute('href'),
        `/contacts/${left.id}`
      );

      // the API: the right one archived, the left one live
      const r = await apiCall(token, 'GET', `/contacts/${right.id}`);
      assert.equal(r.status, 200);
      assert.ok(r.json.archived_at, 'the right contact is archived');
      const l = await apiCall(token, 'GET', `/contacts/${left.id}`);
      assert.equal(l.json.archived_at, null);
      const dups = (await apiCall(token, 'GET', '/duplicates?limit=500')).json.items;
      assert.ok(!dups.some((d) => d.value === email), 'the API lists the pair no more');

      // "Not a duplicate" hides the other pair for the session (a reload too)
      await pair(page, email2).getByRole('button', { name: 'Not a duplicate' }).click();
      await pair(page, email2).waitFor({ state: 'detached' });
      await page.reload();
      await page.getByRole('heading', { name: 'Possible duplicates' }).waitFor();
      await page.getByText('Looking for duplicates…').waitFor({ state: 'detached' });
      assert.equal(await pair(page, email2).count(), 0);
      const still = (await apiCall(token, 'GET', '/duplicates?limit=500')).json.items;
      assert.ok(still.some((d) => d.value === email2), 'hiding changes nothing on the server');
      assert.deepEqual(page.errors, []);
    });
  });

  test('export: the download links answer with CSV and vCard', async () => {
    await withPage('import-export', {}, async (page) => {
      await openImport(page);
      const csv = page.getByRole('link', { name: 'Download CSV' });
      const vcf = page.getByRole('link', { name: 'Download vCard' });
      assert.equal(await csv.getAttribute('href'), '/api/v1/export/contacts.csv');
      assert.equal(await vcf.getAttribute('href'), '/api/v1/export/contacts.vcf');
      await page.getByLabel(/vCard 3\.0/).check();
      assert.equal(await vcf.getAttribute('href'), '/api/v1/export/contacts.vcf?version=3');
      const got = await page.evaluate(async () => {
        const out = {};
        for (const a of document.querySelectorAll('a.im-download')) {
          const r = await fetch(a.href, { credentials: 'same-origin' });
          const text = await r.text();
          out[a.textContent] = { status: r.status, type: r.headers.get('Content-Type'), text };
        }
        return out;
      });
      assert.equal(got['Download CSV'].status, 200);
      assert.match(got['Download CSV'].type, /^text\/csv/);
      assert.ok(got['Download CSV'].text.split('\n').length > 100, 'the demo contacts are in it');
      assert.equal(got['Download vCard'].status, 200);
      assert.match(got['Download vCard'].type, /^text\/vcard/);
      assert.match(got['Download vCard'].text, /^BEGIN:VCARD\r?\nVERSION:3\.0/);
      assert.deepEqual(page.errors, []);
    });
  });

  test('390 px: the page, an error table and a pair fit without sideways scroll', async () => {
    const token = await apiToken();
    const tag = uniq();
    const email = `a-rather-long-address.${tag}@some-long-brokerage-domain.example.com`;
    await newContact(token, 'Phoebe', 'Narrow' + tag, email);
    await newContact(token, 'Phoebe', 'Narrower' + tag, email);
    await withPage('import-390', { width: 390, height: 844 }, async (page) => {
      await signIn(page);
      await page.goto(BASE + '/import');
      await page.getByRole('heading', { level: 1, name: 'Import' }).waitFor();
      const bad = 'Name,Email\n' + `X${tag},${'not-an-email-'.repeat(12)}\n`;
      await page.getByLabel('File to import').setInputFiles({
        name: `narrow-${tag}-with-a-long-file-name.csv`,
        mimeType: 'text/csv',
        buffer: Buffer.from(bad),
      });
      await page.getByRole('button', { name: 'Upload' }).click();
      await finished(page);
      await page.locator('.im-errors tbody tr').first().waitFor();
      await page.getByLabel('Find a pair (name, email or phone)').fill(tag);
      await page.getByTestId('duplicate-pair').filter({ hasText: email }).waitFor();
      assert.equal(await noHorizontalScroll(page), true);
      assert.deepEqual(page.errors, []);
    });
  });
});
