// Every action the dashboard offers, each on a project of its own, and an error shown
// with its kind and the server's detail.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ORIGIN,
  TIMEOUT,
  TOKEN,
  advance,
  armFault,
  assertNoConsoleErrors,
  createProject,
  message,
  openDemo,
  openPlan,
  plan,
  planRequests,
  projectStatus,
  row,
  seededProjects,
  useBrowser,
} from './support.mjs';

useBrowser();

/**
 * A new project in `status`, its plan open on a fresh page.
 * @param {string} status
 */
async function projectOnPage(status) {
  const id = await createProject(status);
  const demo = await openDemo();
  await row(demo.page, id).waitFor();
  const section = await openPlan(demo.page, id);
  return { id, section, ...demo };
}

/**
 * On a new project in `status`, clicks the project action `name`, confirming in the dialog when it asks, and waits
 * for the plan to show `status`.
 * @param {string} status
 * @param {string} name
 * @param {string} to  the project's status afterwards
 * @param {string} [confirm]  the dialog's confirming button
 */
async function projectAction(status, name, to, confirm) {
  const demo = await projectOnPage(status);
  const { page, section, id } = demo;
  await section.getByRole('button', { name }).click();
  if (confirm) await page.getByRole('dialog').getByRole('button', { name: confirm }).click();
  const done = await message(page, 'done');
  await section.locator(`.badge[data-status="${to}"]`).waitFor();
  assert.equal(await projectStatus(id), to);
  // The list follows.
  await row(page, id).locator(`.badge[data-status="${to}"]`).waitFor();
  return { ...demo, done };
}

test('approve: an awaiting project is approved and starts executing', TIMEOUT, async () => {
  const { problems, close, done, section } = await projectAction('awaiting_approval', 'Approve', 'executing');
  assert.match((await done.textContent()) ?? '', /^Approved “/);
  assert.equal(await section.getByRole('button', { name: 'Approve' }).count(), 0);
  assertNoConsoleErrors(problems);
  await close();
});

test('pause: an executing project is paused and offers Resume', TIMEOUT, async () => {
  const { problems, close, section } = await projectAction('executing', 'Pause', 'paused');
  assert.equal(await section.getByRole('button', { name: 'Resume' }).count(), 1);
  assert.equal(await section.getByRole('button', { name: 'Pause' }).count(), 0);
  assertNoConsoleErrors(problems);
  await close();
});

test('resume: a paused project executes again', TIMEOUT, async () => {
  const { problems, close, section } = await projectAction('paused', 'Resume', 'executing');
  assert.equal(await section.getByRole('button', { name: 'Pause' }).count(), 1);
  assertNoConsoleErrors(problems);
  await close();
});

test('cancel: asks first, then the project is cancelled and offers no more transitions', TIMEOUT, async () => {
  const { problems, close, section } = await projectAction('executing', 'Cancel project…', 'cancelled', 'Cancel project');
  assert.deepEqual(await section.locator('.plan-actions button').allTextContents(), ['Delete project…']);
  // Done work was kept; nothing is left to skip or retry.
  assert.equal(await section.locator('.task-actions button').count(), 0);
  assertNoConsoleErrors(problems);
  await close();
});

test('skip: a pending task is skipped and the progress moves', TIMEOUT, async () => {
  const { id, page, problems, close, section } = await projectOnPage('executing');
  const before = await plan(id);
  const task = before.tasks.find((t) => ['inbox', 'assigned', 'review'].includes(t.status));
  assert.ok(task, 'the executing project has a pending task');
  const item = section.locator(`.task[data-task-id="${task.id}"]`);
  await item.getByRole('button', { name: `Skip “${task.title}”` }).click();
  await message(page, 'done');
  await section.locator(`.task[data-task-id="${task.id}"][data-status="skipped"]`).waitFor();
  assert.equal(await section.locator(`.task[data-task-id="${task.id}"] button`).count(), 0);
  const afterSkip = await plan(id);
  assert.ok(afterSkip.progress.percent > before.progress.percent);
  assert.equal(Number(await section.locator('progress').getAttribute('value')), afterSkip.progress.percent);
  assertNoConsoleErrors(problems);
  await close();
});

test('retry: a blocked task is assigned again and loses its Blocked mark', TIMEOUT, async () => {
  const { id, page, problems, close, section } = await projectOnPage('executing');
  const task = (await plan(id)).tasks.find((t) => t.status === 'blocked');
  assert.ok(task, 'the executing project has a blocked task');
  const item = section.locator(`.task[data-task-id="${task.id}"]`);
  assert.equal(await item.locator('.tag-blocked').textContent(), 'Blocked');
  await item.getByRole('button', { name: `Retry “${task.title}”` }).click();
  await message(page, 'done');
  await section.locator(`.task[data-task-id="${task.id}"][data-status="assigned"]`).waitFor();
  assert.equal(await section.locator(`.task[data-task-id="${task.id}"] .tag-blocked`).count(), 0);
  assert.equal((await plan(id)).tasks.find((t) => t.id === task.id)?.status, 'assigned');
  assertNoConsoleErrors(problems);
  await close();
});

test('delete: Keep backs out, Delete removes the project from the server and the list', TIMEOUT, async () => {
  const { id, page, problems, close, section } = await projectOnPage('draft');
  const dialog = page.getByRole('dialog');
  await section.getByRole('button', { name: 'Delete project…' }).click();
  await dialog.waitFor();
  assert.match((await dialog.getByRole('heading').textContent()) ?? '', /^Delete “/);
  await dialog.getByRole('button', { name: 'Keep project' }).click();
  await dialog.waitFor({ state: 'hidden' });
  assert.equal(await projectStatus(id), 'draft');

  await section.getByRole('button', { name: 'Delete project…' }).click();
  await dialog.getByRole('button', { name: 'Delete project' }).click();
  await message(page, 'done');
  await row(page, id).waitFor({ state: 'detached' });
  await page.locator('#plan-section').waitFor({ state: 'hidden' });
  assert.equal(await projectStatus(id), null);
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'projects-heading', 'focus moves to the list');
  assertNoConsoleErrors(problems);
  await close();
});

test('start: the new project shows as planning, its plan is awaited, then it opens', TIMEOUT, async () => {
  const { page, problems, close } = await openDemo();
  await page.getByLabel('What should the project achieve?').fill('Write a changelog generator for our monorepo');
  await page.getByLabel('Research depth').selectOption('quick');
  await page.getByRole('button', { name: 'Start project' }).click();
  const done = await message(page, 'done');
  assert.match((await done.textContent()) ?? '', /^Started “.+”: it is planning\.$/);

  // Shown at once as planning, in the plan's place and in the list; no plan yet.
  await page.locator('#plan-live[data-state="waiting"]').waitFor();
  const section = page.locator('#plan-section[data-project-id]');
  const id = /** @type {string} */ (await section.getAttribute('data-project-id'));
  assert.equal(await section.locator('.badge').getAttribute('data-status'), 'planning');
  assert.equal(await section.locator('.task').count(), 0);
  await row(page, id).locator('.badge[data-status="planning"]').waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'plan-heading');
  assert.equal(await page.getByLabel('What should the project achieve?').inputValue(), '', 'the form is reset');

  // The server plans it (the devserver's simulation step, run now): the plan opens.
  const planned = await advance(id);
  assert.equal(planned.status, 'awaiting_approval');
  await section.locator('.badge[data-status="awaiting_approval"]').waitFor();
  await page.locator('#message', { hasText: 'is ready: it is awaiting approval.' }).waitFor();
  assert.equal(await section.locator('.task').count(), planned.tasks.length);
  assert.equal(await section.getByRole('button', { name: 'Approve' }).count(), 1);
  assert.equal(await page.locator('#plan-live').getAttribute('data-state'), 'live');
  await row(page, id).locator('.badge[data-status="awaiting_approval"]').waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'plan-heading', 'focus stayed on the plan');
  assertNoConsoleErrors(problems);
  await close();
});

test('an error shows its kind and the server’s detail: approving what someone else approved', TIMEOUT, async () => {
  const { id, page, problems, close, section } = await projectOnPage('awaiting_approval');

  // The plan stops updating (its polls get no answer), so it still offers Approve
  // after someone else approves through the API.
  await armFault(id, 'plan', 'hang');
  const approved = await fetch(`${ORIGIN}/api/deep-work/projects/${id}/approve`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${TOKEN}` },
  });
  assert.equal(approved.status, 200);

  // This tab still offers Approve; the server says why it cannot.
  await section.getByRole('button', { name: 'Approve' }).click();
  const error = await message(page, 'error');
  assert.equal(await error.getAttribute('data-kind'), 'invalid_state');
  assert.match((await error.locator('.message-text').textContent()) ?? '', /^Could not approve “/);
  assert.equal(await error.locator('.error-kind').textContent(), 'invalid_state');
  assert.equal(await error.locator('.error-current').textContent(), 'executing');
  assert.match((await error.locator('.error-detail').textContent()) ?? '', /Cannot approve project with status 'executing'/);
  assert.equal(await page.locator('#message').getAttribute('aria-live'), 'polite');
  assertNoConsoleErrors(problems, [`/api/deep-work/projects/${id}/approve`]);
  await close();
});

test('live: the plan follows the project as it moves, without a reload, and stops when another opens', TIMEOUT, async () => {
  const { id, page, problems, close, section } = await projectOnPage('approved');
  await page.locator('#plan-live[data-state="live"]').waitFor();
  const navigations = [];
  page.on('framenavigated', (frame) => navigations.push(frame.url()));

  // Approved → executing, then one task moves: each shows up by itself.
  const before = await advance(id);
  await section.locator('.badge[data-status="executing"]').waitFor();
  const after = await advance(id);
  /** @type {{ id: string, status: string } | undefined} */
  const moved = after.tasks.find((/** @type {{ status: string }} */ task, /** @type {number} */ i) => task.status !== before.tasks[i].status);
  assert.ok(moved, 'a task moved');
  await section.locator(`.task[data-task-id="${moved.id}"][data-status="${moved.status}"]`).waitFor();
  assert.match((await page.locator('#plan-live').textContent()) ?? '', /^Updated /);
  assert.deepEqual(navigations, [], 'no reload');

  // Another plan opens: the first one's watch stops.
  const other = (await seededProjects()).get('paused');
  assert.ok(other, 'a seeded paused project');
  await openPlan(page, other);
  const polled = await planRequests(id);
  const otherPolled = await planRequests(other);
  while ((await planRequests(other)) < otherPolled + 2);
  assert.equal(await planRequests(id), polled, 'no poll of the closed plan');
  assertNoConsoleErrors(problems);
  await close();
});

test('close: the plan hides with its live mark, focus returns to its row, and its watch polls no more', TIMEOUT, async () => {
  const { id, page, problems, close } = await projectOnPage('approved');
  const live = page.locator('#plan-live');
  await page.locator('#plan-live[data-state="live"]').waitFor();

  await page.getByRole('button', { name: 'Close plan' }).click();
  await page.locator('#plan-section').waitFor({ state: 'hidden' });
  assert.equal(await live.getAttribute('data-state'), null, 'no live mark');
  assert.equal(await live.textContent(), '');
  const open = row(page, id).getByRole('button', { name: /^Open plan/ });
  assert.equal(await open.evaluate((element) => element === document.activeElement), true, 'focus is back on its row');

  // The project moves on: a watch still running would poll it and draw the plan again.
  const polled = await planRequests(id);
  await advance(id);
  // The clock: another tab watching a project of its own. Three of its polls take more
  // than one interval, by which time the closed watch would have polled again.
  const clock = await projectOnPage('paused');
  const clockPolled = await planRequests(clock.id);
  while ((await planRequests(clock.id)) < clockPolled + 3);
  assert.equal(await planRequests(id), polled, 'no poll after Close');
  assert.equal(await page.locator('#plan-section').isHidden(), true);
  // A hidden page would poll ten times less often, too rarely for the clock above.
  assert.equal(await page.evaluate(() => document.visibilityState), 'visible');
  assertNoConsoleErrors(problems);
  assertNoConsoleErrors(clock.problems);
  await clock.close();
  await close();
});

test('close: the plan’s request in flight is aborted at once', TIMEOUT, async () => {
  const { id, page, problems, close } = await projectOnPage('approved');
  await page.locator('#plan-live[data-state="live"]').waitFor();

  // The next poll gets no answer: it is in flight when Close is clicked.
  await armFault(id, 'plan', 'hang');
  const polled = await planRequests(id);
  while ((await planRequests(id)) === polled);
  // Long before the SDK's own timeout would end it.
  const aborted = page.waitForEvent('requestfailed', {
    predicate: (request) => new URL(request.url()).pathname === `/api/deep-work/projects/${id}/plan`,
    timeout: 5_000,
  });
  await page.getByRole('button', { name: 'Close plan' }).click();
  await aborted;
  await page.locator('#plan-section').waitFor({ state: 'hidden' });
  assertNoConsoleErrors(problems);
  await close();
});
