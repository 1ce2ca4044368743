// What the end-to-end tests share: the demo's URL, the browser under test (Debian's
// Chromium or Firefox ESR, picked by DEEPWORK_E2E_BROWSER), the devserver's routes for
// setting up and checking projects, and screenshots under target/e2e/.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium, firefox } from 'playwright-core';
import { CHROMIUM } from '../../tools/chromium.mjs';
import { FIREFOX } from '../../tools/firefox.mjs';

/** @typedef {import('playwright-core').Browser} Browser */
/** @typedef {import('playwright-core').Page} Page */
/** @typedef {{ width: number, height: number }} Viewport */
/** @typedef {{ text: string, url: string }} Problem */
/** @typedef {{ id: string, title: string, status: string, task_type: string }} Task */
/** @typedef {{ project: { id: string, title: string, status: string }, tasks: Task[], progress: { percent: number }, execution_levels: string[][] }} Plan */

const demoUrl = process.env.DEEPWORK_DEMO_URL;
if (!demoUrl) {
  throw new Error(
    'DEEPWORK_DEMO_URL is not set: run these tests with `cargo xtask test`, or set it to the line ' +
      'that `cargo xtask demo --addr 127.0.0.1:0 --faults --flavor documented --no-simulate` prints',
  );
}

/** The line `cargo xtask demo` prints: the page, with the token in its fragment. */
export const DEMO_URL = demoUrl;
export const ORIGIN = new URL(DEMO_URL).origin;
export const TOKEN = new URLSearchParams(new URL(DEMO_URL).hash.slice(1)).get('token') ?? '';

/** `chromium` or `firefox`: every test file runs once per browser (xtask runs node twice). */
export const BROWSER = process.env.DEEPWORK_E2E_BROWSER ?? 'chromium';
if (BROWSER !== 'chromium' && BROWSER !== 'firefox') throw new Error(`DEEPWORK_E2E_BROWSER=${BROWSER}: chromium or firefox`);

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 360, height: 740 };
export const HOSTILE_TITLE = '<img src=x onerror=alert(1)>';
export const TIMEOUT = { timeout: 60_000 };

const SCREENSHOTS = process.env.DEEPWORK_E2E_OUT ?? fileURLToPath(new URL('../../target/e2e/', import.meta.url));
mkdirSync(SCREENSHOTS, { recursive: true });

/** The browser under test in this file (each test file runs in a process of its own). */
let browser = /** @type {Browser | undefined} */ (undefined);

/**
 * Launches the browser under test (headless, the system's own build) before the
 * calling file's first test, and closes it after its last; `openDemo` opens its pages
 * there.
 */
export function useBrowser() {
  before(async () => {
    browser = await (BROWSER === 'firefox' ? firefox.launch(FIREFOX) : chromium.launch(CHROMIUM));
  });
  after(async () => {
    await browser?.close();
  });
}

/**
 * A new page on the demo's printed URL, in a context of its own, that records what must
 * not happen there: console errors, uncaught exceptions and dialogs (an `alert()` from
 * injected markup).
 * @param {Viewport} [viewport]
 */
export async function openDemo(viewport = DESKTOP) {
  assert.ok(browser, 'the test file calls useBrowser()');
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  /** @type {Problem[]} */
  const problems = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push({ text: message.text(), url: message.location().url });
  });
  page.on('pageerror', (error) => {
    // Firefox reports the style playwright injects for a screenshot as blocked by the
    // page's CSP; Chromium runs the same page and still catches any inline style of ours.
    if (BROWSER === 'firefox' && error.message.includes('blocked an inline style')) return;
    problems.push({ text: `uncaught: ${error.message}`, url: '' });
  });
  page.on('dialog', (dialog) => {
    problems.push({ text: `${dialog.type()}(): ${dialog.message()}`, url: '' });
    void dialog.dismiss();
  });
  await page.goto(DEMO_URL);
  // The list is the first thing the page loads: wait for it (and for its count).
  await page.locator('#projects-count[data-count]').waitFor();
  return { page, context, problems, close: () => context.close() };
}

/**
 * Fails on any console error, except a browser's "Failed to load resource" line for an
 * answer the test asked for (e.g. the error of approving a project twice).
 * @param {Problem[]} problems
 * @param {string[]} [expectedPaths]
 */
export function assertNoConsoleErrors(problems, expectedPaths = []) {
  const unexpected = problems.filter(
    (problem) =>
      !expectedPaths.some(
        (expected) => problem.url === `${ORIGIN}${expected}` && problem.text.startsWith('Failed to load resource'),
      ),
  );
  assert.deepEqual(unexpected, []);
}

/**
 * Calls the devserver with the token.
 * @param {string} method
 * @param {string} route
 * @param {unknown} [body]
 */
async function call(method, route, body) {
  return fetch(`${ORIGIN}${route}`, {
    method,
    headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/**
 * @param {string} method
 * @param {string} route
 * @param {unknown} [body]
 * @returns {Promise<any>}
 */
async function json(method, route, body) {
  const response = await call(method, route, body);
  assert.ok(response.ok, `${method} ${route} answered ${response.status}`);
  return response.json();
}

/**
 * The seeded projects' ids by status (the oldest project of each status is the seeded one).
 * @returns {Promise<Map<string, string>>}
 */
export async function seededProjects() {
  const { projects } = /** @type {{ projects: { id: string, status: string }[] }} */ (await json('GET', '/__dev/projects'));
  const seeded = new Map();
  for (const project of projects) if (!seeded.has(project.status)) seeded.set(project.status, project.id);
  return seeded;
}

/**
 * Creates a project in `status` with the seeded projects' tasks (needs `--faults`).
 * @param {string} status
 * @returns {Promise<string>}
 */
export async function createProject(status) {
  return (await json('POST', '/__dev/projects', { status })).id;
}

/**
 * Runs `steps` of the devserver's simulation on project `id`: each moves one status.
 * @param {string} id
 * @param {number} [steps]
 */
export function advance(id, steps = 1) {
  return json('POST', `/__dev/projects/${id}/advance`, { steps });
}

/**
 * Arms `fault` on `route` of project `id`, for the next `times` requests (default:
 * every request until taken off).
 * @param {string} id
 * @param {string} route
 * @param {string} fault
 * @param {number} [times]
 */
export function armFault(id, route, fault, times) {
  return json('POST', `/__dev/projects/${id}/faults`, { fault, fault_on: route, fault_times: times ?? null });
}

/**
 * Deletes project `id` through the API, as another tab would.
 * @param {string} id
 */
export function deleteProject(id) {
  return json('DELETE', `/api/mission-control/projects/${id}`);
}


/**
 * How many plan requests of project `id` reached the server.
 * @param {string} id
 * @returns {Promise<number>}
 */
export async function planRequests(id) {
  return (await json('GET', `/__dev/projects/${id}/stats`)).plan_requests;
}

/** @param {string} id @returns {Promise<Plan>} */
export function plan(id) {
  return json('GET', `/api/deep-work/projects/${id}/plan`);
}

/** The project's status on the server, or null once it is gone. @param {string} id */
export async function projectStatus(id) {
  const response = await call('GET', `/api/mission-control/projects/${id}`);
  if (response.status === 404) return null;
  assert.equal(response.status, 200);
  return /** @type {{ project: { status: string } }} */ (await response.json()).project.status;
}

/** @param {{ status?: string }} [query] @returns {Promise<{ projects: { id: string, status: string }[], count: number }>} */
export function listed(query = {}) {
  return json('GET', `/api/mission-control/projects?${new URLSearchParams(query)}`);
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
 * Opens project `id`'s plan from its row and waits for it.
 * @param {Page} page
 * @param {string} id
 */
export async function openPlan(page, id) {
  await row(page, id).getByRole('button', { name: /^Open plan/ }).click();
  const section = page.locator(`#plan-section[data-project-id="${id}"]`);
  await section.locator('.plan-actions').waitFor();
  return section;
}

/**
 * Waits for the message region to show the outcome of the last call.
 * @param {Page} page
 * @param {'done' | 'error'} state
 */
export async function message(page, state) {
  const region = page.locator(`#message[data-state="${state}"]`);
  await region.waitFor();
  return region;
}

/**
 * Waits for the connection indicator to be in `state` (live, retrying, offline,
 * failed) and returns its words: the status region's text.
 * @param {Page} page
 * @param {string} state
 */
export async function indicator(page, state) {
  await page.locator(`#connection-indicator[data-state="${state}"]`).waitFor();
  return (await page.locator('#connection-state[role="status"]').textContent()) ?? '';
}

/**
 * Text of the element that has focus, for keyboard checks.
 * @param {Page} page
 */
export function focusedText(page) {
  return page.evaluate(() => document.activeElement?.textContent?.trim() ?? '');
}

/**
 * Whether the page scrolls sideways (Firefox's viewport keeps room for a scroll bar, so
 * the content width is compared with the page's own, not with the viewport's).
 * @param {Page} page
 */
export function scrollsSideways(page) {
  return page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);
}

/**
 * Saves a screenshot as target/e2e/BROWSER-NAME.png.
 * @param {Page} page
 * @param {string} name
 * @param {{ fullPage?: boolean }} [options]
 */
export async function screenshot(page, name, options = {}) {
  await page.screenshot({
    path: path.join(SCREENSHOTS, `${BROWSER}-${name}.png`),
    fullPage: options.fullPage ?? true,
    animations: 'disabled',
    caret: 'hide',
  });
}
