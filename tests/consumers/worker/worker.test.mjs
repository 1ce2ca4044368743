// A page (index.html) whose dedicated module worker (worker.js) makes the call and
// posts the result back, in headless Chromium.

import { pageScenarios } from '../harness/scenarios.mjs';

pageScenarios(new URL('.', import.meta.url), { who: 'the worker', http: true });
