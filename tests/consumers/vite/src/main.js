import { run } from './calls.js';

// Test plumbing: the test passes the server, the token, the call and its arguments,
// and where to make it (`via=page` or `via=worker`) in the fragment.
const { via, call = 'cancel', ...params } = Object.fromEntries(new URLSearchParams(location.hash.slice(1)));
const output = document.querySelector('output');

if (via === 'worker') {
  const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  worker.onmessage = ({ data }) => { output.textContent = data; };
  worker.postMessage({ call, params });
} else {
  output.textContent = await run(call, params);
}
