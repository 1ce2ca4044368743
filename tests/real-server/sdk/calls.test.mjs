// Every call of the built package against PocketPaw, in the browser: its success, and
// each error the contract lists for it, as the typed error the SDK promises; what
// reached the server is counted in its access log.

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { beforeEach, test } from 'node:test';
import { mark, since, text as logText } from '../support/access-log.mjs';
import { usePage } from '../support/browser.mjs';
import { countIn, detail, makeProject } from '../support/projects.mjs';
import { roomFor } from '../support/rate-limit.mjs';
import { api, BROWSER_ADDRESS, pocketpaw, settled } from '../support/servers.mjs';

const page = usePage();

// Room for every request a test makes, so that no 429 changes what it sees.
beforeEach(() => roomFor(20));

/** What the browser sent since `from` to `path` (exactly, or a RegExp). */
function sent(from, method, path) {
  return since(from, { client: BROWSER_ADDRESS, method, path });
}

/** The call failed with these fields (and only what it says: `undefined` checks absence). */
function assertError(result, expected) {
  assert.ok(result.error, `expected a DeepWorkError, got ${JSON.stringify(result.value)}`);
  for (const [field, value] of Object.entries(expected)) {
    assert.deepEqual(result.error[field], value, `error.${field} of ${JSON.stringify(result.error)}`);
  }
}

const planPath = (id) => `/api/deep-work/projects/${id}/plan`;
const actionPath = (id, action) => `/api/deep-work/projects/${id}/${action}`;

test('getPlan reads the tasks and the progress PocketPaw has, in one request', async () => {
  const project = await makeProject('executing');
  const from = mark();
  const { value: plan, error } = await page.call('getPlan', [project.id]);
  assert.equal(error, undefined);
  assert.equal(plan.project.id, project.id);
  assert.equal(plan.project.status, 'executing');
  const held = await detail(project.id);
  assert.deepEqual(plan.tasks.map((t) => t.status).sort(), held.tasks.map((t) => t.status).sort());
  assert.deepEqual(plan.progress, held.progress);
  assert.equal(plan.execution_levels.flat().length, held.tasks.length);
  assert.equal(sent(from, 'GET', planPath(project.id)).length, 1);
});

test('getPlan and getProject of an unknown project are not_found, with the server\'s detail', async () => {
  const id = randomUUID();
  const from = mark();
  for (const method of ['getPlan', 'getProject']) {
    assertError(await page.call(method, [id]), { kind: 'not_found', status: 404, detail: 'Project not found', projectId: id, attempts: 1 });
  }
  assert.equal(since(from, { client: BROWSER_ADDRESS, status: 404 }).length, 2);
});

test('getProject reads the project with its tasks and progress', async () => {
  const project = await makeProject('paused');
  const { value, error } = await page.call('getProject', [project.id]);
  assert.equal(error, undefined);
  assert.equal(value.project.status, 'paused');
  assert.deepEqual(value.tasks.map((t) => t.id), [project.tasks.inbox]);
  assert.deepEqual(value.progress, (await detail(project.id)).progress);
});

test('listProjects lists by status, at most the limit, and counts every match', async () => {
  for (let i = 0; i < 3; i++) await makeProject('approved');
  const count = await countIn('approved');
  const from = mark();
  const { value, error } = await page.call('listProjects', [{ status: 'approved', limit: 2 }]);
  assert.equal(error, undefined);
  assert.deepEqual(value.projects.map((p) => p.status), ['approved', 'approved']);
  assert.equal(value.count, count);
  assert.equal(sent(from, 'GET', /^\/api\/mission-control\/projects\?/).length, 1);
});

test('listProjects refuses, before any request, a limit the server would refuse or misread', async () => {
  // PocketPaw answers 422 to a limit that is not an integer…
  const refused = await settled(pocketpaw, 'GET', '/api/mission-control/projects?limit=1.5');
  assert.equal(refused.status, 422);
  assert.deepEqual(refused.json.detail.map((issue) => issue.loc), [['query', 'limit']]);
  // …and lists nothing, or all but the last, for 0 and -1 (a Python slice).
  const from = mark();
  for (const limit of [1.5, 0, -1, 'ten']) {
    assertError(await page.call('listProjects', [{ limit }]), { kind: 'invalid_argument', attempts: 0, status: undefined });
  }
  assert.equal(sent(from, 'GET', /^\/api\/mission-control\/projects/).length, 0);
});

test('approveProject starts a planned project', async () => {
  const project = await makeProject('awaiting_approval');
  const { value, error } = await page.call('approveProject', [project.id]);
  assert.equal(error, undefined);
  assert.equal(value.status, 'executing');
  assert.match(value.started_at, /^\d{4}-\d\d-\d\dT/);
  assert.equal((await detail(project.id)).project.status, 'executing');
});

test('approve, pause and resume in a wrong status: the 404 is invalid_state with the status it is in', async () => {
  const cases = [
    ['approveProject', 'approve', 'draft'],
    ['approveProject', 'approve', 'completed'],
    ['pauseProject', 'pause', 'paused'],
    ['resumeProject', 'resume', 'executing'],
  ];
  for (const [method, action, status] of cases) {
    const project = await makeProject(status);
    assertError(await page.call(method, [project.id]), {
      kind: 'invalid_state',
      status: 404,
      currentStatus: status,
      detail: `Cannot ${action} project with status '${status}'`,
      attempts: 1,
    });
    assert.equal((await detail(project.id)).project.status, status, `${method} of a ${status} project changed it`);
  }
});

test('approve, pause, resume and cancel of an unknown project are not_found', async () => {
  const id = randomUUID();
  for (const [method, status] of [['approveProject', 404], ['pauseProject', 404], ['resumeProject', 404], ['cancelProject', 400]]) {
    assertError(await page.call(method, [id]), { kind: 'not_found', status, detail: `Project not found: ${id}`, projectId: id, attempts: 1 });
  }
});

test('pauseProject and resumeProject move an executing project and back', async () => {
  const project = await makeProject('executing');
  const paused = await page.call('pauseProject', [project.id]);
  assert.equal(paused.value?.status, 'paused', JSON.stringify(paused));
  const resumed = await page.call('resumeProject', [project.id]);
  assert.equal(resumed.value?.status, 'executing', JSON.stringify(resumed));
  assert.equal((await detail(project.id)).project.status, 'executing');
});

test('cancelProject cancels: tasks not done are skipped, done ones stay done', async () => {
  const project = await makeProject('executing');
  const from = mark();
  const { value, error } = await page.call('cancelProject', [project.id]);
  assert.equal(error, undefined);
  assert.equal(value.status, 'cancelled');
  assert.match(value.completed_at, /^\d{4}-\d\d-\d\dT/);
  const held = await detail(project.id);
  const statuses = Object.fromEntries(held.tasks.map((t) => [t.id, [t.status, t.error_message]]));
  assert.deepEqual(statuses[project.tasks.done], ['done', null]);
  assert.deepEqual(statuses[project.tasks.inbox], ['skipped', 'Project cancelled']);
  assert.deepEqual(statuses[project.tasks.blocked], ['skipped', 'Project cancelled']);
  assert.equal(sent(from, 'POST', actionPath(project.id, 'cancel')).length, 1);
});

test('cancelProject of a completed or cancelled project resolves with it unchanged (PocketPaw answers 200)', async () => {
  for (const status of ['completed', 'cancelled']) {
    const project = await makeProject(status);
    const before = (await detail(project.id)).project;
    const { value, error } = await page.call('cancelProject', [project.id]);
    assert.equal(error, undefined, JSON.stringify(error));
    assert.equal(value.status, status);
    assert.equal(value.completed_at, before.completed_at);
  }
});

test('skipTask skips a task that has not started, and refuses the others as the contract says', async () => {
  const project = await makeProject('executing');
  const other = await makeProject('paused');
  const { value, error } = await page.call('skipTask', [project.id, project.tasks.inbox]);
  assert.equal(error, undefined);
  assert.equal(value.task.status, 'skipped');
  assert.match(value.task.completed_at, /^\d{4}-\d\d-\d\dT/);
  assert.deepEqual(value.progress, (await detail(project.id)).progress);
  for (const status of ['done', 'in_progress', 'skipped']) {
    assertError(await page.call('skipTask', [project.id, project.tasks[status]]), {
      kind: 'invalid_state',
      status: 400,
      currentStatus: status,
      detail: `Cannot skip task with status '${status}'`,
    });
  }
  assertError(await page.call('skipTask', [project.id, randomUUID()]), { kind: 'not_found', status: 404, detail: 'Task not found' });
  assertError(await page.call('skipTask', [project.id, other.tasks.inbox]), {
    kind: 'task_not_in_project',
    status: 400,
    detail: 'Task does not belong to this project',
  });
});

test('retryTask retries a blocked task, and refuses the others as the contract says', async () => {
  const project = await makeProject('executing');
  const other = await makeProject('paused');
  const { value, error } = await page.call('retryTask', [project.id, project.tasks.blocked]);
  assert.equal(error, undefined, JSON.stringify(error));
  assert.equal(value.task.status, 'assigned');
  assert.equal(value.task.retry_count, 1);
  assert.equal(value.task.error_message, null);
  assertError(await page.call('retryTask', [project.id, project.tasks.inbox]), {
    kind: 'invalid_state',
    status: 400,
    currentStatus: 'inbox',
    detail: "Can only retry tasks with status 'blocked', got 'inbox'",
  });
  assertError(await page.call('retryTask', [project.id, randomUUID()]), { kind: 'not_found', status: 404, detail: 'Task not found' });
  assertError(await page.call('retryTask', [project.id, other.tasks.inbox]), { kind: 'task_not_in_project', status: 400 });
});

test('deleteProject deletes; deleting it again is not_found', async () => {
  const project = await makeProject('completed');
  const deleted = await page.call('deleteProject', [project.id]);
  assert.deepEqual(deleted, { value: undefined });
  const gone = await settled(pocketpaw, 'GET', `/api/mission-control/projects/${project.id}`);
  assert.equal(gone.status, 404);
  assertError(await page.call('deleteProject', [project.id]), { kind: 'not_found', status: 404, detail: 'Project not found', attempts: 1 });
});

test('startProject makes one project from exactly one request', async () => {
  const from = mark();
  const description = `Build a recipe API, started by the ${process.env.DEEPWORK_BROWSER} test ${randomUUID()}`;
  const { value, error } = await page.call('startProject', [description, { researchDepth: 'quick' }]);
  assert.equal(error, undefined);
  assert.equal(value.status, 'planning');
  assert.equal(value.description, description);
  assert.equal(sent(from, 'POST', '/api/deep-work/start').length, 1);
  const { projects } = await api(pocketpaw, 'GET', '/api/mission-control/projects?limit=100000');
  assert.deepEqual(projects.filter((p) => p.description === description).map((p) => p.id), [value.id]);
});

test('startProject refuses a description out of bounds before any request', async () => {
  const from = mark();
  assertError(await page.call('startProject', ['too short']), { kind: 'invalid_argument', attempts: 0 });
  assert.equal(sent(from, 'POST', '/api/deep-work/start').length, 0);
});

test("parseGoal without a language model: PocketPaw's 502 is a server error with its detail, retried as the policy allows", async () => {
  const description = 'Build a recipe API with user accounts';
  const theirs = await settled(pocketpaw, 'POST', '/api/deep-work/parse-goal', { body: { description } });
  assert.equal(theirs.status, 502);
  const from = mark();
  // The default policy: two retries after the first attempt, for a 502.
  assertError(await page.call('parseGoal', [description]), { kind: 'server', status: 502, detail: theirs.json.detail, attempts: 3 });
  assert.deepEqual(sent(from, 'POST', '/api/deep-work/parse-goal').map((e) => e.status), [502, 502, 502]);
});

test('a wrong token is unauthorized from one request, and the token is nowhere in the error', async () => {
  const project = await makeProject('executing');
  const token = `wrong-${randomUUID()}`;
  const from = mark();
  const { error } = await page.call('cancelProject', [project.id], { token });
  assertError({ error }, { kind: 'unauthorized', status: 401, detail: 'Unauthorized', attempts: 1 });
  assert.ok(!JSON.stringify(error).includes(token), 'the token leaked into the error');
  assert.deepEqual(sent(from, 'POST', actionPath(project.id, 'cancel')).map((e) => e.status), [401]);
  assert.equal((await detail(project.id)).project.status, 'executing');
});

test('the token never reached the server in a URL: it is nowhere in the access log', () => {
  assert.ok(logText().includes('"POST /api/deep-work/'), 'the log has the calls');
  assert.ok(!logText().includes(pocketpaw.token));
});

test('the page threw nothing', () => {
  assert.deepEqual(page.problems, []);
});
