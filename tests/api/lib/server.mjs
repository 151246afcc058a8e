// server.mjs: starts a real `rapport serve` on a free port with a fresh
// temporary database, for the black-box API tests (tests/api/*.test.mjs).
//
// Every test file calls startServer() once (in before()) and stop() in
// after(); tests inside a file share the server and make their own data
// (unique names, tags and e-mails) so they do not depend on each other.
// The binary is $RAPPORT_BIN (set by `make api`), else build/rapport.
//
// On PostgreSQL: when $RAPPORT_TEST_PG holds a base URL (as
// tests/pg/cluster.sh prints it; `make api-pg` sets it), every server gets
// a fresh database rt_<random> on that cluster instead of the SQLite file,
// made with psql and dropped when the server stops; `onPostgres` lets a
// test about the SQLite file itself skip with a reason.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const BIN = process.env.RAPPORT_BIN || path.resolve(here, '..', '..', '..', 'build', 'rapport');
/** The test build (a clock tests move: util/clock.h RP_TEST_CLOCK). */
export const TEST_BIN =
  process.env.RAPPORT_TEST_BIN || path.resolve(here, '..', '..', '..', 'build', 'rapport-test');

/** The PostgreSQL cluster the tests run on ($RAPPORT_TEST_PG), or ''. */
export const PG_BASE = (process.env.RAPPORT_TEST_PG || '').replace(/\/+$/, '');
/** True when the tests run on PostgreSQL rather than on SQLite files. */
export const onPostgres = PG_BASE !== '';

/** Runs one SQL statement with psql against the cluster's postgres
 * database; rejects with psql's message. */
function psqlAdmin(sql) {
  return new Promise((resolve, reject) => {
    const p = spawn('psql', ['-qAtX', '-v', 'ON_ERROR_STOP=1', '-d', `${PG_BASE}/postgres`, '-c', sql], {
      env: { ...process.env, PGCONNECT_TIMEOUT: '10' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    p.stderr.on('data', (d) => (err += d));
    const t = setTimeout(() => p.kill('SIGKILL'), 30000);
    p.on('error', (e) => {
      clearTimeout(t);
      reject(new Error(`psql (postgresql-client-15; scripts/deps): ${e.message}`));
    });
    p.on('close', (code, signal) => {
      clearTimeout(t);
      if (code === 0) resolve();
      else reject(new Error(`psql ${JSON.stringify(sql)} exited ${code ?? signal}: ${err.trim()}`));
    });
  });
}

const PG_DB_FILE = 'pg_database'; // in a data directory: the name of its database

/**
 * The --db of a data directory: its SQLite file (dir/rapport.db), or on
 * PostgreSQL the URL of the database recorded in the directory, made on
 * first use (CREATE DATABASE "rt_<random>"). A test that runs the CLI on a
 * directory before startServer({dir}) gets its database from here.
 */
export async function dbFor(dir) {
  if (!onPostgres) return path.join(dir, 'rapport.db');
  const file = path.join(dir, PG_DB_FILE);
  let name = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : '';
  if (!/^rt_[0-9a-f]{16}$/.test(name)) {
    name = `rt_${crypto.randomBytes(8).toString('hex')}`;
    await psqlAdmin(`CREATE DATABASE "${name}"`);
    fs.writeFileSync(file, `${name}\n`);
  }
  return `${PG_BASE}/${name}`;
}

/** Drops the database of a data directory (PostgreSQL only; its
 * connections are ended first). Never rejects: a test cluster is thrown
 * away anyway. */
export async function dropDbOf(dir) {
  if (!onPostgres) return;
  const file = path.join(dir, PG_DB_FILE);
  let name = '';
  try {
    name = fs.readFileSync(file, 'utf8').trim();
  } catch {
    return;
  }
  if (!/^rt_[0-9a-f]{16}$/.test(name)) return;
  try {
    await psqlAdmin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    fs.rmSync(file, { force: true });
  } catch (e) {
    process.stderr.write(`server.mjs: ${e.message}\n`);
  }
}

/** Removes a data directory and, on PostgreSQL, drops its database. */
async function removeData(dir) {
  await dropDbOf(dir);
  fs.rmSync(dir, { recursive: true, force: true });
}

let seq = 0;
/** A short string unique in this process and across parallel test files. */
export function uniq(prefix = 'u') {
  seq += 1;
  return `${prefix}${process.pid.toString(36)}${Date.now().toString(36)}${seq}`;
}

/** Runs the CLI; resolves {code, signal, stdout, stderr} (never rejects on a
 * non-zero exit). */
export function runCli(args, { db, env = {}, timeoutMs = 30000 } = {}) {
  const argv = db ? ['--db', db, ...args] : args;
  return new Promise((resolve, reject) => {
    const p = spawn(BIN, argv, { env: { ...process.env, RAPPORT_LOG: 'warn', ...env } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    const t = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
    p.on('error', (e) => {
      clearTimeout(t);
      reject(e);
    });
    p.on('close', (code, signal) => {
      clearTimeout(t);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Runs the CLI and throws with its stderr unless it exits 0. */
export async function cliOk(args, opts) {
  const r = await runCli(args, opts);
  if (r.code !== 0) {
    throw new Error(`rapport ${args.join(' ')} exited ${r.code ?? r.signal}: ${r.stderr.trim()}`);
  }
  return r;
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Sends one request to base. opts: body (object/array -> JSON with
 * Content-Type application/json; string or Buffer -> sent as is), token
 * (Bearer; null for none), cookie (the rapport_session value), csrf,
 * headers (extra). Resolves {status, headers, text, json}. */
export async function httpRequest(base, method, p, opts = {}) {
  const headers = { ...(opts.headers || {}) };
  let body;
  if (opts.body !== undefined) {
    if (typeof opts.body === 'string' || Buffer.isBuffer(opts.body) || opts.body instanceof Uint8Array) {
      body = opts.body;
    } else {
      body = JSON.stringify(opts.body);
      if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
        headers['Content-Type'] = 'application/json';
      }
    }
  }
  if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
  if (opts.cookie) headers.Cookie = `rapport_session=${opts.cookie}`;
  if (opts.csrf) headers['X-CSRF-Token'] = opts.csrf;
  const res = await fetch(base + p, { method, headers, body, redirect: 'manual' });
  const text = await res.text();
  let json = null;
  try {
    json = text.length ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** The rapport_session value from a response's Set-Cookie, or null; also
 * returns the whole Set-Cookie line as `line`. */
export function sessionCookie(headers) {
  const all = typeof headers.getSetCookie === 'function' ? headers.getSetCookie() : [headers.get('set-cookie') || ''];
  for (const line of all) {
    const m = /^\s*rapport_session=([^;]*)/.exec(line);
    if (m) return { value: m[1], line };
  }
  return null;
}

/** Logs in; resolves {status, json, token, csrf, cookie, cookieLine, user}. */
export async function login(base, email, password) {
  const r = await httpRequest(base, 'POST', '/api/v1/auth/login', { body: { email, password } });
  const c = r.status === 200 ? sessionCookie(r.headers) : null;
  return {
    status: r.status,
    json: r.json,
    token: r.json?.token,
    csrf: r.json?.csrf_token,
    user: r.json?.user,
    cookie: c?.value ?? null,
    cookieLine: c?.line ?? null,
  };
}

/**
 * Starts a server. opts:
 *   dir      reuse this data directory (after a stop({keep: true})); then
 *            init is skipped and email/password must be those of the owner
 *   account, email, password  the first account and its owner (made up)
 *   env      extra environment for `serve` (e.g. RAPPORT_NOW to pin the clock)
 *   args     extra arguments for `serve` (e.g. ['--threads', '1'])
 *   login    false: do not log the owner in (token, csrf, cookie, user unset)
 *   clock    an RFC 3339 time: run the test build (TEST_BIN) with its clock
 *            read from a file; srv.setClock(t) moves it (no sleeping)
 * Resolves the server handle:
 *   {base, port, dir, db, bin, token, csrf, cookie, user, email, password,
 *    account, proc, stop({keep}), request(method, path, opts), as(session),
 *    login(email, password), addAccount(), addUser(role), stderr()}
 */
export async function startServer(opts = {}) {
  const reuse = Boolean(opts.dir);
  const dir = opts.dir || fs.mkdtempSync(path.join(os.tmpdir(), 'rapport-api-'));
  let db;
  try {
    db = await dbFor(dir);
  } catch (e) {
    if (!reuse) fs.rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  const account = opts.account || uniq('Acct ');
  const email = opts.email || `${uniq('owner')}@example.test`;
  const password = opts.password || 'correct horse battery staple';
  if (!reuse) {
    try {
      await cliOk(['init', '--account', account, '--email', email, '--password', password], { db });
    } catch (e) {
      await removeData(dir);
      throw e;
    }
  }

  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const clockFile = path.join(dir, 'clock');
  const clockEnv = {};
  if (opts.clock) {
    fs.writeFileSync(clockFile, `${opts.clock}\n`);
    clockEnv.RAPPORT_TEST_CLOCK = clockFile;
  }
  const bin = opts.clock ? TEST_BIN : BIN;
  const proc = spawn(bin, ['--db', db, 'serve', '--listen', `127.0.0.1:${port}`, ...(opts.args || [])], {
    env: { ...process.env, RAPPORT_LOG: 'warn', ...clockEnv, ...(opts.env || {}) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let errText = '';
  proc.stdout.on('data', () => {});
  proc.stderr.on('data', (d) => {
    // RAPPORT_TEST_ECHO=1: the servers' logs on the runner's stderr (debugging)
    if (process.env.RAPPORT_TEST_ECHO) process.stderr.write(d);
    errText += d;
    if (errText.length > 65536) errText = errText.slice(-32768);
  });
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  let exitInfo = null;
  exited.then((e) => (exitInfo = e));

  const deadline = Date.now() + 10000;
  for (;;) {
    if (exitInfo) {
      if (!reuse) await removeData(dir);
      throw new Error(`rapport serve exited early (${exitInfo.code ?? exitInfo.signal}): ${errText.trim()}`);
    }
    try {
      const r = await fetch(`${base}/healthz`);
      await r.text();
      if (r.status === 200) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      proc.kill('SIGKILL');
      await exited;
      if (!reuse) await removeData(dir);
      throw new Error(`rapport serve not healthy within 10 s: ${errText.trim()}`);
    }
    await sleep(100);
  }

  const srv = {
    base,
    port,
    dir,
    db,
    bin,
    proc,
    /** Moves the test clock (opts.clock servers only). */
    setClock(t) {
      fs.writeFileSync(`${clockFile}.tmp`, `${t}\n`);
      fs.renameSync(`${clockFile}.tmp`, clockFile);
    },
    account,
    email,
    password,
    exited,
    stderr: () => errText,
    /** request(method, path, {body, token, cookie, csrf, headers}); token
     * defaults to the owner's login token, token: null sends none. */
    request(method, p, o = {}) {
      const token = o.token === undefined && !o.cookie ? srv.token : o.token;
      return httpRequest(base, method, p, { ...o, token });
    },
    /** A request function bound to another session ({token} or {cookie, csrf}). */
    as(sess) {
      return (method, p, o = {}) =>
        httpRequest(base, method, p, { token: sess.token, cookie: sess.cookie, csrf: sess.csrf, ...o });
    },
    login: (e, pw) => login(base, e, pw),
    /** Adds another account with its owner (`rapport account add`) and logs
     * the owner in: resolves {account, email, password, token, csrf, user, req}. */
    async addAccount() {
      const a = { account: uniq('Other '), email: `${uniq('other')}@example.test`, password: 'another long password' };
      await cliOk(['account', 'add', '--account', a.account, '--email', a.email, '--password', a.password], { db });
      const l = await login(base, a.email, a.password);
      if (l.status !== 200) throw new Error(`login of the new account's owner: ${l.status} ${JSON.stringify(l.json)}`);
      return { ...a, ...l, req: srv.as({ token: l.token }) };
    },
    /** Creates a user of this account through the API (as the owner) and
     * logs it in: resolves {id, email, password, role, token, csrf, user, req}. */
    async addUser(role = 'agent') {
      const u = { email: `${uniq(role)}@example.test`, password: `pw-${uniq('x')}-long`, role };
      const r = await srv.request('POST', '/api/v1/users', {
        body: { email: u.email, password: u.password, role, name: `Test ${role}` },
      });
      if (r.status !== 201) throw new Error(`POST /api/v1/users: ${r.status} ${r.text}`);
      const l = await login(base, u.email, u.password);
      if (l.status !== 200) throw new Error(`login of the new ${role}: ${l.status} ${r.text}`);
      return { ...u, id: r.json.id, ...l, req: srv.as({ token: l.token }) };
    },
    /** SIGTERM, await the exit, remove the data directory (and drop its
     * PostgreSQL database) unless keep. Resolves {code, signal}. */
    async stop({ keep = false } = {}) {
      if (!exitInfo) proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), 15000);
      const e = await exited;
      clearTimeout(t);
      if (!keep) await removeData(dir);
      return e;
    },
  };

  if (opts.login === false) return srv;
  const l = await login(base, email, password);
  if (l.status !== 200) {
    await srv.stop({ keep: reuse });
    throw new Error(`owner login failed: ${l.status} ${JSON.stringify(l.json)}`);
  }
  Object.assign(srv, { token: l.token, csrf: l.csrf, cookie: l.cookie, user: l.user });
  return srv;
}
