// fixtures.mjs: small helpers that make data through the API. `req` is a
// request function (method, path, opts) such as srv.request or srv.as(...).
import assert from 'node:assert/strict';

import { expectStatus } from './expect.mjs';

/** POSTs a contact and returns the created object (asserts 201). */
export async function createContact(req, body) {
  const r = await req('POST', '/api/v1/contacts', { body });
  expectStatus(r, 201, `POST /api/v1/contacts ${JSON.stringify(body).slice(0, 200)}`);
  return r.json;
}

/** POSTs an activity and returns the created object (asserts 201). */
export async function createActivity(req, body) {
  const r = await req('POST', '/api/v1/activities', { body });
  expectStatus(r, 201, `POST /api/v1/activities ${JSON.stringify(body).slice(0, 200)}`);
  return r.json;
}

/** GETs one object and returns it (asserts 200). */
export async function getOk(req, p) {
  const r = await req('GET', p);
  expectStatus(r, 200, `GET ${p}`);
  return r.json;
}

/** Builds a query string from an object (undefined values left out). */
export function qs(params) {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) u.append(k, String(v));
  const s = u.toString();
  return s ? `?${s}` : '';
}

/** Walks every page of a list (path without cursor) and returns
 * {items, pages}. between(pageIndex) runs after each page is fetched
 * (before the next one), to change the data mid-walk. Gives up after
 * maxPages pages (a cursor that never ends is a failure the caller sees). */
export async function walkPages(req, basePath, params, { between, maxPages = 200 } = {}) {
  const items = [];
  let cursor;
  let pages = 0;
  for (;;) {
    const r = await req('GET', basePath + qs({ ...params, cursor }));
    expectStatus(r, 200, `GET ${basePath} page ${pages}`);
    items.push(...r.json.items);
    pages += 1;
    if (r.json.next_cursor === null || r.json.next_cursor === undefined) break;
    if (pages >= maxPages) throw new Error(`more than ${maxPages} pages for ${basePath}`);
    cursor = r.json.next_cursor;
    if (between) await between(pages - 1);
  }
  return { items, pages };
}

/** PATCHes path with body and returns the answer's object (asserts 200). */
export async function patchOk(req, p, body, what = '') {
  const r = await req('PATCH', p, { body });
  expectStatus(r, 200, `PATCH ${p} ${what || JSON.stringify(body).slice(0, 200)}`);
  return r.json;
}

/** POSTs a property (API.md Deals) and returns it (asserts 201). */
export async function createProperty(req, body) {
  const r = await req('POST', '/api/v1/properties', { body });
  expectStatus(r, 201, `POST /api/v1/properties ${JSON.stringify(body).slice(0, 200)}`);
  return r.json;
}

/** POSTs a transaction (API.md Deals) and returns it (asserts 201). */
export async function createTransaction(req, body) {
  const r = await req('POST', '/api/v1/transactions', { body });
  expectStatus(r, 201, `POST /api/v1/transactions ${JSON.stringify(body).slice(0, 200)}`);
  return r.json;
}

/** The history rows of a contact (GET /contacts/{id}/history items, asserts
 * 200 and the {items} shape). */
export async function historyOf(req, id) {
  const r = await req('GET', `/api/v1/contacts/${id}/history`);
  expectStatus(r, 200, `GET history of ${id}`);
  if (!r.json || !Array.isArray(r.json.items)) throw new Error(`history answers {items: [...]}: ${r.text.slice(0, 200)}`);
  return r.json.items;
}

/** A date (YYYY-MM-DD, UTC) `days` days from now. */
export function dateDays(days) {
  return new Date(Date.now() + days * 86400000).toISOString().slice(0, 10);
}

/** The dates (YYYY-MM-DD) that are "today" somewhere on Earth right now
 * (UTC-12 to UTC+14): what a server may call today in any time zone. */
export function todaysAnywhere() {
  const now = Date.now();
  return new Set([-12, 0, 14].map((h) => new Date(now + h * 3600000).toISOString().slice(0, 10)));
}

/** A valid North American number (+1 555 NXX XXXX) unique within this
 * process: the exchange always starts with 2..9, as NANP requires. */
let phoneSeq = 0;
export function uniquePhone(area = '555') {
  phoneSeq += 1;
  const n = (process.pid * 7919 + Date.now() + phoneSeq * 104729) % 8000000;
  return `+1${area}${String(2000000 + n)}`;
}

/** The lines of a whole-account JSONL export without its header's
 * exported_at, so that two exports of the same rows compare equal. */
export function exportLines(text) {
  const l = text.split('\n');
  assert.equal(l.pop(), '', 'an export ends with a newline');
  const h = JSON.parse(l[0]);
  delete h.exported_at;
  return [JSON.stringify(h), ...l.slice(1)];
}
