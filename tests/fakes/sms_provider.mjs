// sms_provider.mjs: a fake SMS provider speaking the Twilio Messages API
// shape (API.md "Workflows, messages, channels"), for the unit, API and
// crash tests. Node only, no npm packages.
//
//   node tests/fakes/sms_provider.mjs [--port N] [--host H]
//        [--account-sid AC...] [--auth-token T]
//
// Prints "listening PORT" on stdout once it accepts connections (use
// --port 0, the default, for a free port). Stops on SIGTERM / SIGINT.
//
// POST /2010-04-01/Accounts/{sid}/Messages.json
//   form fields To, From, Body (application/x-www-form-urlencoded), HTTP
//   basic auth {sid}:{token}. Answers 201 with Twilio's message resource (a
//   fresh "sid" SM + 32 hex, "status": "queued"), or Twilio's error shape
//   {"code", "message", "more_info", "status"}: 401 (20003) bad credentials,
//   404 (20404) another account, 400 for a missing To (21604) / From (21603)
//   / Body (21602), a To that is not E.164 (21211), a body over 1600
//   characters (21617).
//   Idempotency-Key: a key already answered with a 2xx gets the very same
//   answer again and creates no message (failures are not remembered, so a
//   retry after a 5xx goes through).
// GET  /_messages   every created message, oldest first (JSON array)
// GET  /_requests   every request to the API, oldest first (JSON array of
//                   {method, path, headers, body, form, status, replayed, at})
// POST /_fail       {"mode": "5xx"|"4xx"|"hang", "count": 1, "status": 503}
//                   the next `count` message requests fail: with `status`
//                   (default 500 / 400), or get no answer at all ("hang")
// POST /_delay      {"ms": 800}: from now on each message is created at once
//                   but answered only ms later (a sender killed meanwhile
//                   never learns the provider took it); {"ms": 0} ends it
// POST /_reset      forgets messages, requests, keys and pending failures
//
// It can also be imported: startSmsProvider({port, accountSid, authToken})
// resolves {port, url, state, close()}.
import crypto from 'node:crypto';
import http from 'node:http';
import { pathToFileURL } from 'node:url';

const BODY_MAX = 1024 * 1024;
export const DEFAULT_ACCOUNT_SID = 'AC' + '0123456789abcdef'.repeat(2);
export const DEFAULT_AUTH_TOKEN = 'fake-auth-token';

const E164 = /^\+[1-9][0-9]{7,14}$/;

function twilioError(res, status, code, message) {
  sendJson(res, status, {
    code,
    message,
    more_info: `https://www.twilio.com/docs/errors/${code}`,
    status,
  });
  return status;
}

function sendJson(res, status, obj, extraHeaders = {}) {
  const text = JSON.stringify(obj);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    ...extraHeaders,
  });
  res.end(text);
}

function basicAuth(header) {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header || '');
  if (!m) return null;
  const plain = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = plain.indexOf(':');
  if (colon < 0) return null;
  return { user: plain.slice(0, colon), pass: plain.slice(colon + 1) };
}

function safeEqual(a, b) {
  const x = Buffer.from(String(a));
  const y = Buffer.from(String(b));
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

function newState() {
  return { messages: [], requests: [], keys: new Map(), fail: null, hanging: new Set(), delayMs: 0 };
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > BODY_MAX) {
        reject(Object.assign(new Error('body too large'), { status: 413 }));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Starts the fake; resolves {port, url, state, close}. */
export function startSmsProvider({
  port = 0,
  host = '127.0.0.1',
  accountSid = DEFAULT_ACCOUNT_SID,
  authToken = DEFAULT_AUTH_TOKEN,
} = {}) {
  const state = newState();
  const sockets = new Set();

  function createMessage(req, res, form, record) {
    // Twilio checks the credentials before anything else.
    const auth = basicAuth(req.headers.authorization);
    if (!auth || !safeEqual(auth.user, accountSid) || !safeEqual(auth.pass, authToken)) {
      res.setHeader('WWW-Authenticate', 'Basic realm="Twilio API"');
      return twilioError(res, 401, 20003, 'Authenticate');
    }
    const pathSid = decodeURIComponent(req.url.split('/')[3] || '');
    if (pathSid !== accountSid) {
      return twilioError(res, 404, 20404, `The requested resource ${req.url.split('?')[0]} was not found`);
    }
    if (state.fail && state.fail.count > 0) {
      const f = state.fail;
      f.count -= 1;
      if (f.count <= 0) state.fail = null;
      if (f.mode === 'hang') {
        state.hanging.add(res);
        res.on('close', () => state.hanging.delete(res));
        record.hung = true;
        return 0;
      }
      if (f.mode === '4xx') {
        return twilioError(res, f.status || 400, 21610, 'Attempt to send to unsubscribed recipient');
      }
      return twilioError(res, f.status || 500, 20500, 'Internal Server Error');
    }
    const key = req.headers['idempotency-key'];
    if (key !== undefined && state.keys.has(`${accountSid} ${key}`)) {
      const first = state.keys.get(`${accountSid} ${key}`);
      record.replayed = true;
      sendJson(res, first.status, first.body);
      return first.status;
    }
    const ctype = String(req.headers['content-type'] || '').split(';')[0].trim().toLowerCase();
    if (ctype !== 'application/x-www-form-urlencoded') {
      return twilioError(res, 400, 20001, 'Content-Type must be application/x-www-form-urlencoded');
    }
    const { To: to, From: from, Body: body } = form;
    if (!to) return twilioError(res, 400, 21604, "A 'To' phone number is required.");
    if (!from) return twilioError(res, 400, 21603, "A 'From' phone number is required.");
    if (!body) return twilioError(res, 400, 21602, 'Message body is required.');
    if (!E164.test(to)) return twilioError(res, 400, 21211, `The 'To' number ${to} is not a valid phone number.`);
    if ([...body].length > 1600) {
      return twilioError(res, 400, 21617, 'The concatenated message body exceeds the 1600 character limit.');
    }
    const sid = 'SM' + crypto.randomBytes(16).toString('hex');
    const now = new Date().toUTCString().replace('GMT', '+0000');
    const msg = {
      account_sid: accountSid,
      api_version: '2010-04-01',
      body,
      date_created: now,
      date_sent: null,
      date_updated: now,
      direction: 'outbound-api',
      error_code: null,
      error_message: null,
      from,
      messaging_service_sid: null,
      num_media: '0',
      num_segments: String(Math.max(1, Math.ceil([...body].length / 153))),
      price: null,
      price_unit: 'USD',
      sid,
      status: 'queued',
      subresource_uris: { media: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}/Media.json` },
      to,
      uri: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}.json`,
    };
    state.messages.push({ ...msg, idempotency_key: key ?? null });
    if (key !== undefined) state.keys.set(`${accountSid} ${key}`, { status: 201, body: msg });
    if (state.delayMs > 0) {
      const t = setTimeout(() => {
        if (!res.destroyed) sendJson(res, 201, msg);
      }, state.delayMs);
      res.on('close', () => clearTimeout(t));
    } else {
      sendJson(res, 201, msg);
    }
    return 201;
  }

  async function handle(req, res) {
    const path = req.url.split('?')[0];
    if (req.method === 'GET' && path === '/_messages') return sendJson(res, 200, state.messages);
    if (req.method === 'GET' && path === '/_requests') return sendJson(res, 200, state.requests);
    if (req.method === 'POST' && path === '/_reset') {
      await readBody(req);
      for (const r of state.hanging) r.destroy();
      Object.assign(state, newState());
      return sendJson(res, 200, { ok: true });
    }
    if (req.method === 'POST' && path === '/_delay') {
      let d;
      try {
        d = JSON.parse((await readBody(req)) || '{}');
      } catch {
        return sendJson(res, 400, { error: 'body is not JSON' });
      }
      if (!Number.isInteger(d.ms) || d.ms < 0 || d.ms > 60000) {
        return sendJson(res, 400, { error: 'expected {"ms": 0..60000}' });
      }
      state.delayMs = d.ms;
      return sendJson(res, 200, { ok: true });
    }
    if (req.method === 'POST' && path === '/_fail') {
      let f;
      try {
        f = JSON.parse((await readBody(req)) || '{}');
      } catch {
        return sendJson(res, 400, { error: 'body is not JSON' });
      }
      const count = f.count === undefined ? 1 : f.count;
      if (!['5xx', '4xx', 'hang'].includes(f.mode) || !Number.isInteger(count) || count < 0) {
        return sendJson(res, 400, { error: 'expected {"mode": "5xx"|"4xx"|"hang", "count": n}' });
      }
      const lo = f.mode === '4xx' ? 400 : 500;
      if (f.status !== undefined && !(Number.isInteger(f.status) && f.status >= lo && f.status < lo + 100)) {
        return sendJson(res, 400, { error: `status must be ${lo}..${lo + 99} for mode ${f.mode}` });
      }
      state.fail = count > 0 ? { mode: f.mode, count, status: f.status } : null;
      return sendJson(res, 200, { ok: true });
    }

    const raw = await readBody(req);
    const form = {};
    const ctype = String(req.headers['content-type'] || '');
    if (ctype.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
      for (const [k, v] of new URLSearchParams(raw)) if (!(k in form)) form[k] = v;
    }
    const record = {
      method: req.method,
      path: req.url,
      headers: req.headers,
      body: raw,
      form,
      status: 0,
      replayed: false,
      at: new Date().toISOString(),
    };
    state.requests.push(record);
    if (/^\/2010-04-01\/Accounts\/[^/]+\/Messages\.json$/.test(path)) {
      if (req.method !== 'POST') {
        record.status = twilioError(res, 405, 20004, 'Method not allowed');
        return;
      }
      record.status = createMessage(req, res, form, record);
      return;
    }
    record.status = twilioError(res, 404, 20404, `The requested resource ${path} was not found`);
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((e) => {
      if (res.headersSent || res.destroyed) return;
      sendJson(res, e.status || 500, { error: String(e.message || e) });
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('clientError', (err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const actual = server.address().port;
      resolve({
        port: actual,
        url: `http://${host}:${actual}`,
        state,
        close: () =>
          new Promise((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

function parseArgs(argv) {
  const o = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = argv[i + 1];
    if (a === '--port') o.port = Number(v);
    else if (a === '--host') o.host = v;
    else if (a === '--account-sid') o.accountSid = v;
    else if (a === '--auth-token') o.authToken = v;
    else {
      process.stderr.write(`sms_provider: unknown argument ${a}\n`);
      process.exit(2);
    }
    i++;
    if (v === undefined) {
      process.stderr.write(`sms_provider: ${a} needs a value\n`);
      process.exit(2);
    }
  }
  if (o.port !== undefined && !(Number.isInteger(o.port) && o.port >= 0 && o.port < 65536)) {
    process.stderr.write('sms_provider: --port must be 0..65535\n');
    process.exit(2);
  }
  return o;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const fake = await startSmsProvider(parseArgs(process.argv.slice(2)));
  process.stdout.write(`listening ${fake.port}\n`);
  const stop = () => fake.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
