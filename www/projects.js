// The project list: `client.listProjects({ status, limit })`, filtered by status, with
// the server's `count` (all matching projects, before the limit).
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
 * @param {Project} project
 * @param {(id: string) => void} onOpen
 */
function projectRow(project, onOpen) {
  const row = el('li', 'project');
  row.dataset.projectId = project.id;
  const main = el('div', 'project-main');
  const meta = el('p', 'project-meta');
  meta.append(badge(project.status), el('span', 'project-id', project.id));
  main.append(el('h3', 'project-title', project.title), meta);
  const open = button('Open plan', 'button-quiet project-open', quoted(project.title));
  open.addEventListener('click', () => onOpen(project.id));
  row.append(main, open);
  return row;
}

/**
 * Wires the filter; `load` runs the listing (through the page's one action runner).
 * @param {() => void} load
 */
export function setUpProjects(load) {
  filterForm.addEventListener('submit', (event) => {
    event.preventDefault();
    load();
  });
  statusSelect.addEventListener('change', load);
}

/** What the filter asks for, as listProjects' options. */
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

/**
 * @param {{ projects: Project[], count: number }} answer
 * @param {(id: string) => void} onOpen
 */
export function showProjects({ projects, count }, onOpen) {
  list.replaceChildren(...projects.map((project) => projectRow(project, onOpen)));
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
