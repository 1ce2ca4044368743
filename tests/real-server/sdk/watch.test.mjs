// watchProject against PocketPaw: it polls the real server's plan and ends on what
// happens behind its back (a cancel, a delete made by someone else), as PocketPaw
// pushes nothing to a client.

import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { mark, since } from '../support/access-log.mjs';
import { usePage } from '../support/browser.mjs';
import { makeProject } from '../support/projects.mjs';
import { roomFor } from '../support/rate-limit.mjs';
import { api, BROWSER_ADDRESS, pocketpaw } from '../support/servers.mjs';

const page = usePage();
const WATCH = { intervalMs: 250 };

beforeEach(() => roomFor(20));

/** The browser's plan requests for the project since `from`, by status. */
function polls(from, id) {
  return since(from, { client: BROWSER_ADDRESS, method: 'GET', path: `/api/deep-work/projects/${id}/plan` }).map((e) => e.status);
}

test('a watch ends by itself after a cancel made behind its back', async () => {
  const project = await makeProject('executing');
  const from = mark();
  const watch = page.watch(project.id, WATCH);
  await page.watching(1);
  await api(pocketpaw, 'POST', `/api/deep-work/projects/${project.id}/cancel`);
  const { statuses, error } = await watch;
  assert.equal(error, undefined, JSON.stringify(error));
  assert.deepEqual(statuses, ['executing', 'cancelled']);
  const seen = polls(from, project.id);
  assert.ok(seen.length >= 2, `${seen.length} polls`);
  assert.ok(seen.every((status) => status === 200), `poll answers: ${seen}`);
});

test('a watch ends with not_found when the project is deleted behind its back', async () => {
  const project = await makeProject('executing');
  const from = mark();
  const watch = page.watch(project.id, WATCH);
  await page.watching(1);
  await api(pocketpaw, 'DELETE', `/api/mission-control/projects/${project.id}`);
  const { statuses, error } = await watch;
  assert.deepEqual(statuses, ['executing']);
  assert.equal(error?.kind, 'not_found', JSON.stringify(error));
  assert.equal(error.status, 404);
  assert.equal(error.projectId, project.id);
  assert.equal(polls(from, project.id).at(-1), 404);
});

test('a watch of a project that has already ended yields its plan once, from one request', async () => {
  const project = await makeProject('completed');
  const from = mark();
  const { statuses, error } = await page.watch(project.id, WATCH);
  assert.equal(error, undefined, JSON.stringify(error));
  assert.deepEqual(statuses, ['completed']);
  assert.deepEqual(polls(from, project.id), [200]);
});

test('watches of one project, each of its own client, share one poll: one request per interval', async () => {
  const shared = await makeProject('paused');
  // A lone watch of another project at the same interval is the clock.
  const clock = await makeProject('paused');
  const from = mark();
  await page.watchTogether([...Array(10).fill(shared.id), clock.id], { intervalMs: 500 });
  await pollsOf(from, clock.id, 8);
  await page.stopTogether();
  const [together, alone] = [polls(from, shared.id), polls(from, clock.id)];
  assert.ok(Math.abs(together.length - alone.length) <= 1, `ten watchers: ${together.length} polls, one watcher: ${alone.length}`);
  assert.ok(together.every((status) => status === 200), `poll answers: ${together}`);
  // The last to leave stopped the poll: while another watch polls three times, the
  // project is polled no more.
  const stopped = mark();
  const other = await makeProject('paused');
  await page.watchTogether([other.id], { intervalMs: 500 });
  await pollsOf(stopped, other.id, 3);
  await page.stopTogether();
  assert.deepEqual(polls(stopped, shared.id), []);
});

/** Waits until PocketPaw's log shows `count` plan requests for `id` since `from`. */
async function pollsOf(from, id, count) {
  for (let read = 0; polls(from, id).length < count; read++) {
    assert.ok(read < 300, `${id} was polled ${count} times`);
    await new Promise((done) => setTimeout(done, 100)); // the next look at the log
  }
}

test('the page threw nothing', () => {
  assert.deepEqual(page.problems, []);
});
