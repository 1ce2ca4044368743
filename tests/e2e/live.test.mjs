// The dashboard live: the list follows the server without a reload, and the connection
// indicator tells where the watches stand through a burst of 503s and while offline.
// Each test deletes the projects it made, so that the list's limit keeps the seeded
// projects in view for the tests that read them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  TIMEOUT,
  advance,
  armFault,
  assertNoConsoleErrors,
  createProject,
  deleteProject,
  indicator,
  listed,
  openDemo,
  openPlan,
  planRequests,
  row,
  useBrowser,
} from './support.mjs';

useBrowser();

test('the list follows the server without a reload: a status changes in place, a new project appears, a deleted one leaves', TIMEOUT, async () => {
  const planning = await createProject('planning');
  const leaving = await createProject('paused');
  const { page, problems, close } = await openDemo();
  await row(page, leaving).waitFor();
  const count = Number(await page.locator('#projects-count').getAttribute('data-count'));
  /** @type {string[]} */
  const navigations = [];
  page.on('framenavigated', (frame) => navigations.push(frame.url()));
  // A row updated in place is the same element: it keeps this mark.
  await row(page, planning).evaluate((element) => element.setAttribute('data-test-mark', ''));
  // Focus on a row's button stays there while the list changes around it.
  await row(page, planning).getByRole('button', { name: /^Open plan/ }).focus();

  const rows = () => page.locator('#projects > li').evaluateAll((items) => items.map((item) => item.getAttribute('data-project-id')));
  const appearing = await createProject('draft');
  await row(page, appearing).waitFor();
  // The new project's row went where the server lists it.
  const order = await rows();
  assert.deepEqual(order, (await listed({ limit: '50' })).projects.map((project) => project.id));

  await advance(planning); // planning → awaiting_approval, as another client would see it
  await row(page, planning).locator('.badge[data-status="awaiting_approval"]').waitFor();
  assert.equal(await row(page, planning).getAttribute('data-test-mark'), '', 'the row was updated in place');
  // The server now lists it first, as the last updated; on the page it kept its place.
  assert.equal((await listed({ limit: '1' })).projects[0].id, planning);
  assert.deepEqual(await rows(), order);
  assert.equal(
    await row(page, planning).getByRole('button', { name: /^Open plan/ }).evaluate((element) => element === document.activeElement),
    true,
    'focus stayed on the row',
  );

  await deleteProject(leaving);
  await row(page, leaving).waitFor({ state: 'detached' });
  await page.locator(`#projects-count[data-count="${count}"]`).waitFor();
  assert.deepEqual(await rows(), order.filter((id) => id !== leaving));
  assert.deepEqual(navigations, [], 'no reload');
  assertNoConsoleErrors(problems);
  await close();
  await Promise.all([deleteProject(planning), deleteProject(appearing)]);
});

test('the connection indicator: live, reconnecting with a countdown through a burst of 503s on the plan, then live', TIMEOUT, async () => {
  const id = await createProject('paused');
  const { page, problems, close } = await openDemo();
  await row(page, id).waitFor();
  await openPlan(page, id);
  assert.equal(await indicator(page, 'live'), 'Live');

  const polled = await planRequests(id);
  await armFault(id, 'plan', 'service_unavailable', 2);
  const retrying = await indicator(page, 'retrying');
  assert.match(retrying, /^Reconnecting in \d+ s \(the server answered 503\)$/, 'the indicator says when and why');
  // It counts down to the next poll (each 503 asks for 1 s, the interval is 2 s: the
  // wait is 2 s), without announcing each second.
  const countdown = page.locator('#connection-state .indicator-countdown');
  assert.equal(await countdown.getAttribute('aria-live'), 'off');
  await countdown.filter({ hasText: /^in 2 s$/ }).waitFor();
  await countdown.filter({ hasText: /^in 1 s$/ }).waitFor();

  // Recovered: live again, and the plan was polled past the two 503s.
  assert.equal(await indicator(page, 'live'), 'Live');
  assert.ok((await planRequests(id)) >= polled + 3, 'two 503s, then an answer');
  await page.locator('#plan-section .plan-actions').waitFor();
  assertNoConsoleErrors(problems, [`/api/deep-work/projects/${id}/plan`]);
  await close();
  await deleteProject(id);
});

test('offline: the indicator says so, nothing is polled, and once online the list catches up without a reload', TIMEOUT, async () => {
  const watched = await createProject('paused');
  const { page, context, problems, close } = await openDemo();
  await row(page, watched).waitFor();
  await openPlan(page, watched);
  await indicator(page, 'live');

  await context.setOffline(true);
  assert.equal(await indicator(page, 'offline'), 'Offline');
  const appearing = await createProject('draft');
  // The clock: a page still online, watching a project of its own. Two of its polls
  // take longer than the offline page's interval.
  const ticking = await createProject('paused');
  const clock = await openDemo();
  await openPlan(clock.page, ticking);
  // Counted once a poll that was under way when the network went has landed.
  const offline = await planRequests(watched);
  const ticked = await planRequests(ticking);
  while ((await planRequests(ticking)) < ticked + 2);
  assert.equal(await planRequests(watched), offline, 'no poll while offline');
  assert.equal(await row(page, appearing).count(), 0);

  await context.setOffline(false);
  await row(page, appearing).waitFor();
  assert.equal(await indicator(page, 'live'), 'Live');
  // A request under way when the network went may have failed.
  assertNoConsoleErrors(problems, ['/api/mission-control/projects?limit=50', `/api/deep-work/projects/${watched}/plan`]);
  assertNoConsoleErrors(clock.problems);
  await clock.close();
  await close();
  await Promise.all([watched, appearing, ticking].map(deleteProject));
});
