// Export (issue 8, API.md "Import and export"): GET
// /api/v1/export/contacts.csv and contacts.vcf give the account's contacts
// as a download; importing the file into an empty account gives back the
// same contacts (names with accents, commas and quotes, several emails and
// phones, address, dates, notes over several lines, tags, and the CRM's
// fields: status, stage, category, type, intent, source).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { expectError, expectStatus } from './lib/expect.mjs';
import { createContact, getOk, qs } from './lib/fixtures.mjs';
import { cliOk, startServer } from './lib/server.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const PEOPLE = [
  {
    first_name: 'Zoë',
    last_name: "O'Brien-Núñez",
    company: 'Núñez, Ortiz & "Co"',
    emails: [{ address: 'zoe@example.com', label: 'home' }, { address: 'zoe.work@example.org', label: 'work' }],
    phones: [{ number: '+12015550123', label: 'mobile' }, { number: '+442071234567', label: 'work' }],
    address: { street: '12 Elm St, Apt 3', city: 'Montclair', region: 'NJ', postal_code: '07042', country: 'US' },
    birthday: '1980-03-15',
    anniversary: '2005-06-18',
    notes: 'Met at the open house.\nWants a "quiet" street; no HOA.',
    tags: ['buyer', 'sphere'],
    website: 'https://zoe.example.com',
    status: 'lead',
    stage: 'like',
    category: 'a',
    intent: 'buy',
    source: 'Open house, 12 Elm St',
  },
  { first_name: 'Renée', last_name: 'Łukasiewicz', phones: [{ number: '+13125550188' }], birthday: '--07-04' },
  { company: 'Acme Title; Escrow', emails: [{ address: 'escrow@acme.example' }], type: 'vendor' },
];

let src;
before(async () => {
  src = await startServer();
  for (const p of PEOPLE) await createContact(src.request, p);
});
after(async () => {
  await src?.stop();
});

const KEYS = ['first_name', 'last_name', 'company', 'birthday', 'anniversary', 'notes', 'website', 'type', 'status', 'stage', 'category', 'intent', 'source'];
function norm(c, keys = KEYS) {
  const o = {};
  for (const k of keys) o[k] = c[k] ?? null;
  o.emails = c.emails.map((e) => e.address).sort();
  o.phones = c.phones.map((p) => p.number).sort();
  o.tags = [...c.tags].sort();
  o.address = c.address ? { ...c.address } : null;
  return o;
}

async function contactsOf(s, keys) {
  const r = await getOk(s.request, `/api/v1/contacts${qs({ limit: 100 })}`);
  return r.items.map((c) => norm(c, keys)).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

async function roundTrip(path, type, keys = KEYS) {
  const r = await src.request('GET', path);
  expectStatus(r, 200, `GET ${path}`);
  assert.match(r.headers.get('content-type'), new RegExp(`^${type}`));
  assert.match(r.headers.get('content-disposition'), /^attachment; filename="contacts\.(csv|vcf)"$/);
  assert.equal(r.headers.get('x-total-count'), String(PEOPLE.length));
  const dst = await startServer();
  try {
    const p = await dst.request('POST', '/api/v1/imports', { body: r.text, headers: { 'Content-Type': type } });
    expectStatus(p, 202, 'POST /imports');
    let j;
    for (let i = 0; i < 200; i++) {
      j = await getOk(dst.request, `/api/v1/imports/${p.json.id}`);
      if (j.status === 'done' || j.status === 'failed') break;
      await sleep(50);
    }
    assert.equal(j.status, 'done', JSON.stringify(j));
    assert.deepEqual(j.errors, []);
    assert.equal(j.created, PEOPLE.length);
    assert.deepEqual(await contactsOf(dst, keys), await contactsOf(src, keys));
  } finally {
    await dst.stop();
  }
  return r.text;
}

describe('export', () => {
  test('CSV out then in gives the same contacts', async () => {
    const text = await roundTrip('/api/v1/export/contacts.csv', 'text/csv');
    assert.match(text, /^\uFEFF?First Name,Last Name,/, 'our header (fetch drops the BOM)');
    assert.ok(text.includes('\r\n'), 'CRLF rows');
  });

  test('vCard 4.0 out then in gives the same contacts; 3.0 on request', async () => {
    // the CRM's own fields (status, stage, category, type, intent, source)
    // travel as X-RAPPORT-* properties, which other programs ignore
    const text = await roundTrip('/api/v1/export/contacts.vcf', 'text/vcard');
    assert.match(text, /^X-RAPPORT-STATUS:lead\r$/m);
    assert.equal((text.match(/^BEGIN:VCARD\r$/gm) || []).length, PEOPLE.length);
    assert.match(text, /^VERSION:4\.0\r$/m);
    const v3 = await src.request('GET', '/api/v1/export/contacts.vcf?version=3');
    expectStatus(v3, 200);
    assert.match(v3.text, /^VERSION:3\.0\r$/m);
    expectError(await src.request('GET', '/api/v1/export/contacts.vcf?version=5'), 400, 'invalid_value', 'version');
  });

  test('an agent exports only the contacts it sees; the CLI writes the whole account', async () => {
    // the owner's contacts are the owner's (created by it); the agent sees its own
    const agent = await src.addUser('agent');
    await createContact(agent.req, { first_name: 'Agent', last_name: 'Ownlead' });
    const r = await agent.req('GET', '/api/v1/export/contacts.csv');
    expectStatus(r, 200);
    assert.equal(r.headers.get('x-total-count'), '1');
    assert.ok(r.text.includes('Ownlead') && !r.text.includes('Zoë'));
    const all = await src.request('GET', '/api/v1/export/contacts.csv');
    assert.equal(all.headers.get('x-total-count'), String(PEOPLE.length + 1));
    const out = await cliOk(['export', '--format', 'vcf'], { db: src.db });
    assert.equal((out.stdout.match(/^BEGIN:VCARD\r$/gm) || []).length, PEOPLE.length + 1);
    assert.match(out.stdout, /^N:Ownlead;Agent;;;\r$/m);
  });
});
