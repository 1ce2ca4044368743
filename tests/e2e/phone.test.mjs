// The dashboard on a 360 px wide phone: the list, a plan (and its Close button) and
// the confirmation fit without sideways scrolling.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PHONE, TIMEOUT, assertNoConsoleErrors, createProject, openDemo, openPlan, row, screenshot, scrollsSideways, useBrowser } from './support.mjs';

useBrowser();

test('at 360 px the list, a plan, its Close button and the confirmation fit the screen', TIMEOUT, async () => {
  const id = await createProject('executing');
  const { page, problems, close } = await openDemo(PHONE);
  await row(page, id).waitFor();
  assert.equal(await scrollsSideways(page), false, 'no sideways scrolling in the list');
  await screenshot(page, 'phone-list');

  const section = await openPlan(page, id);
  assert.equal(await scrollsSideways(page), false, 'no sideways scrolling in the plan');
  await screenshot(page, 'phone-plan');

  await section.getByRole('button', { name: 'Cancel project…' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  const box = await dialog.boundingBox();
  assert.ok(box && box.x >= 0 && box.y >= 0, 'the dialog starts on screen');
  assert.ok(box.x + box.width <= PHONE.width && box.y + box.height <= PHONE.height, 'the dialog ends on screen');
  await dialog.getByRole('button', { name: 'Keep project' }).click();
  await dialog.waitFor({ state: 'hidden' });

  const closeButton = section.getByRole('button', { name: 'Close plan' });
  const closeBox = await closeButton.boundingBox();
  assert.ok(closeBox && closeBox.x >= 0 && closeBox.x + closeBox.width <= PHONE.width, 'Close is on screen');
  await closeButton.click();
  await page.locator('#plan-section').waitFor({ state: 'hidden' });

  assertNoConsoleErrors(problems);
  await close();
});
