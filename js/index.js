// The package's entry point for browsers, Web Workers and bundlers. It starts the wasm
// module once, with top-level await, so that the first call needs no separate
// initialisation step. (Node uses node.js instead: see package.json `exports`.)
import init from './deepwork_client.js';

export { cancelProject, DeepWorkClient } from './deepwork_client.js';
export { DeepWorkError, isDeepWorkError } from './__ERROR_MODULE__';

await init();
