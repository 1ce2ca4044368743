// Projects made for a test on PocketPaw, through HTTP only: through its own Mission
// Control routes, which need no language model: a project (a draft), tasks that
// belong to it, each moved to its status, then the project's status set directly (a
// cancel for `cancelled`).

import { api, pocketpaw } from './servers.mjs';

/** Every project status of the contract. */
export const STATUSES = ['draft', 'planning', 'awaiting_approval', 'approved', 'executing', 'paused', 'completed', 'failed', 'cancelled'];

/** The tasks a PocketPaw project gets, by its status: what the tests skip, retry or refuse to. */
const TASKS = {
  executing: ['inbox', 'done', 'skipped', 'in_progress', 'blocked'],
  paused: ['inbox'],
  awaiting_approval: ['inbox'],
};

/**
 * A new project in `status` with a task in each of `taskStatuses`; resolves to its id
 * and its tasks' ids by status: `{ id, tasks: { inbox: id, … } }`.
 */
export async function makeProject(status, taskStatuses = TASKS[status] ?? []) {
  const { project } = await api(pocketpaw, 'POST', '/api/mission-control/projects', {
    title: `A ${status} project`,
    description: 'Made by the real-server tests.',
  });
  const tasks = {};
  for (const taskStatus of taskStatuses) {
    const { task } = await api(pocketpaw, 'POST', '/api/mission-control/tasks', { title: `A ${taskStatus} task`, project_id: project.id });
    if (taskStatus !== 'inbox') await api(pocketpaw, 'POST', `/api/mission-control/tasks/${task.id}/status`, { status: taskStatus });
    tasks[taskStatus] = task.id;
  }
  if (status === 'cancelled') await api(pocketpaw, 'POST', `/api/deep-work/projects/${project.id}/cancel`);
  else if (status !== 'draft') await api(pocketpaw, 'PATCH', `/api/mission-control/projects/${project.id}`, { status });
  return { id: project.id, tasks };
}

/** The project as PocketPaw holds it now, with its tasks and progress. */
export function detail(id) {
  return api(pocketpaw, 'GET', `/api/mission-control/projects/${encodeURIComponent(id)}`);
}

/** How many projects PocketPaw has in `status`. */
export async function countIn(status) {
  const { count } = await api(pocketpaw, 'GET', `/api/mission-control/projects?status=${status}&limit=1`);
  return count;
}
