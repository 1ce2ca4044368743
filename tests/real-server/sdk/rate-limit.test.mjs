// PocketPaw's own rate limiter (per client address, a burst of 30, then 10 a second)
// against the SDK: its request budget, shared by every client of the page, keeps a
// burst of calls under the limiter; without it (`rateLimit: false`) a burst past the
// limit rides out the 429s within each call's retries. A cross-origin page cannot read
// Retry-After (PocketPaw exposes no header), so the SDK waits by its own backoff.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { mark, since } from '../support/access-log.mjs';
import { usePage } from '../support/browser.mjs';
import { BURST, roomFor } from '../support/rate-limit.mjs';
import { BROWSER_ADDRESS } from '../support/servers.mjs';

const page = usePage();

// Start from a full bucket, so that exactly what the burst spends is known, and leave
// one for whatever runs next.
before(() => roomFor(BURST - 1));
after(() => roomFor(BURST - 1));

test('the request budget keeps a burst of calls, each of its own client, under the limiter', async () => {
  const calls = 40;
  const from = mark();
  const status = (i) => `budget-${i}`;
  const results = await page.callAll(Array.from({ length: calls }, (_, i) => ['listProjects', [{ status: status(i) }]]));
  assert.deepEqual(results.filter((r) => r.error).map((r) => r.error), [], 'every call succeeds');
  const requests = since(from, { client: BROWSER_ADDRESS, method: 'GET', path: /^\/api\/mission-control\/projects\?/ });
  assert.deepEqual(requests.map((r) => r.status), requests.map(() => 200), 'not one 429 in the server\'s log');
  assert.equal(requests.length, calls, 'one request a call');
  // Leave the server's bucket as the next test expects it.
  await roomFor(BURST - 1);
});

test('without the budget, a burst past the limit rides out the 429s, each call within its retries', async () => {
  const calls = 40;
  // Four retries, not the default two: with two, about one run in two loses a call of
  // such a burst to three 429s in a row (backoff windows of 0.5 s and 1 s, while ten
  // calls wait on a refill of 10 a second).
  const maxRetries = 4;
  const from = mark();
  // Each call lists a status of its own, which no project has: the log tells every
  // call's requests apart, and each is quick for the server, so that the burst
  // outruns the refill.
  const status = (i) => `burst-${i}`;
  const results = await page.callAll(
    Array.from({ length: calls }, (_, i) => ['listProjects', [{ status: status(i) }]]),
    { maxRetries, rateLimit: false },
  );
  const failed = results.filter((r) => r.error).map((r) => r.error);
  assert.deepEqual(failed, [], 'every call succeeds');
  assert.deepEqual(results.map(({ value }) => value.count), results.map(() => 0));

  const requests = since(from, { client: BROWSER_ADDRESS, method: 'GET', path: /^\/api\/mission-control\/projects\?/ });
  const limited = requests.filter((r) => r.status === 429).length;
  assert.ok(limited > 0, 'the burst went past the limit: some requests were answered 429');
  for (let i = 0; i < calls; i++) {
    const answers = requests.filter((r) => new URLSearchParams(r.path.split('?')[1]).get('status') === status(i)).map((r) => r.status);
    assert.equal(answers.at(-1), 200, `call ${i}: ${answers}`);
    assert.ok(answers.slice(0, -1).every((status) => status === 429), `call ${i}: ${answers}`);
    assert.ok(answers.length <= 1 + maxRetries, `call ${i} sent ${answers.length} requests`);
  }
  assert.equal(requests.length, calls + limited);
});
