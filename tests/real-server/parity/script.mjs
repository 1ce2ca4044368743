// The script of requests sent to PocketPaw and to the devserver alike: every route of
// the contract's tables, good and bad, with the auth, routing, CORS and rate-limit
// cases around them. Each case names its request through `f`, the projects and tasks
// it may use on the server at hand:
//
//   f.project[status]   a project in each status, made before the script
//   f.task[status]      tasks of f.project.executing: inbox, done, skipped, in_progress, blocked
//   f.foreignTask       a task of another project (f.project.paused)
//   f.fresh             the case's own project, made just before it (`fresh: status`):
//                       for the cases that change a project
//   f.token             the server's token
//
// The names are what devserver/README.md lists an accepted difference under.

import { STATUSES } from '../support/projects.mjs';

/** An id no server has. */
export const UNKNOWN = 'no-such-id-0000';
/** A page's origin, as a browser sends it: allowed by both servers. */
export const ORIGIN = 'http://127.0.0.1:5173';
const GOAL = 'Build a recipe API with user accounts';

const project = (id, action = '') => `/api/deep-work/projects/${id}${action && `/${action}`}`;
const task = (id, taskId, action) => `/api/deep-work/projects/${id}/tasks/${taskId}/${action}`;
const article = (word) => (/^[aeiou]/.test(word) ? `an ${word}` : `a ${word}`);

/**
 * @typedef {{ method: string, path: string, body?: unknown, token?: string | null, headers?: Record<string, string> }} Request
 * @typedef {{ name: string, request: (f: any) => Request, fresh?: string, tasks?: string[], prepare?: (send: (r: Request) => Promise<unknown>, f: any) => Promise<unknown>, facts?: (json: any) => unknown, preflight?: { method: string, headers: string[] }, burst?: number }} Case
 */

/** A project transition (approve, pause, resume) from every status but the one it moves from. */
function transition(action, from) {
  return [
    { name: `${action}: ${article(from)} project`, fresh: from, request: (f) => ({ method: 'POST', path: project(f.fresh.id, action) }) },
    ...STATUSES.filter((s) => s !== from).map((status) => ({
      name: `${action}: ${article(status)} project`,
      request: (f) => ({ method: 'POST', path: project(f.project[status], action) }),
    })),
    { name: `${action}: an unknown project`, request: () => ({ method: 'POST', path: project(UNKNOWN, action) }) },
  ];
}

/** @type {Case[]} */
export const SCRIPT = [
  // Goals and new projects.
  { name: 'parse-goal: a goal', request: () => ({ method: 'POST', path: '/api/deep-work/parse-goal', body: { description: GOAL } }) },
  { name: 'parse-goal: a description too short', request: () => ({ method: 'POST', path: '/api/deep-work/parse-goal', body: { description: 'short' } }) },
  { name: 'parse-goal: no body', request: () => ({ method: 'POST', path: '/api/deep-work/parse-goal' }) },
  { name: 'parse-goal: a body that is not JSON', request: () => ({ method: 'POST', path: '/api/deep-work/parse-goal', body: '{not json' }) },
  { name: 'start: a project', request: () => ({ method: 'POST', path: '/api/deep-work/start', body: { description: GOAL } }) },
  {
    name: 'start: every option',
    request: () => ({ method: 'POST', path: '/api/deep-work/start', body: { description: GOAL, research_depth: 'deep', goal_analysis: { goal: GOAL } } }),
  },
  { name: 'start: a description too long', request: () => ({ method: 'POST', path: '/api/deep-work/start', body: { description: 'x'.repeat(5001) } }) },
  { name: 'start: a description that is not a string', request: () => ({ method: 'POST', path: '/api/deep-work/start', body: { description: 42 } }) },
  {
    name: 'start: an unknown research depth',
    request: () => ({ method: 'POST', path: '/api/deep-work/start', body: { description: GOAL, research_depth: 'extreme' } }),
  },
  {
    name: 'start: a goal analysis that is not an object',
    request: () => ({ method: 'POST', path: '/api/deep-work/start', body: { description: GOAL, goal_analysis: [1] } }),
  },

  // Plans.
  ...['executing', 'draft', 'cancelled'].map((status) => ({
    name: `plan: ${article(status)} project`,
    request: (f) => ({ method: 'GET', path: project(f.project[status], 'plan') }),
  })),
  { name: 'plan: an unknown project', request: () => ({ method: 'GET', path: project(UNKNOWN, 'plan') }) },

  // Transitions.
  ...transition('approve', 'awaiting_approval'),
  ...transition('pause', 'executing'),
  ...transition('resume', 'paused'),
  ...['executing', 'draft', 'failed'].map((status) => ({
    name: `cancel: ${article(status)} project`,
    fresh: status,
    request: (f) => ({ method: 'POST', path: project(f.fresh.id, 'cancel') }),
  })),
  ...['completed', 'cancelled'].map((status) => ({
    name: `cancel: ${article(status)} project`,
    request: (f) => ({ method: 'POST', path: project(f.project[status], 'cancel') }),
  })),
  { name: 'cancel: an unknown project', request: () => ({ method: 'POST', path: project(UNKNOWN, 'cancel') }) },

  // Tasks.
  { name: 'skip: an inbox task', fresh: 'executing', tasks: ['inbox'], request: (f) => ({ method: 'POST', path: task(f.fresh.id, f.fresh.tasks.inbox, 'skip') }) },
  ...['done', 'in_progress', 'skipped'].map((status) => ({
    name: `skip: ${article(status)} task`,
    request: (f) => ({ method: 'POST', path: task(f.project.executing, f.task[status], 'skip') }),
  })),
  { name: 'retry: a blocked task', fresh: 'executing', tasks: ['blocked'], request: (f) => ({ method: 'POST', path: task(f.fresh.id, f.fresh.tasks.blocked, 'retry') }) },
  ...['inbox', 'done'].map((status) => ({
    name: `retry: ${article(status)} task`,
    request: (f) => ({ method: 'POST', path: task(f.project.executing, f.task[status], 'retry') }),
  })),
  ...['skip', 'retry'].flatMap((action) => [
    { name: `${action}: an unknown task`, request: (f) => ({ method: 'POST', path: task(f.project.executing, UNKNOWN, action) }) },
    { name: `${action}: a task of another project`, request: (f) => ({ method: 'POST', path: task(f.project.executing, f.foreignTask, action) }) },
    { name: `${action}: a task of an unknown project`, request: (f) => ({ method: 'POST', path: task(UNKNOWN, f.task.inbox, action) }) },
  ]),

  // Listing, reading, deleting.
  {
    name: 'list: every project',
    request: () => ({ method: 'GET', path: '/api/mission-control/projects' }),
    facts: (json) => {
      const updated = json.projects.map((p) => Date.parse(p.updated_at));
      return { everyOneListed: json.projects.length === json.count, lastUpdatedFirst: updated.every((t, i) => i === 0 || updated[i - 1] >= t) };
    },
  },
  {
    name: 'list: by status, with a limit',
    request: () => ({ method: 'GET', path: '/api/mission-control/projects?status=paused&limit=1' }),
    facts: (json) => ({ listed: json.projects.map((p) => p.status) }),
  },
  {
    name: 'list: a status no project has',
    request: () => ({ method: 'GET', path: '/api/mission-control/projects?status=no-such-status' }),
    facts: (json) => ({ listed: json.projects.length, count: json.count }),
  },
  { name: 'list: a limit that is not a number', request: () => ({ method: 'GET', path: '/api/mission-control/projects?limit=ten' }) },
  { name: 'list: a limit that is not whole', request: () => ({ method: 'GET', path: '/api/mission-control/projects?limit=1.5' }) },
  {
    name: 'list: a limit of 0',
    request: () => ({ method: 'GET', path: '/api/mission-control/projects?limit=0' }),
    facts: (json) => ({ listed: json.projects.length }),
  },
  {
    name: 'list: a negative limit',
    request: () => ({ method: 'GET', path: '/api/mission-control/projects?limit=-1' }),
    facts: (json) => ({ leftOut: json.count - json.projects.length }),
  },
  { name: 'get: a project', request: (f) => ({ method: 'GET', path: `/api/mission-control/projects/${f.project.executing}` }) },
  { name: 'get: an unknown project', request: () => ({ method: 'GET', path: `/api/mission-control/projects/${UNKNOWN}` }) },
  { name: 'delete: a project', fresh: 'completed', request: (f) => ({ method: 'DELETE', path: `/api/mission-control/projects/${f.fresh.id}` }) },
  {
    name: 'delete: a project deleted before',
    fresh: 'completed',
    prepare: (send, f) => send({ method: 'DELETE', path: `/api/mission-control/projects/${f.fresh.id}` }),
    request: (f) => ({ method: 'DELETE', path: `/api/mission-control/projects/${f.fresh.id}` }),
  },
  { name: 'delete: an unknown project', request: () => ({ method: 'DELETE', path: `/api/mission-control/projects/${UNKNOWN}` }) },

  // The token.
  { name: 'auth: no token', request: () => ({ method: 'POST', path: project(UNKNOWN, 'cancel'), token: null }) },
  { name: 'auth: a wrong token', request: () => ({ method: 'POST', path: project(UNKNOWN, 'cancel'), token: 'not-the-token' }) },
  {
    name: 'auth: the scheme in lower case',
    request: (f) => ({ method: 'POST', path: project(UNKNOWN, 'cancel'), token: null, headers: { authorization: `bearer ${f.token}` } }),
  },
  { name: 'auth: no token, on an unknown route', request: () => ({ method: 'GET', path: '/api/deep-work/no-such-route', token: null }) },

  // Routing.
  { name: 'route: an empty project id', request: () => ({ method: 'POST', path: '/api/deep-work/projects//cancel' }) },
  { name: 'route: a trailing slash', request: () => ({ method: 'POST', path: `${project(UNKNOWN, 'cancel')}/` }) },
  { name: 'route: an unknown route', request: () => ({ method: 'GET', path: '/api/deep-work/no-such-route' }) },
  { name: 'route: a wrong method', request: () => ({ method: 'GET', path: project(UNKNOWN, 'cancel') }) },

  // CORS.
  {
    name: 'cors: a preflight from an allowed origin',
    preflight: { method: 'POST', headers: ['authorization', 'content-type'] },
    request: () => ({
      method: 'OPTIONS',
      path: project(UNKNOWN, 'cancel'),
      token: null,
      headers: { 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    }),
  },
  {
    name: 'cors: a preflight from another origin',
    preflight: { method: 'POST', headers: ['authorization'] },
    request: () => ({
      method: 'OPTIONS',
      path: project(UNKNOWN, 'cancel'),
      token: null,
      headers: { origin: 'http://example.com', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' },
    }),
  },
  {
    name: 'cors: a request from another origin',
    request: () => ({ method: 'POST', path: project(UNKNOWN, 'cancel'), headers: { origin: 'http://example.com' } }),
  },

  // The rate limiter: the first 429 of a burst of concurrent requests.
  { name: 'rate limit: a burst past 30', burst: 40, request: () => ({ method: 'GET', path: '/api/mission-control/projects?limit=1' }) },
];
