// The Vite app: a production build (`vite build`, through Vite's API so that the
// output goes to a temporary folder), served from its own origin and run in headless
// Chromium, on the main thread and in a module worker; then the same under Vite's dev
// server, which pre-bundles dependencies and must still find the .wasm.

import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { build, createServer } from 'vite';
import { launch, outputOf, serve } from '../harness/browser.mjs';
import { callScenarios } from '../harness/scenarios.mjs';
import { baseUrl, cancelRequests, createProject, serverStatus, token } from '../harness/devserver.mjs';

const root = fileURLToPath(new URL('.', import.meta.url));
let outDir;
let browser;
let site;
before(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'deepwork-vite-'));
  await build({ root, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  browser = await launch();
  site = await serve(outDir);
});
after(async () => {
  await browser?.close();
  await site?.close();
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

const appUrl = (params) => `${site.url}#${new URLSearchParams(params)}`;

test('the build emits the wasm module as an asset', async () => {
  const assets = await readdir(join(outDir, 'assets'));
  assert.equal(assets.filter((name) => name.endsWith('.wasm')).length, 1, assets.join(', '));
});

test('the built app cancels a project on its first call, with no errors or warnings', async () => {
  const projectId = await createProject('executing');
  const { text, problems } = await outputOf(browser, appUrl({ baseUrl, token, projectId, via: 'page' }));
  assert.equal(text, `${projectId} is cancelled`);
  assert.deepEqual(problems, []);
  assert.equal(await serverStatus(projectId), 'cancelled');
  assert.equal(await cancelRequests(projectId), 1);
});

test('the built app cancels a project in its module worker', async () => {
  const projectId = await createProject('executing');
  const { text, problems } = await outputOf(browser, appUrl({ baseUrl, token, projectId, via: 'worker' }));
  assert.equal(text, `${projectId} is cancelled`);
  assert.deepEqual(problems, []);
  assert.equal(await serverStatus(projectId), 'cancelled');
});

test('a wrong token reaches the built app as kind unauthorized', async () => {
  const projectId = await createProject('executing');
  const { text } = await outputOf(browser, appUrl({ baseUrl, token: 'wrong-token', projectId, via: 'page' }));
  assert.equal(text, 'cancel failed: unauthorized');
  assert.equal(await serverStatus(projectId), 'executing');
});

for (const via of ['page', 'worker']) {
  callScenarios((params) => outputOf(browser, appUrl({ ...params, via })), { who: `the built app (${via})` });
}

test('the app works under the dev server too, on the main thread and in its worker', async () => {
  const server = await createServer({ root, logLevel: 'warn', server: { host: '127.0.0.1', port: 0 } });
  try {
    await server.listen();
    const [url] = server.resolvedUrls.local;
    for (const via of ['page', 'worker']) {
      const projectId = await createProject('executing');
      const { text, problems } = await outputOf(browser, `${url}#${new URLSearchParams({ baseUrl, token, projectId, via })}`);
      assert.equal(text, `${projectId} is cancelled`, via);
      assert.deepEqual(problems, [], via);
    }
  } finally {
    await server.close();
  }
});
