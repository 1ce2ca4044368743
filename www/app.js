// The Deep Work dashboard: the demo page of deepwork-client, built only on the SDK. It
// imports the package exactly as a page without a bundler would ('/pkg/index.js'). Each
// view is its own module; this one keeps the list and the open plan live (live.js), and
// runs every call, one at a time.
import { isDeepWorkError } from '/pkg/index.js';
import { client, setUpConnection } from './connection.js';
import { confirmThen } from './confirm.js';
import { label, PROJECT_STATUS, quoted } from './dom.js';
import { follow } from './live.js';
import { clearMessage, showError, showSuccess } from './messages.js';
import { closePlan, focusPlan, setUpPlan, showLive, showPlan, showPlanning } from './plan.js';
import { clearProjects, focusList, focusProject, listOptions, setListBusy, setUpProjects, showProjects } from './projects.js';
import { setUpStart } from './start.js';

/** @typedef {import('/pkg/index.js').DeepWorkClient} DeepWorkClient */
/** @typedef {import('/pkg/index.js').Project} Project */

let busy = false;
/** The project in the plan's place, if any, and whether its plan is watched or awaited. */
let openId = /** @type {string | null} */ (null);
let planMode = /** @type {'watch' | 'wait' | null} */ (null);
/** Stops the list's watch; stops the plan's watch, or the wait for a new project's plan. */
let stopList = () => {};
let stopPlan = () => {};

/** @param {boolean} value */
function setBusy(value) {
  busy = value;
  document.body.toggleAttribute('data-busy', value);
  for (const control of document.querySelectorAll('[data-action]')) {
    if (control instanceof HTMLButtonElement) control.disabled = value;
  }
}

/**
 * Starts the list's watch anew (stopping the one before): with `fresh`, a new list
 * (another filter or server) replaces the rows; without, the rows are kept and brought
 * up to date, so a change made here shows at once rather than at the next poll.
 * @param {{ fresh: boolean }} how
 */
function watchList({ fresh }) {
  stopList();
  stopList = () => {};
  if (fresh) clearProjects();
  const sdk = client();
  if (!sdk) return;
  setListBusy(true);
  stopList = follow('list', (onStateChange) => sdk.watchProjects({ ...listOptions(), onStateChange }), {
    onValue(update) {
      setListBusy(false);
      showProjects(update, (id) => openPlan(id));
    },
    onError(error) {
      setListBusy(false);
      showError('Could not list the projects', error);
    },
  });
}

function stopPlanUpdates() {
  stopPlan();
  stopPlan = () => {};
  planMode = null;
}

/**
 * Opens project `id`'s plan and keeps it live until it closes or another one opens.
 * @param {string} id
 * @param {{ focus?: boolean }} [options]
 */
function openPlan(id, { focus = true } = {}) {
  stopPlanUpdates();
  openId = id;
  const sdk = client();
  if (!sdk) return;
  planMode = 'watch';
  let first = true;
  stopPlan = follow('plan', (onStateChange) => sdk.watchProject(id, { onStateChange }), {
    onValue(plan) {
      showPlan(plan, handlers);
      showLive('live');
      setBusy(busy);
      if (first && focus) focusPlan();
      first = false;
    },
    onEnd() {
      showLive('ended');
    },
    onError(error) {
      showError('Could not load the plan', error);
      if (isDeepWorkError(error) && error.kind === 'not_found') hidePlan();
      else showLive('off');
    },
  });
}

/**
 * Shows a project just started as it is (planning) and waits for its plan with
 * `waitForProject`, then opens it. Close, or opening another plan, ends the wait.
 * @param {Project} project
 */
function awaitPlan(project) {
  stopPlanUpdates();
  openId = project.id;
  const sdk = client();
  if (!sdk) return;
  planMode = 'wait';
  const controller = new AbortController();
  stopPlan = () => controller.abort();
  showPlanning(project, handlers);
  setBusy(busy);
  // Whatever comes after planning: awaiting approval, or failed on a server that
  // cannot plan; a cancel from elsewhere shows as cancelled.
  const until = (/** @type {import('/pkg/index.js').Plan} */ plan) => plan.project.status !== 'planning';
  sdk.waitForProject(project.id, { until, signal: controller.signal }).then(
    (plan) => {
      if (controller.signal.aborted) return;
      const { title, status } = plan.project;
      const now = label(PROJECT_STATUS, status).toLowerCase();
      // A project cancelled elsewhere while it was planned, or that failed, has none.
      showSuccess(plan.tasks.length > 0 ? `The plan of ${quoted(title)} is ready: it is ${now}.` : `${quoted(title)} has no plan: it is ${now}.`);
      // Focus stays where it is: on the plan's title if the person is still there.
      openPlan(project.id, { focus: false });
    },
    (error) => {
      if (controller.signal.aborted) return;
      showError(`No plan came for ${quoted(project.title)}`, error);
      hidePlan();
    },
  );
}

function hidePlan() {
  stopPlanUpdates();
  openId = null;
  closePlan();
}

/** The list, and the plan shown (if watched), as the server has them now: their watches
 * start anew, each with a request at once. */
function refresh() {
  if (openId !== null && planMode === 'watch') openPlan(openId, { focus: false });
  watchList({ fresh: false });
}

/**
 * Runs one call; says what happened; refreshes the views after a success.
 * @param {string} failure  "Could not …", shown with the error
 * @param {(sdk: DeepWorkClient) => Promise<string>} call  resolves with the success sentence
 * @param {() => void} [after]  runs after a success, before the refresh
 */
async function act(failure, call, after) {
  if (busy) return false;
  setBusy(true);
  clearMessage();
  try {
    const sdk = client();
    if (!sdk) return false;
    showSuccess(await call(sdk));
    after?.();
  } catch (error) {
    showError(failure, error);
    return false;
  } finally {
    setBusy(false);
  }
  refresh();
  // Focus stays where the person works: the plan, or the list once the plan is gone.
  if (openId !== null) focusPlan();
  else focusList();
  return true;
}

/** @type {import('./plan.js').Handlers} */
const handlers = {
  project(action, project) {
    const name = quoted(project.title);
    switch (action) {
      case 'approve':
        void act(`Could not approve ${name}`, async (sdk) => `Approved ${quoted((await sdk.approveProject(project.id)).title)}.`);
        break;
      case 'pause':
        void act(`Could not pause ${name}`, async (sdk) => `Paused ${quoted((await sdk.pauseProject(project.id)).title)}.`);
        break;
      case 'resume':
        void act(`Could not resume ${name}`, async (sdk) => `Resumed ${quoted((await sdk.resumeProject(project.id)).title)}.`);
        break;
      case 'cancel':
        confirmThen(
          {
            heading: `Cancel ${name}?`,
            consequence: 'Running tasks stop, pending tasks are skipped, finished work is kept. A cancelled project cannot be resumed.',
            confirmLabel: 'Cancel project',
          },
          () =>
            void act(
              `Could not cancel ${name}`,
              async (sdk) => `Cancelled ${quoted((await sdk.cancelProject(project.id)).title)}.`,
              // A project cancelled while it was being planned: its plan is watched now.
              () => {
                if (planMode === 'wait' && openId === project.id) planMode = 'watch';
              },
            ),
        );
        break;
      case 'delete':
        confirmThen(
          {
            heading: `Delete ${name}?`,
            consequence: 'The project and all its tasks are removed from the server. This cannot be undone.',
            confirmLabel: 'Delete project',
          },
          () =>
            void act(
              `Could not delete ${name}`,
              async (sdk) => {
                // The plan's watch (or wait) would see the project vanish and report it as an error.
                const mode = planMode;
                stopPlanUpdates();
                try {
                  await sdk.deleteProject(project.id);
                } catch (error) {
                  // Live again, unless the plan was closed meanwhile.
                  if (openId === project.id && mode !== null) openPlan(project.id, { focus: false });
                  throw error;
                }
                return `Deleted ${name}.`;
              },
              hidePlan,
            ),
        );
        break;
    }
  },
  task(action, project, task) {
    const name = quoted(task.title);
    if (action === 'skip') {
      void act(`Could not skip ${name}`, async (sdk) => {
        const { progress } = await sdk.skipTask(project.id, task.id);
        return `Skipped ${name}. ${progress.percent}% done.`;
      });
    } else {
      void act(`Could not retry ${name}`, async (sdk) => {
        const { task: retried } = await sdk.retryTask(project.id, task.id);
        return `Retrying ${name}: it is ${retried.status.replaceAll('_', ' ')} again.`;
      });
    }
  },
};

setUpProjects(() => watchList({ fresh: true }));
// Close ends the watch (or the wait); focus goes back to the row the plan was opened from.
setUpPlan(() => {
  const id = openId;
  hidePlan();
  if (id === null) focusList();
  else focusProject(id);
});
setUpStart((description, researchDepth) => {
  /** @type {Project | null} */
  let started = null;
  return act(
    'Could not start the project',
    async (sdk) => {
      started = await sdk.startProject(description, { researchDepth });
      return `Started ${quoted(started.title)}: it is ${started.status.replaceAll('_', ' ')}.`;
    },
    // It takes the plan's place, as it is (planning), while its plan is awaited.
    () => {
      if (started) awaitPlan(started);
    },
  );
});

setUpConnection(() => {
  clearMessage();
  watchList({ fresh: true });
  if (openId !== null && planMode === 'watch') openPlan(openId, { focus: false });
});
