// Contact page helpers: the contact PATCH with If-Match, the rule ids of DOMAIN.md in
// plain words, and small formatting pieces shared by the contact_* modules.
import { api, ApiError } from '../api.js';
import { fmtDate, fmtTime, label } from '../format.jsx';

/* PATCH /contacts/{id} as a JSON merge patch with If-Match: version
 * (API.md): 412 when someone changed the contact meanwhile. Errors are
 * ApiError; .detail is the API's message without the field prefix. */
export async function patchContact(id, version, body) {
  try {
    return await api('PATCH', '/contacts/' + encodeURIComponent(id), {
      body,
      headers: { 'If-Match': String(version) },
    });
  } catch (err) {
    if (err instanceof ApiError && err.field && err.message.startsWith(err.field + ': '))
      err.detail = err.message.slice(err.field.length + 2);
    throw err;
  }
}

/* A merge patch that sets one path ("company", "address.city",
 * "custom.gate_code") to value. */
export function patchOf(path, value) {
  const parts = path.split('.');
  const body = {};
  let o = body;
  parts.forEach((p, i) => {
    if (i === parts.length - 1) o[p] = value;
    else o = o[p] = {};
  });
  return body;
}

/* The value at a path of the contact. */
export function valueAt(c, path) {
  return path.split('.').reduce((o, k) => (o == null ? undefined : o[k]), c);
}

/* What each rule id of a history row means (DOMAIN.md). */
const RULES = {
  L1: 'new contact',
  L2: 'two-way communication began',
  L3: 'intent and timeframe known',
  L4: 'became party to an open deal',
  L5: 'deals closed or fell through',
  L6: 'a deal closed',
  L7: 'repeat business',
  S1: 'stage follows status',
  S2: 'stage follows status',
  S3: 'stage follows status',
  S4: 'stage follows status',
  S5: 'stage follows status',
  S6: 'several closed deals or referrals',
  C2: 'one referral',
  C3: 'several referrals',
  W: 'a workflow step',
  manual: 'set by hand',
  import: 'imported',
};

export function ruleText(rule) {
  if (!rule) return '';
  const t = RULES[rule] || RULES[rule[0]];
  if (rule === 'manual' || rule === 'import') return t;
  return t ? `${t} (rule ${rule})` : `rule ${rule}`;
}

/* "Category b" shows as B; other enums as words. */
export function enumText(field, v) {
  if (v == null) return '–';
  if (field === 'category') return v === 'none' ? 'None' : String(v).toUpperCase();
  return label(v);
}

export function fmtDateTime(t) {
  if (!t) return '';
  return `${fmtDate(t)} ${fmtTime(t)}`;
}

/* "2026-11-27" from a timestamp or date, for <input type=date>. */
export function dayOf(t) {
  return t ? String(t).slice(0, 10) : '';
}

/* Cuts the "field: " prefix api.js puts in front of a message. */
export function plainMessage(err) {
  if (err.detail) return err.detail;
  const m = err.message || '';
  return err.field && m.startsWith(err.field + ': ') ? m.slice(err.field.length + 2) : m;
}

export function capital(s) {
  return s ? s[0].toUpperCase() + s.slice(1) : s;
}

/* True when a key press comes from something the user types into. */
export function typingIn(t) {
  return t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
}
