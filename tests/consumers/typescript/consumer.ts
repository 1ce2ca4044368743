// Code a TypeScript user writes against deepwork-client's packed types. It must
// compile with `tsc --strict --noEmit` (see types.test.mjs); each `@ts-expect-error`
// line must be an error, or the compile fails.

import type { CancelProjectOptions, DeepWorkErrorKind, ListProjectsOptions, Plan, ProjectList, ProjectStatus, TaskStatus } from 'deepwork-client';

// #region typescript
import { cancelProject, DeepWorkClient, DeepWorkError, isDeepWorkError, type Project } from 'deepwork-client';

/** What to tell a person, for every kind of failure: adding a kind breaks the build. */
function explain(err: DeepWorkError): string {
  switch (err.kind) {
    case 'invalid_argument':
      return `bug in the caller: ${err.message}`;
    case 'unauthorized':
    case 'forbidden':
      return 'sign in again';
    case 'not_found':
      return 'no such project';
    case 'invalid_state':
      return `not now: the project is ${err.currentStatus ?? 'elsewhere'}`;
    case 'task_not_in_project':
      return 'that task belongs to another project';
    case 'bad_request':
    case 'validation':
    case 'http':
    case 'invalid_response':
      return `the server said no (${err.status ?? 'no status'})`;
    case 'rate_limited':
    case 'server':
      return `try again in ${(err.retryAfterMs ?? 1000) / 1000} s`;
    case 'network':
    case 'timeout':
    case 'aborted':
      return 'no answer';
    default: {
      const unhandled: never = err.kind;
      return unhandled;
    }
  }
}

export async function cancel(projectId: string, token: string): Promise<Project | string> {
  try {
    return await cancelProject(projectId, token, { baseUrl: 'https://agents.example.com' });
  } catch (err) {
    if (isDeepWorkError(err)) return explain(err);
    throw err;
  }
}

/** A dashboard's summary line: its plan's progress, or the number of its approved projects. */
export async function summary(client: DeepWorkClient, projectId?: string): Promise<string> {
  try {
    if (projectId === undefined) {
      const { projects, count } = await client.listProjects({ status: 'approved', limit: 10 });
      return `${count} approved: ${projects.map((p) => p.title).join(', ')}`;
    }
    const { tasks, progress, execution_levels } = await client.getPlan(projectId);
    return `${tasks.length} tasks in ${execution_levels.length} levels, ${progress.percent}% done`;
  } catch (err) {
    if (isDeepWorkError(err)) return explain(err);
    throw err;
  }
}

/** Approves a planned project; a draft is `invalid_state`, with the status it is in. */
export async function approve(client: DeepWorkClient, projectId: string): Promise<string> {
  try {
    return `${(await client.approveProject(projectId)).status}`;
  } catch (err) {
    if (isDeepWorkError(err) && err.kind === 'invalid_state') return `still ${err.currentStatus}`;
    throw err;
  }
}
// #endregion

// `Project['status']` is exactly the status union: each is assignable to the other.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const statusIsTheUnion: Same<
  Project['status'],
  'draft' | 'planning' | 'awaiting_approval' | 'approved' | 'executing' | 'paused' | 'completed' | 'failed' | 'cancelled'
> = true;
const statusIsNamed: Same<Project['status'], ProjectStatus> = true;
// @ts-expect-error: a string is not a status.
const notAStatus: Project['status'] = 'archived';

// The kinds are a closed union too, not `string`.
const kindIsClosed: Same<DeepWorkErrorKind, string> = false;

// Calls resolve with a Project, not `any`.
type IsAny<T> = 0 extends 1 & T ? true : false;
const resolvesTyped: IsAny<Awaited<ReturnType<typeof cancelProject>>> = false;
const methodResolvesTyped: IsAny<Awaited<ReturnType<DeepWorkClient['cancelProject']>>> = false;
const projectIsTyped: Same<Awaited<ReturnType<typeof cancelProject>>, Project> = true;
const planIsTyped: Same<Awaited<ReturnType<DeepWorkClient['getPlan']>>, Plan> = true;
const listIsTyped: Same<Awaited<ReturnType<DeepWorkClient['listProjects']>>, ProjectList> = true;
const approveIsTyped: Same<Awaited<ReturnType<DeepWorkClient['approveProject']>>, Project> = true;
const listFilterIsTheStatus: Same<ListProjectsOptions['status'], ProjectStatus | undefined> = true;
// What a plan holds, as its types say.
function planFields(plan: Plan, list: ProjectList): void {
  const total: number = plan.progress.total;
  const levels: string[][] = plan.execution_levels;
  const level: number | undefined = plan.task_level_map['t-1'];
  const taskStatus: TaskStatus = plan.tasks[0].status;
  const count: number = list.count;
  const status: ProjectStatus = list.projects[0].status;
  void [total, levels, level, taskStatus, count, status];
}

// #region watch
/** Shows project `id` as it moves, until it ends, is deleted or `signal` aborts. */
async function follow(client: DeepWorkClient, id: string, signal: AbortSignal, show: (plan: Plan) => void) {
  try {
    for await (const plan of client.watchProject(id, { intervalMs: 2_000, signal })) {
      show(plan); // plan.project.status, plan.tasks, plan.progress.percent, …
    }
    // Here the project has ended, or the signal was aborted: no error either way.
  } catch (err) {
    // Only what a watch cannot outlive: not_found (deleted), unauthorized, …
    if (!isDeepWorkError(err) || err.kind !== 'not_found') throw err;
  }
}
// #endregion

// #region dashboard
import type { ProjectListChange, WatchState } from 'deepwork-client';

/** What a dashboard's connection indicator says of a watch. */
function indicator(state: WatchState): string {
  switch (state.status) {
    case 'live':
      return 'Live';
    case 'hidden':
      return 'Paused while hidden';
    case 'offline':
      return 'Offline';
    case 'retrying': {
      const seconds = Math.max(0, Math.ceil((state.nextPollAt - Date.now()) / 1000));
      return `Reconnecting in ${seconds} s (${state.error.status ?? state.error.kind})`;
    }
    case 'ended':
      return 'Ended';
  }
}

/** Keeps a list of projects current: `show` gets each change, `status` the indicator. */
async function liveList(client: DeepWorkClient, signal: AbortSignal, show: (change: ProjectListChange) => void, status: (text: string) => void) {
  const list = client.watchProjects({ signal, onStateChange: (state) => status(indicator(state)) });
  for await (const change of list) {
    show(change); // change.projects, and which ids were added, removed or changed
  }
}

/** Starts a project and waits for its plan, ready to be approved. */
async function startAndPlan(client: DeepWorkClient, description: string): Promise<Plan> {
  const project = await client.startProject(description);
  return client.waitForProject(project.id, { until: 'awaiting_approval', timeoutMs: 300_000 });
}
// #endregion

// The live layer's types: what each watch yields, and what `until` may be.
const listYieldsChanges: Same<Yielded<ReturnType<DeepWorkClient['watchProjects']>>, ProjectListChange> = true;
async function liveOptions(client: DeepWorkClient): Promise<void> {
  await client.waitForProject('p-1', { until: ['completed', 'cancelled'] });
  await client.waitForProject('p-1', { until: (plan) => plan.progress.percent >= 50 });
  // @ts-expect-error: until is a status, a list of them, or a function of the plan.
  await client.waitForProject('p-1', { until: 'archived' });
  // @ts-expect-error: until is required.
  await client.waitForProject('p-1', {});
  new DeepWorkClient({ token: 't', rateLimit: false });
  new DeepWorkClient({ token: 't', rateLimit: { burst: 30, perSecond: 10 } });
  // @ts-expect-error: a rate limit is false or { burst, perSecond }.
  new DeepWorkClient({ token: 't', rateLimit: true });
  const state: WatchState = client.watchProject('p-1').state;
  if (state.status === 'retrying') {
    const error: DeepWorkError = state.error;
    void error;
  }
}

// A watch yields plans, and has its own options.
type Yielded<T> = T extends AsyncIterable<infer P> ? P : never;
const watchYieldsPlans: Same<Yielded<ReturnType<DeepWorkClient['watchProject']>>, Plan> = true;
function watchOptions(client: DeepWorkClient): void {
  // @ts-expect-error: intervalMs is a number.
  client.watchProject('p-1', { intervalMs: '1s' });
  // @ts-expect-error: a watch takes no retry options (it waits out failures itself).
  client.watchProject('p-1', { maxRetries: 3 });
}

async function rejected(token: string, signal: AbortSignal): Promise<void> {
  // @ts-expect-error: the project id is a string, not a number.
  await cancelProject(42, token);
  // @ts-expect-error: the token is required.
  await cancelProject('p-1');
  // @ts-expect-error: unknown option.
  await cancelProject('p-1', token, { baseUrl: 'https://agents.example.com', retries: 3 });
  // @ts-expect-error: options have their types (timeoutMs is a number).
  await cancelProject('p-1', token, { timeoutMs: '10s' });
  // @ts-expect-error: a client needs its token.
  new DeepWorkClient({ baseUrl: 'https://agents.example.com' });
  // @ts-expect-error: unknown client option.
  new DeepWorkClient({ token, retries: 3 });
  const client = new DeepWorkClient({ token });
  // @ts-expect-error: per-call options of a client take no baseUrl.
  await client.cancelProject('p-1', { baseUrl: 'https://agents.example.com' });
  // The good calls compile.
  const options: CancelProjectOptions = { baseUrl: 'https://agents.example.com', signal, timeoutMs: 10_000 };
  const project: Project = await cancelProject('p-1', token, options);
  const completedAt: string | null = project.completed_at;
  await client.cancelProject('p-1', { signal });
  void completedAt;
  // @ts-expect-error: the status filter is a status, not any string.
  await client.listProjects({ status: 'archived' });
  // @ts-expect-error: the limit is a number.
  await client.listProjects({ limit: '10' });
  // @ts-expect-error: getPlan takes a project id.
  await client.getPlan();
  await client.listProjects();
  await client.listProjects({ status: 'draft', limit: 5, signal });
  await client.getPlan('p-1', { timeoutMs: 5_000 });
}

// A DeepWorkError is an Error, with its fields typed.
function fields(err: unknown): void {
  if (err instanceof DeepWorkError) {
    const status: number | undefined = err.status;
    const kind: DeepWorkErrorKind = err.kind;
    const asError: Error = err;
    void [status, kind, asError];
  }
}

void [statusIsTheUnion, statusIsNamed, notAStatus, kindIsClosed, resolvesTyped, methodResolvesTyped, projectIsTyped, rejected, fields];
void [planIsTyped, listIsTyped, approveIsTyped, listFilterIsTheStatus, planFields, follow, watchYieldsPlans, watchOptions];
void [liveList, startAndPlan, listYieldsChanges, liveOptions];
