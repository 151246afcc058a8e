// expect.mjs: assertions shared by the API tests (the error shape of
// API.md "Conventions", the contact object, RFC 3339 times).
import assert from 'node:assert/strict';

/** Every key of a contact object (API.md "Contacts"). */
export const CONTACT_KEYS = [
  'id', 'version', 'first_name', 'last_name', 'display_name', 'emails', 'phones', 'address',
  'company', 'website', 'social', 'birthday', 'anniversary', 'partner', 'children', 'pets',
  'interests', 'notes', 'custom', 'status', 'stage', 'category', 'type', 'intent', 'timeframe',
  'budget', 'tags', 'source', 'referred_by', 'referral_count', 'known_since',
  'last_purchase_date', 'last_sale_date', 'contact_interval_days', 'sms_opt_out',
  'email_opt_out', 'owner_id', 'score', 'last_touch_at', 'overdue', 'created_at', 'updated_at',
  'archived_at',
];

/** Every key of an activity object (API.md "Activities"). */
export const ACTIVITY_KEYS = [
  'id', 'contact_id', 'kind', 'direction', 'occurred_at', 'subject', 'body', 'duration_s',
  'importance', 'source', 'created_at',
];

/** RFC 3339 in UTC as API.md writes it ("2026-11-24T14:05:00Z", optional
 * fraction). */
export const RFC3339_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** Asserts the status, with the body in the message when it differs. */
export function expectStatus(res, status, what = '') {
  assert.equal(res.status, status, `${what ? what + ': ' : ''}expected HTTP ${status}, got ${res.status}: ${res.text.slice(0, 500)}`);
}

/** Asserts an API.md error: the status, {"error": {"code", "message"}} and,
 * when field is given, error.field (null: no field expected). */
export function expectError(res, status, code, field) {
  expectStatus(res, status, code);
  assert.ok(res.json && typeof res.json === 'object' && res.json.error, `error object expected, got: ${res.text.slice(0, 300)}`);
  assert.equal(res.json.error.code, code, `error.code; body: ${res.text.slice(0, 300)}`);
  assert.equal(typeof res.json.error.message, 'string', 'error.message is a string');
  assert.ok(res.json.error.message.length > 0, 'error.message is not empty');
  if (field === null) {
    assert.ok(res.json.error.field === undefined || res.json.error.field === null, `no error.field expected: ${res.text}`);
  } else if (field !== undefined) {
    assert.equal(res.json.error.field, field, `error.field; body: ${res.text.slice(0, 300)}`);
  }
}

/** Asserts every contact key is present (and no password-like key). */
export function expectContactShape(c) {
  assert.ok(c && typeof c === 'object', 'contact object');
  for (const k of CONTACT_KEYS) assert.ok(k in c, `contact key "${k}" missing: ${JSON.stringify(c)}`);
  assert.equal(typeof c.id, 'string');
  assert.ok(c.id.length > 0);
  assert.ok(Number.isInteger(c.version), 'version is an integer');
  assert.match(c.created_at, RFC3339_UTC);
  assert.match(c.updated_at, RFC3339_UTC);
  assert.ok(Array.isArray(c.emails) && Array.isArray(c.phones) && Array.isArray(c.tags) && Array.isArray(c.social));
  assert.equal(typeof c.custom, 'object');
  assert.equal(typeof c.score, 'number');
  assert.equal(typeof c.overdue, 'boolean');
}

/** Asserts no key anywhere in v is a password or its hash, and that the
 * literal secret does not appear in the raw text. */
export function expectNoPassword(res, secret) {
  const walk = (v, where) => {
    if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        assert.ok(!/password/i.test(k), `"${where}.${k}" must never be answered`);
        walk(x, `${where}.${k}`);
      }
    }
  };
  walk(res.json, '$');
  if (secret) assert.ok(!res.text.includes(secret), 'the password appears in the answer');
}

/** Seconds since the epoch of an RFC 3339 string. */
export const secs = (t) => Date.parse(t) / 1000;

/** An RFC 3339 UTC string (whole seconds) `days` days from now. */
export function isoDays(days) {
  return new Date(Math.floor(Date.now() / 1000) * 1000 + days * 86400000).toISOString().replace('.000Z', 'Z');
}
