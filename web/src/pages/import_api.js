// What the import page needs beyond api.js: uploading a file as the raw
// request body (api() sends JSON only), with the upload's progress. It
// follows api.js's conventions: the session cookie, X-CSRF-Token from
// sessionStorage 'rapport.csrf', API.md's JSON errors as ApiError, and a
// 401 shows the sign-in page (through api(), which holds that handler).
// XMLHttpRequest rather than fetch: fetch reports no upload progress.
import { api, ApiError } from '../api.js';

const CSRF_KEY = 'rapport.csrf';

/* API.md: import bodies over 256 MiB are refused with 413. */
export const MAX_IMPORT_BYTES = 256 * 1024 * 1024;

/* The formats the import takes, by file name extension. */
export const FORMATS = {
  csv: { type: 'text/csv', name: 'CSV', becomes: 'contacts' },
  // Excel's "Unicode Text" and other tab-separated exports (the server
  // tells the delimiter and the encoding, UTF-16 included, from the bytes)
  tsv: { type: 'text/csv', name: 'CSV', becomes: 'contacts' },
  txt: { type: 'text/csv', name: 'CSV', becomes: 'contacts' },
  vcf: { type: 'text/vcard', name: 'vCard', becomes: 'contacts' },
  vcard: { type: 'text/vcard', name: 'vCard', becomes: 'contacts' },
  ics: { type: 'text/calendar', name: 'Calendar', becomes: 'activities' },
};

/* The format of a file name (its extension), or null. */
export function formatOf(name) {
  const m = /\.([a-z]+)$/i.exec(name || '');
  return (m && FORMATS[m[1].toLowerCase()]) || null;
}

/* 1536 -> "1.5 KiB" */
export function fmtBytes(n) {
  if (n < 1024) return `${n} bytes`;
  const units = ['KiB', 'MiB', 'GiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

function errorOf(status, text) {
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  const e = data && data.error;
  let msg;
  if (e && e.message) msg = e.field ? `${e.field}: ${e.message}` : e.message;
  else if (status === 413) msg = 'The file is too large (256 MiB at most).';
  else if (status >= 500) msg = 'The server had a problem. Try again in a moment.';
  else msg = `Request failed (${status}).`;
  return new ApiError(status, e ? e.code : 'http_' + status, msg, e && e.field);
}

/* POSTs `file` as the body of /api/v1{path} with the given Content-Type;
 * onProgress(sent, total) follows the upload. Resolves with the parsed
 * JSON answer; rejects with ApiError, or an AbortError when `signal`
 * aborts. */
export function uploadRaw(path, file, { query, contentType, onProgress, signal } = {}) {
  return new Promise((resolve, reject) => {
    let url = '/api/v1' + path;
    if (query) {
      const qs = new URLSearchParams();
      for (const [k, v] of Object.entries(query))
        if (v !== undefined && v !== null && v !== '') qs.set(k, String(v));
      const s = qs.toString();
      if (s) url += '?' + s;
    }
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.withCredentials = true;
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.setRequestHeader('Content-Type', contentType || 'application/octet-stream');
    const csrf = sessionStorage.getItem(CSRF_KEY);
    if (csrf) xhr.setRequestHeader('X-CSRF-Token', csrf);
    if (onProgress) xhr.upload.onprogress = (e) => onProgress(e.loaded, e.total || file.size);
    const abort = () => xhr.abort();
    if (signal) {
      if (signal.aborted) {
        reject(new DOMException('The upload was cancelled.', 'AbortError'));
        return;
      }
      signal.addEventListener('abort', abort, { once: true });
    }
    const done = () => signal && signal.removeEventListener('abort', abort);
    xhr.onload = () => {
      done();
      if (xhr.status >= 200 && xhr.status < 300) {
        try {
          resolve(xhr.responseText ? JSON.parse(xhr.responseText) : null);
        } catch {
          reject(new ApiError(xhr.status, 'bad_response', 'The server sent an unreadable answer.'));
        }
        return;
      }
      const err = errorOf(xhr.status, xhr.responseText);
      // api() holds the app's 401 handler: a call through it shows sign-in
      if (xhr.status === 401) api('GET', '/me').catch(() => {});
      reject(err);
    };
    xhr.onerror = () => {
      done();
      reject(new ApiError(0, 'network', 'The server cannot be reached. Check the connection.'));
    };
    xhr.onabort = () => {
      done();
      reject(new DOMException('The upload was cancelled.', 'AbortError'));
    };
    xhr.send(file);
  });
}
