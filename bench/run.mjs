// The browser half of `cargo xtask bench`: drives headless Debian Chromium through
// startup.html and calls.html (start-up, calls, a watch's polls, memory) against a
// running devserver (lenient flavor, serving bench/ at / and the package at /pkg/) and
// writes the measurements as one JSON object to the file DEEPWORK_BENCH_OUT; progress
// goes to stderr. `cargo xtask bench` makes the table from it.
//
// By hand: DEEPWORK_BENCH_URL=http://127.0.0.1:PORT DEEPWORK_BENCH_TOKEN=… \
//          DEEPWORK_BENCH_OUT=results.json node run.mjs
import { writeFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { CHROMIUM } from '../tools/chromium.mjs';

const { DEEPWORK_BENCH_URL: BASE_URL, DEEPWORK_BENCH_TOKEN: TOKEN, DEEPWORK_BENCH_OUT: OUT } = process.env;
if (!BASE_URL || !TOKEN || !OUT) {
  throw new Error('set DEEPWORK_BENCH_URL, DEEPWORK_BENCH_TOKEN and DEEPWORK_BENCH_OUT (cargo xtask bench does)');
}

const STARTUP_LOADS = 25;
const PER_CALL = 2000;
const WARMUP_CALLS = 200;
const IN_FLIGHT = [1, 16, 128];
/** SDK and raw rounds per level, alternating which goes first; each about ROUND_MS long. */
const ROUNDS = 4;
const ROUND_MS = 1000;
const MEMORY_CALLS = 10000;
/** getPlan of a 50-task plan: fewer calls, each carries about 40 KB. */
const PLAN_TASKS = 50;
const PLAN_CALLS = 500;
/** Polls of a watch of the same plan, in rounds that alternate the SDK and raw. */
const WATCH_POLLS = 100;
const WATCH_ROUNDS = 6;
/** Watchers of one project, and watches of different projects: requests per second. */
const ONE_PROJECT_WATCHERS = [1, 10, 100];
const ONE_PROJECT_INTERVAL_MS = 500;
const ONE_PROJECT_MS = 5000;
const MANY_PROJECTS = 40;
const MANY_PROJECTS_MS = 10000;

const log = (message) => console.error(`bench: ${message}`);

/** The q-quantile (0..1) of `values`, interpolating between neighbours. */
function quantile(values, q) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (sorted.length - 1) * q;
  const low = Math.floor(at);
  const high = Math.min(low + 1, sorted.length - 1);
  return sorted[low] + (sorted[high] - sorted[low]) * (at - low);
}

/** The seeded project that is already cancelled: the lenient server answers every
 * cancel of it with 200 and the same body, so it can be cancelled any number of times. */
async function cancelledProject() {
  const res = await fetch(`${BASE_URL}/__dev/projects`, { headers: { Authorization: `Bearer ${TOKEN}` } });
  if (!res.ok) throw new Error(`GET /__dev/projects: HTTP ${res.status}`);
  const { projects } = await res.json();
  const project = projects.find((p) => p.status === 'cancelled');
  if (!project) throw new Error('the devserver has no cancelled project');
  return project.id;
}

/** A new executing project with a plan of PLAN_TASKS tasks. */
async function bigPlanProject() {
  const res = await fetch(`${BASE_URL}/__dev/projects`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ status: 'executing', task_count: PLAN_TASKS }),
  });
  if (!res.ok) throw new Error(`POST /__dev/projects: HTTP ${res.status}`);
  return (await res.json()).id;
}

/** New projects in `status` (`count` of them). */
async function newProjects(status, count) {
  const res = await fetch(`${BASE_URL}/__dev/projects`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ status, count }),
  });
  if (!res.ok) throw new Error(`POST /__dev/projects: HTTP ${res.status}`);
  const created = await res.json();
  return created.ids ?? [created.id];
}

/** Plan requests the server has received so far. */
async function planRequests() {
  const res = await fetch(`${BASE_URL}/__dev/stats`, { headers: { Authorization: `Bearer ${TOKEN}` } });
  if (!res.ok) throw new Error(`GET /__dev/stats: HTTP ${res.status}`);
  return (await res.json()).route_requests.plan;
}

/** A new context (own cache, own renderer process) and page; uncaught errors fail the run. */
async function open(browser, path, isolated) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error));
  if (isolated) {
    // The devserver sends no COOP/COEP; adding them to the page makes it cross-origin
    // isolated, which sharpens performance.now() from 100 µs to 5 µs. Routing sends
    // every request through playwright, so it is removed once the page has loaded.
    await context.route(`**${path}`, async (route) => {
      const response = await route.fetch();
      const headers = {
        ...response.headers(),
        'cross-origin-opener-policy': 'same-origin',
        'cross-origin-embedder-policy': 'require-corp',
      };
      await route.fulfill({ response, headers });
    });
  }
  await page.goto(`${BASE_URL}${path}`);
  if (isolated) await context.unrouteAll();
  const check = () => {
    if (errors.length > 0) throw errors[0];
  };
  return { page, check, close: () => context.close() };
}

async function startup(browser) {
  const loads = [];
  // The first load also starts the browser's network service: not counted.
  for (let i = 0; i <= STARTUP_LOADS; i++) {
    const { page, check, close } = await open(browser, '/startup.html', false);
    const load = await page.evaluate(() => window.startup);
    check();
    await close();
    if (i > 0) loads.push(load);
  }
  const ms = loads.map((l) => l.ms);
  return {
    loads: loads.length,
    medianMs: quantile(ms, 0.5),
    p95Ms: quantile(ms, 0.95),
    afterWasmMedianMs: quantile(loads.map((l) => l.afterWasmMs), 0.5),
  };
}

async function callsPage(browser, { projectId, planId }) {
  const opened = await open(browser, '/calls.html', true);
  await opened.page.waitForFunction(() => window.bench !== undefined);
  const args = [projectId, TOKEN, planId];
  const setup = await opened.page.evaluate((a) => window.bench.setup(...a), args);
  if (setup.wasmFetches !== 1) throw new Error(`the page fetched the .wasm ${setup.wasmFetches} times`);
  if (!setup.statuses.every((s) => s === 'cancelled')) throw new Error(`cancel answered ${setup.statuses}`);
  if (!setup.planTasks.every((n) => n === PLAN_TASKS)) throw new Error(`plans of ${setup.planTasks} tasks`);
  opened.check();
  return { ...opened, setup };
}

const summary = (ms) => ({ medianMs: quantile(ms, 0.5), p99Ms: quantile(ms, 0.99) });

/** getPlan of a 50-task plan, SDK and raw alternating, over the network and stubbed. */
async function planCalls(browser, projects) {
  const { page, check, close } = await callsPage(browser, projects);
  const kinds = ['planSdk', 'planRaw'];
  log(`getPlan (${PLAN_TASKS} tasks): ${PLAN_CALLS} SDK and ${PLAN_CALLS} raw calls, alternating`);
  await page.evaluate((a) => window.bench.perCall(...a), [WARMUP_CALLS, kinds]);
  const times = await page.evaluate((a) => window.bench.perCall(...a), [PLAN_CALLS, kinds]);
  await page.evaluate((a) => window.bench.perCallStubbed(...a), [WARMUP_CALLS, kinds]);
  const stubbed = await page.evaluate((a) => window.bench.perCallStubbed(...a), [PLAN_CALLS, kinds]);
  check();
  await close();
  return {
    tasks: PLAN_TASKS,
    calls: PLAN_CALLS,
    sdk: summary(times.sdk),
    raw: summary(times.raw),
    stubbed: { sdk: summary(stubbed.sdk), raw: summary(stubbed.raw) },
  };
}

/** A watch of the 50-task plan, per poll: SDK and raw, over the network and stubbed. */
async function watchPolls(browser, projects) {
  const { page, check, close } = await callsPage(browser, projects);
  log(`watchProject (${PLAN_TASKS} tasks): ${WATCH_ROUNDS} rounds of ${WATCH_POLLS} polls each, SDK and raw`);
  const measure = (stub) => page.evaluate((a) => window.bench.watchPolls(...a), [WATCH_POLLS, WATCH_ROUNDS, stub]);
  await page.evaluate((a) => window.bench.watchPolls(...a), [WATCH_POLLS, 2, false]);
  const times = await measure(false);
  await page.evaluate((a) => window.bench.watchPolls(...a), [WATCH_POLLS, 2, true]);
  const stubbed = await measure(true);
  check();
  await close();
  return {
    polls: WATCH_POLLS * WATCH_ROUNDS,
    sdk: summary(times.sdk),
    raw: summary(times.raw),
    stubbed: { sdk: summary(stubbed.sdk), raw: summary(stubbed.raw) },
  };
}

async function perCallAndThroughput(browser, projects) {
  const { page, check, close, setup } = await callsPage(browser, projects);
  // Warm-up, so that both paths run optimised code (V8 tiers hot wasm and JS up).
  await page.evaluate((n) => window.bench.perCall(n), WARMUP_CALLS);
  log(`per call: ${PER_CALL} SDK and ${PER_CALL} raw calls, alternating`);
  const times = await page.evaluate((n) => window.bench.perCall(n), PER_CALL);

  log(`per call, fetch stubbed: ${PER_CALL} SDK and ${PER_CALL} raw calls, alternating`);
  await page.evaluate((n) => window.bench.perCallStubbed(n), WARMUP_CALLS);
  const stubbed = await page.evaluate((n) => window.bench.perCallStubbed(n), PER_CALL);
  // Median of each phase: before the request, the request, after it (ms).
  const phases = (calls) => {
    if (calls.length !== PER_CALL) throw new Error(`${calls.length} of ${PER_CALL} calls have a resource entry`);
    return [0, 1, 2].map((i) => quantile(calls.map((c) => c[i]), 0.5));
  };
  // How much of the gap the request plumbing of the SDK's rules costs by itself:
  // rawPlumbed in the SDK's place.
  const kinds = ['rawPlumbed', 'raw'];
  log(`per call, raw with the SDK's request plumbing: ${PER_CALL} calls of each, over the network and stubbed`);
  await page.evaluate((a) => window.bench.perCall(...a), [WARMUP_CALLS, kinds]);
  const plumbed = await page.evaluate((a) => window.bench.perCall(...a), [PER_CALL, kinds]);
  const plumbedStubbed = await page.evaluate((a) => window.bench.perCallStubbed(...a), [PER_CALL, kinds]);
  const perCall = {
    calls: PER_CALL,
    crossOriginIsolated: setup.crossOriginIsolated,
    sdk: { ...summary(times.sdk), phasesMs: phases(times.phases.sdk) },
    raw: { ...summary(times.raw), phasesMs: phases(times.phases.raw) },
    stubbed: { sdk: summary(stubbed.sdk), raw: summary(stubbed.raw) },
    plumbed: {
      sdk: { ...summary(plumbed.sdk), phasesMs: phases(plumbed.phases.sdk) },
      raw: { ...summary(plumbed.raw), phasesMs: phases(plumbed.phases.raw) },
      stubbed: { sdk: summary(plumbedStubbed.sdk), raw: summary(plumbedStubbed.raw) },
    },
  };

  const throughput = [];
  for (const inFlight of IN_FLIGHT) {
    log(`throughput: ${inFlight} in flight, ${ROUNDS} rounds of ${ROUND_MS} ms each`);
    const rates = { sdk: [], raw: [] };
    for (let round = 0; round < ROUNDS; round++) {
      for (const kind of round % 2 === 0 ? ['sdk', 'raw'] : ['raw', 'sdk']) {
        const args = [kind, inFlight, ROUND_MS];
        rates[kind].push(await page.evaluate((a) => window.bench.throughput(...a), args));
      }
    }
    const mean = (values) => values.reduce((a, b) => a + b, 0) / values.length;
    throughput.push({ inFlight, sdkPerSec: mean(rates.sdk), rawPerSec: mean(rates.raw) });
  }
  check();
  await close();
  return { perCall, throughput };
}

/**
 * Requests per second the server receives from watchers: of one project (1, 10, 100 of
 * them) and of 40 different projects at the default interval, the SDK's (shared polls,
 * one request budget) against one loop each.
 */
async function watchers(browser, projects) {
  const { page, check, close } = await callsPage(browser, projects);
  const rate = async (kind, ids, intervalMs, ms) => {
    const before = await planRequests();
    await page.evaluate((a) => window.bench.watchers(...a), [kind, ids, intervalMs, ms]);
    return ((await planRequests()) - before) / (ms / 1000);
  };
  const oneProject = [];
  for (const count of ONE_PROJECT_WATCHERS) {
    log(`watchers: ${count} of one project, every ${ONE_PROJECT_INTERVAL_MS} ms, ${ONE_PROJECT_MS} ms each way`);
    const [id] = await newProjects('paused', 1);
    const ids = Array.from({ length: count }, () => id);
    oneProject.push({
      watchers: count,
      sdkPerSec: await rate('sdk', ids, ONE_PROJECT_INTERVAL_MS, ONE_PROJECT_MS),
      naivePerSec: await rate('naive', ids, ONE_PROJECT_INTERVAL_MS, ONE_PROJECT_MS),
    });
  }
  log(`watchers: ${MANY_PROJECTS} projects at the default interval, ${MANY_PROJECTS_MS} ms each way`);
  const ids = await newProjects('paused', MANY_PROJECTS);
  const manyProjects = {
    projects: MANY_PROJECTS,
    // The SDK's default interval, 2 s; the naive loops wait as long.
    sdkPerSec: await rate('sdk', ids, undefined, MANY_PROJECTS_MS),
    naivePerSec: await rate('naive', ids, 2000, MANY_PROJECTS_MS),
  };
  check();
  await close();
  return { intervalMs: ONE_PROJECT_INTERVAL_MS, oneProject, manyProjects };
}

async function memory(browser, projects) {
  log(`memory: ${MEMORY_CALLS} SDK calls in a fresh page`);
  const { page, check, close } = await callsPage(browser, projects);
  const before = await page.evaluate(() => window.bench.memory());
  await page.evaluate((n) => window.bench.calls('sdk', n, 16), MEMORY_CALLS);
  const after = await page.evaluate(() => window.bench.memory());
  check();
  await close();
  return { calls: MEMORY_CALLS, before, after };
}

const browser = await chromium.launch({
  ...CHROMIUM,
  // gc() for the memory readings, and performance.memory unrounded.
  args: [...CHROMIUM.args, '--js-flags=--expose-gc', '--enable-precise-memory-info'],
});
try {
  const projects = { projectId: await cancelledProject(), planId: await bigPlanProject() };
  log(`start-up: ${STARTUP_LOADS} loads, each in a new browser context`);
  const results = {
    date: `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    chromium: browser.version(),
    startup: await startup(browser),
    ...(await perCallAndThroughput(browser, projects)),
    plan: await planCalls(browser, projects),
    watch: await watchPolls(browser, projects),
    watchers: await watchers(browser, projects),
    memory: await memory(browser, projects),
  };
  writeFileSync(OUT, `${JSON.stringify(results, null, 2)}\n`);
} finally {
  await browser.close();
}
