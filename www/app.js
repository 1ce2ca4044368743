// The Deep Work dashboard: the demo page of deepwork-client, built only on the SDK. It
// imports the package exactly as a page without a bundler would ('/pkg/index.js'). Each
// view is its own module; this one runs every call, one at a time, and refreshes the
// views after a change. The plan shown stays live (live.js).
import { isDeepWorkError } from '/pkg/index.js';
import { client, setUpConnection } from './connection.js';
import { confirmThen } from './confirm.js';
import { quoted } from './dom.js';
import { clearMessage, showError, showSuccess } from './messages.js';
import { stopWatching, watchPlan } from './live.js';
import { closePlan, focusPlan, setUpPlan, showLive, showPlan } from './plan.js';
import { focusList, focusProject, listOptions, setListBusy, setUpProjects, showProjects } from './projects.js';
import { setUpStart } from './start.js';

/** @typedef {import('/pkg/index.js').DeepWorkClient} DeepWorkClient */
/** @typedef {import('/pkg/index.js').Project} Project */
/** @typedef {import('/pkg/index.js').Task} Task */

/** Bumped per listing and per plan load, so a slow answer cannot overwrite a newer one. */
let listRun = 0;
let planRun = 0;
let busy = false;
/** The project whose plan is shown (or about to be), if any. */
let openId = /** @type {string | null} */ (null);

/** @param {boolean} value */
function setBusy(value) {
  busy = value;
  document.body.toggleAttribute('data-busy', value);
  for (const control of document.querySelectorAll('[data-action]')) {
    if (control instanceof HTMLButtonElement) control.disabled = value;
  }
}

async function loadProjects() {
  const run = ++listRun;
  setListBusy(true);
  try {
    const sdk = client();
    if (!sdk) return;
    const answer = await sdk.listProjects(listOptions());
    if (run === listRun) showProjects(answer, (id) => void openPlan(id));
  } catch (error) {
    if (run === listRun) showError('Could not list the projects', error);
  } finally {
    if (run === listRun) setListBusy(false);
  }
}

/**
 * Opens project `id`'s plan and keeps it live until it closes or another one opens.
 * @param {string} id
 * @param {{ focus?: boolean }} [options]
 */
async function openPlan(id, { focus = true } = {}) {
  const run = ++planRun;
  openId = id;
  const sdk = client();
  if (!sdk) return;
  let first = true;
  await watchPlan(sdk, id, {
    onPlan(plan) {
      if (run !== planRun) return;
      showPlan(plan, handlers);
      showLive('live');
      setBusy(busy);
      if (first && focus) focusPlan();
      first = false;
    },
    onEnd() {
      if (run === planRun) showLive('ended');
    },
    onError(error) {
      if (run !== planRun) return;
      showError('Could not load the plan', error);
      if (isDeepWorkError(error) && error.kind === 'not_found') hidePlan();
      else showLive('off');
    },
  });
}

function hidePlan() {
  stopWatching();
  openId = null;
  closePlan();
}

/** The list, and the plan shown (if any), as the server has them now: the plan's watch
 * starts anew, so a change made here shows at once rather than at the next poll. */
async function refresh() {
  if (openId !== null) void openPlan(openId, { focus: false });
  await loadProjects();
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
  await refresh();
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
          () => void act(`Could not cancel ${name}`, async (sdk) => `Cancelled ${quoted((await sdk.cancelProject(project.id)).title)}.`),
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
                // The watch would see the project vanish and report it as an error.
                stopWatching();
                try {
                  await sdk.deleteProject(project.id);
                } catch (error) {
                  // Live again, unless the plan was closed meanwhile.
                  if (openId === project.id) void openPlan(project.id, { focus: false });
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

setUpProjects(() => void loadProjects());
// Close ends the watch; focus goes back to the row the plan was opened from.
setUpPlan(() => {
  const id = openId;
  hidePlan();
  if (id === null) focusList();
  else focusProject(id);
});
setUpStart((description, researchDepth) => {
  /** @type {string | null} */
  let started = null;
  return act(
    'Could not start the project',
    async (sdk) => {
      const project = await sdk.startProject(description, { researchDepth });
      started = project.id;
      return `Started ${quoted(project.title)}: it is ${project.status.replaceAll('_', ' ')}.`;
    },
    // The refresh then shows the new project's plan.
    () => {
      openId = started;
    },
  );
});

setUpConnection(() => {
  clearMessage();
  void refresh();
});
