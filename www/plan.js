// A project's plan, as `client.watchProject(id)` yields it: its actions, a progress bar,
// and its tasks grouped by execution level. Blocked and human tasks carry a word and a
// symbol, not just a colour. A project still being planned shows as such until its
// plan comes; with no plan open, a placeholder holds the plan's place beside the list.
import { badge, button, byId, el, label, quoted, TASK_STATUS } from './dom.js';

/** @typedef {import('/pkg/index.js').Plan} Plan */
/** @typedef {import('/pkg/index.js').Project} Project */
/** @typedef {import('/pkg/index.js').Task} Task */
/** @typedef {'approve' | 'pause' | 'resume' | 'cancel' | 'delete'} ProjectAction */
/** @typedef {'skip' | 'retry'} TaskAction */
/**
 * @typedef {{
 *   project: (action: ProjectAction, project: Project) => void,
 *   task: (action: TaskAction, project: Project, task: Task) => void,
 * }} Handlers
 */

const section = byId('plan-section', HTMLElement);
const heading = byId('plan-heading', HTMLElement);
const body = byId('plan-body', HTMLElement);
const live = byId('plan-live', HTMLElement);
const closeButton = byId('plan-close', HTMLButtonElement);
const placeholder = byId('plan-none', HTMLElement);

/** Which project actions each status allows; delete is always offered. */
const CANCELLABLE = new Set(['draft', 'planning', 'awaiting_approval', 'approved', 'executing', 'paused', 'failed']);
/** @type {Record<string, ProjectAction>} */
const NEXT_STEP = { awaiting_approval: 'approve', executing: 'pause', paused: 'resume' };
const SKIPPABLE = new Set(['inbox', 'assigned', 'review', 'blocked']);

/** @type {Record<ProjectAction, string>} */
const PROJECT_LABELS = {
  approve: 'Approve',
  pause: 'Pause',
  resume: 'Resume',
  cancel: 'Cancel project…',
  delete: 'Delete project…',
};

/**
 * @param {Project} project
 * @param {Handlers} on
 */
function projectActions(project, on) {
  /** @type {ProjectAction[]} */
  const actions = [];
  const next = NEXT_STEP[project.status];
  if (next) actions.push(next);
  if (CANCELLABLE.has(project.status)) actions.push('cancel');
  actions.push('delete');
  const bar = el('div', 'plan-actions');
  bar.setAttribute('role', 'group');
  bar.setAttribute('aria-label', 'Project actions');
  for (const action of actions) {
    const style = action === 'cancel' || action === 'delete' ? 'button-danger-quiet' : '';
    const control = button(PROJECT_LABELS[action], style);
    control.dataset.action = action;
    control.addEventListener('click', () => on.project(action, project));
    bar.append(control);
  }
  return bar;
}

/** @param {import('/pkg/index.js').Progress} progress */
function progressBar(progress) {
  const wrap = el('div', 'progress');
  const id = 'plan-progress';
  const caption = el('label', 'progress-caption', `${progress.percent}% done`);
  caption.htmlFor = id;
  const bar = el('progress');
  bar.id = id;
  bar.max = 100;
  bar.value = progress.percent;
  const parts = [
    `${progress.completed} of ${progress.total} done`,
    `${progress.skipped} skipped`,
    `${progress.in_progress} in progress`,
    `${progress.blocked} blocked`,
    `${progress.human_pending} waiting for a person`,
  ];
  wrap.append(caption, bar, el('p', 'progress-counts', parts.join(' · ')));
  return wrap;
}

/**
 * @param {Task} task
 * @param {Project} project
 * @param {Handlers} on
 */
function taskItem(task, project, on) {
  const item = el('li', 'task');
  item.dataset.taskId = task.id;
  item.dataset.status = task.status;
  item.dataset.type = task.task_type;
  const text = el('div', 'task-text');
  text.append(el('span', 'task-title', task.title));
  const tags = el('p', 'task-tags');
  // A blocked task's status is its mark: a word and a symbol, not just a colour.
  if (task.status === 'blocked') tags.append(el('span', 'tag tag-blocked', 'Blocked'));
  else tags.append(el('span', 'task-status', label(TASK_STATUS, task.status)));
  if (task.task_type === 'human') tags.append(el('span', 'tag tag-human', 'Human task'));
  text.append(tags);
  if (task.error_message) text.append(el('span', 'task-note', task.error_message));
  item.append(text);

  /** @type {TaskAction[]} */
  const actions = [];
  if (SKIPPABLE.has(task.status)) actions.push('skip');
  if (task.status === 'blocked') actions.push('retry');
  if (actions.length > 0) {
    const bar = el('div', 'task-actions');
    for (const action of actions) {
      const control = button(action === 'skip' ? 'Skip' : 'Retry', 'button-quiet button-small', quoted(task.title));
      control.dataset.action = action;
      control.addEventListener('click', () => on.task(action, project, task));
      bar.append(control);
    }
    item.append(bar);
  }
  return item;
}

/**
 * Tasks in the plan's execution levels, then any no level names.
 * @param {Plan} plan
 * @returns {{ name: string, tasks: Task[] }[]}
 */
function groups(plan) {
  const byTaskId = new Map(plan.tasks.map((task) => [task.id, task]));
  const placed = new Set();
  const result = plan.execution_levels.map((ids, index) => {
    const tasks = [];
    for (const id of ids) {
      const task = byTaskId.get(id);
      if (task && !placed.has(id)) {
        placed.add(id);
        tasks.push(task);
      }
    }
    return { name: `Level ${index + 1}`, tasks };
  });
  // A task the levels leave out but task_level_map places still joins its level.
  const rest = [];
  for (const task of plan.tasks) {
    if (placed.has(task.id)) continue;
    const level = plan.task_level_map[task.id];
    if (typeof level === 'number' && result[level]) result[level].tasks.push(task);
    else rest.push(task);
  }
  if (rest.length > 0) result.push({ name: 'Not in a level', tasks: rest });
  return result.filter((group) => group.tasks.length > 0);
}

/**
 * What has focus in the plan, to find again after the plan is drawn anew.
 * @returns {string | null} a selector for it
 */
function focused() {
  const active = document.activeElement;
  if (!(active instanceof HTMLElement) || !body.contains(active) || !active.dataset.action) return null;
  const task = active.closest('[data-task-id]');
  const action = `[data-action="${active.dataset.action}"]`;
  return task instanceof HTMLElement ? `[data-task-id="${CSS.escape(task.dataset.taskId ?? '')}"] ${action}` : `.plan-actions ${action}`;
}

/**
 * Shows the plan's section for `project`, with `parts` below its title.
 * @param {Project} project
 * @param {Node[]} parts
 */
function show(project, parts) {
  const keep = focused();
  section.hidden = false;
  placeholder.hidden = true;
  section.dataset.projectId = project.id;
  heading.textContent = project.title;
  const meta = el('p', 'project-meta');
  meta.append(badge(project.status), el('span', 'project-id', project.id));
  body.replaceChildren(meta, ...parts);
  if (keep) body.querySelector(keep)?.focus();
}

/**
 * Draws the plan; a plan that arrives while a person works in it keeps their focus.
 * @param {Plan} plan
 * @param {Handlers} on
 */
export function showPlan(plan, on) {
  const { project } = plan;
  const levels = el('div', 'levels');
  for (const group of groups(plan)) {
    const level = el('section', 'level');
    const title = el('h3', 'level-title', group.name);
    const list = el('ul', 'tasks');
    list.append(...group.tasks.map((task) => taskItem(task, project, on)));
    level.append(title, list);
    levels.append(level);
  }
  show(project, [projectActions(project, on), progressBar(plan.progress), levels]);
}

/**
 * A project just started, while the server plans it: what it offers meanwhile
 * (cancel, delete), and a word that its plan opens here once it is ready.
 * @param {Project} project
 * @param {Handlers} on
 */
export function showPlanning(project, on) {
  const note = el('p', 'plan-note', 'The server is planning it. Its plan opens here when it is ready.');
  show(project, [projectActions(project, on), note]);
  live.dataset.state = 'waiting';
  live.replaceChildren(el('span', 'live-word', 'Waiting for its plan…'));
}

/**
 * The mark beside the plan: `live` while it is watched (with the time of the last
 * change), `ended` once the project has ended, `off` when the watch failed. Whether
 * the watch reaches the server is the connection indicator's to say.
 * @param {'live' | 'ended' | 'off'} state
 */
export function showLive(state) {
  live.dataset.state = state;
  const time = new Date().toLocaleTimeString();
  const words = { live: `Updated ${time}`, ended: `Ended · updated ${time}`, off: 'Not live' }[state];
  live.replaceChildren(el('span', 'live-word', words));
}

/**
 * Wires the plan's Close button; `onClose` stops the watch and hides the plan.
 * @param {() => void} onClose
 */
export function setUpPlan(onClose) {
  closeButton.addEventListener('click', onClose);
}

export function closePlan() {
  section.hidden = true;
  placeholder.hidden = false;
  delete live.dataset.state;
  live.replaceChildren();
  delete section.dataset.projectId;
  body.replaceChildren();
}

export function focusPlan() {
  heading.focus();
}
