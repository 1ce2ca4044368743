// The browser's share of PocketPaw's rate limiter: a bucket of 30 requests per client
// address, refilled at 10 a second, that every browser test draws from.

import { BROWSER_ADDRESS, pocketpaw, request } from './servers.mjs';

export const BURST = 30;
const PER_SECOND = 10;

/**
 * Waits until the browser's bucket holds `tokens` (at most 29, past the probe's own),
 * as the server itself says: a probe from the browser's address reads
 * X-RateLimit-Remaining, and the next probe comes once the refill can have made up
 * the rest. Tests that count requests or expect one error start with this much room,
 * so that the limiter cannot change what they see; the rate-limit test starts and
 * ends with a full bucket.
 */
export async function roomFor(tokens) {
  for (let probe = 0; probe < 10; probe++) {
    const answer = await request(pocketpaw, 'GET', '/api/v1/health', { from: BROWSER_ADDRESS });
    const left = answer.status === 429 ? 0 : Number(answer.headers['x-ratelimit-remaining']);
    if (left >= tokens) return;
    // The next probe takes a token too.
    await new Promise((done) => setTimeout(done, ((tokens - left + 1) * 1000) / PER_SECOND));
  }
  throw new Error(`the browser's bucket did not refill to ${tokens} requests`);
}
