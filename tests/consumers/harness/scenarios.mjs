// The two scenarios every page fixture runs (its index.html shows the outcome): a first
// call that cancels, with no console problems, and a wrong token that reaches the page
// as a typed DeepWorkError. Each page is served from its own origin, so every call is a
// real cross-origin request to the devserver.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { usePageFixture } from './browser.mjs';
import { baseUrl, cancelRequests, createProject, serverStatus, token } from './devserver.mjs';

/**
 * @param {URL} folderUrl the fixture's folder
 * @param {{ who: string, unauthorized: string }} expect who makes the call, and the
 *   text the page shows for a wrong token
 */
export function pageScenarios(folderUrl, expect) {
  const page = usePageFixture(folderUrl);

  test(`${expect.who} cancels a project on its first call, with no errors or warnings`, async () => {
    const projectId = await createProject('executing');
    const { text, problems } = await page.open({ baseUrl, token, projectId });
    assert.equal(text, `${projectId} is cancelled`);
    assert.deepEqual(problems, []);
    assert.equal(await serverStatus(projectId), 'cancelled');
    assert.equal(await cancelRequests(projectId), 1);
  });

  test(`a wrong token reaches ${expect.who} as a DeepWorkError of kind unauthorized`, async () => {
    const projectId = await createProject('executing');
    const { text } = await page.open({ baseUrl, token: 'wrong-token', projectId });
    assert.equal(text, expect.unauthorized);
    assert.equal(await serverStatus(projectId), 'executing');
  });
}
