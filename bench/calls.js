// Per-call cost, throughput and memory: the SDK's cancelProject and a hand-written
// fetch that makes the same checks, side by side in one page against one server.
// run.mjs drives it through `window.bench`.
import { cancelProject } from '/pkg/index.js';
// index.js imports this same URL, and a module is instantiated once per URL: `init`
// returns the instance index.js already started, whose exports hold its memory.
import init from '/pkg/deepwork_client.js';

const wasm = await init();

let projectId = '';
let token = '';

const sdk = () => cancelProject(projectId, token, { baseUrl: location.origin });

const cancelUrl = () => `${location.origin}/api/deep-work/projects/${encodeURIComponent(projectId)}/cancel`;

/** What one would write by hand: fetch, res.json() and the checks the SDK makes. */
async function raw() {
  const res = await fetch(cancelUrl(), { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  const body = await res.json();
  if (body === null || typeof body !== 'object' || body.success !== true) throw new Error('not a success');
  const project = body.project;
  if (project === null || typeof project !== 'object' || Array.isArray(project)) throw new Error('no project');
  for (const [name, type] of FIELDS) {
    if (!(name in project)) {
      if (REQUIRED.has(name)) throw new Error(`no ${name}`);
    } else if (!hasType(project[name], type)) {
      throw new Error(`bad ${name}`);
    }
  }
  if (project.id !== projectId) throw new Error('another project');
  if (project.status !== 'cancelled' && project.status !== 'completed') throw new Error(`status ${project.status}`);
  return project;
}

const REQUIRED = new Set(['id', 'title', 'status', 'completed_at', 'task_ids', 'team_agent_ids']);
// The SDK's field checks (src/model.rs): the six required fields, and the real
// server's nine others when present.
const FIELDS = [
  ['id', 'string'], ['title', 'string'], ['status', 'string'], ['completed_at', 'nullable'],
  ['task_ids', 'strings'], ['team_agent_ids', 'strings'], ['description', 'string'],
  ['planner_agent_id', 'nullable'], ['prd_document_id', 'nullable'], ['creator_id', 'nullable'],
  ['tags', 'strings'], ['started_at', 'nullable'], ['created_at', 'nullable'],
  ['updated_at', 'nullable'], ['metadata', 'any'],
];

function hasType(value, type) {
  switch (type) {
    case 'string': return typeof value === 'string';
    case 'nullable': return value === null || typeof value === 'string';
    case 'strings': return Array.isArray(value) && value.every((item) => typeof item === 'string');
    default: return true;
  }
}

const CALLS = { sdk, raw };

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
  /** Sets the project and token; tells what the measurements can rely on. */
  async setup(id, bearer) {
    projectId = id;
    token = bearer;
    const [fromSdk, fromRaw] = [await sdk(), await raw()];
    return {
      // Timers are precise to 5 µs only in a cross-origin isolated page (else 100 µs).
      crossOriginIsolated,
      // One fetch of the .wasm: the bench's `init` did not start a second instance.
      wasmFetches: performance.getEntriesByType('resource').filter((e) => e.name.endsWith('.wasm')).length,
      statuses: [fromSdk.status, fromRaw.status],
    };
  },

  /**
   * `count` calls of each kind, alternating call by call (and which goes first): each
   * call's time in ms, and its phases (see `timed`).
   */
  async perCall(count) {
    const times = { sdk: [], raw: [] };
    const phases = { sdk: [], raw: [] };
    for (let i = 0; i < count; i++) {
      const order = i % 2 === 0 ? ['sdk', 'raw'] : ['raw', 'sdk'];
      for (const kind of order) {
        const call = await timed(CALLS[kind]);
        times[kind].push(call.ms);
        if (call.phases) phases[kind].push(call.phases);
      }
    }
    return { ...times, phases };
  },

  /**
   * perCall with `fetch` answering at once from memory with the server's own answer:
   * what is left is each side's own work per call, with no network or server noise.
   */
  async perCallStubbed(count) {
    const answer = await (await fetch(cancelUrl(), { method: 'POST', headers: { Authorization: `Bearer ${token}` } })).text();
    const realFetch = globalThis.fetch;
    let stubbed = 0;
    globalThis.fetch = async () => {
      stubbed += 1;
      return new Response(answer, { status: 200, headers: { 'content-type': 'application/json' } });
    };
    try {
      const times = await this.perCall(count);
      // Both sides look fetch up at call time; make sure neither reached the network.
      if (stubbed !== 2 * count) throw new Error(`the stub answered ${stubbed} of ${2 * count} calls`);
      return times;
    } finally {
      globalThis.fetch = realFetch;
    }
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
