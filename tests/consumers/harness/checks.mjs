// What every consumer must show for the calls beyond cancel, whether it reads the
// answer as an object (Node) or as the text a page writes (the browser fixtures).

import assert from 'node:assert/strict';
import { cancelRequests, createProject, planRequestTimes, serverStatus, taskCount } from './devserver.mjs';

/** The devserver's real server flavor answers a wrong status with 404, the documented one with 400. */
export const INVALID_STATE_STATUSES = [404, 400];

/** A plan of a fresh project: some tasks, all of them counted in its progress, as many as the server has. */
export async function checkPlan(projectId, { tasks, total }) {
  assert.ok(tasks > 0, `${tasks} tasks`);
  assert.equal(total, tasks, 'progress.total is the number of tasks');
  assert.equal(tasks, await taskCount(projectId));
}

/** What the listings ask for; {@link prepareListing} makes more such projects than the limit. */
export const LISTING = { status: 'paused', limit: 2 };

export async function prepareListing() {
  for (let i = 0; i <= LISTING.limit; i++) await createProject(LISTING.status);
}

/** A listing by `status` with `limit`: only that status, at most `limit`, `count` before the limit. */
export function checkListing({ count, statuses }, { status, limit } = LISTING) {
  assert.ok(statuses.length > 0 && statuses.length <= limit, `${statuses.length} listed, limit ${limit}`);
  assert.ok(count >= statuses.length, `count ${count} < ${statuses.length} listed`);
  assert.deepEqual(statuses, statuses.map(() => status));
}

/** Approving a draft: refused as invalid_state naming the status, and the project stays a draft. */
export async function checkDraftNotApproved(projectId, { kind, currentStatus }) {
  assert.equal(kind, 'invalid_state');
  assert.equal(currentStatus, 'draft');
  assert.equal(await serverStatus(projectId), 'draft');
}

/** The `intervalMs` the watches ask for. */
export const WATCH_INTERVAL_MS = 250;

/**
 * A watch of an executing project that cancelled it after the first plan, and has
 * ended: the project cancelled once, and exactly two polls, `intervalMs` apart (the
 * first plan, then the cancelled one; none after a terminal plan). Workers and Node
 * have no page to hide, and a test's page is visible: none polls ten times less often.
 */
export async function checkWatchEnded(projectId) {
  assert.equal(await serverStatus(projectId), 'cancelled');
  assert.equal(await cancelRequests(projectId), 1);
  const polls = await planRequestTimes(projectId);
  assert.equal(polls.length, 2, `plan requests at ${polls.join(', ')} ms`);
  const gap = polls[1] - polls[0];
  assert.ok(gap >= 0.9 * WATCH_INTERVAL_MS && gap < 10 * WATCH_INTERVAL_MS, `${gap.toFixed(0)} ms between the polls`);
}
