// Per-call cost, throughput and memory: the SDK's cancelProject, getPlan and a
// watchProject's polls, each beside a hand-written fetch that makes the same checks, in
// one page against one server. run.mjs drives it through `window.bench`.
import { cancelProject, DeepWorkClient } from '/pkg/index.js';
// index.js imports this same URL, and a module is instantiated once per URL: `init`
// returns the instance index.js already started, whose exports hold its memory.
import init from '/pkg/deepwork_client.js';

const wasm = await init();

let projectId = '';
let token = '';
/** A project with a plan of 50 tasks, and a client for getPlan. */
let planId = '';
let client;

// Every row but the watchers' measures calls, not the request budget that paces them.
const UNBUDGETED = { rateLimit: false };

const sdk = () => cancelProject(projectId, token, { baseUrl: location.origin, ...UNBUDGETED });

const cancelUrl = () => `${location.origin}/api/deep-work/projects/${encodeURIComponent(projectId)}/cancel`;

/** What one would write by hand: fetch, res.json() and the checks the SDK makes. */
async function raw() {
  return cancelled(await fetch(cancelUrl(), { method: 'POST', headers: { Authorization: `Bearer ${token}` } }));
}

/** A cancel's answer read and checked as the SDK checks it. */
async function cancelled(res) {
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  const body = await res.json();
  if (body === null || typeof body !== 'object' || body.success !== true) throw new Error('not a success');
  const project = body.project;
  checkFields(project, FIELDS, REQUIRED);
  if (project.id !== projectId) throw new Error('another project');
  if (project.status !== 'cancelled' && project.status !== 'completed') throw new Error(`status ${project.status}`);
  return project;
}

/**
 * raw with the plumbing the SDK's rules need on every request: a `Request` with its
 * own `Headers` (gloo-net sends a `Request`), no redirects followed (the token must
 * not travel), an AbortController with the attempt's timeout, and the limiter's and
 * `Retry-After` headers read. What that costs by itself, in plain JS.
 */
async function rawPlumbed() {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 30_000);
  try {
    const headers = new Headers();
    headers.set('Authorization', `Bearer ${token}`);
    const request = new Request(cancelUrl(), { method: 'POST', headers, signal: controller.signal, redirect: 'manual' });
    const res = await fetch(request);
    if (res.type === 'opaqueredirect') throw new Error('a redirect');
    void [res.headers.get('retry-after'), res.headers.get('x-ratelimit-remaining'), res.headers.get('x-ratelimit-limit')];
    return await cancelled(res);
  } finally {
    clearTimeout(timer);
  }
}

const planUrl = () => `${location.origin}/api/deep-work/projects/${encodeURIComponent(planId)}/plan`;

const planSdk = () => client.getPlan(planId);

/** getPlan by hand: the checks the SDK makes on a plan (src/model/answer.rs, task.rs). */
async function planRaw() {
  const res = await fetch(planUrl(), { headers: { Authorization: `Bearer ${token}` } });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  const plan = await res.json();
  if (!isObject(plan)) throw new Error('not an object');
  checkFields(plan.project, FIELDS, REQUIRED);
  if (!Array.isArray(plan.tasks)) throw new Error('no tasks');
  for (const task of plan.tasks) checkFields(task, TASK_FIELDS, TASK_REQUIRED);
  if (!isObject(plan.progress)) throw new Error('no progress');
  for (const name of ['total', 'completed', 'skipped', 'in_progress', 'blocked']) {
    if (!Number.isInteger(plan.progress[name]) || plan.progress[name] < 0) throw new Error(`bad progress.${name}`);
  }
  if (typeof plan.progress.percent !== 'number') throw new Error('bad progress.percent');
  const levels = plan.execution_levels ?? [];
  if (!Array.isArray(levels) || !levels.every((level) => hasType(level, 'strings'))) throw new Error('bad levels');
  const levelMap = plan.task_level_map ?? {};
  if (!isObject(levelMap) || !Object.values(levelMap).every((n) => Number.isInteger(n) && n >= 0)) {
    throw new Error('bad task_level_map');
  }
  return plan;
}

const isObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);

function checkFields(object, fields, required) {
  if (!isObject(object)) throw new Error('not an object');
  for (const [name, type] of fields) {
    if (!(name in object)) {
      if (required.has(name)) throw new Error(`no ${name}`);
    } else if (!hasType(object[name], type)) {
      throw new Error(`bad ${name}`);
    }
  }
}

const TASK_REQUIRED = new Set(['id', 'title', 'status']);
const TASK_FIELDS = [
  ['id', 'string'], ['title', 'string'], ['status', 'string'], ['description', 'nullable'],
  ['priority', 'nullable'], ['task_type', 'nullable'], ['project_id', 'nullable'],
  ['assignee_ids', 'strings'], ['creator_id', 'nullable'], ['parent_task_id', 'nullable'],
  ['blocked_by', 'strings'], ['blocks', 'strings'], ['tags', 'strings'],
  ['active_description', 'nullable'], ['estimated_minutes', 'count?'], ['timeout_minutes', 'count?'],
  ['retry_count', 'count'], ['max_retries', 'count'], ['error_message', 'nullable'],
  ['due_date', 'nullable'], ['started_at', 'nullable'], ['completed_at', 'nullable'],
  ['created_at', 'nullable'], ['updated_at', 'nullable'], ['metadata', 'any'], ['output', 'any'],
];

const REQUIRED = new Set(['id', 'title', 'status', 'completed_at', 'task_ids', 'team_agent_ids']);
// The SDK's field checks (src/model.rs): the six required fields, and the real
// server's nine others when present.
const FIELDS = [
  ['id', 'string'], ['title', 'string'], ['status', 'string'], ['completed_at', 'nullable'],
  ['task_ids', 'strings'], ['team_agent_ids', 'strings'], ['description', 'string'],
  ['planner_agent_id', 'nullable'], ['prd_document_id', 'nullable'], ['creator_id', 'nullable'],
  ['tags', 'strings'], ['started_at', 'nullable'], ['created_at', 'nullable'],
  ['updated_at', 'nullable'], ['folder_path', 'nullable'], ['file_count', 'count?'], ['metadata', 'any'],
];

function hasType(value, type) {
  switch (type) {
    case 'string': return typeof value === 'string';
    case 'nullable': return value === null || typeof value === 'string';
    case 'strings': return Array.isArray(value) && value.every((item) => typeof item === 'string');
    case 'count': return Number.isInteger(value) && value >= 0;
    case 'count?': return value === null || (Number.isInteger(value) && value >= 0);
    default: return true;
  }
}

/** The watches' interval; their waits, and only they, are cut short (see `polls`). */
const WATCH_INTERVAL_MS = 250;
const TERMINAL = new Set(['completed', 'failed', 'cancelled']);

/** A watch by hand: planRaw, compare what matters with the last plan, wait, again. */
async function watchRaw(signal) {
  let last = '';
  while (!signal.aborted) {
    const plan = await planRaw();
    const { project, tasks, progress } = plan;
    const seen = JSON.stringify([project.status, tasks.map((task) => [task.id, task.status]), progress]);
    if (seen !== last) last = seen;
    if (TERMINAL.has(project.status)) return;
    await new Promise((resolve) => setTimeout(resolve, WATCH_INTERVAL_MS));
  }
}

async function watchSdk(signal) {
  for await (const plan of client.watchProject(planId, { intervalMs: WATCH_INTERVAL_MS, signal })) void plan;
}

const WATCHES = { watchSdk, watchRaw };

/** One of many watchers of project `id` through the SDK, each with a client of its own. */
async function sdkWatcher(id, intervalMs, signal) {
  const own = new DeepWorkClient({ token, baseUrl: location.origin });
  for await (const plan of own.watchProject(id, { intervalMs, signal })) void plan;
}

/** The same watcher as one would write it: a loop of its own that fetches the plan. */
async function naiveWatcher(id, intervalMs, signal) {
  const url = `${location.origin}/api/deep-work/projects/${encodeURIComponent(id)}/plan`;
  while (!signal.aborted) {
    try {
      await (await fetch(url, { headers: { Authorization: `Bearer ${token}` }, signal })).json();
    } catch {
      // An abort ends the loop; a failed poll is tried again at the next interval.
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

const WATCHERS = { sdk: sdkWatcher, naive: naiveWatcher };

/**
 * `count` polls of a watch of `kind`, timed from one poll's fetch to the next: each
 * poll's whole work (its request and everything around it), the wait between polls cut
 * to a macro-task that runs at once. A MessageChannel, not `setTimeout(0)`: browsers
 * clamp nested zero timers to 4 ms. Other timers (each request's timeout) are real.
 */
async function polls(kind, count) {
  const { fetch: realFetch, setTimeout: realSetTimeout, clearTimeout: realClearTimeout } = globalThis;
  const controller = new AbortController();
  const starts = [];
  globalThis.fetch = (...args) => {
    starts.push(performance.now());
    if (starts.length > count) controller.abort();
    return realFetch(...args);
  };
  const cut = new Map();
  let next = 0;
  const channel = new MessageChannel();
  channel.port1.onmessage = ({ data }) => {
    const handler = cut.get(data);
    cut.delete(data);
    handler?.();
  };
  globalThis.setTimeout = (handler, ms, ...rest) => {
    // The SDK's poll waits what is left of its interval since it polled: a few ms less.
    if (!(ms > WATCH_INTERVAL_MS - 10 && ms <= WATCH_INTERVAL_MS)) return realSetTimeout(handler, ms, ...rest);
    next -= 1; // negative ids: never a real timer's
    cut.set(next, handler);
    channel.port2.postMessage(next);
    return next;
  };
  globalThis.clearTimeout = (id) => (cut.delete(id) ? undefined : realClearTimeout(id));
  try {
    await WATCHES[kind](controller.signal);
  } finally {
    Object.assign(globalThis, { fetch: realFetch, setTimeout: realSetTimeout, clearTimeout: realClearTimeout });
    channel.port1.close();
  }
  if (starts.length !== count + 1) throw new Error(`${kind} made ${starts.length} of ${count + 1} requests`);
  return starts.slice(1).map((start, i) => start - starts[i]);
}

const CALLS = { sdk, raw, rawPlumbed, planSdk, planRaw };
/** What each pair of calls asks for, to stub it. */
const STUB = { sdk: () => [cancelUrl(), 'POST'], rawPlumbed: () => [cancelUrl(), 'POST'], planSdk: () => [planUrl(), 'GET'] };

/**
 * Runs `work` with `fetch` answering at once from memory with the server's answer to
 * `[url, method]`, and checks that it answered exactly `calls` calls: both sides look
 * fetch up at call time, and neither may reach the network.
 */
async function stubbed([url, method], calls, work) {
  const answer = await (await fetch(url, { method, headers: { Authorization: `Bearer ${token}` } })).text();
  const realFetch = globalThis.fetch;
  let answered = 0;
  globalThis.fetch = async () => {
    answered += 1;
    return new Response(answer, { status: 200, headers: { 'content-type': 'application/json' } });
  };
  try {
    const result = await work();
    if (answered !== calls) throw new Error(`the stub answered ${answered} of ${calls} calls`);
    return result;
  } finally {
    globalThis.fetch = realFetch;
  }
}

/**
 * One call, timed, and split by its request's Resource Timing entry into the time
 * before the request started, the request itself (to the last byte), and the time
 * after it. Phases are null when no request went out (a stubbed fetch).
 */
async function timed(call) {
  performance.clearResourceTimings();
  const start = performance.now();
  await call();
  const end = performance.now();
  const request = performance.getEntriesByType('resource').at(-1);
  const phases = request && [request.startTime - start, request.responseEnd - request.startTime, end - request.responseEnd];
  return { ms: end - start, phases };
}

window.bench = {
  /** Sets the projects and token; tells what the measurements can rely on. */
  async setup(id, bearer, plan) {
    projectId = id;
    token = bearer;
    planId = plan;
    client = new DeepWorkClient({ token, baseUrl: location.origin, ...UNBUDGETED });
    const [fromSdk, fromRaw] = [await sdk(), await raw()];
    const [sdkPlan, rawPlan] = [await planSdk(), await planRaw()];
    return {
      // Timers are precise to 5 µs only in a cross-origin isolated page (else 100 µs).
      crossOriginIsolated,
      // One fetch of the .wasm: the bench's `init` did not start a second instance.
      wasmFetches: performance.getEntriesByType('resource').filter((e) => e.name.endsWith('.wasm')).length,
      statuses: [fromSdk.status, fromRaw.status],
      planTasks: [sdkPlan.tasks.length, rawPlan.tasks.length],
    };
  },

  /**
   * `count` calls of each kind, alternating call by call (and which goes first): each
   * call's time in ms, and its phases (see `timed`).
   */
  async perCall(count, [sdkKind, rawKind] = ['sdk', 'raw']) {
    const times = { sdk: [], raw: [] };
    const phases = { sdk: [], raw: [] };
    for (let i = 0; i < count; i++) {
      const order = i % 2 === 0 ? ['sdk', 'raw'] : ['raw', 'sdk'];
      for (const side of order) {
        const call = await timed(CALLS[side === 'sdk' ? sdkKind : rawKind]);
        times[side].push(call.ms);
        if (call.phases) phases[side].push(call.phases);
      }
    }
    return { ...times, phases };
  },

  /**
   * perCall with `fetch` answering at once from memory with the server's own answer:
   * what is left is each side's own work per call, with no network or server noise.
   */
  async perCallStubbed(count, kinds = ['sdk', 'raw']) {
    return stubbed(STUB[kinds[0]](), 2 * count, () => this.perCall(count, kinds));
  },

  /**
   * `rounds` rounds of `count` polls of each watch, SDK and raw alternating which goes
   * first: each poll's time in ms (see `polls`); with `stub`, fetch answers from memory.
   */
  async watchPolls(count, rounds, stub = false) {
    const times = { watchSdk: [], watchRaw: [] };
    const run = async () => {
      for (let round = 0; round < rounds; round++) {
        for (const kind of round % 2 === 0 ? ['watchSdk', 'watchRaw'] : ['watchRaw', 'watchSdk']) {
          times[kind].push(...(await polls(kind, count)));
        }
      }
    };
    // Each watch makes count + 1 requests: the last is the one that stops it.
    await (stub ? stubbed([planUrl(), 'GET'], 2 * rounds * (count + 1), run) : run());
    return { sdk: times.watchSdk, raw: times.watchRaw };
  },

  /**
   * A watcher of `kind` ('sdk' or 'naive') of each id in `ids` (repeated ids: watchers
   * of one project), running for `ms`: what they cost the server is read from its
   * counters around this call.
   */
  async watchers(kind, ids, intervalMs, ms) {
    const controller = new AbortController();
    const runs = ids.map((id) => WATCHERS[kind](id, intervalMs, controller.signal));
    await new Promise((resolve) => setTimeout(resolve, ms));
    controller.abort();
    await Promise.allSettled(runs);
  },

  /** Calls of `kind` completed per second with `inFlight` kept running for about `ms`. */
  async throughput(kind, inFlight, ms) {
    const call = CALLS[kind];
    const start = performance.now();
    const end = start + ms;
    let done = 0;
    const worker = async () => {
      while (performance.now() < end) {
        await call();
        done += 1;
      }
    };
    await Promise.all(Array.from({ length: inFlight }, worker));
    return done / ((performance.now() - start) / 1000);
  },

  /** `count` calls of `kind`, `inFlight` at a time. */
  async calls(kind, count, inFlight) {
    const call = CALLS[kind];
    let left = count;
    const worker = async () => {
      while (left > 0) {
        left -= 1;
        await call();
      }
    };
    await Promise.all(Array.from({ length: inFlight }, worker));
  },

  /** The wasm memory's size and, after a full GC, the JS heap in use (bytes). */
  memory() {
    gc(); // exposed by Chromium's --js-flags=--expose-gc
    return { wasmBytes: wasm.memory.buffer.byteLength, jsHeapBytes: performance.memory.usedJSHeapSize };
  },
};
