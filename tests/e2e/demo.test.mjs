// The demo page at desktop width, driven as a person would, against the server that
// `cargo xtask demo` starts (documented flavor, with --faults).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  DESKTOP,
  LOCALE,
  ORIGIN,
  TIME_ZONE,
  TOKEN,
  assertNoConsoleErrors,
  cancelRequests,
  createProject,
  focusedText,
  launch,
  listProjects,
  openDemo,
  plan,
  projectStatus,
  row,
  screenshot,
  until,
} from './support.mjs';

const HOSTILE_TITLE = '<img src=x onerror=alert(1)>';
const TIMEOUT = { timeout: 60_000 };

/** @type {import('playwright-core').Browser} */
let browser;
/** Ids of the projects the devserver seeded, one per status, read before any test runs. */
/** @type {Map<string, string>} */
const seeded = new Map();

before(async () => {
  browser = await launch();
  // Oldest first: the first project of each status is the seeded one.
  for (const project of await listProjects()) {
    if (!seeded.has(project.status)) seeded.set(project.status, project.id);
  }
  assert.equal(seeded.size, 9, 'the devserver seeds one project per status');
});

after(async () => {
  await browser?.close();
});

/** @param {string} status */
function seededId(status) {
  const id = seeded.get(status);
  assert.ok(id, `no seeded ${status} project`);
  return id;
}

test('the printed URL opens the page: token out of the address bar, projects listed as text', TIMEOUT, async () => {
  const { page, problems, close } = await openDemo(browser, DESKTOP);
  const draft = row(page, seededId('draft'));
  await draft.waitFor();

  // The token was read from the fragment once, then removed from the address bar.
  assert.equal(page.url(), `${ORIGIN}/`);
  const token = page.locator('#token');
  assert.equal(await token.getAttribute('type'), 'password');
  assert.equal(await token.inputValue(), TOKEN);
  assert.ok(!(await page.locator('body').innerText()).includes(TOKEN), 'the token is never shown in full');
  assert.equal(await page.locator('#token-hint').textContent(), `Ends in ••••${TOKEN.slice(-4)}. Kept in this tab only.`);
  const storage = await page.evaluate(() => ({ session: sessionStorage.getItem('deepwork-demo.token'), local: localStorage.length }));
  assert.deepEqual(storage, { session: TOKEN, local: 0 });
  assert.equal(await page.locator('#base-url').inputValue(), ORIGIN);

  // Every seeded project is listed with a status badge and task counts.
  for (const [status, id] of seeded) {
    assert.equal(await row(page, id).locator('.badge').getAttribute('data-status'), status);
  }
  assert.equal(await draft.locator('.counts').textContent(), '6 tasks · 6 in inbox');
  assert.equal(await draft.locator('.badge').textContent(), 'Draft');

  // The draft's title is HTML: it shows literally and injects nothing.
  assert.equal(await draft.locator('.project-title').textContent(), HOSTILE_TITLE);
  assert.equal(await page.locator('#projects img').count(), 0);
  assert.equal(await page.evaluate(() => document.images.length), 0);

  // Only projects that can still be cancelled offer the button.
  assert.equal(await row(page, seededId('executing')).getByRole('button', { name: /^Cancel/ }).count(), 1);
  assert.equal(await row(page, seededId('draft')).getByRole('button', { name: `Cancel “${HOSTILE_TITLE}”` }).count(), 1);
  assert.equal(await row(page, seededId('completed')).getByRole('button').count(), 0);
  assert.equal(await row(page, seededId('cancelled')).getByRole('button').count(), 0);

  await screenshot(page, 'desktop-1-projects');
  assertNoConsoleErrors(problems);
  await close();
});

test('cancelling an executing project asks first, then shows it cancelled with its done and skipped tasks', TIMEOUT, async () => {
  const id = seededId('executing');
  const { page, problems, close } = await openDemo(browser, DESKTOP);
  await row(page, id).getByRole('button', { name: /^Cancel/ }).click();

  // The confirmation says what will happen.
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  assert.equal(await dialog.getByRole('heading').textContent(), 'Cancel “Set up nightly load tests for checkout”?');
  const consequences = await dialog.locator('li').allTextContents();
  assert.deepEqual(consequences, [
    'Running tasks stop.',
    'Pending tasks are skipped.',
    'Work that is already done is kept.',
    'It can’t be undone: a cancelled project can’t be resumed.',
  ]);
  await screenshot(page, 'desktop-2-confirm', { fullPage: false });
  await dialog.getByRole('button', { name: 'Cancel project' }).click();

  const outcome = page.locator('#outcome[data-state="done"]');
  await outcome.locator('.tasks').waitFor();
  assert.equal(await outcome.getByRole('heading', { level: 2 }).textContent(), '“Set up nightly load tests for checkout” is cancelled');
  assert.equal(await outcome.locator('.badge').getAttribute('data-status'), 'cancelled');

  // completed_at in the reader's locale and time zone, the exact instant kept in `datetime`.
  const { project } = await plan(id);
  assert.ok(project.completed_at);
  const time = outcome.locator('time');
  assert.equal(await time.getAttribute('datetime'), project.completed_at);
  const expected = new Intl.DateTimeFormat(LOCALE, { dateStyle: 'medium', timeStyle: 'short', timeZone: TIME_ZONE })
    .format(new Date(project.completed_at));
  assert.equal((await time.textContent())?.replace(/\s/g, ' '), expected.replace(/\s/g, ' '));

  // Done work is kept, everything else was skipped: told apart in words, not colour alone.
  const titles = (/** @type {string} */ status) => outcome.locator(`.task[data-status="${status}"] .task-title`).allTextContents();
  assert.deepEqual(await titles('done'), ['Research requirements', 'Design the data model']);
  assert.deepEqual(await titles('skipped'), ['Implement the core features', 'Write integration tests', 'Write user documentation', 'Review and release']);
  assert.deepEqual(await outcome.locator('.task-status').allTextContents(), ['Done', 'Done', 'Skipped', 'Skipped', 'Skipped', 'Skipped']);
  assert.equal(await outcome.locator('.tasks-summary').textContent(), '6 tasks · 2 done · 4 skipped');

  // The list follows, and the result was announced.
  const listed = row(page, id);
  assert.equal(await listed.locator('.badge').getAttribute('data-status'), 'cancelled');
  assert.equal(await listed.getByRole('button').count(), 0);
  assert.equal(await listed.locator('.counts').textContent(), '6 tasks · 2 done · 4 skipped');
  await page.locator('#announcer', { hasText: 'is cancelled. 6 tasks · 2 done · 4 skipped.' }).waitFor({ state: 'attached' });
  assert.equal(await projectStatus(id), 'cancelled');

  await screenshot(page, 'desktop-3-cancelled');
  assertNoConsoleErrors(problems);
  await close();
});

test('a completed project cannot be cancelled: the page says so in plain words', TIMEOUT, async () => {
  const id = seededId('completed');
  const { page, problems, close } = await openDemo(browser, DESKTOP);
  await row(page, id).waitFor();
  await page.getByLabel('Project id').fill(id);
  await page.getByRole('button', { name: 'Cancel project…' }).click();
  const dialog = page.getByRole('dialog');
  // The id belongs to a listed project, so the confirmation names it.
  assert.equal(await dialog.getByRole('heading').textContent(), 'Cancel “Write onboarding docs for the mobile SDK”?');
  await dialog.getByRole('button', { name: 'Cancel project' }).click();

  const outcome = page.locator('#outcome[data-state="error"]');
  await outcome.waitFor();
  assert.equal(await outcome.getAttribute('data-kind'), 'invalid_state');
  assert.equal(await outcome.locator('.outcome-sentence').textContent(), "This project already finished; it can't be cancelled.");
  assert.equal(await outcome.locator('.detail-text').textContent(), "Cannot cancel project with status 'completed'");
  assert.equal(await focusedText(page), 'Could not cancel “Write onboarding docs for the mobile SDK”');
  assert.equal(await projectStatus(id), 'completed');

  await screenshot(page, 'desktop-4-error-completed');
  assertNoConsoleErrors(problems, [{ path: `/api/deep-work/projects/${id}/cancel`, status: 400 }]);
  await close();
});

test('"Stop waiting" aborts a cancel that never gets an answer, and the page recovers', TIMEOUT, async () => {
  const hanging = await createProject({ status: 'executing', fault: 'hang' });
  const { page, problems, close } = await openDemo(browser, DESKTOP);
  await page.locator('#projects > li').first().waitFor();
  // The list is refreshed on demand, so a project created after the page loaded shows up.
  await page.getByRole('button', { name: 'Refresh' }).click();
  await row(page, hanging).getByRole('button', { name: /^Cancel/ }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Cancel project' }).click();

  const busy = page.locator('#outcome[data-state="busy"][aria-busy="true"]');
  await busy.waitFor();
  await until(async () => (await cancelRequests(hanging)) >= 1, 'the cancel request to reach the server');
  assert.equal(await focusedText(page), 'Stop waiting');
  // One cancel at a time: the other buttons wait too.
  assert.equal(await row(page, seededId('paused')).getByRole('button').isDisabled(), true);
  await screenshot(page, 'desktop-5-waiting');

  await page.getByRole('button', { name: 'Stop waiting' }).click();
  const stopped = page.locator('#outcome[data-state="stopped"]');
  await stopped.waitFor();
  assert.equal(await stopped.getAttribute('data-kind'), 'aborted');
  assert.equal(await stopped.getByRole('heading', { level: 2 }).textContent(), 'Stopped waiting');
  assert.match((await stopped.locator('.outcome-sentence').textContent()) ?? '', /^You stopped waiting\./);
  assert.equal(await page.locator('#outcome').getAttribute('aria-busy'), 'false');
  assert.equal(await row(page, seededId('paused')).getByRole('button').isDisabled(), false);
  assert.equal(await projectStatus(hanging), 'executing');
  await screenshot(page, 'desktop-6-stopped');

  // The page works again: the next cancel goes through.
  const next = await createProject({ status: 'executing' });
  await page.getByRole('button', { name: 'Refresh' }).click();
  await row(page, next).getByRole('button', { name: /^Cancel/ }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Cancel project' }).click();
  await page.locator('#outcome[data-state="done"] .tasks').waitFor();
  assert.equal(await row(page, next).locator('.badge').getAttribute('data-status'), 'cancelled');
  assert.equal(await row(page, hanging).locator('.badge').getAttribute('data-status'), 'executing');

  assertNoConsoleErrors(problems);
  await close();
});

test('other failures each get a plain sentence and the server\'s own words', TIMEOUT, async () => {
  const unknown = '00000000-0000-4000-8000-000000000000';
  const cases = [
    { id: unknown, kind: 'not_found', sentence: 'The server has no project with this id.', detail: `Project not found: ${unknown}`, status: 404 },
    {
      id: await createProject({ status: 'executing', fault: 'validation_422' }),
      kind: 'validation',
      sentence: 'The server says the request is not valid.',
      detail: /^path\.project_id: /,
      status: 422,
    },
    {
      id: await createProject({ status: 'executing', fault: 'wrong_shape' }),
      kind: 'invalid_response',
      sentence: 'The server’s answer did not look like a Deep Work project. Refresh the list to see whether the project was cancelled.',
      detail: null,
      status: 0,
    },
  ];
  const { page, problems, close } = await openDemo(browser, DESKTOP);
  await page.locator('#projects > li').first().waitFor();
  for (const { id, kind, sentence, detail } of cases) {
    await page.getByLabel('Project id').fill(id);
    await page.getByRole('button', { name: 'Cancel project…' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel project' }).click();
    const outcome = page.locator(`#outcome[data-state="error"][data-kind="${kind}"]`);
    await outcome.waitFor();
    assert.equal(await outcome.locator('.outcome-sentence').textContent(), sentence);
    const shown = await outcome.locator('.detail-text').allTextContents();
    if (detail === null) assert.deepEqual(shown, []);
    else if (typeof detail === 'string') assert.deepEqual(shown, [detail]);
    else assert.match(shown[0] ?? '', detail);
  }
  await screenshot(page, 'desktop-7-invalid-response');
  assertNoConsoleErrors(
    problems,
    cases.filter(({ status }) => status > 0).map(({ id, status }) => ({ path: `/api/deep-work/projects/${id}/cancel`, status })),
  );
  await close();
});

test('a token the server rejects is pointed out at the token field', TIMEOUT, async () => {
  const id = seededId('paused');
  const { page, problems, close } = await openDemo(browser, DESKTOP);
  await row(page, id).waitFor();
  await page.getByLabel('Token').fill('not-the-right-token-at-all');
  await page.getByLabel('Project id').fill(id);
  await page.getByRole('button', { name: 'Cancel project…' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Cancel project' }).click();

  const outcome = page.locator('#outcome[data-state="error"]');
  await outcome.waitFor();
  assert.equal(await outcome.getAttribute('data-kind'), 'unauthorized');
  assert.equal(await outcome.locator('.outcome-sentence').textContent(), 'The server did not accept the token. Check it above and try again.');
  assert.equal(await outcome.locator('.detail-text').textContent(), 'Unauthorized');
  const focused = await page.evaluate(() => document.activeElement?.id);
  assert.equal(focused, 'token');
  assert.equal(await page.getByLabel('Token').getAttribute('aria-invalid'), 'true');
  assert.equal(await page.locator('#token-hint').textContent(), 'The server did not accept this token.');
  assert.equal(await projectStatus(id), 'paused');

  await screenshot(page, 'desktop-8-unauthorized');
  assertNoConsoleErrors(problems, [{ path: `/api/deep-work/projects/${id}/cancel`, status: 401 }]);
  await close();
});

test('against a server without the dev listing, the list hides and the id field still cancels', TIMEOUT, async () => {
  const id = await createProject({ status: 'approved' });
  const { page, problems, close } = await openDemo(browser, DESKTOP, (page) =>
    page.route(`${ORIGIN}/__dev/projects`, (route) =>
      route.fulfill({ status: 404, contentType: 'application/json', body: '{"detail":"Not Found"}' }),
    ),
  );
  await page.locator('#listing-note:not([hidden])').waitFor();
  assert.equal(await page.locator('#projects-section').isHidden(), true);
  assert.equal(await page.locator('#listing-note').textContent(), 'This server does not list its projects; cancel one by its id.');

  await page.getByLabel('Project id').fill(id);
  await page.getByRole('button', { name: 'Cancel project…' }).click();
  const dialog = page.getByRole('dialog');
  assert.equal(await dialog.getByRole('heading').textContent(), `Cancel project ${id}?`);
  await dialog.getByRole('button', { name: 'Cancel project' }).click();
  const outcome = page.locator('#outcome[data-state="done"]');
  await outcome.locator('.tasks').waitFor();
  assert.equal(await outcome.getByRole('heading', { level: 2 }).textContent(), '“Add dark mode to the customer dashboard” is cancelled');
  assert.equal(await outcome.locator('.tasks-summary').textContent(), '6 tasks · 6 skipped');

  await screenshot(page, 'desktop-9-no-listing');
  assertNoConsoleErrors(problems, [{ path: '/__dev/projects', status: 404 }]);
  await close();
});

test('keyboard only: reach a project, back out of the confirmation, then cancel', TIMEOUT, async () => {
  const id = await createProject({ status: 'planning' });
  const { page, problems, close } = await openDemo(browser, DESKTOP);
  const button = row(page, id).getByRole('button', { name: /^Cancel/ });
  await button.waitFor();

  // Tab until the project's button has focus, as a keyboard user would.
  const hasFocus = () => button.evaluate((element) => element === document.activeElement);
  for (let presses = 0; presses < 60 && !(await hasFocus()); presses += 1) await page.keyboard.press('Tab');
  assert.equal(await hasFocus(), true, 'Tab reaches the project’s Cancel button');

  // The confirmation opens on the safe choice, and Escape backs out without a request.
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  assert.equal(await focusedText(page), 'Keep project');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });
  assert.equal(await hasFocus(), true, 'focus returns to the button');
  assert.equal(await cancelRequests(id), 0);

  await page.keyboard.press('Enter');
  await dialog.waitFor();
  await page.keyboard.press('Tab');
  assert.equal(await focusedText(page), 'Cancel project');
  await page.keyboard.press('Enter');
  await page.locator('#outcome[data-state="done"] .tasks').waitFor();
  // Focus lands on the outcome, so the next Tab continues from there.
  assert.equal(await focusedText(page), '“Build a REST API for recipe management” is cancelled');
  assert.equal(await projectStatus(id), 'cancelled');

  assertNoConsoleErrors(problems);
  await close();
});
