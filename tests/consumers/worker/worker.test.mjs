// A page (index.html) whose dedicated module worker (worker.js) makes the call and
// posts the result back, in headless Chromium. The page is served from its own origin,
// so each call is a real cross-origin request to the devserver.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { usePageFixture } from '../harness/browser.mjs';
import { baseUrl, cancelRequests, createProject, serverStatus, token } from '../harness/devserver.mjs';

const page = usePageFixture(new URL('.', import.meta.url));

test('the worker cancels a project on its first call and posts it back, with no errors or warnings', async () => {
  const projectId = await createProject('executing');
  const { text, problems } = await page.open({ baseUrl, token, projectId });
  assert.equal(text, `${projectId} is cancelled`);
  assert.deepEqual(problems, []);
  assert.equal(await serverStatus(projectId), 'cancelled');
  assert.equal(await cancelRequests(projectId), 1);
});

test('a wrong token reaches the worker as a DeepWorkError of kind unauthorized', async () => {
  const projectId = await createProject('executing');
  const { text } = await page.open({ baseUrl, token: 'wrong-token', projectId });
  assert.equal(text, 'not cancelled: unauthorized (HTTP 401)');
  assert.equal(await serverStatus(projectId), 'executing');
});
