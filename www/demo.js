// The demo page of deepwork-client. It imports the package exactly as a page without a
// bundler would. Everything a server sends is put on the page as text (textContent and
// text nodes, never innerHTML): a project's title may be HTML.
import { cancelProject, isDeepWorkError } from '/pkg/index.js';

/** @typedef {import('../pkg/index.js').Project} Project */
/** @typedef {import('../pkg/index.js').DeepWorkError} DeepWorkError */
/** @typedef {{ id: string, title: string | null }} Target  a project about to be cancelled */
/** @typedef {{ id: string, title: string, status: string, counts: Map<string, number> }} Listed */
/** @typedef {{ title: string, status: string, note: string | null }} Task */

/** Statuses the cancel endpoint accepts; the others have nothing left to stop. */
const CANCELLABLE = new Set(['draft', 'planning', 'awaiting_approval', 'approved', 'executing', 'paused', 'failed']);

/** @type {Record<string, string>} */
const STATUS_LABELS = {
  draft: 'Draft',
  planning: 'Planning',
  awaiting_approval: 'Awaiting approval',
  approved: 'Approved',
  executing: 'Executing',
  paused: 'Paused',
  completed: 'Completed',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

/**
 * Task statuses in the order a reader wants them counted.
 * @type {Record<string, string>}
 */
const TASK_LABELS = {
  done: 'done',
  in_progress: 'in progress',
  review: 'in review',
  assigned: 'assigned',
  blocked: 'blocked',
  inbox: 'in inbox',
  skipped: 'skipped',
};

const TOKEN_KEY = 'deepwork-demo.token';
const FETCH_TIMEOUT_MS = 15_000;

/**
 * @template {HTMLElement} T
 * @param {string} id
 * @param {new () => T} type
 * @returns {T}
 */
function byId(id, type) {
  const element = document.getElementById(id);
  if (!(element instanceof type)) throw new Error(`the page has no #${id}`);
  return element;
}

const connectionForm = byId('connection', HTMLFormElement);
const baseUrlInput = byId('base-url', HTMLInputElement);
const tokenInput = byId('token', HTMLInputElement);
const tokenHint = byId('token-hint', HTMLElement);
const outcome = byId('outcome', HTMLElement);
const outcomeHeading = byId('outcome-heading', HTMLElement);
const outcomeBody = byId('outcome-body', HTMLElement);
const projectsSection = byId('projects-section', HTMLElement);
const projectsNote = byId('projects-note', HTMLElement);
const projectsList = byId('projects', HTMLUListElement);
const refreshButton = byId('refresh', HTMLButtonElement);
const listingNote = byId('listing-note', HTMLElement);
const byIdForm = byId('by-id', HTMLFormElement);
const projectIdInput = byId('project-id', HTMLInputElement);
const announcer = byId('announcer', HTMLElement);
const confirmDialog = byId('confirm', HTMLDialogElement);
const confirmTitle = byId('confirm-title', HTMLElement);

/**
 * The projects of the last listing, by id: for titles in the confirmation and outcome.
 * @type {Map<string, Listed>}
 */
let listed = new Map();
/**
 * The cancel request in flight, if any: one at a time keeps the outcome unambiguous.
 * @type {AbortController | null}
 */
let inFlight = null;
/** @type {Target | null} */
let confirming = null;
/** Bumped per cancel, so a slow plan answer cannot overwrite a newer outcome. */
let runCount = 0;

// ---- small DOM helpers: text only ----

/**
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {string} [className]
 * @param {string} [text]
 * @returns {HTMLElementTagNameMap[K]}
 */
function el(tag, className, text) {
  const element = document.createElement(tag);
  if (className) element.className = className;
  if (text !== undefined) element.textContent = text;
  return element;
}

/** @param {string} status */
function statusLabel(status) {
  return STATUS_LABELS[status] ?? status.replaceAll('_', ' ');
}

/** @param {string} status */
function badge(status) {
  const span = el('span', 'badge', statusLabel(status));
  span.dataset.status = status;
  return span;
}

/**
 * A timestamp in the reader's locale, keeping the machine-readable one in `datetime`.
 * @param {string} iso
 */
function timeElement(iso) {
  const time = el('time');
  time.dateTime = iso;
  const date = new Date(iso);
  time.textContent = Number.isNaN(date.getTime())
    ? iso
    : new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(date);
  return time;
}

/**
 * A run of text and inline elements, kept together as one piece of a flex line.
 * @param {(string | Node)[]} parts
 */
function phrase(...parts) {
  const span = el('span');
  span.append(...parts);
  return span;
}

/** @param {string} title */
function quoted(title) {
  return `“${title}”`;
}

/** @param {string} message */
function announce(message) {
  // Clearing first, then writing a moment later, makes a repeated sentence be read again.
  announcer.textContent = '';
  setTimeout(() => {
    announcer.textContent = message;
  }, 50);
}

// ---- connection: base URL and token ----

function baseUrl() {
  return baseUrlInput.value.trim().replace(/\/+$/, '');
}

function token() {
  return tokenInput.value;
}

/** @param {string} value */
function remember(value) {
  try {
    sessionStorage.setItem(TOKEN_KEY, value);
  } catch {
    // Storage may be disabled; the field itself keeps the token for this page.
  }
}

/** Takes `#token=…` from the address bar (once), else the token kept for this tab. */
function initialToken() {
  const fragment = new URLSearchParams(location.hash.slice(1));
  const fromUrl = fragment.get('token');
  if (fromUrl !== null) {
    fragment.delete('token');
    const rest = fragment.toString();
    history.replaceState(history.state, '', `${location.pathname}${location.search}${rest ? `#${rest}` : ''}`);
    remember(fromUrl);
    return fromUrl;
  }
  try {
    return sessionStorage.getItem(TOKEN_KEY) ?? '';
  } catch {
    return '';
  }
}

function showTokenHint() {
  const value = token();
  tokenInput.removeAttribute('aria-invalid');
  tokenHint.classList.remove('hint-error');
  // Only the last four characters, and only of a token long enough to keep its secret.
  tokenHint.textContent = value.length >= 16 ? `Ends in ••••${value.slice(-4)}. Kept in this tab only.` : 'Kept in this tab only.';
}

function markTokenRejected() {
  tokenInput.setAttribute('aria-invalid', 'true');
  tokenHint.classList.add('hint-error');
  tokenHint.textContent = 'The server did not accept this token.';
}

/** Focuses the token field when it is empty; returns whether there is a token. */
function requireToken() {
  if (token()) return true;
  tokenInput.focus();
  tokenInput.reportValidity();
  return false;
}

// ---- plain fetches for what the SDK has no call for yet ----

class HttpStatusError extends Error {
  /** @param {number} status */
  constructor(status) {
    super(`HTTP ${status}`);
    this.status = status;
  }
}

/**
 * GET `path` on the server with the token; resolves with the parsed JSON.
 * @param {string} path
 * @param {AbortSignal} signal
 * @returns {Promise<unknown>}
 */
async function getJson(path, signal) {
  // new URL() rejects a relative base, as the SDK does, instead of asking this page's server.
  const response = await fetch(new URL(`${baseUrl()}${path}`), {
    headers: { Authorization: `Bearer ${token()}` },
    cache: 'no-store',
    // Like the SDK: no redirects, so the token cannot be carried to another URL.
    redirect: 'error',
    signal,
  });
  if (!response.ok) throw new HttpStatusError(response.status);
  return response.json();
}

/**
 * @param {unknown} value
 * @returns {value is Record<string, unknown>}
 */
function isObject(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The dev listing's projects, or null when the answer is not one.
 * @param {unknown} body
 * @returns {Listed[] | null}
 */
function parseListing(body) {
  if (!isObject(body) || !Array.isArray(body.projects)) return null;
  /** @type {Listed[]} */
  const projects = [];
  for (const item of body.projects) {
    if (!isObject(item)) return null;
    const { id, title, status, task_counts: taskCounts } = item;
    if (typeof id !== 'string' || typeof title !== 'string' || typeof status !== 'string') return null;
    const counts = new Map();
    if (isObject(taskCounts)) {
      for (const [name, count] of Object.entries(taskCounts)) {
        if (typeof count === 'number') counts.set(name, count);
      }
    }
    projects.push({ id, title, status, counts });
  }
  return projects;
}

/**
 * The plan answer's tasks, or null when the answer has none.
 * @param {unknown} body
 * @returns {Task[] | null}
 */
function parseTasks(body) {
  if (!isObject(body) || !Array.isArray(body.tasks)) return null;
  /** @type {Task[]} */
  const tasks = [];
  for (const item of body.tasks) {
    if (!isObject(item) || typeof item.title !== 'string' || typeof item.status !== 'string') return null;
    const note = typeof item.error_message === 'string' ? item.error_message : null;
    tasks.push({ title: item.title, status: item.status, note });
  }
  return tasks;
}

/** @param {Iterable<string>} statuses */
function countStatuses(statuses) {
  /** @type {Map<string, number>} */
  const counts = new Map();
  for (const status of statuses) counts.set(status, (counts.get(status) ?? 0) + 1);
  return counts;
}

/**
 * "6 tasks · 2 done · 1 in progress", known statuses first, then any a newer server adds.
 * @param {Map<string, number>} counts
 */
function describeCounts(counts) {
  let total = 0;
  for (const count of counts.values()) total += count;
  const names = [...Object.keys(TASK_LABELS), ...[...counts.keys()].filter((name) => !(name in TASK_LABELS))];
  const parts = names
    .filter((name) => (counts.get(name) ?? 0) > 0)
    .map((name) => `${counts.get(name)} ${TASK_LABELS[name] ?? name.replaceAll('_', ' ')}`);
  return [`${total} ${total === 1 ? 'task' : 'tasks'}`, ...parts].join(' · ');
}

// ---- the project list ----

/** @param {Listed} project */
function projectRow(project) {
  const row = el('li', 'project');
  row.dataset.projectId = project.id;
  const main = el('div', 'project-main');
  const meta = el('p', 'project-meta');
  meta.append(badge(project.status), el('span', 'counts', describeCounts(project.counts)));
  main.append(el('h3', 'project-title', project.title), meta);
  row.append(main);
  if (CANCELLABLE.has(project.status)) {
    const button = el('button', 'button button-danger-quiet project-cancel', 'Cancel');
    button.type = 'button';
    // Every row's button says "Cancel"; the hidden title tells them apart for screen readers.
    button.append(el('span', 'visually-hidden', ` ${quoted(project.title)}`));
    button.disabled = inFlight !== null;
    button.addEventListener('click', () => confirmCancel({ id: project.id, title: project.title }));
    row.append(button);
  }
  return row;
}

/** @param {string} message */
function showProjectsNote(message) {
  projectsNote.textContent = message;
  projectsNote.hidden = message === '';
}

/** @param {Listed[]} projects */
function showProjects(projects) {
  listed = new Map(projects.map((project) => [project.id, project]));
  projectsList.replaceChildren(...projects.map(projectRow));
  showProjectsNote(projects.length === 0 ? 'There are no projects on this server yet.' : '');
  projectsSection.hidden = false;
  listingNote.hidden = true;
}

/**
 * Not every server lists its projects: then the page works through the id field alone.
 * @param {string} reason
 */
function hideProjects(reason) {
  listed = new Map();
  projectsList.replaceChildren();
  projectsSection.hidden = true;
  listingNote.textContent = reason;
  listingNote.hidden = false;
}

let listingRun = 0;

async function loadProjects() {
  const run = ++listingRun;
  if (!token()) {
    showProjects([]);
    showProjectsNote('Enter the token above to see the projects.');
    return;
  }
  projectsSection.setAttribute('aria-busy', 'true');
  showProjectsNote('Loading projects…');
  /** @type {Listed[] | null} */
  let projects = null;
  let reason = 'This server does not list its projects; cancel one by its id.';
  try {
    projects = parseListing(await getJson('/__dev/projects', AbortSignal.timeout(FETCH_TIMEOUT_MS)));
  } catch (error) {
    if (error instanceof HttpStatusError && error.status === 401) {
      markTokenRejected();
      reason = 'The server did not accept the token, so it could not list its projects.';
    }
  }
  if (run !== listingRun) return;
  projectsSection.removeAttribute('aria-busy');
  if (projects) {
    showTokenHint();
    showProjects(projects);
  } else {
    hideProjects(reason);
  }
}

/**
 * Shows `project` in its row after a cancel, with counts from its tasks when known.
 * @param {Project} project
 * @param {Task[] | null} tasks
 */
function updateRow(project, tasks) {
  const before = listed.get(project.id);
  if (!before) return;
  const after = {
    ...before,
    title: project.title,
    status: project.status,
    counts: tasks ? countStatuses(tasks.map((task) => task.status)) : before.counts,
  };
  listed.set(project.id, after);
  for (const row of [...projectsList.children]) {
    if (row instanceof HTMLElement && row.dataset.projectId === project.id) row.replaceWith(projectRow(after));
  }
}

// ---- cancelling: confirm, wait (abortably), show the outcome ----

/** @param {Target} target */
function confirmCancel(target) {
  if (inFlight || !requireToken()) return;
  confirming = target;
  confirmTitle.textContent = target.title === null ? `Cancel project ${target.id}?` : `Cancel ${quoted(target.title)}?`;
  confirmDialog.returnValue = '';
  confirmDialog.showModal();
}

confirmDialog.addEventListener('close', () => {
  const target = confirming;
  confirming = null;
  if (target && confirmDialog.returnValue === 'cancel') void runCancel(target);
});

/** @param {boolean} busy */
function setBusy(busy) {
  for (const button of document.querySelectorAll('.project-cancel, #by-id button')) {
    if (button instanceof HTMLButtonElement) button.disabled = busy;
  }
  outcome.setAttribute('aria-busy', String(busy));
}

/**
 * @param {string} state  busy | done | error | stopped: picks the outcome card's accent
 * @param {string} heading
 * @param {Node[]} body
 */
function showOutcome(state, heading, body) {
  outcome.hidden = false;
  outcome.dataset.state = state;
  delete outcome.dataset.kind;
  outcomeHeading.textContent = heading;
  outcomeBody.replaceChildren(...body);
}

/** @param {Target} target */
function nameOf(target) {
  return target.title === null ? `project ${target.id}` : quoted(target.title);
}

function spinner() {
  const span = el('span', 'spinner');
  span.setAttribute('aria-hidden', 'true');
  return span;
}

/** @param {Target} target */
async function runCancel(target) {
  const run = ++runCount;
  const controller = new AbortController();
  inFlight = controller;
  setBusy(true);

  const stop = el('button', 'button button-quiet', 'Stop waiting');
  stop.type = 'button';
  stop.addEventListener('click', () => controller.abort());
  const waiting = el('div', 'waiting');
  waiting.append(spinner(), el('p', '', 'Waiting for the server to answer…'));
  showOutcome('busy', `Cancelling ${nameOf(target)}`, [waiting, stop]);
  announce(`Cancelling ${nameOf(target)}…`);
  stop.focus();

  /** @type {Project} */
  let project;
  try {
    project = await cancelProject(target.id, token(), { baseUrl: baseUrl(), signal: controller.signal });
  } catch (error) {
    showFailure(target, error);
    return;
  } finally {
    inFlight = null;
    setBusy(false);
  }
  await showCancelled(run, project);
}

/**
 * @param {number} run
 * @param {Project} project
 */
async function showCancelled(run, project) {
  const name = quoted(project.title);
  const summary = el('p', 'outcome-summary');
  let heading;
  let sentence;
  if (project.status === 'cancelled') {
    heading = `${name} is cancelled`;
    sentence = `${name} is cancelled.`;
    summary.append(badge(project.status));
    if (project.completed_at) summary.append(phrase('Cancelled ', timeElement(project.completed_at), '.'));
  } else {
    // A server that follows the real one answers a finished project with the project as it is.
    heading = `${name} had already finished`;
    sentence = `${name} had already finished; nothing was cancelled.`;
    summary.append(badge(project.status));
    summary.append(project.completed_at
      ? phrase('Nothing was cancelled: it finished ', timeElement(project.completed_at), '.')
      : phrase('Nothing was cancelled.'));
  }
  const tasksHeading = el('h3', 'tasks-heading', 'Tasks');
  const tasksBody = el('div', 'tasks-body');
  tasksBody.append(el('p', 'hint', 'Loading the tasks…'));
  showOutcome('done', heading, [summary, tasksHeading, tasksBody]);
  outcomeHeading.focus();

  /** @type {Task[] | null} */
  let tasks = null;
  let problem = 'The server sent no task list.';
  try {
    const path = `/api/deep-work/projects/${encodeURIComponent(project.id)}/plan`;
    tasks = parseTasks(await getJson(path, AbortSignal.timeout(FETCH_TIMEOUT_MS)));
  } catch (error) {
    problem = error instanceof Error && error.name === 'TimeoutError'
      ? 'The server took too long to send the tasks.'
      : `The tasks could not be loaded (${error instanceof Error ? error.message : 'unknown error'}).`;
  }
  if (run !== runCount) return;
  updateRow(project, tasks);
  if (tasks) {
    const counts = countStatuses(tasks.map((task) => task.status));
    tasksBody.replaceChildren(el('p', 'tasks-summary', describeCounts(counts)), taskList(tasks));
    announce(`${sentence} ${describeCounts(counts)}.`);
  } else {
    tasksBody.replaceChildren(el('p', 'hint', problem));
    announce(sentence);
  }
}

/**
 * Done and skipped tasks differ in text, icon and colour, not in colour alone.
 * @param {Task[]} tasks
 */
function taskList(tasks) {
  const list = el('ul', 'tasks');
  for (const task of tasks) {
    const item = el('li', 'task');
    item.dataset.status = task.status;
    const text = el('div', 'task-text');
    text.append(el('span', 'task-title', task.title));
    if (task.note && task.status === 'skipped') text.append(el('span', 'task-note', task.note));
    const label = TASK_LABELS[task.status] ?? task.status.replaceAll('_', ' ');
    item.append(el('span', 'task-status', label.charAt(0).toUpperCase() + label.slice(1)), text);
    list.append(item);
  }
  return list;
}

/**
 * One plain sentence per kind of failure.
 * @param {DeepWorkError} error
 */
function explain(error) {
  const wait = error.retryAfterMs === undefined ? '' : ` It asked to wait ${Math.ceil(error.retryAfterMs / 1000)} s.`;
  switch (error.kind) {
    case 'invalid_argument':
      return 'The request was not sent: the server address, token or project id cannot be used.';
    case 'unauthorized':
      return 'The server did not accept the token. Check it above and try again.';
    case 'forbidden':
      return 'This token is not allowed to cancel this project.';
    case 'not_found':
      return 'The server has no project with this id.';
    case 'invalid_state':
      switch (error.currentStatus) {
        case 'completed':
          return "This project already finished; it can't be cancelled.";
        case 'cancelled':
          return 'This project was already cancelled.';
        case undefined:
          return "This project can't be cancelled in its current state.";
        default:
          return `This project can't be cancelled while it is ${statusLabel(error.currentStatus).toLowerCase()}.`;
      }
    case 'bad_request':
      return 'The server turned the request down.';
    case 'validation':
      return 'The server says the request is not valid.';
    case 'rate_limited':
      return `The server is getting too many requests. Wait a moment and try again.${wait}`;
    case 'server':
      return `The server ran into a problem. Try again in a moment.${wait}`;
    case 'http':
      return `The server gave an unexpected answer${error.status === undefined ? '' : ` (HTTP ${error.status})`}.`;
    case 'network':
      return 'The server could not be reached. Check its address and your connection.';
    case 'timeout':
      return 'The server took too long to answer, so the request was stopped.';
    case 'aborted':
      return 'You stopped waiting. If the request reached the server, the project may still be cancelled: refresh the list to see where it stands.';
    case 'invalid_response':
      return 'The server’s answer did not look like a Deep Work project. Refresh the list to see whether the project was cancelled.';
    default:
      // A kind added by a newer SDK: its message is written for people.
      return error.message;
  }
}

/**
 * The server's own words: its `detail` string, or the issues of a 422.
 * @param {DeepWorkError} error
 */
function detailOf(error) {
  const { detail } = error;
  if (typeof detail === 'string') return detail;
  if (Array.isArray(detail)) return detail.map((issue) => `${issue.loc.join('.')}: ${issue.msg}`).join('; ');
  // No server answer to quote: the SDK's message says what was wrong (never the token).
  return error.kind === 'invalid_argument' ? error.message : null;
}

/**
 * @param {Target} target
 * @param {unknown} error
 */
function showFailure(target, error) {
  if (!isDeepWorkError(error)) {
    // The SDK rejects with DeepWorkError only; anything else is a bug worth seeing.
    console.error(error);
    showOutcome('error', `Could not cancel ${nameOf(target)}`, [el('p', '', 'Something unexpected went wrong.')]);
    outcomeHeading.focus();
    return;
  }
  const sentence = explain(error);
  const body = [el('p', 'outcome-sentence', sentence)];
  const detail = detailOf(error);
  if (detail) {
    const line = el('p', 'detail');
    line.append(el('span', 'detail-label', error.status === undefined ? 'Details' : `Server said (HTTP ${error.status})`), el('span', 'detail-text', detail));
    body.push(line);
  }
  const heading = error.kind === 'aborted' ? 'Stopped waiting' : `Could not cancel ${nameOf(target)}`;
  showOutcome(error.kind === 'aborted' ? 'stopped' : 'error', heading, body);
  outcome.dataset.kind = error.kind;
  announce(`${heading}. ${sentence}`);
  if (error.kind === 'unauthorized') {
    markTokenRejected();
    tokenInput.focus();
  } else {
    outcomeHeading.focus();
  }
}

// ---- wiring ----

baseUrlInput.value = location.protocol.startsWith('http') ? location.origin : '';
tokenInput.value = initialToken();
showTokenHint();

tokenInput.addEventListener('input', showTokenHint);
tokenInput.addEventListener('change', () => remember(token()));

connectionForm.addEventListener('submit', (event) => {
  event.preventDefault();
  remember(token());
  void loadProjects();
});

refreshButton.addEventListener('click', () => void loadProjects());

byIdForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const id = projectIdInput.value.trim();
  confirmCancel({ id, title: listed.get(id)?.title ?? null });
});

void loadProjects();
