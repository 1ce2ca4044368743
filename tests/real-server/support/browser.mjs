// The browser under test (DEEPWORK_BROWSER: chromium or firefox, the system's own
// builds, headless) with page/index.html open: a page of its own origin on 127.0.0.1
// that loads the built package from pkg/ and makes the calls the tests ask for.

import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium, firefox } from 'playwright-core';
import { CHROMIUM } from '../../../tools/chromium.mjs';
import { FIREFOX } from '../../../tools/firefox.mjs';
import { serve } from '../../../tools/static-server.mjs';
import { pocketpaw } from './servers.mjs';

export const BROWSER = process.env.DEEPWORK_BROWSER;
if (BROWSER !== 'chromium' && BROWSER !== 'firefox') {
  throw new Error(`DEEPWORK_BROWSER=${BROWSER}: chromium or firefox (cargo xtask test real-server sets it)`);
}

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The client options every call starts from: PocketPaw and its token. */
export const CLIENT = { baseUrl: pocketpaw.url, token: pocketpaw.token };

/**
 * Opens the page before the file's tests and closes it after; returns what runs in it:
 * `call(method, args, client?)` (one call of a new DeepWorkClient with CLIENT and
 * `client`'s options: `{ value }` or `{ error }`), `callAll(calls, client?)` (many
 * `[method, args]` at once, an array of those), `watch(projectId, options)` (a
 * watch to its end: `{ statuses, error? }`; `watching(n)` waits until it has seen `n`
 * plans), `watchTogether(ids, options)` (a watch per id, each of its own client, kept
 * running until `stopTogether()`), and `problems`: what the page logged as errors or
 * threw.
 */
export function usePage() {
  const session = { browser: undefined, site: undefined, page: undefined, problems: [] };
  before(async () => {
    session.browser = await (BROWSER === 'firefox' ? firefox.launch(FIREFOX) : chromium.launch(CHROMIUM));
    session.site = await serve(ROOT);
    session.page = await session.browser.newPage();
    session.page.on('pageerror', (err) => session.problems.push(`uncaught: ${err.message}`));
    await session.page.goto(`${session.site.url}tests/real-server/page/index.html`);
    await session.page.locator('body[data-ready="yes"]').waitFor({ state: 'attached' });
  });
  after(async () => {
    await session.browser?.close();
    await session.site?.close();
  });
  return {
    call: (method, args = [], client = {}) =>
      session.page.evaluate(([options, method, args]) => window.call(options, method, args), [{ ...CLIENT, client }, method, args]),
    callAll: (calls, client = {}) =>
      session.page.evaluate(([options, calls]) => window.callAll(options, calls), [{ ...CLIENT, client }, calls]),
    watch: (projectId, options) =>
      session.page.evaluate(([options, id, watchOptions]) => window.watch(options, id, watchOptions), [CLIENT, projectId, options]),
    watching: (plans) => session.page.waitForFunction((n) => window.watched?.length >= n, plans, { timeout: 30_000 }),
    watchTogether: (ids, options) =>
      session.page.evaluate(([client, ids, options]) => window.watchTogether(client, ids, options), [CLIENT, ids, options]),
    stopTogether: () => session.page.evaluate(() => window.stopTogether()),
    problems: session.problems,
  };
}
