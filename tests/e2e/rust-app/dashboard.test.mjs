// The Leptos example (examples/leptos-dashboard/) end to end, in headless Chromium:
// the `rust-app` row of `cargo xtask test` builds it and serves it as
// `cargo xtask demo --rust` does, on a server whose projects move only when a test
// advances them. The app is Rust through and through; these tests only drive the page.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  TIMEOUT,
  advance,
  armFault,
  assertNoConsoleErrors,
  createProject,
  deleteProject,
  listed,
  openDemo,
  plan,
  planRequests,
  projectStatus,
  row,
  screenshot,
  useBrowser,
} from '../support.mjs';

useBrowser();

/** @typedef {import('playwright-core').Page} Page */

/**
 * Opens project `id`'s plan from its row and waits for its tasks.
 * @param {Page} page
 * @param {string} id
 */
async function openPlan(page, id) {
  await row(page, id).getByRole('button').click();
  const section = page.locator(`#plan-section[data-project-id="${id}"]`);
  await section.locator('.tasks > li').first().waitFor();
  return section;
}

/**
 * The task statuses the page shows, by task id.
 * @param {import('playwright-core').Locator} section
 */
function shownTasks(section) {
  return section
    .locator('.tasks > li')
    .evaluateAll((items) => Object.fromEntries(items.map((item) => [item.getAttribute('data-task-id'), item.getAttribute('data-status')])));
}

test('the list shows the server’s projects, live', TIMEOUT, async () => {
  const { page, problems, close } = await openDemo();
  const { projects, count } = await listed();
  await page.locator(`#projects-count[data-count="${count}"]`).waitFor();
  const rows = await page
    .locator('#projects > li')
    .evaluateAll((items) => items.map((item) => [item.getAttribute('data-project-id'), item.getAttribute('data-status')]));
  assert.deepEqual(rows, projects.map((project) => [project.id, project.status]));
  await page.locator('#projects-section .indicator[data-state="live"]').waitFor();
  assert.equal(await page.locator('#projects-section .indicator').textContent(), 'Live');
  // The token came in the fragment and is gone from the address bar.
  assert.equal(new URL(page.url()).hash, '');
  await screenshot(page, 'rust-app-list');
  assertNoConsoleErrors(problems);
  await close();
});

test('cancel goes through: the outcome shows, then the plan and the list say cancelled', TIMEOUT, async () => {
  const id = await createProject('executing');
  const { page, problems, close } = await openDemo();
  const section = await openPlan(page, id);
  await section.locator('.indicator[data-state="live"]').waitFor();
  const cancel = section.getByRole('button', { name: 'Cancel' });
  assert.equal(await section.getByRole('button', { name: 'Approve' }).isDisabled(), true, 'approve fits no executing project');
  await cancel.click();

  await section.locator('[data-outcome="done"]').waitFor();
  assert.equal(await projectStatus(id), 'cancelled');
  // The watches catch up by themselves: the plan's ends with its project.
  await page.locator(`#plan-section[data-project-id="${id}"][data-status="cancelled"]`).waitFor();
  await row(page, id).and(page.locator('[data-status="cancelled"]')).waitFor();
  await section.locator('.indicator[data-state="ended"]').waitFor();
  assert.equal(await cancel.isDisabled(), true);
  await screenshot(page, 'rust-app-cancelled');
  assertNoConsoleErrors(problems);
  await close();
  await deleteProject(id);
});

test('the plan moves without a reload: a task the server advanced changes on the page', TIMEOUT, async () => {
  const id = await createProject('executing');
  const { page, problems, close } = await openDemo();
  /** @type {string[]} */
  const navigations = [];
  page.on('framenavigated', (frame) => navigations.push(frame.url()));
  const section = await openPlan(page, id);
  const before = await shownTasks(section);

  // One simulation step works on the tasks; step until one of them moved on the server.
  let changed = /** @type {[string, string] | undefined} */ (undefined);
  for (let step = 0; step < 5 && !changed; step += 1) {
    await advance(id);
    const now = await plan(id);
    const task = now.tasks.find((t) => before[t.id] !== t.status);
    if (task) changed = [task.id, task.status];
  }
  assert.ok(changed, 'advancing the project moved a task');
  const [taskId, status] = changed;
  await section.locator(`.tasks > li[data-task-id="${taskId}"][data-status="${status}"]`).waitFor();
  assert.deepEqual(navigations, [], 'no reload');
  assertNoConsoleErrors(problems);
  await close();
  await deleteProject(id);
});

test('an error is shown by its kind: the open project deleted elsewhere is not_found', TIMEOUT, async () => {
  const id = await createProject('paused');
  const { page, problems, close } = await openDemo();
  const section = await openPlan(page, id);
  await deleteProject(id);
  const note = section.locator('.error[data-kind="not_found"]');
  await note.waitFor();
  assert.match((await note.textContent()) ?? '', /^not_found: this project no longer exists\./);
  await section.locator('.indicator[data-state="ended"]').waitFor();
  // The list's watch sees it go too.
  await row(page, id).waitFor({ state: 'detached' });
  assertNoConsoleErrors(problems, [`/api/deep-work/projects/${id}/plan`]);
  await close();
});

test('a watch’s state: reconnecting with a countdown through two 503s, live again, offline', TIMEOUT, async () => {
  const id = await createProject('paused');
  const { page, context, problems, close } = await openDemo();
  const section = await openPlan(page, id);
  const indicator = section.locator('.indicator');
  await section.locator('.indicator[data-state="live"]').waitFor();

  await armFault(id, 'plan', 'service_unavailable', 2);
  await section.locator('.indicator[data-state="retrying"]').waitFor();
  // Each 503 asks for 1 s and the interval is 2 s: the countdown starts at 2 s.
  await indicator.filter({ hasText: /^Reconnecting in 2 s \(the server answered 503\)$/ }).waitFor();
  await indicator.filter({ hasText: /^Reconnecting in 1 s \(the server answered 503\)$/ }).waitFor();
  await section.locator('.indicator[data-state="live"]').waitFor();
  assert.equal(await indicator.textContent(), 'Live');

  await context.setOffline(true);
  await section.locator('.indicator[data-state="offline"]').waitFor();
  assert.equal(await indicator.textContent(), 'Offline');
  await context.setOffline(false);
  await section.locator('.indicator[data-state="live"]').waitFor();
  // A request under way when the network went may have failed.
  assertNoConsoleErrors(problems, [`/api/deep-work/projects/${id}/plan`, '/api/mission-control/projects']);
  await close();
  await deleteProject(id);
});

test('opening another plan stops the first one’s watch (its cleanup drops it)', TIMEOUT, async () => {
  const first = await createProject('paused');
  const second = await createProject('paused');
  const { page, problems, close } = await openDemo();
  await openPlan(page, first);
  await openPlan(page, second);
  assert.equal(await page.locator('#plan-section').count(), 1, 'one plan on the page');
  // While the second plan is polled twice (longer than one interval), the first is not.
  const stopped = await planRequests(first);
  const polled = await planRequests(second);
  while ((await planRequests(second)) < polled + 2);
  assert.equal(await planRequests(first), stopped, 'no poll of the closed plan');
  assertNoConsoleErrors(problems);
  await close();
  await Promise.all([first, second].map(deleteProject));
});
