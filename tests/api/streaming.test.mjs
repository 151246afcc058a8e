// Downloads of any size (server.c "long requests", http.h rp_resp_write):
// an export past the server's buffer (RAPPORT_STREAM_BUFFER, 32 MiB; 4 KiB
// here) is sent as it is made, chunked and without X-Total-Count, instead
// of being held whole in memory (a million contacts' backup is gigabytes).
// The streamed bytes are those of the CLI's export of the same snapshot; a
// client that goes away mid-stream stops the export, the server carries
// on, and its stop does not wait for the abandoned export.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { expectStatus } from './lib/expect.mjs';
import { exportLines } from './lib/fixtures.mjs';
import { cliOk, dbFor, startServer } from './lib/server.mjs';

const DEMO_EMAIL = 'demo@rapport.test';
const DEMO_PASSWORD = 'demo-password';
let srv;
let db;

before(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rapport-stream-'));
  db = await dbFor(dir);
  // ~1,500 contacts with two years of history: a backup of ~18 MB, more
  // than the pipe and the sockets hold, so an abandoned download is
  // caught writing
  await cliOk(['demo', '--contacts', '1500'], { db, timeoutMs: 180000 });
  srv = await startServer({ dir, email: DEMO_EMAIL, password: DEMO_PASSWORD, env: { RAPPORT_STREAM_BUFFER: '4096' } });
});
after(async () => {
  await srv?.stop();
});

/** The HTTP export and the CLI's, taken back to back until the account is
 * settled (the server's daily job and workflows may still be writing). */
async function settledPair(urlPath, cliArgs, normalise) {
  for (let i = 0; i < 30; i++) {
    const r = await srv.request('GET', urlPath);
    expectStatus(r, 200, `GET ${urlPath}`);
    const c = await cliOk(['export', ...cliArgs], { db, timeoutMs: 60000 });
    if (normalise(r.text) === normalise(c.stdout)) return { r, cli: c.stdout };
    await new Promise((res) => setTimeout(res, 300));
  }
  throw new Error(`GET ${urlPath} never matched rapport export ${cliArgs.join(' ')}`);
}

test('a backup past the buffer is streamed, chunked, byte for byte the CLI export', async () => {
  const { r } = await settledPair('/api/v1/export/all.jsonl', ['--format', 'jsonl'], (t) => exportLines(t).join('\n'));
  assert.equal(r.headers.get('transfer-encoding'), 'chunked');
  assert.equal(r.headers.get('x-total-count'), null, 'the count is not known when the stream starts');
  assert.match(r.headers.get('content-type'), /^application\/x-ndjson/);
  assert.equal(r.headers.get('content-disposition'), 'attachment; filename="all.jsonl"');
  assert.ok(r.text.length > 8 << 20, `a backup of ${r.text.length} bytes`);
  const contacts = r.text.split('\n').filter((l) => l.startsWith('{"t":"contacts"')).length;
  assert.ok(contacts >= 1500, `${contacts} contact lines`);
});

test('contacts.csv and contacts.vcf past the buffer are streamed whole', async () => {
  const csv = await settledPair('/api/v1/export/contacts.csv', ['--format', 'csv'], (t) => t.replace(/^\uFEFF/, '')); // fetch drops the BOM
  assert.equal(csv.r.headers.get('transfer-encoding'), 'chunked');
  assert.equal(csv.r.headers.get('content-type'), 'text/csv; charset=utf-8');
  assert.match(csv.r.text, /^\uFEFF?First Name,Last Name,/);
  const vcf = await settledPair('/api/v1/export/contacts.vcf?version=3', ['--format', 'vcf', '--version', '3'], (t) => t);
  assert.equal((vcf.r.text.match(/^BEGIN:VCARD\r$/gm) || []).length, (vcf.cli.match(/^BEGIN:VCARD\r$/gm) || []).length);
  assert.ok((vcf.r.text.match(/^VERSION:3\.0\r$/gm) || []).length >= 1500);
});

test('a client gone mid-stream stops the export; the server carries on and stops promptly', async () => {
  const got = await new Promise((resolve, reject) => {
    const rq = http.get(`${srv.base}/api/v1/export/all.jsonl`, { agent: false, headers: { Authorization: `Bearer ${srv.token}` } }, (res) => {
      let n = 0;
      res.on('data', (d) => {
        n += d.length;
        if (n > 256 << 10) {
          rq.destroy(); // gone, with most of the backup still to come
          resolve({ status: res.statusCode, n });
        }
      });
      res.on('end', () => reject(new Error(`the whole body came (${n} bytes) before the test could go away`)));
    });
    rq.on('error', (e) => (e.code === 'ECONNRESET' ? null : reject(e)));
  });
  assert.equal(got.status, 200);
  await new Promise((r) => setTimeout(r, 300));
  const h = await srv.request('GET', '/healthz');
  expectStatus(h, 200, 'the server after the abandoned download');
  const again = await srv.request('GET', '/api/v1/export/all.jsonl');
  expectStatus(again, 200, 'a whole export after the abandoned one');
  assert.ok(again.text.endsWith('\n'));
  const t0 = Date.now();
  const e = await srv.stop({ keep: false });
  srv = null;
  assert.equal(e.signal, null, 'stopped by itself, not killed');
  assert.equal(e.code, 0);
  assert.ok(Date.now() - t0 < 10000, `the stop took ${Date.now() - t0} ms`);
});
