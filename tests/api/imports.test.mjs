// Imports (issue 8, API.md "Import and export"): POST /api/v1/imports with a
// real export file (tests/data/) answers 202 with a job; the server's import
// worker runs it; GET /api/v1/imports/{id} shows the counts and the errors
// by line. Duplicates merge, skip or create; calendar events become
// activities of the attendees, once; a server killed in the middle of an
// import finishes it after a restart without writing a record twice.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { expectError, expectStatus } from './lib/expect.mjs';
import { createContact, getOk, qs } from './lib/fixtures.mjs';
import { onPostgres, startServer, uniq } from './lib/server.mjs';

const DATA = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'data');
const file = (p) => fs.readFileSync(path.join(DATA, p));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let srv;
before(async () => {
  srv = await startServer();
});
after(async () => {
  await srv?.stop();
});

async function postImport(s, body, type, query = {}) {
  const r = await s.request('POST', `/api/v1/imports${qs(query)}`, {
    body,
    headers: { 'Content-Type': type },
  });
  expectStatus(r, 202, `POST /api/v1/imports (${type})`);
  assert.equal(r.json.status, 'queued');
  assert.equal(r.headers.get('location'), `/api/v1/imports/${r.json.id}`);
  return r.json;
}

/** Polls the job until it is done or failed (10 s at most). */
async function finished(s, id, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const j = await getOk(s.request, `/api/v1/imports/${id}`);
    if (j.status === 'done' || j.status === 'failed') return j;
    assert.ok(Date.now() < deadline, `import ${id} still ${j.status}: ${JSON.stringify(j)}`);
    await sleep(50);
  }
}

async function byEmail(s, email) {
  const r = await getOk(s.request, `/api/v1/contacts${qs({ q: email })}`);
  return r.items.filter((c) => c.emails.some((e) => e.address.toLowerCase() === email.toLowerCase()));
}

describe('CSV', () => {
  test('a UTF-8 export with BOM, CRLF and quoted newlines goes in whole', async () => {
    const job = await postImport(srv, file('csv/generic_bom_crlf.csv'), 'text/csv; charset=utf-8');
    const done = await finished(srv, job.id);
    assert.equal(done.status, 'done', JSON.stringify(done));
    assert.equal(done.format, 'csv');
    assert.equal(done.total, 4);
    assert.equal(done.processed, 4);
    assert.equal(done.created, 4);
    assert.equal(done.error_count, 0);
    const [zoe] = await byEmail(srv, 'zoe.bronte@example.com');
    assert.ok(zoe, 'Zoë is there');
    assert.equal(zoe.first_name, 'Zoë');
    assert.equal(zoe.last_name, 'Brontë');
    assert.deepEqual(zoe.phones.map((p) => p.number), ['+12015550123']);
    assert.deepEqual([...zoe.tags].sort(), ['buyer', 'referral']);
    assert.equal(zoe.birthday, '1980-03-15');
    const [jose] = await byEmail(srv, 'jose@example.org');
    assert.equal(jose.company, 'Núñez, Ortiz & Co');
    assert.match(jose.notes, /open house at 4 Oak Ln\.\r?\nWants a "quiet" street\./);
    // the rules ran as on a POST: a new contact with a buyer tag (DOMAIN.md L1, L2)
    assert.notEqual(zoe.status, 'none');
  });

  test("Excel's \"Unicode Text\" (UTF-16, tab-separated) goes in with its accents, CJK and emoji", async () => {
    const job = await postImport(srv, file('csv/excel_unicode_text.txt'), 'text/tab-separated-values');
    const done = await finished(srv, job.id);
    assert.equal(done.status, 'done', JSON.stringify(done));
    assert.equal(done.created, 3, JSON.stringify(done));
    assert.equal(done.error_count, 0, JSON.stringify(done));
    const [zoe] = await byEmail(srv, 'zoe.lefevre@example.fr');
    assert.equal(`${zoe.first_name} ${zoe.last_name}`, 'Zoë Lefèvre');
    assert.equal(zoe.phones[0].number, '+33698765432');
    const [lukasz] = await byEmail(srv, 'lukasz@example.pl');
    assert.equal(lukasz.notes, 'Wants a view \u{1F3E1} and a garage');
    const [li] = await byEmail(srv, 'xiaolong@example.cn');
    assert.equal(`${li.first_name}${li.last_name}`, '李小龙');
    assert.equal(li.notes, 'Two lines\nof notes');
  });

  test('bad rows are reported by the line they start on and skipped whole; the rest goes in', async () => {
    const job = await postImport(srv, file('csv/broken_rows.csv'), 'text/csv');
    const done = await finished(srv, job.id);
    assert.equal(done.status, 'done');
    const lines = done.errors.map((e) => e.line);
    assert.ok(lines.includes(3), `the bad email on line 3: ${JSON.stringify(done.errors)}`);
    const bad = done.errors.find((e) => e.line === 3);
    assert.match(bad.message, /email/i);
    assert.equal(done.error_count, done.errors.length);
    assert.equal(done.created + done.merged + done.skipped + done.error_count, done.total);
    assert.equal((await byEmail(srv, 'good.one@example.com')).length, 1);
    const [multi] = await byEmail(srv, 'multi.line@example.com');
    assert.match(multi.notes, /first line\r?\nsecond line, with a comma\r?\nthird "quoted" line/);
    assert.equal((await byEmail(srv, 'bad.email@@example.com')).length, 0);
  });

  test('on_duplicate: merge joins the records, skip leaves them, create makes another', async () => {
    const email = `${uniq('dup')}@example.com`.toLowerCase();
    const c = await createContact(srv.request, { first_name: 'Dora', last_name: 'Dupont', emails: [{ address: email }] });
    const csv = `First Name,Last Name,Email,Company,Tags\r\nDora,Dupont,${email.toUpperCase()},Dupont Homes,seller\r\n`;
    let done = await finished(srv, (await postImport(srv, csv, 'text/csv', { on_duplicate: 'skip' })).id);
    assert.deepEqual([done.created, done.merged, done.skipped], [0, 0, 1]);
    assert.equal((await getOk(srv.request, `/api/v1/contacts/${c.id}`)).company, null);

    done = await finished(srv, (await postImport(srv, csv, 'text/csv')).id); // merge is the default
    assert.equal(done.on_duplicate, 'merge');
    assert.deepEqual([done.created, done.merged, done.skipped], [0, 1, 0]);
    const merged = await getOk(srv.request, `/api/v1/contacts/${c.id}`);
    assert.equal(merged.company, 'Dupont Homes', 'a blank is filled');
    assert.deepEqual(merged.tags, ['seller']);
    assert.equal((await byEmail(srv, email)).length, 1);

    done = await finished(srv, (await postImport(srv, csv, 'text/csv', { on_duplicate: 'create' })).id);
    assert.deepEqual([done.created, done.merged, done.skipped], [1, 0, 0]);
    assert.equal((await byEmail(srv, email)).length, 2);
  });
});

describe('vCard', () => {
  test('an iCloud export (3.0, grouped items, photo) gives its contacts; a second import merges', async () => {
    const job = await postImport(srv, file('vcard/apple_icloud.vcf'), 'text/vcard');
    const done = await finished(srv, job.id);
    assert.equal(done.status, 'done', JSON.stringify(done));
    assert.equal(done.format, 'vcard');
    assert.ok(done.created >= 1, JSON.stringify(done));
    assert.equal(done.error_count, 0, JSON.stringify(done.errors));
    const again = await finished(srv, (await postImport(srv, file('vcard/apple_icloud.vcf'), 'text/x-vcard')).id);
    assert.equal(again.created, 0);
    assert.equal(again.merged, done.created);
  });

  test('a broken file: the bad cards are reported, the good ones go in', async () => {
    const done = await finished(srv, (await postImport(srv, file('vcard/broken.vcf'), 'text/vcard')).id);
    assert.equal(done.status, 'done');
    assert.ok(done.created >= 1);
    assert.ok(done.error_count >= 1);
    for (const e of done.errors) assert.ok(Number.isInteger(e.line) && e.line > 0 && e.message.length > 5);
  });
});

describe('calendar', () => {
  test('events become activities of the attendees we know, meals recognised, once', async () => {
    const s = await startServer();
    try {
      const marco = await createContact(s.request, { first_name: 'Marco', last_name: 'Rossi', emails: [{ address: 'marco.rossi@example.com' }] });
      const thao = await createContact(s.request, { first_name: 'Thảo', last_name: 'Nguyễn', emails: [{ address: 'thao.nguyen@example.org' }] });
      const ics = file('ics/google.ics');
      const done = await finished(s, (await postImport(s, ics, 'text/calendar')).id);
      assert.equal(done.status, 'done', JSON.stringify(done));
      assert.ok(done.created >= 2, JSON.stringify(done));
      const acts = async (id) => (await getOk(s.request, `/api/v1/activities${qs({ contact_id: id, limit: 100 })}`)).items;
      const m = await acts(marco.id);
      assert.ok(m.length >= 2, `Marco's coffees: ${JSON.stringify(m.map((a) => a.subject))}`);
      assert.ok(m.every((a) => a.source === 'calendar'));
      assert.ok(m.some((a) => a.kind === 'meal' && /coffee/i.test(a.subject)), 'coffee is a meal');
      const t = await acts(thao.id);
      assert.ok(t.some((a) => a.kind === 'meal' && /lunch/i.test(a.subject)), 'lunch is a meal');

      const again = await finished(s, (await postImport(s, ics, 'text/calendar')).id);
      assert.equal(again.created, 0, 'nothing twice');
      assert.equal((await acts(marco.id)).length, m.length);
    } finally {
      await s.stop();
    }
  });
});

describe('refusals', () => {
  test('unknown type 415, bad on_duplicate 400, empty 400, another account 404', async () => {
    expectError(await srv.request('POST', '/api/v1/imports', { body: 'a,b', headers: { 'Content-Type': 'application/pdf' } }), 415, 'unsupported_media_type');
    expectError(
      await srv.request('POST', '/api/v1/imports?on_duplicate=maybe', { body: 'a,b', headers: { 'Content-Type': 'text/csv' } }),
      400,
      'invalid_value',
      'on_duplicate',
    );
    expectError(await srv.request('POST', '/api/v1/imports', { body: '', headers: { 'Content-Type': 'text/csv' } }), 400, 'validation_failed');
    const job = await postImport(srv, 'Email\r\nsolo@example.com\r\n', 'text/csv');
    const other = await startServer();
    try {
      expectError(await other.request('GET', `/api/v1/imports/${job.id}`), 404, 'not_found');
    } finally {
      await other.stop();
    }
    const mine = await srv.addUser('agent');
    expectError(await mine.req('GET', `/api/v1/imports/${job.id}`), 404, 'not_found');
  });
});

describe('crash', () => {
  test('kill -9 in the middle of an import, restart: every row went in exactly once', async () => {
    const T0 = '2026-11-25T15:00:00Z';
    const first = await startServer({ clock: T0 });
    // PostgreSQL imports a row in milliseconds (a round trip per statement),
    // SQLite in microseconds: enough rows that the kill lands in the middle
    const N = onPostgres ? 4000 : 30000;
    const rows = ['First Name,Last Name,Email,Phone'];
    for (let i = 0; i < N; i++) rows.push(`Crash${i},Importer,crash.${i}@example.com,`);
    const job = await postImport(first, rows.join('\r\n') + '\r\n', 'text/csv', { on_duplicate: 'create' });
    const deadline = Date.now() + 60000;
    for (;;) {
      const j = await getOk(first.request, `/api/v1/imports/${job.id}`);
      if (j.processed > 0) {
        assert.ok(j.processed < N, `killed in the middle, not after (${j.processed})`);
        break;
      }
      assert.ok(Date.now() < deadline, 'the import never started');
      await sleep(5);
    }
    first.proc.kill('SIGKILL');
    await new Promise((r) => first.proc.once('exit', r));
    // past the dead worker's lease (60 s)
    const s = await startServer({ dir: first.dir, email: first.email, password: first.password, clock: '2026-11-25T15:05:00Z' });
    try {
      const done = await finished(s, job.id, 120000);
      assert.equal(done.status, 'done', JSON.stringify(done));
      assert.equal(done.processed, N);
      assert.equal(done.created, N);
      const all = await getOk(s.request, `/api/v1/contacts${qs({ q: 'Importer', limit: 1, count: true })}`);
      assert.equal(all.total, N, 'each row once');
    } finally {
      await s.stop();
    }
  });
});
