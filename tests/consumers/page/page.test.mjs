// The plain page (index.html, the SDK imported through an import map) in headless
// Chromium.

import { pageScenarios } from '../harness/scenarios.mjs';

pageScenarios(new URL('.', import.meta.url), { who: 'the page' });
