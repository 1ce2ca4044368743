// The project list, live (`client.watchProjects({ status, limit })`): filtered by
// status, with the server's `count` (all matching projects, before the limit). Each
// update is applied in place: a row whose project changed is updated, a new project's
// row is added where the server lists it, a gone project's row leaves, and the other
// rows keep their place (the server puts the last updated first, which would move rows
// under the pointer every time a project moves).
import { badge, button, byId, el, PROJECT_STATUS, quoted } from './dom.js';

/** @typedef {import('/pkg/index.js').Project} Project */

const filterForm = byId('filter', HTMLFormElement);
const statusSelect = byId('status-filter', HTMLSelectElement);
const limitInput = byId('limit', HTMLInputElement);
const countLine = byId('projects-count', HTMLElement);
const list = byId('projects', HTMLUListElement);
const section = byId('projects-section', HTMLElement);
const heading = byId('projects-heading', HTMLElement);

for (const [value, text] of Object.entries(PROJECT_STATUS)) {
  const option = el('option', '', text);
  option.value = value;
  statusSelect.append(option);
}

/**
 * A row's title and status line, from the project as it is now.
 * @param {HTMLElement} row
 * @param {Project} project
 */
function fillRow(row, project) {
  row.dataset.status = project.status;
  row.dataset.title = project.title;
  const meta = el('p', 'project-meta');
  meta.append(badge(project.status), el('span', 'project-id', project.id));
  const main = el('div', 'project-main');
  main.append(el('h3', 'project-title', project.title), meta);
  const about = row.querySelector('.project-open .visually-hidden');
  if (about) about.textContent = ` ${quoted(project.title)}`;
  const old = row.querySelector('.project-main');
  if (old) old.replaceWith(main);
  else row.prepend(main);
}

/**
 * @param {Project} project
 * @param {(id: string) => void} onOpen
 */
function projectRow(project, onOpen) {
  const row = el('li', 'project');
  row.dataset.projectId = project.id;
  const open = button('Open plan', 'button-quiet project-open', quoted(project.title));
  open.addEventListener('click', () => onOpen(project.id));
  row.append(open);
  fillRow(row, project);
  return row;
}

/**
 * Wires the filter; `load` starts the list anew with what it asks for.
 * @param {() => void} load
 */
export function setUpProjects(load) {
  filterForm.addEventListener('submit', (event) => {
    event.preventDefault();
    load();
  });
  statusSelect.addEventListener('change', load);
}

/** What the filter asks for: `status` and `limit`, as watchProjects takes them. */
export function listOptions() {
  const limit = Number(limitInput.value);
  return {
    ...(statusSelect.value ? { status: statusSelect.value } : {}),
    ...(limitInput.value.trim() === '' ? {} : { limit }),
  };
}

/** @param {boolean} busy */
export function setListBusy(busy) {
  section.setAttribute('aria-busy', String(busy));
}

/** Empties the list, before a list of other projects (another filter, another server). */
export function clearProjects() {
  list.replaceChildren();
  countLine.textContent = '';
  delete countLine.dataset.count;
}

/**
 * Shows the list as the server has it now, changing only the rows that changed.
 * @param {{ projects: Project[], count: number }} answer
 * @param {(id: string) => void} onOpen
 */
export function showProjects({ projects, count }, onOpen) {
  const focusedRow = document.activeElement?.closest('#projects > li');
  const rows = new Map();
  for (const row of list.querySelectorAll(':scope > li')) {
    if (row instanceof HTMLElement) rows.set(row.dataset.projectId, row);
  }
  const listed = new Set(projects.map((project) => project.id));
  for (const [id, row] of rows) if (!listed.has(id)) row.remove();
  /** @type {HTMLElement | null} */
  let previous = null;
  for (const project of projects) {
    let row = rows.get(project.id);
    if (!row) {
      row = projectRow(project, onOpen);
      // Right after the project the server lists before it, or first.
      if (previous) previous.after(row);
      else list.prepend(row);
    } else if (row.dataset.status !== project.status || row.dataset.title !== project.title) {
      fillRow(row, project);
    }
    previous = row;
  }
  // Focus in a row that left goes to the list rather than to the page's start.
  if (focusedRow && !focusedRow.isConnected) focusList();
  const matching = `${count} ${count === 1 ? 'project' : 'projects'}`;
  countLine.textContent = projects.length < count ? `${matching} · showing ${projects.length}` : matching;
  countLine.dataset.count = String(count);
}

export function focusList() {
  heading.focus();
}

/**
 * Focuses project `id`'s Open plan button, where its plan was opened from; the list
 * when the project is no longer listed.
 * @param {string} id
 */
export function focusProject(id) {
  const open = list.querySelector(`[data-project-id="${CSS.escape(id)}"] .project-open`);
  if (open instanceof HTMLElement) open.focus();
  else focusList();
}
