// lib.mjs: what every e2e test file shares: the browser (Debian's
// Chromium through playwright-core), a fresh page per test with its console
// errors collected, screenshots of failures, sign-in and an API token.
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';

export const BASE = process.env.RAPPORT_URL;
export const EMAIL = process.env.RAPPORT_EMAIL || 'demo@rapport.test';
export const PASSWORD = process.env.RAPPORT_PASSWORD || 'demo-password';
const SHOTS = new URL('./screenshots/', import.meta.url).pathname;
assert.ok(BASE, 'RAPPORT_URL is set (run tests/e2e/run.sh)');

let browser;
before(async () => {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
});
after(async () => {
  await browser?.close();
});

/* A fresh browser context (no cookies) of the given width, with every
 * console error and uncaught exception collected in page.errors. */
export async function open(width = 1280, height = 900) {
  const context = await browser.newContext({ viewport: { width, height } });
  const page = await context.newPage();
  page.errors = [];
  page.on('console', (m) => {
    if (m.type() === 'error') page.errors.push(m.text());
  });
  page.on('pageerror', (e) => page.errors.push('uncaught: ' + e.message));
  return page;
}

/* Runs fn(page); on failure saves a screenshot named after the test. */
export async function withPage(name, opts, fn) {
  const page = await open(opts.width, opts.height);
  try {
    await fn(page);
  } catch (e) {
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: `${SHOTS}${name}.png`, fullPage: true }).catch(() => {});
    throw e;
  } finally {
    await page.context().close();
  }
}

export async function signIn(page) {
  await page.goto(BASE + '/');
  await page.getByLabel('Email').fill(EMAIL);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
}

export async function apiToken() {
  const r = await fetch(BASE + '/api/v1/auth/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: EMAIL, password: PASSWORD }),
  });
  assert.equal(r.status, 200);
  return (await r.json()).token;
}

export function noHorizontalScroll(page) {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
}

/** Calls the API with a bearer token; returns {status, json}. */
export async function apiCall(token, method, path, body) {
  const r = await fetch(BASE + '/api/v1' + path, {
    method,
    headers: { Authorization: 'Bearer ' + token, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  return { status: r.status, json: text ? JSON.parse(text) : null };
}
