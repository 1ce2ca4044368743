// The devserver held to PocketPaw: every case of the script is sent to both, and the
// answers must not differ (parity/compare.mjs says how they are compared) except as
// devserver/README.md accepts, case by case. A listed difference that no longer
// shows fails too, so that the list stays true.

import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { makeProject, STATUSES } from '../support/projects.mjs';
import { api, pocketpaw, request, serverFromEnvironment, settled } from '../support/servers.mjs';
import { acceptedDifferences } from './accepted.mjs';
import { differences } from './compare.mjs';
import { ORIGIN, SCRIPT } from './script.mjs';

const devserver = serverFromEnvironment('DEVSERVER', 'devserver');
const accepted = acceptedDifferences();
const SERVERS = [pocketpaw, devserver];
/** Per server: the script's projects and tasks (see script.mjs), and their ids' roles. */
const fixtures = new Map();

/**
 * A new project in `status` on `target`, with its tasks' ids by status. PocketPaw's
 * gets tasks in `taskStatuses` (default: what the SDK tests use); the devserver gives
 * each project its own sample tasks.
 */
async function makeOn(target, status, taskStatuses) {
  if (target === pocketpaw) return makeProject(status, taskStatuses);
  const { id, tasks } = await api(target, 'POST', '/__dev/projects', { status });
  return { id, tasks: Object.fromEntries(tasks.map((task) => [task.status, task.id])) };
}

before(async () => {
  for (const target of SERVERS) {
    const roles = new Map();
    const projects = {};
    for (const status of STATUSES) {
      const made = await makeOn(target, status);
      projects[status] = made;
      roles.set(made.id, `${status} project`);
    }
    const task = projects.executing.tasks;
    for (const [status, id] of Object.entries(task)) roles.set(id, `${status} task`);
    const foreignTask = Object.values(projects.paused.tasks)[0];
    roles.set(foreignTask, 'task of another project');
    const project = Object.fromEntries(STATUSES.map((status) => [status, projects[status].id]));
    fixtures.set(target, { f: { project, task, foreignTask, token: target.token }, roles });
  }
});

/** Sends a scripted request as a browser page of ORIGIN would; a 429 is waited out. */
function send(target, { method, path, body, token = target.token, headers = {} }) {
  return settled(target, method, path, { body, token, headers: { origin: ORIGIN, ...headers } });
}

/** The first 429 of `count` requests sent at once. */
async function burst(target, { method, path }, count) {
  const answers = await Promise.all(Array.from({ length: count }, () => request(target, method, path, { headers: { origin: ORIGIN } })));
  const limited = answers.find((answer) => answer.status === 429);
  assert.ok(limited, `${target.name}: no 429 in a burst of ${count}`);
  return limited;
}

/** Runs one case on one server: its answer, and the roles of the ids it may show. */
async function run(target, scripted) {
  const { f: shared, roles: sharedRoles } = fixtures.get(target);
  const f = { ...shared };
  const roles = new Map(sharedRoles);
  if (scripted.fresh) {
    f.fresh = await makeOn(target, scripted.fresh, scripted.tasks ?? []);
    roles.set(f.fresh.id, `the case's ${scripted.fresh} project`);
    for (const [status, id] of Object.entries(f.fresh.tasks)) roles.set(id, `the case's ${status} task`);
  }
  await scripted.prepare?.((r) => send(target, r), f);
  const scriptedRequest = scripted.request(f);
  const answer = scripted.burst ? await burst(target, scriptedRequest, scripted.burst) : await send(target, scriptedRequest);
  return { answer, roles };
}

for (const scripted of SCRIPT) {
  test(scripted.name, async () => {
    const real = await run(pocketpaw, scripted);
    const dev = await run(devserver, scripted);
    const found = differences(real.answer, dev.answer, {
      roles: [real.roles, dev.roles],
      facts: scripted.facts,
      preflight: scripted.preflight,
    });
    const aspects = [...new Set(found.map((d) => d.aspect))].sort();
    const listed = accepted.get(scripted.name) ?? [];
    const shown = found.map((d) => `  ${d.aspect}: ${d.what}`).join('\n') || '  none';
    assert.deepEqual(aspects, listed, `differences found:\n${shown}\naccepted in devserver/README.md: ${listed.join(', ') || 'none'}`);
  });
}

test('every accepted difference is about a case of the script', () => {
  const names = new Set(SCRIPT.map((scripted) => scripted.name));
  assert.deepEqual([...accepted.keys()].filter((name) => !names.has(name)), []);
  assert.equal(names.size, SCRIPT.length, 'case names are unique');
});
