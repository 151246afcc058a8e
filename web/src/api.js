// The API client: every call of the UI goes through api(). It sends the
// session cookie, adds X-CSRF-Token on writes (login returns it; it is kept
// in sessionStorage for the tab's life), turns API.md's JSON errors into
// ApiError with a readable message, and on 401 calls the handler set with
// onUnauthorized (the app then shows the sign-in page).
const CSRF_KEY = 'rapport.csrf';

export class ApiError extends Error {
  constructor(status, code, message, field) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field || null;
  }
}

let unauthorized = () => {};
export function onUnauthorized(fn) {
  unauthorized = fn;
}

/* True when this tab signed in (it holds the session's CSRF token). */
export function hasSession() {
  return !!sessionStorage.getItem(CSRF_KEY);
}

export function setCsrf(token) {
  if (token) sessionStorage.setItem(CSRF_KEY, token);
  else sessionStorage.removeItem(CSRF_KEY);
}

function messageOf(status, body) {
  const e = body && body.error;
  if (e && e.message) return e.field ? `${e.field}: ${e.message}` : e.message;
  if (status === 429) return 'Too many attempts. Wait a while and try again.';
  if (status >= 500) return 'The server had a problem. Try again in a moment.';
  return `Request failed (${status}).`;
}

/* api('GET', '/contacts', {query}) -> parsed JSON (null for 204).
 * headers adds request headers (If-Match on a PATCH). */
export async function api(method, path, { body, query, signal, noAuthRedirect, headers: extra } = {}) {
  let url = '/api/v1' + path;
  if (query) {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(query))
      if (v !== undefined && v !== null && v !== '') qs.set(k, String(v));
    const s = qs.toString();
    if (s) url += (url.includes('?') ? '&' : '?') + s;
  }
  const headers = { Accept: 'application/json', ...(extra || {}) };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD') {
    const csrf = sessionStorage.getItem(CSRF_KEY);
    if (csrf) headers['X-CSRF-Token'] = csrf;
  }
  let res;
  try {
    res = await fetch(url, {
      method,
      headers,
      credentials: 'same-origin',
      body: body !== undefined ? JSON.stringify(body) : undefined,
      signal,
    });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, 'network', 'The server cannot be reached. Check the connection.');
  }
  if (res.status === 204) return null;
  let data = null;
  const text = await res.text();
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!res.ok) {
    const code = data && data.error ? data.error.code : 'http_' + res.status;
    const err = new ApiError(res.status, code, messageOf(res.status, data), data?.error?.field);
    if (res.status === 401 && !noAuthRedirect) unauthorized();
    throw err;
  }
  return data;
}

export async function login(email, password) {
  const r = await api('POST', '/auth/login', { body: { email, password }, noAuthRedirect: true });
  setCsrf(r.csrf_token);
  return r.user;
}

export async function logout() {
  try {
    await api('POST', '/auth/logout', { noAuthRedirect: true });
  } finally {
    setCsrf(null);
  }
}
