import { cancel } from './cancel.js';

// Test plumbing: the test passes the server, the token, the project and where to make
// the call (`via=page` or `via=worker`) in the fragment.
const { baseUrl, token, projectId, via } = Object.fromEntries(new URLSearchParams(location.hash.slice(1)));
const output = document.querySelector('output');

if (via === 'worker') {
  const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  worker.onmessage = ({ data }) => { output.textContent = data; };
  worker.postMessage({ projectId, token, baseUrl });
} else {
  output.textContent = await cancel(projectId, token, baseUrl);
}
