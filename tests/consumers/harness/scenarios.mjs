// The scenarios every page fixture runs (its index.html shows the outcome as text): a
// first call that cancels, with no console problems, a wrong token that reaches the
// page as a typed DeepWorkError, and the calls beyond cancel (a plan, a listing,
// approving a draft: invalid_state, and a watch that cancels its project and ends). Each page is served from its own origin, so every
// call is a real cross-origin request to the devserver.
//
// The pages take `call` (cancel, plan, list, approve or watch), `projectId`, `status`
// and `limit` in the fragment, and write:
//   cancel, approve  `${project.id} is ${project.status}`
//   plan             `${tasks.length} tasks, ${progress.percent}% of ${progress.total} done`
//   list             `${count} found, listed: ${statuses joined by ', '}`
//   watch            the project statuses of the plans the watch yielded, joined by
//                    ' → ', once the loop has ended (watchProject with intervalMs 250,
//                    the project cancelled through the same client after the first plan)
//   a DeepWorkError  `${call} failed: ${kind}`, then ` (${currentStatus})` when it has one

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { usePageFixture } from './browser.mjs';
import { checkDraftNotApproved, checkListing, checkPlan, checkWatchEnded, LISTING, prepareListing } from './checks.mjs';
import { baseUrl, cancelRequests, createProject, serverStatus, token } from './devserver.mjs';

/** The parts of a page's text, or a failed assertion that shows the text. */
function parse(text, pattern) {
  return text.match(pattern) ?? assert.fail(`unexpected outcome: ${text}`);
}

/**
 * @param {URL} folderUrl the fixture's folder
 * @param {{ who: string, http?: boolean }} expect who makes the call, and whether the
 *   page adds ` (HTTP status)` to a failure
 */
export function pageScenarios(folderUrl, expect) {
  const page = usePageFixture(folderUrl);

  test(`${expect.who} cancels a project on its first call, with no errors or warnings`, async () => {
    const projectId = await createProject('executing');
    const { text, problems } = await page.open({ baseUrl, token, projectId });
    assert.equal(text, `${projectId} is cancelled`);
    assert.deepEqual(problems, []);
    assert.equal(await serverStatus(projectId), 'cancelled');
    assert.equal(await cancelRequests(projectId), 1);
  });

  test(`a wrong token reaches ${expect.who} as a DeepWorkError of kind unauthorized`, async () => {
    const projectId = await createProject('executing');
    const { text } = await page.open({ baseUrl, token: 'wrong-token', projectId });
    assert.equal(text, `cancel failed: unauthorized${expect.http ? ' (HTTP 401)' : ''}`);
    assert.equal(await serverStatus(projectId), 'executing');
  });

  callScenarios(page.open, expect);
}

/**
 * getPlan, listProjects, approveProject's invalid_state and watchProject, for a page
 * that `open` loads with fragment parameters (see the top of this file).
 */
export function callScenarios(open, expect) {
  const call = (params) => open({ baseUrl, token, ...params });

  test(`${expect.who} reads the plan of a fresh project`, async () => {
    const projectId = await createProject('executing');
    const { text, problems } = await call({ call: 'plan', projectId });
    const [, tasks, total] = parse(text, /^(\d+) tasks, [\d.]+% of (\d+) done$/);
    await checkPlan(projectId, { tasks: Number(tasks), total: Number(total) });
    assert.deepEqual(problems, []);
  });

  test(`${expect.who} lists projects by status, at most the limit`, async () => {
    await prepareListing();
    const { text, problems } = await call({ call: 'list', ...LISTING });
    const [, count, statuses] = parse(text, /^(\d+) found, listed: (.*)$/);
    checkListing({ count: Number(count), statuses: statuses.split(', ') });
    assert.deepEqual(problems, []);
  });

  test(`approving a draft reaches ${expect.who} as invalid_state with the status it is in`, async () => {
    const projectId = await createProject('draft');
    const { text } = await call({ call: 'approve', projectId });
    const [, kind, currentStatus] = parse(text, expect.http
      ? /^approve failed: (\w+) \((\w+)\) \(HTTP 40[04]\)$/
      : /^approve failed: (\w+) \((\w+)\)$/);
    await checkDraftNotApproved(projectId, { kind, currentStatus });
  });

  test(`${expect.who} watches a project until the cancel it made ends it`, async () => {
    const projectId = await createProject('executing');
    const { text, problems } = await call({ call: 'watch', projectId });
    // The page writes only once the loop has ended: a watch that hangs, or never sees
    // the cancel, leaves it empty and fails here.
    assert.equal(text, 'executing → cancelled');
    assert.deepEqual(problems, []);
    await checkWatchEnded(projectId);
  });
}
