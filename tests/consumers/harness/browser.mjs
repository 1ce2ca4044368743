// Headless Chromium for the browser fixtures: Debian's /usr/bin/chromium driven by
// playwright-core (a browser download cannot work on these machines), and a static
// file server for the fixture pages on 127.0.0.1, an origin the devserver's CORS allows.

import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM } from '../../../tools/chromium.mjs';
import { serve } from '../../../tools/static-server.mjs';

export { serve };

export function launch() {
  return chromium.launch(CHROMIUM);
}

/**
 * Opens `url` in a fresh page, waits until its <output> element has text (the fixture
 * writes its result there), and returns that text with everything the page reported
 * on its console or threw: a fixture must run without errors or warnings.
 */
export async function outputOf(browser, url) {
  const page = await browser.newPage();
  const problems = [];
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warning') problems.push(`${msg.type()}: ${msg.text()} (${msg.location().url})`);
  });
  page.on('requestfailed', (req) => problems.push(`requestfailed: ${req.url()} ${req.failure()?.errorText}`));
  try {
    await page.goto(url);
    await page.waitForFunction(() => document.querySelector('output')?.textContent, null, { timeout: 20_000 })
      .catch((err) => { throw new Error(`${err.message}\npage problems: ${problems.join('\n') || 'none'}`); });
    return { text: await page.locator('output').textContent(), problems };
  } finally {
    await page.close();
  }
}

/**
 * For a fixture folder whose index.html shows its outcome: starts Chromium and a static
 * server for the folder before the tests and stops both after, and returns the URL of
 * index.html with `params` in its fragment.
 */
export function usePageFixture(folderUrl) {
  const fixture = { browser: undefined, site: undefined };
  before(async () => {
    fixture.browser = await launch();
    fixture.site = await serve(fileURLToPath(folderUrl));
  });
  after(async () => {
    await fixture.browser?.close();
    await fixture.site?.close();
  });
  return {
    /** The page's output and any console problems, for these fragment parameters. */
    open: (params) => outputOf(fixture.browser, `${fixture.site.url}index.html#${new URLSearchParams(params)}`),
  };
}
