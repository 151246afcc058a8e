// fixtures.mjs: small helpers that make data through the API. `req` is a
// request function (method, path, opts) such as srv.request or srv.as(...).
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
