// The demo imports the package exactly as a page without a bundler would.
import { cancelProject, isDeepWorkError } from '/pkg/index.js';

const form = document.getElementById('cancel-form');
const result = document.getElementById('result');
const tokenInput = document.getElementById('token');

// A token in the URL fragment (#token=…) is read once and removed from the address bar.
const fragment = new URLSearchParams(location.hash.slice(1));
if (fragment.has('token')) {
  tokenInput.value = fragment.get('token');
  history.replaceState(null, '', location.pathname + location.search);
}
document.getElementById('base-url').value = location.origin;

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const data = new FormData(form);
  result.textContent = 'Cancelling…';
  try {
    const project = await cancelProject(String(data.get('projectId')), String(data.get('token')), {
      baseUrl: String(data.get('baseUrl')),
    });
    result.textContent = `“${project.title}” is now ${project.status} (completed at ${project.completed_at ?? '—'}).`;
  } catch (error) {
    result.textContent = isDeepWorkError(error) ? `${error.kind}: ${error.message}` : String(error);
  }
});
