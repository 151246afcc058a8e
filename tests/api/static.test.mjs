// static.test.mjs: the web UI's files served by `rapport serve` (issue 7,
// src/http/static.c): content types, cache headers, gzip, ETag/304, the
// SPA fallback, the "not built" page, and paths that try to leave the web
// directory (raw paths are sent with node:http, which does not normalise).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { startServer } from './lib/server.mjs';

/* GET/HEAD of a raw path; resolves {status, headers, body (Buffer)}. */
function raw(base, p, { method = 'GET', headers = {} } = {}) {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, method, path: p, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

const INDEX = '<!doctype html><title>rapport test ui</title><div id=app></div>\n';
const JS = 'console.log("hello from the bundle");\n'.repeat(50);

describe('web UI files', () => {
  let srv, webDir, outside;
  before(async () => {
    const top = fs.mkdtempSync(path.join(os.tmpdir(), 'rapport-web-'));
    webDir = path.join(top, 'dist');
    outside = path.join(top, 'secret.txt');
    fs.mkdirSync(path.join(webDir, 'assets'), { recursive: true });
    fs.writeFileSync(path.join(webDir, 'index.html'), INDEX);
    fs.writeFileSync(path.join(webDir, 'index.html.gz'), zlib.gzipSync(INDEX));
    fs.writeFileSync(path.join(webDir, 'assets', 'app-1a2b3c.js'), JS);
    fs.writeFileSync(path.join(webDir, 'assets', 'app-1a2b3c.js.gz'), zlib.gzipSync(JS));
    fs.writeFileSync(path.join(webDir, 'assets', 'app-1a2b3c.css'), 'body{color:#111}\n');
    fs.writeFileSync(path.join(webDir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>\n');
    fs.writeFileSync(path.join(webDir, 'logo.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    fs.writeFileSync(outside, 'the secret outside the web directory\n');
    fs.symlinkSync(outside, path.join(webDir, 'leak.txt'));
    fs.symlinkSync(top, path.join(webDir, 'up'));
    srv = await startServer({ env: { RAPPORT_WEB_DIR: webDir } });
  });
  after(async () => {
    await srv?.stop();
    fs.rmSync(path.dirname(webDir), { recursive: true, force: true });
  });

  test('/ is index.html, not cached without revalidation, with a CSP', async () => {
    const r = await raw(srv.base, '/');
    assert.equal(r.status, 200);
    assert.equal(r.body.toString(), INDEX);
    assert.match(r.headers['content-type'], /^text\/html; charset=utf-8/);
    assert.equal(r.headers['cache-control'], 'no-cache');
    assert.match(r.headers['content-security-policy'], /default-src 'self'/);
    assert.ok(r.headers.etag && r.headers['last-modified']);
  });

  test('a path without a dot gets index.html (SPA fallback); API paths stay the API', async () => {
    for (const p of ['/contacts', '/contacts/0193abc', '/settings/channels?tab=sms']) {
      const r = await raw(srv.base, p);
      assert.equal(r.status, 200, p);
      assert.equal(r.body.toString(), INDEX, p);
    }
    const api = await raw(srv.base, '/api/v1/nothing-here');
    assert.equal(api.status, 404);
    assert.equal(JSON.parse(api.body).error.code, 'not_found');
    const health = await raw(srv.base, '/healthz');
    assert.equal(JSON.parse(health.body).status, 'ok');
    const post = await raw(srv.base, '/contacts', { method: 'POST' });
    assert.equal(post.status, 404, 'only GET and HEAD reach the files');
  });

  test('hashed assets are immutable, with their content types', async () => {
    const js = await raw(srv.base, '/assets/app-1a2b3c.js');
    assert.equal(js.status, 200);
    assert.equal(js.body.toString(), JS);
    assert.match(js.headers['content-type'], /^text\/javascript/);
    assert.equal(js.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal(js.headers['content-encoding'], undefined, 'no gzip unless asked');
    assert.match((await raw(srv.base, '/assets/app-1a2b3c.css')).headers['content-type'], /^text\/css/);
    const svg = await raw(srv.base, '/favicon.svg');
    assert.equal(svg.headers['content-type'], 'image/svg+xml');
    assert.equal(svg.headers['cache-control'], 'no-cache');
    assert.equal((await raw(srv.base, '/logo.png')).headers['content-type'], 'image/png');
  });

  test('the .gz file is sent to a client that accepts gzip', async () => {
    const r = await raw(srv.base, '/assets/app-1a2b3c.js', { headers: { 'Accept-Encoding': 'br, gzip' } });
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-encoding'], 'gzip');
    assert.match(r.headers.vary, /Accept-Encoding/);
    assert.equal(zlib.gunzipSync(r.body).toString(), JS);
    assert.ok(r.body.length < JS.length);
    const refused = await raw(srv.base, '/assets/app-1a2b3c.js', { headers: { 'Accept-Encoding': 'gzip;q=0' } });
    assert.equal(refused.headers['content-encoding'], undefined, 'q=0 refuses gzip');
    assert.equal(refused.body.toString(), JS);
  });

  test('ETag gives 304; HEAD gives the headers without a body', async () => {
    const first = await raw(srv.base, '/assets/app-1a2b3c.js');
    const again = await raw(srv.base, '/assets/app-1a2b3c.js', { headers: { 'If-None-Match': first.headers.etag } });
    assert.equal(again.status, 304);
    assert.equal(again.body.length, 0);
    const head = await raw(srv.base, '/assets/app-1a2b3c.js', { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.body.length, 0);
    assert.equal(Number(head.headers['content-length']), JS.length);
  });

  test('nothing outside the web directory is served, and odd paths do not crash', async () => {
    const bad = [
      '/../secret.txt',
      '/assets/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
      '/%2E%2E%2Fsecret.txt',
      '/..%5csecret.txt',
      '/assets\\..\\..\\secret.txt',
      '/leak.txt', // a symlink out
      '/up/secret.txt', // a directory symlink out
      '/.hidden.txt',
      '//secret.txt',
      '/assets//app-1a2b3c.js',
      '/assets/missing-000.js',
      '/index.html%00.js',
      '/%ff%fe.js',
      '/' + 'a/'.repeat(600) + 'x.js',
      '/' + 'b'.repeat(5000) + '.js',
    ];
    for (const p of bad) {
      const r = await raw(srv.base, p);
      assert.ok([400, 404, 414, 431].includes(r.status) || (r.status === 200 && r.body.toString() === INDEX),
        `${p.slice(0, 60)} -> ${r.status}`);
      assert.ok(!r.body.toString().includes('the secret'), `${p.slice(0, 60)} leaked the file`);
    }
    assert.equal((await raw(srv.base, '/healthz')).status, 200, 'still serving');
  });
});

describe('web UI not built', () => {
  let srv;
  before(async () => {
    srv = await startServer({ env: { RAPPORT_WEB_DIR: path.join(os.tmpdir(), 'rapport-no-such-web-dir') } });
  });
  after(async () => srv?.stop());

  test('/ explains how to build the UI; a file is 404', async () => {
    const r = await raw(srv.base, '/');
    assert.equal(r.status, 200);
    assert.match(r.headers['content-type'], /^text\/html/);
    assert.match(r.body.toString(), /not built.*make web/s);
    assert.equal((await raw(srv.base, '/assets/app.js')).status, 404);
    assert.equal((await raw(srv.base, '/api/v1/me')).status, 401, 'the API still answers');
  });
});
