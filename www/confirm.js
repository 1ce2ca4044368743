// One confirmation dialog for what cannot be undone (cancel, delete): opens on the safe
// choice; Escape backs out.
import { byId } from './dom.js';

const dialog = byId('confirm', HTMLDialogElement);
const title = byId('confirm-title', HTMLElement);
const what = byId('confirm-what', HTMLElement);
const keep = byId('confirm-keep', HTMLButtonElement);
const go = byId('confirm-go', HTMLButtonElement);

/** @type {(() => void) | null} */
let pending = null;

dialog.addEventListener('close', () => {
  const action = pending;
  pending = null;
  if (action && dialog.returnValue === 'go') action();
});

/**
 * @param {{ heading: string, consequence: string, confirmLabel: string }} text
 * @param {() => void} action  run when the person confirms
 */
export function confirmThen({ heading, consequence, confirmLabel }, action) {
  title.textContent = heading;
  what.textContent = consequence;
  go.textContent = confirmLabel;
  pending = action;
  dialog.returnValue = '';
  dialog.showModal();
  keep.focus();
}
