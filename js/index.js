// The package's entry point. It starts the wasm module once, with top-level await, so
// that the first call needs no separate initialisation step.
import init from './deepwork_client.js';

export { cancelProject, DeepWorkClient } from './deepwork_client.js';
export { DeepWorkError, isDeepWorkError } from './__ERROR_MODULE__';

await init();
