// What the end-to-end tests share: the demo's URL, a headless Debian Chromium, the
// devserver's dev routes, waiting for conditions, and screenshots under target/e2e/.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM } from '../../tools/chromium.mjs';

/** @typedef {import('playwright-core').Browser} Browser */
/** @typedef {import('playwright-core').Page} Page */
/** @typedef {{ width: number, height: number }} Viewport */
/** @typedef {{ id: string, title: string, status: string, task_counts: Record<string, number> }} Listed */
/** @typedef {{ text: string, url: string }} Problem */

const demoUrl = process.env.DEEPWORK_DEMO_URL;
if (!demoUrl) {
  throw new Error(
    'DEEPWORK_DEMO_URL is not set: run these tests with `cargo xtask test`, or set it to the line ' +
      'that `cargo xtask demo --addr 127.0.0.1:0 --faults --flavor documented` prints',
  );
}

/** The line `cargo xtask demo` prints: the page, with the token in its fragment. */
export const DEMO_URL = demoUrl;
export const ORIGIN = new URL(DEMO_URL).origin;
export const TOKEN = new URLSearchParams(new URL(DEMO_URL).hash.slice(1)).get('token') ?? '';

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 360, height: 740 };
/** A reader's locale and time zone other than the machine's, so formatting is really theirs. */
export const LOCALE = 'en-GB';
export const TIME_ZONE = 'Europe/Berlin';

const SCREENSHOTS = process.env.DEEPWORK_E2E_OUT ?? fileURLToPath(new URL('../../target/e2e/', import.meta.url));
mkdirSync(SCREENSHOTS, { recursive: true });

/** Debian's Chromium, launched as every browser test here launches it. */
export function launch() {
  return chromium.launch(CHROMIUM);
}

/**
 * A new page on the demo's printed URL that records what must not happen there: console
 * errors, uncaught exceptions and dialogs (an `alert()` from injected markup).
 * @param {Browser} browser
 * @param {Viewport} viewport
 * @param {(page: Page) => Promise<unknown>} [prepare]  runs before the page loads (e.g. routes)
 */
export async function openDemo(browser, viewport, prepare) {
  const context = await browser.newContext({ viewport, locale: LOCALE, timezoneId: TIME_ZONE });
  const page = await context.newPage();
  /** @type {Problem[]} */
  const problems = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push({ text: message.text(), url: message.location().url });
  });
  page.on('pageerror', (error) => problems.push({ text: `uncaught: ${error.message}`, url: '' }));
  page.on('dialog', (dialog) => {
    problems.push({ text: `${dialog.type()}(): ${dialog.message()}`, url: '' });
    void dialog.dismiss();
  });
  if (prepare) await prepare(page);
  await page.goto(DEMO_URL);
  return { page, problems, close: () => context.close() };
}

/**
 * Fails on any console error, except Chromium's "Failed to load resource" line for an
 * answer the test asked for (e.g. the 400 of cancelling a completed project).
 * @param {Problem[]} problems
 * @param {{ path: string, status: number }[]} [expected]
 */
export function assertNoConsoleErrors(problems, expected = []) {
  const unexpected = problems.filter(
    (problem) =>
      !expected.some(
        ({ path: expectedPath, status }) =>
          problem.url === `${ORIGIN}${expectedPath}` &&
          problem.text.startsWith(`Failed to load resource: the server responded with a status of ${status}`),
      ),
  );
  assert.deepEqual(unexpected, []);
}

/**
 * Calls a devserver dev route (needs `--faults`, except the listing).
 * @param {string} method
 * @param {string} route
 * @param {unknown} [body]
 * @returns {Promise<unknown>}
 */
async function dev(method, route, body) {
  const response = await fetch(`${ORIGIN}${route}`, {
    method,
    headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.ok(response.ok, `${method} ${route} answered ${response.status}`);
  return response.json();
}

/** @returns {Promise<Listed[]>} */
export async function listProjects() {
  const body = /** @type {{ projects: Listed[] }} */ (await dev('GET', '/__dev/projects'));
  return body.projects;
}

/** @param {string} id */
export async function projectStatus(id) {
  const project = (await listProjects()).find((candidate) => candidate.id === id);
  assert.ok(project, `project ${id} is not listed`);
  return project.status;
}

/**
 * Creates a project on the server, e.g. `{ status: 'executing', fault: 'hang' }`.
 * @param {Record<string, unknown>} spec
 * @returns {Promise<string>}
 */
export async function createProject(spec) {
  const body = /** @type {{ id: string }} */ (await dev('POST', '/__dev/projects', spec));
  return body.id;
}

/** @param {string} id */
export async function cancelRequests(id) {
  const stats = /** @type {{ cancel_requests: number }} */ (await dev('GET', `/__dev/projects/${id}/stats`));
  return stats.cancel_requests;
}

/** @param {string} id */
export async function plan(id) {
  const response = await fetch(`${ORIGIN}/api/deep-work/projects/${id}/plan`, {
    headers: { Authorization: `Bearer ${TOKEN}` },
  });
  assert.equal(response.status, 200);
  return /** @type {{ project: { completed_at: string | null } }} */ (await response.json());
}

/**
 * Waits until `condition` holds, checking every 50 ms, for at most `timeoutMs`.
 * @param {() => Promise<boolean>} condition
 * @param {string} what
 * @param {number} [timeoutMs]
 */
export async function until(condition, what, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * The demo's row of project `id`.
 * @param {Page} page
 * @param {string} id
 */
export function row(page, id) {
  return page.locator(`#projects > li[data-project-id="${id}"]`);
}

/**
 * Text of the element that has focus, for keyboard checks.
 * @param {Page} page
 */
export function focusedText(page) {
  return page.evaluate(() => document.activeElement?.textContent?.trim() ?? '');
}

/**
 * Saves a screenshot as target/e2e/NAME.png.
 * @param {Page} page
 * @param {string} name
 * @param {{ fullPage?: boolean }} [options]
 */
export async function screenshot(page, name, options = {}) {
  // Let the caret and the spinner not make two runs' pictures differ for nothing.
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: options.fullPage ?? true, animations: 'disabled', caret: 'hide' });
}
