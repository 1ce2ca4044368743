// The dashboard's views, read only: the list (filter, count), a plan, the two layouts,
// a hostile title, and the keyboard. Against the server `cargo xtask demo` starts
// (documented, --faults).
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import {
  DESKTOP,
  HOSTILE_TITLE,
  PHONE,
  ORIGIN,
  TIMEOUT,
  TOKEN,
  assertNoConsoleErrors,
  createProject,
  focusedText,
  listed,
  openDemo,
  openPlan,
  plan,
  projectStatus,
  row,
  screenshot,
  scrollsSideways,
  seededProjects,
  useBrowser,
} from './support.mjs';

/** @type {Map<string, string>} */
let seeded;

useBrowser();

before(async () => {
  seeded = await seededProjects();
  assert.equal(seeded.size, 9, 'the devserver seeds one project per status');
});

/** @param {string} status */
function seededId(status) {
  const id = seeded.get(status);
  assert.ok(id, `no seeded ${status} project`);
  return id;
}

test('the list shows the server’s count and filters by status; the token leaves the address bar', TIMEOUT, async () => {
  const { page, problems, close } = await openDemo();

  // The token was read from the fragment once, kept in this tab's session storage only.
  assert.equal(page.url(), `${ORIGIN}/`);
  assert.equal(await page.getByLabel('Token').inputValue(), TOKEN);
  assert.ok(!(await page.locator('body').innerText()).includes(TOKEN), 'the token is never shown in full');
  const storage = await page.evaluate(() => ({ session: sessionStorage.getItem('deepwork-demo.token'), local: localStorage.length }));
  assert.deepEqual(storage, { session: TOKEN, local: 0 });

  const all = await listed({ limit: '50' });
  const count = page.locator('#projects-count');
  assert.equal(await count.getAttribute('data-count'), String(all.count));
  for (const [status, id] of seeded) {
    assert.equal(await row(page, id).locator('.badge').getAttribute('data-status'), status);
  }
  await screenshot(page, 'list');

  const paused = await listed({ status: 'paused', limit: '50' });
  await page.getByLabel('Status').selectOption('paused');
  await page.locator(`#projects-count[data-count="${paused.count}"]`).waitFor();
  await row(page, seededId('executing')).waitFor({ state: 'detached' });
  const statuses = await page.locator('#projects .badge').evaluateAll((badges) => badges.map((b) => b.getAttribute('data-status')));
  assert.ok(statuses.length > 0 && statuses.every((status) => status === 'paused'), `only paused projects: ${statuses}`);
  assert.equal(statuses.length, paused.projects.length);
  assert.match((await count.textContent()) ?? '', new RegExp(`^${paused.count} projects?`));

  // A limit below the count: the page shows how many of them it lists.
  await page.getByLabel('Status').selectOption('');
  // Emptied first: Firefox's fill() of a number field appends to what it holds.
  await page.getByLabel('At most').fill('');
  await page.getByLabel('At most').fill('2');
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.locator('#projects-count', { hasText: '· showing 2' }).waitFor();
  assert.equal(await page.locator('#projects > li').count(), 2);
  assert.equal(await count.textContent(), `${all.count} projects · showing 2`);

  assertNoConsoleErrors(problems);
  await close();
});

test('a plan groups its tasks by execution level, shows progress, and marks blocked and human tasks in words', TIMEOUT, async () => {
  const id = seededId('executing');
  const expected = await plan(id);
  const { page, problems, close } = await openDemo();
  const section = await openPlan(page, id);

  assert.equal(await page.locator('#plan-heading').textContent(), expected.project.title);
  assert.equal(await focusedText(page), expected.project.title, 'focus moves to the plan');
  assert.equal(Number(await section.locator('progress').getAttribute('value')), expected.progress.percent);
  assert.equal(await section.getByLabel(`${expected.progress.percent}% done`).count(), 1, 'the bar has a name');

  const levels = expected.execution_levels.filter((ids) => ids.length > 0);
  assert.ok(levels.length >= 2, 'the seeded plan has several levels');
  assert.deepEqual(await section.locator('.level-title').allTextContents(), levels.map((_, i) => `Level ${i + 1}`));
  for (const [index, ids] of levels.entries()) {
    const shown = await section.locator('.level').nth(index).locator('.task').evaluateAll((items) => items.map((i) => i.getAttribute('data-task-id')));
    assert.deepEqual(shown, ids);
  }

  for (const task of expected.tasks) {
    const item = section.locator(`.task[data-task-id="${task.id}"]`);
    assert.equal(await item.locator('.task-title').textContent(), task.title);
    assert.equal(await item.locator('.tag-blocked').count(), task.status === 'blocked' ? 1 : 0);
    assert.equal(await item.locator('.tag-human').count(), task.task_type === 'human' ? 1 : 0);
  }
  assert.ok(expected.tasks.some((t) => t.status === 'blocked'), 'the seeded plan has a blocked task');
  assert.ok(expected.tasks.some((t) => t.task_type === 'human'), 'the seeded plan has a human task');
  assert.deepEqual([...new Set(await section.locator('.tag-blocked').allTextContents())], ['Blocked']);
  assert.deepEqual([...new Set(await section.locator('.tag-human').allTextContents())], ['Human task']);

  // An executing project can be paused or cancelled, not approved or resumed.
  const actions = await section.locator('.plan-actions button').allTextContents();
  assert.deepEqual(actions, ['Pause', 'Cancel project…', 'Delete project…']);

  await screenshot(page, 'plan');
  assertNoConsoleErrors(problems);
  await close();
});

test('from 1024 px wide the list and the plan sit side by side; narrower, one above the other', TIMEOUT, async () => {
  const id = seededId('paused');
  const { page, problems, close } = await openDemo();
  const section = await openPlan(page, id);
  const list = page.locator('#projects-section');
  for (const [width, beside] of [[1280, true], [1024, true], [1023, false], [PHONE.width, false]]) {
    await page.setViewportSize({ width, height: 800 });
    const [l, p] = [await list.boundingBox(), await section.boundingBox()];
    assert.ok(l && p, 'both are shown');
    if (beside) {
      assert.ok(p.x >= l.x + l.width && Math.abs(p.y - l.y) < 1, `${width} px: the plan is beside the list`);
    } else {
      assert.ok(p.y >= l.y + l.height && Math.abs(p.x - l.x) < 1, `${width} px: the plan is below the list`);
    }
    assert.equal(await scrollsSideways(page), false, `${width} px: no sideways scrolling`);
  }
  // With no plan open, its place beside the list says so; stacked, nothing stands in for it.
  await page.getByRole('button', { name: 'Close plan' }).click();
  assert.equal(await page.locator('#plan-none').isVisible(), false);
  await page.setViewportSize(DESKTOP);
  assert.equal(await page.getByRole('heading', { name: 'No plan open' }).isVisible(), true);
  assertNoConsoleErrors(problems);
  await close();
});

test('a hostile title is shown as text, in the list and in the plan', TIMEOUT, async () => {
  const id = seededId('draft');
  const { page, problems, close } = await openDemo();
  assert.equal(await row(page, id).locator('.project-title').textContent(), HOSTILE_TITLE);
  assert.equal(await row(page, id).getByRole('button', { name: `Open plan “${HOSTILE_TITLE}”` }).count(), 1);
  await openPlan(page, id);
  assert.equal(await page.locator('#plan-heading').textContent(), HOSTILE_TITLE);
  assert.equal(await page.evaluate(() => document.images.length), 0);
  assertNoConsoleErrors(problems);
  await close();
});

test('keyboard only: Tab to a project, open its plan, pause it, close it', TIMEOUT, async () => {
  const id = await createProject('executing');
  const { page, problems, close } = await openDemo();
  const open = row(page, id).getByRole('button', { name: /^Open plan/ });
  await open.waitFor();

  /** @param {import('playwright-core').Locator} target */
  const tabTo = async (target) => {
    const hasFocus = () => target.evaluate((element) => element === document.activeElement);
    for (let presses = 0; presses < 150 && !(await hasFocus()); presses += 1) await page.keyboard.press('Tab');
    assert.equal(await hasFocus(), true, `Tab reaches ${await target.textContent()}`);
  };
  await tabTo(open);
  await page.keyboard.press('Enter');
  await page.locator(`#plan-section[data-project-id="${id}"] .plan-actions`).waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'plan-heading');

  const pause = page.locator('#plan-section').getByRole('button', { name: 'Pause' });
  await tabTo(pause);
  await page.keyboard.press('Enter');
  await page.locator('#plan-section .badge[data-status="paused"]').waitFor();
  assert.equal(await projectStatus(id), 'paused');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'plan-heading', 'focus stays on the plan');

  // Close is the next stop after the heading; focus returns to the row it opened from.
  await page.keyboard.press('Tab');
  assert.equal(await focusedText(page), 'Close plan');
  await page.keyboard.press('Enter');
  await page.locator('#plan-section').waitFor({ state: 'hidden' });
  assert.equal(await open.evaluate((element) => element === document.activeElement), true, 'focus is back on the row');
  assertNoConsoleErrors(problems);
  await close();
});
