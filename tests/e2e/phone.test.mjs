// The demo page on a 360 px wide phone: everything fits without sideways scrolling,
// the confirmation stays on screen, and a cancel reads well.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { PHONE, assertNoConsoleErrors, createProject, launch, openDemo, row, screenshot } from './support.mjs';

/** @type {import('playwright-core').Browser} */
let browser;

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

/** @param {import('playwright-core').Page} page */
function pageWidth(page) {
  return page.evaluate(() => document.documentElement.scrollWidth);
}

test('at 360 px the list, the confirmation and the result fit the screen', { timeout: 60_000 }, async () => {
  const id = await createProject({ status: 'paused' });
  const { page, problems, close } = await openDemo(browser, PHONE);
  await row(page, id).waitFor();
  assert.equal(await pageWidth(page), PHONE.width, 'no sideways scrolling');
  await screenshot(page, 'phone-1-projects');

  await row(page, id).getByRole('button', { name: /^Cancel/ }).click();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  const box = await dialog.boundingBox();
  assert.ok(box && box.x >= 0 && box.y >= 0, 'the dialog starts on screen');
  assert.ok(box.x + box.width <= PHONE.width && box.y + box.height <= PHONE.height, 'the dialog ends on screen');
  await screenshot(page, 'phone-2-confirm', { fullPage: false });

  await dialog.getByRole('button', { name: 'Cancel project' }).click();
  const outcome = page.locator('#outcome[data-state="done"]');
  await outcome.locator('.tasks').waitFor();
  assert.equal(await outcome.locator('.tasks-summary').textContent(), '6 tasks · 2 done · 4 skipped');
  assert.equal(await pageWidth(page), PHONE.width, 'no sideways scrolling with the result shown');
  await screenshot(page, 'phone-3-cancelled');

  assertNoConsoleErrors(problems);
  await close();
});
