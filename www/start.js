// The form that starts a project: `client.startProject(description, { researchDepth })`.
import { byId } from './dom.js';

const form = byId('start', HTMLFormElement);
const description = byId('description', HTMLTextAreaElement);
const depth = byId('research-depth', HTMLSelectElement);

/**
 * @param {(description: string, researchDepth: string) => Promise<boolean>} start
 *   resolves true once the project was started
 */
export function setUpStart(start) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (await start(description.value.trim(), depth.value)) form.reset();
  });
}
