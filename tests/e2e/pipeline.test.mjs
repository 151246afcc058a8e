// pipeline.test.mjs: the pipeline board (issue 7, "move a pipeline card").
// Each test makes its own contacts and deals through the API (the server
// is shared with the other e2e files) and checks what a user sees: the
// card in its column, the message with the contact's new status (DOMAIN.md
// L4, L5), the state after a reload, and the API agreeing.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, apiCall, apiToken, noHorizontalScroll, signIn, withPage } from './lib.mjs';

const uniq = () => Date.now().toString(36) + Math.floor(Math.random() * 1e4);

async function newSeller(token, tag) {
  const c = await apiCall(token, 'POST', '/contacts', {
    first_name: 'Pia',
    last_name: 'Board' + tag,
    type: 'client',
  });
  assert.equal(c.status, 201);
  return c.json;
}

async function newListing(token, contact, street, body = {}) {
  const p = await apiCall(token, 'POST', '/properties', {
    address: { street, city: 'Austin' },
    status: 'active',
    list_price: 612000,
    contacts: [{ contact_id: contact.id, role: 'seller' }],
    ...body,
  });
  assert.equal(p.status, 201);
  return p.json;
}

const column = (page, status) => page.locator(`#pipeline-panel section[data-status=${status}]`);
const card = (page, street) => page.locator('.pl-card', { hasText: street });

describe('pipeline', () => {
  test('move a pipeline card: by the select, then by drag and drop to closed (L4, L5)', async () => {
    const token = await apiToken();
    const tag = uniq();
    const seller = await newSeller(token, tag);
    const street = `${tag} Move St`;
    const listing = await newListing(token, seller, street);
    // L4: the seller of an open listing is a client
    assert.equal((await apiCall(token, 'GET', `/contacts/${seller.id}`)).json.status, 'client');

    // tall enough for the board and the closed zone: a drag must not scroll
    // the page between mouse down and move (it would pick another card)
    await withPage('pipeline-move', { width: 1280, height: 1400 }, async (page) => {
      await signIn(page);
      await page.getByRole('link', { name: 'Pipeline' }).click();
      await page.getByRole('heading', { level: 1, name: 'Pipeline' }).waitFor();
      assert.equal(await page.getByRole('tab', { name: 'Listings' }).getAttribute('aria-selected'), 'true');
      const c = card(page, street);
      await column(page, 'active').locator('.pl-card', { hasText: street }).waitFor();
      assert.match(await c.innerText(), /\$612,000/);
      assert.match(await c.innerText(), new RegExp(`${seller.display_name}\\s+Seller · Client`));
      // the header of Active counts the card
      const activeCount = Number(await column(page, 'active').locator('.pl-count').innerText());
      assert.ok(activeCount >= 1);

      // the keyboard/touch way: the card's "Move to" select
      await c.getByLabel(`Move to (for ${street}, Austin)`, { exact: true }).selectOption('pending');
      const status = page.locator('.pl-note[role=status]');
      await page.waitForFunction(
        (s) => document.querySelector('.pl-note[role=status]')?.innerText === `Moved ${s}, Austin to Pending.`,
        street
      );
      await column(page, 'pending').locator('.pl-card', { hasText: street }).waitFor();
      assert.equal(await column(page, 'active').locator('.pl-card', { hasText: street }).count(), 0);
      assert.equal(
        Number(await column(page, 'active').locator('.pl-count').innerText()),
        activeCount - 1
      );
      assert.equal((await apiCall(token, 'GET', `/properties/${listing.id}`)).json.status, 'pending');

      // drag and drop onto the Closed zone: the seller becomes a past client
      // grabbed by its title, as a hand would (the middle may be the select)
      await c.dragTo(column(page, 'closed'), { sourcePosition: { x: 24, y: 12 } });
      await column(page, 'closed').locator('.pl-card', { hasText: street }).waitFor();
      await page.waitForFunction(() => /is now/.test(document.querySelector('.pl-note[role=status]')?.innerText));
      assert.equal(
        await status.innerText(),
        `Moved ${street}, Austin to Closed. ${seller.display_name} is now Past client.`
      );
      const closed = await apiCall(token, 'GET', `/properties/${listing.id}`);
      assert.equal(closed.json.status, 'closed');
      assert.match(closed.json.close_date, /^\d{4}-\d{2}-\d{2}$/, 'closing without a date closes it today');
      assert.equal((await apiCall(token, 'GET', `/contacts/${seller.id}`)).json.status, 'past_client');

      // after a reload the card is still in Closed, with the seller's status
      await page.reload();
      const after = column(page, 'closed').locator('.pl-card', { hasText: street });
      await after.waitFor();
      assert.match(await after.innerText(), new RegExp(`${seller.display_name}\\s+Seller · Past client`));
      assert.match(await after.innerText(), /Closed [A-Z][a-z]{2} \d+, \d{4}/);
      assert.equal(await column(page, 'pending').locator('.pl-card', { hasText: street }).count(), 0);
      assert.deepEqual(page.errors, []);
    });
  });

  test('a card changed elsewhere is not moved: 412, the card goes back, the board reloads', async () => {
    const token = await apiToken();
    const tag = uniq();
    const seller = await newSeller(token, tag);
    const street = `${tag} Race Ave`;
    const listing = await newListing(token, seller, street);
    await withPage('pipeline-412', {}, async (page) => {
      await signIn(page);
      await page.goto(BASE + '/pipeline');
      const c = card(page, street);
      await column(page, 'active').locator('.pl-card', { hasText: street }).waitFor();
      // someone else changes the price after the board was loaded
      const r = await apiCall(token, 'PATCH', `/properties/${listing.id}`, { list_price: 650000 });
      assert.equal(r.status, 200);

      await c.getByLabel(`Move to (for ${street}, Austin)`, { exact: true }).selectOption('withdrawn');
      const alert = page.getByRole('alert');
      await alert.waitFor();
      assert.match(await alert.innerText(), new RegExp(`${street}, Austin was changed by someone else`));
      // back in Active, and the reload shows the other change
      await page.waitForFunction(
        (s) => [...document.querySelectorAll('section[data-status=active] .pl-card')].some(
          (e) => e.innerText.includes(s) && e.innerText.includes('$650,000')
        ),
        street
      );
      assert.equal(await column(page, 'withdrawn').locator('.pl-card', { hasText: street }).count(), 0);
      assert.equal((await apiCall(token, 'GET', `/properties/${listing.id}`)).json.status, 'active');
      assert.equal((await apiCall(token, 'GET', `/contacts/${seller.id}`)).json.status, 'client');
      // the browser logs the refused PATCH itself; nothing else
      assert.deepEqual(page.errors.filter((e) => !/status of 412/.test(e)), []);
    });
  });

  test('buyers board: a transaction moves to clear to close; the header counts follow', async () => {
    const token = await apiToken();
    const tag = uniq();
    const buyer = (
      await apiCall(token, 'POST', '/contacts', { first_name: 'Bo', last_name: 'Buyer' + tag })
    ).json;
    const tx = await apiCall(token, 'POST', '/transactions', {
      status: 'contingency',
      price: 431000,
      close_date: '2031-03-14',
      contacts: [{ contact_id: buyer.id, role: 'buyer' }],
    });
    assert.equal(tx.status, 201);
    await withPage('pipeline-buyers', {}, async (page) => {
      await signIn(page);
      await page.goto(BASE + '/pipeline');
      await page.getByRole('tab', { name: 'Buyers' }).click();
      await page.waitForURL(/\/pipeline\/buyers$/);
      // no address: the card is named after its buyer
      const c = page.locator('.pl-card', { has: page.getByRole('heading', { name: buyer.display_name }) });
      await column(page, 'contingency').locator('.pl-card', { hasText: buyer.display_name }).waitFor();
      assert.match(await c.innerText(), /\$431,000/);
      assert.match(await c.innerText(), /Closes Mar 14, 2031/);
      assert.equal(
        await c.getByRole('link', { name: buyer.display_name }).getAttribute('href'),
        `/contacts/${buyer.id}`
      );
      const n = async (s) => Number(await column(page, s).locator('.pl-count').innerText());
      const [cont, ctc] = [await n('contingency'), await n('clear_to_close')];
      await c.getByLabel(/^Move to/).selectOption('clear_to_close');
      await column(page, 'clear_to_close').locator('.pl-card', { hasText: buyer.display_name }).waitFor();
      await page.locator('.pl-note[role=status]', { hasText: 'Moved' }).waitFor();
      assert.equal(await n('contingency'), cont - 1);
      assert.equal(await n('clear_to_close'), ctc + 1);
      assert.equal((await apiCall(token, 'GET', `/transactions/${tx.json.id}`)).json.status, 'clear_to_close');
      assert.deepEqual(page.errors, []);
    });
  });

  test('phone, 390 px: the page does not scroll sideways, the board scrolls in its own box', async () => {
    await withPage('pipeline-phone', { width: 390, height: 844 }, async (page) => {
      await signIn(page);
      await page.goto(BASE + '/pipeline');
      await page.locator('[data-testid=pipeline-board] section').first().waitFor();
      await page.locator('.pl-summary').waitFor();
      assert.ok(await noHorizontalScroll(page), 'pipeline fits 390 px');
      const board = page.getByTestId('pipeline-board');
      assert.ok(
        await board.evaluate((b) => b.scrollWidth > b.clientWidth && getComputedStyle(b).overflowX === 'auto'),
        'the board scrolls sideways inside its box'
      );
      // every card can be moved without drag and drop
      const cards = page.locator('.pl-card');
      assert.equal(await page.locator('.pl-card select').count(), await cards.count());
      await page.getByRole('tab', { name: 'Buyers' }).click();
      await page.locator('[data-testid=pipeline-board] section[data-status=contingency]').waitFor();
      assert.ok(await noHorizontalScroll(page), 'buyers board fits 390 px');
      assert.deepEqual(page.errors, []);
    });
  });
});
