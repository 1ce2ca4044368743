// deepwork-client in Node 20: the package's `node` export condition, global fetch,
// against the devserver.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { cancelProject, DeepWorkClient, DeepWorkError, isDeepWorkError } from 'deepwork-client';
import {
  checkDraftNotApproved, checkListing, checkPlan, checkWatchEnded, INVALID_STATE_STATUSES, LISTING, prepareListing, WATCH_INTERVAL_MS,
} from '../harness/checks.mjs';
import {
  advance, baseUrl, cancelRequests, createProject, deleteProject, planRequestTimes, serverStatus, token,
} from '../harness/devserver.mjs';
import { approve } from './approve.mjs';
import { cancel } from './cancel.mjs';
import { followPlan, liveList } from './live.mjs';

test('the README example cancels a project on its first call', async () => {
  const projectId = await createProject('executing');
  assert.equal(await cancel(projectId, { baseUrl, token }), true);
  assert.equal(await serverStatus(projectId), 'cancelled');
  assert.equal(await cancelRequests(projectId), 1);
});

test('the README example tells an unknown project apart', async () => {
  assert.equal(await cancel('no-such-project', { baseUrl, token }), false);
});

test('cancelProject resolves with the typed project', async () => {
  const projectId = await createProject('paused');
  const project = await cancelProject(projectId, token, { baseUrl });
  assert.equal(project.id, projectId);
  assert.equal(project.status, 'cancelled');
  assert.match(project.completed_at, /^\d{4}-\d\d-\d\dT/);
  assert.ok(Array.isArray(project.task_ids));
});

test('a wrong token rejects with a typed DeepWorkError', async () => {
  const projectId = await createProject('executing');
  const err = await cancelProject(projectId, 'wrong-token', { baseUrl }).then(
    () => assert.fail('resolved'),
    (e) => e,
  );
  assert.ok(err instanceof DeepWorkError);
  assert.ok(err instanceof Error);
  assert.ok(isDeepWorkError(err));
  assert.equal(err.name, 'DeepWorkError');
  assert.equal(err.kind, 'unauthorized');
  assert.equal(err.status, 401);
  assert.equal(err.projectId, projectId);
  assert.equal(await serverStatus(projectId), 'executing');
});

test('a bad argument rejects with invalid_argument before any request', async () => {
  const projectId = await createProject('executing');
  const err = await cancelProject(42, token, { baseUrl }).catch((e) => e);
  assert.equal(err.kind, 'invalid_argument');
  const unknown = await cancelProject(projectId, token, { baseUrl, retries: 3 }).catch((e) => e);
  assert.equal(unknown.kind, 'invalid_argument');
  assert.equal(await cancelRequests(projectId), 0);
});

test('a DeepWorkClient keeps the server and token', async () => {
  const client = new DeepWorkClient({ token, baseUrl });
  const projectId = await createProject('executing');
  assert.equal((await client.cancelProject(projectId)).status, 'cancelled');
  assert.throws(() => new DeepWorkClient({ baseUrl }), (e) => isDeepWorkError(e) && e.kind === 'invalid_argument');
});

test('getPlan reads the plan of a fresh project', async () => {
  const projectId = await createProject('executing');
  const plan = await new DeepWorkClient({ token, baseUrl }).getPlan(projectId);
  await checkPlan(projectId, { tasks: plan.tasks.length, total: plan.progress.total });
  assert.equal(plan.project.id, projectId);
  assert.deepEqual(plan.execution_levels.flat().sort(), plan.tasks.map((t) => t.id).sort());
});

test('listProjects filters by status and keeps to the limit', async () => {
  await prepareListing();
  const { projects, count } = await new DeepWorkClient({ token, baseUrl }).listProjects(LISTING);
  checkListing({ count, statuses: projects.map((p) => p.status) });
  assert.ok(count > LISTING.limit, `count ${count} is counted before the limit`);
});

test('approving a draft rejects with kind invalid_state and its currentStatus', async () => {
  const projectId = await createProject('draft');
  const err = await new DeepWorkClient({ token, baseUrl }).approveProject(projectId).catch((e) => e);
  assert.ok(isDeepWorkError(err), String(err));
  await checkDraftNotApproved(projectId, err);
  assert.ok(INVALID_STATE_STATUSES.includes(err.status), `HTTP ${err.status}`);
  assert.equal(err.projectId, projectId);
});

// A watch that hangs fails at the test's timeout rather than holding up the run.
const WATCH_TEST = { timeout: 20_000 };

test('watchProject yields the plan, then the cancelled one after a cancel through the same client, and ends', WATCH_TEST, async () => {
  const client = new DeepWorkClient({ token, baseUrl });
  const projectId = await createProject('executing');
  const seen = [];
  for await (const plan of client.watchProject(projectId, { intervalMs: WATCH_INTERVAL_MS })) {
    assert.equal(plan.project.id, projectId);
    seen.push(plan.project.status);
    if (seen.length === 1) await client.cancelProject(projectId);
  }
  assert.deepEqual(seen, ['executing', 'cancelled']);
  await checkWatchEnded(projectId);
});

test('a watch aborted mid-way through its signal ends its for-await without an error, and polls no more', WATCH_TEST, async () => {
  const client = new DeepWorkClient({ token, baseUrl });
  const projectId = await createProject('executing');
  const controller = new AbortController();
  let sawFirst;
  const first = new Promise((resolve) => { sawFirst = resolve; });
  const seen = [];
  // A long interval: the watch is waiting for its next poll when the signal aborts,
  // and would still be waiting at the test's timeout if the abort did not end it.
  const watching = (async () => {
    for await (const plan of client.watchProject(projectId, { intervalMs: 60_000, signal: controller.signal })) {
      seen.push(plan.project.status);
      sawFirst();
    }
  })();
  await Promise.race([first, watching]); // the loop may throw before its first plan
  controller.abort();
  await watching; // rejects, failing the test, if the loop threw
  assert.deepEqual(seen, ['executing']);
  assert.equal((await planRequestTimes(projectId)).length, 1);
  assert.equal(await serverStatus(projectId), 'executing');
});

test('watchProjects lists the projects, then names one started and one deleted behind its back', WATCH_TEST, async () => {
  const client = new DeepWorkClient({ token, baseUrl });
  const leaving = await createProject('paused');
  const controller = new AbortController();
  const list = client.watchProjects({ intervalMs: WATCH_INTERVAL_MS, signal: controller.signal });
  const first = await list.next();
  assert.ok(first.value.added.includes(leaving), 'the first list has every project as added');
  assert.equal(first.value.added.length, first.value.projects.length);
  assert.equal(list.state.status, 'live');
  const appearing = await createProject('draft');
  await deleteProject(leaving);
  const seen = { added: [], removed: [], changed: [] };
  while (seen.added.length + seen.removed.length < 2) {
    const { value } = await list.next();
    for (const key of Object.keys(seen)) seen[key].push(...value[key]);
  }
  assert.deepEqual(seen, { added: [appearing], removed: [leaving], changed: [] });
  controller.abort();
  assert.equal((await list.next()).done, true);
  assert.equal(list.state.status, 'ended');
});

test('waitForProject resolves with the plan once the project is planned, and rejects what can no longer come', WATCH_TEST, async () => {
  const client = new DeepWorkClient({ token, baseUrl });
  const id = await createProject('planning');
  const planned = client.waitForProject(id, { until: 'awaiting_approval', intervalMs: WATCH_INTERVAL_MS });
  await advance(id);
  const plan = await planned;
  assert.equal(plan.project.status, 'awaiting_approval');
  assert.ok(plan.tasks.length > 0);
  const err = await client.waitForProject(id, { until: 'planning' }).catch((e) => e);
  assert.equal(err.kind, 'invalid_state');
  assert.equal(err.currentStatus, 'awaiting_approval');
});

test('a connection refused rejects with kind network', async () => {
  const err = await cancelProject('p', token, { baseUrl: 'http://127.0.0.1:9' }).catch((e) => e);
  assert.equal(err.kind, 'network');
  assert.ok(err.cause !== undefined);
});

test('Node resolves the package to its node entry, which also works with require()', () => {
  const require = createRequire(import.meta.url);
  assert.match(require.resolve('deepwork-client'), /node_modules\/deepwork-client\/node\.js$/);
  assert.equal(typeof require('deepwork-client').cancelProject, 'function');
});

// The README's quick start, error and live examples (quickstart.mjs, approve.mjs, live.mjs).

test('the quick start script starts a project, waits for its plan, approves it and lists', WATCH_TEST, async () => {
  const script = spawn(process.execPath, ['quickstart.mjs'], { cwd: import.meta.dirname, stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: script.stdout })[Symbol.asyncIterator]();
  const started = (await lines.next()).value;
  const [, id] = started.match(/^(\S+) is planning$/) ?? assert.fail(`first line: ${started}`);
  await advance(id); // the devserver plans it now (the real server does so by itself)
  const rest = [];
  for await (const line of lines) rest.push(line);
  const [code] = await once(script, 'close');
  assert.equal(code, 0);
  assert.match(rest[0], /^\d+ tasks in \d+ levels$/);
  assert.equal(rest[1], `${id} is executing`);
  assert.match(rest[2], /^\d+ executing: .*Build a REST API for a todo app/);
  assert.equal(await serverStatus(id), 'executing');
});

test('the errors example says why an approve failed, for each kind it names', async () => {
  const client = new DeepWorkClient({ token, baseUrl });
  assert.match(await approve(client, await createProject('awaiting_approval')), / is executing$/);
  assert.equal(await approve(client, await createProject('draft')), 'not now: the project is draft');
  assert.equal(await approve(client, 'no-such-project'), 'no such project');
  const stranger = new DeepWorkClient({ token: 'wrong-token', baseUrl });
  assert.equal(await approve(stranger, await createProject('awaiting_approval')), 'sign in again');
  const offline = new DeepWorkClient({ token, baseUrl: 'http://127.0.0.1:9', maxRetries: 0 });
  assert.match(await approve(offline, 'p'), /^failed \(network\): /);
});

test('the live example keeps the list current until its signal aborts, and follows a plan to its end', WATCH_TEST, async () => {
  const client = new DeepWorkClient({ token, baseUrl });
  const controller = new AbortController();
  const lists = [];
  const states = [];
  let listed;
  const firstList = new Promise((resolve) => { listed = resolve; });
  const watching = liveList(client, controller.signal, {
    showList: (projects, moved) => { lists.push(moved); listed(); },
    showConnection: (status) => states.push(status),
  });
  await firstList;
  const appearing = await createProject('draft');
  while (!lists.some(({ added }) => added.includes(appearing))) await new Promise((resolve) => { listed = resolve; });
  controller.abort();
  await watching;
  assert.equal(states.at(-1), 'ended');

  const id = await createProject('executing');
  const seen = [];
  await followPlan(client, id, (line) => {
    seen.push(line);
    if (seen.length === 1) client.cancelProject(id);
  });
  assert.deepEqual(seen.map((line) => line.split(':')[0]), ['executing', 'cancelled']);
});
