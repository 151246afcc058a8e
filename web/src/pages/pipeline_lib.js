// Helpers of the pipeline and tasks pages (issue 7): a PATCH with If-Match
// (API.md: 412 when the object moved on), a cached look-up of contacts by id (deals and tasks name contacts by id
// only), paging through a whole list, and date and money formats.
import { api } from '../api.js';

/* PATCH path with `If-Match: version` and a JSON merge patch; resolves to
 * the object written, rejects with ApiError like api() (412:
 * precondition_failed when someone else changed it first). */
export function patchVersioned(path, version, body) {
  return api('PATCH', path, { body, headers: { 'If-Match': String(version) } });
}

/* Every item of a list (pages of 500, at most `max` items). */
export async function fetchAll(path, query = {}, max = 10000) {
  const items = [];
  let cursor = null;
  do {
    const r = await api('GET', path, { query: { ...query, limit: 500, cursor } });
    items.push(...r.items);
    cursor = r.next_cursor;
  } while (cursor && items.length < max);
  return items;
}

const contactCache = new Map(); // id -> contact (or null when unreadable)

/* The contacts of the given ids, by id; from the cache unless `fresh`. At
 * most six requests at a time. */
export async function getContacts(ids, { fresh = false } = {}) {
  const want = [...new Set(ids.filter(Boolean))];
  const todo = want.filter((id) => fresh || !contactCache.has(id));
  let next = 0;
  const worker = async () => {
    while (next < todo.length) {
      const id = todo[next++];
      try {
        contactCache.set(id, await api('GET', `/contacts/${encodeURIComponent(id)}`));
      } catch (e) {
        if (e.status === 401) throw e;
        contactCache.set(id, null);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(6, todo.length) }, worker));
  const out = {};
  for (const id of want) out[id] = contactCache.get(id) || null;
  return out;
}

/* A bare date (YYYY-MM-DD) shown as the same calendar day wherever the
 * browser is (new Date('2026-12-14') would be UTC midnight). */
export function fmtDay(d) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(d || '');
  if (!m) return d || '';
  return new Date(+m[1], +m[2] - 1, +m[3]).toLocaleDateString(undefined, {
    month: 'short',
    day: 'numeric',
    year: 'numeric',
  });
}

/* $1.2M: a column total in little room. */
export function fmtMoneyShort(n, currency = 'USD') {
  if (n == null) return '–';
  try {
    return new Intl.NumberFormat(undefined, {
      style: 'currency',
      currency,
      notation: 'compact',
      maximumFractionDigits: 1,
    }).format(n);
  } catch {
    return String(Math.round(n));
  }
}

/* The account's currency (GET /settings), USD until it is known. */
let currencyPromise = null;
export function getCurrency() {
  if (!currencyPromise)
    currencyPromise = api('GET', '/settings')
      .then((s) => (s && s.currency) || 'USD')
      .catch(() => {
        currencyPromise = null;
        return 'USD';
      });
  return currencyPromise;
}
