// The package's entry point for Node (the `node` export condition). Node's fetch cannot
// load file: URLs, so the browser entry's `await init()` would fail here: read the
// .wasm from disk and start it synchronously instead. Without top-level await, the
// first call needs no set-up step and `require()` of this module works too.
import { readFileSync } from 'node:fs';
import { initSync } from './deepwork_client.js';

export { cancelProject, DeepWorkClient } from './deepwork_client.js';
export { DeepWorkError, isDeepWorkError } from './__ERROR_MODULE__';

initSync({ module: readFileSync(new URL('./deepwork_client_bg.wasm', import.meta.url)) });
