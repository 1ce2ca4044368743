// Small DOM helpers shared by the views. Everything a server sends goes on the page as
// text (textContent and text nodes, never innerHTML): a project's title may be HTML.

/** @type {Record<string, string>} */
export const PROJECT_STATUS = {
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

/** @type {Record<string, string>} */
export const TASK_STATUS = {
  inbox: 'Inbox',
  assigned: 'Assigned',
  in_progress: 'In progress',
  review: 'In review',
  done: 'Done',
  blocked: 'Blocked',
  skipped: 'Skipped',
};

/**
 * @template {HTMLElement} T
 * @param {string} id
 * @param {new () => T} type
 * @returns {T}
 */
export function byId(id, type) {
  const element = document.getElementById(id);
  if (!(element instanceof type)) throw new Error(`the page has no #${id}`);
  return element;
}

/**
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {string} [className]
 * @param {string} [text]
 * @returns {HTMLElementTagNameMap[K]}
 */
export function el(tag, className, text) {
  const element = document.createElement(tag);
  if (className) element.className = className;
  if (text !== undefined) element.textContent = text;
  return element;
}

/**
 * A button whose visible text is `label`; `about` (e.g. a title) is added for screen
 * readers only, so that every row's "Skip" has its own name.
 * @param {string} label
 * @param {string} className
 * @param {string} [about]
 */
export function button(label, className, about) {
  const element = el('button', `button ${className}`, label);
  element.type = 'button';
  if (about !== undefined) element.append(el('span', 'visually-hidden', ` ${about}`));
  return element;
}

/**
 * @param {Record<string, string>} labels
 * @param {string} status
 */
export function label(labels, status) {
  return labels[status] ?? status.replaceAll('_', ' ');
}

/** A project's status in words (colour only adds to it). @param {string} status */
export function badge(status) {
  const span = el('span', 'badge', label(PROJECT_STATUS, status));
  span.dataset.status = status;
  return span;
}

/** @param {string} title */
export function quoted(title) {
  return `“${title}”`;
}
