// The servers `cargo xtask test real-server` started (it sets the variables):
// PocketPaw, the real server, and, for the parity tests, a lenient devserver; and
// plain HTTP requests to them from the tests themselves.
//
// Both limit requests per client address. The browser's requests come from 127.0.0.1;
// the tests' own (setting up projects, checking what the server holds) come from
// HELPER_ADDRESS, so that they never spend the browser's budget, and its access-log
// lines tell them apart.

import http from 'node:http';

/** The server xtask named in `${prefix}_URL` and `${prefix}_TOKEN`. */
export function serverFromEnvironment(prefix, name) {
  const url = process.env[`${prefix}_URL`];
  const token = process.env[`${prefix}_TOKEN`];
  if (!url || !token) {
    throw new Error(`${prefix}_URL and ${prefix}_TOKEN are not set: run these tests with \`cargo xtask test real-server\``);
  }
  return { name, url, token };
}

export const pocketpaw = { ...serverFromEnvironment('POCKETPAW', 'PocketPaw'), log: process.env.POCKETPAW_LOG };

/** Where the tests' own requests come from (any 127.x address reaches 127.0.0.1). */
export const HELPER_ADDRESS = '127.0.0.2';
/** Where the browser's requests come from. */
export const BROWSER_ADDRESS = '127.0.0.1';

/**
 * One request, as sent: `body` an object (sent as JSON) or a string (sent as it is);
 * `token: null` sends no Authorization header. Resolves to the answer's status,
 * headers (lower-case names), text, and JSON (undefined when the text is not JSON).
 * @returns {Promise<{ status: number, headers: Record<string, string>, text: string, json: any }>}
 */
export function request(target, method, path, { token = target.token, body, headers = {}, from = HELPER_ADDRESS } = {}) {
  const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  const sent = { ...headers };
  if (token !== null) sent.authorization = `Bearer ${token}`;
  if (payload !== undefined) {
    sent['content-type'] ??= 'application/json';
    sent['content-length'] = Buffer.byteLength(payload);
  }
  return new Promise((resolve, reject) => {
    const outgoing = http.request(new URL(path, target.url), { method, headers: sent, localAddress: from, agent: false }, (incoming) => {
      const chunks = [];
      incoming.on('data', (chunk) => chunks.push(chunk));
      incoming.on('error', reject);
      incoming.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: incoming.statusCode, headers: incoming.headers, text, json });
      });
    });
    outgoing.on('error', reject);
    outgoing.end(payload);
  });
}

/**
 * `request`, with a 429 waited out as its Retry-After asks (the request was not
 * carried out) and sent again: the answer the server gives once it takes it.
 */
export async function settled(target, method, path, options) {
  for (;;) {
    const answer = await request(target, method, path, options);
    if (answer.status !== 429) return answer;
    await waitRetryAfter(answer);
  }
}

/** `settled`, for the tests' own calls: any answer but a 2xx throws. Resolves to its JSON. */
export async function api(target, method, path, body) {
  const answer = await settled(target, method, path, { body });
  if (answer.status < 200 || answer.status > 299) {
    throw new Error(`${target.name}: ${method} ${path} answered ${answer.status} ${answer.text}`);
  }
  return answer.json;
}

/** Waits as long as a 429's Retry-After says (whole seconds). */
function waitRetryAfter(answer) {
  const seconds = Number(answer.headers['retry-after']);
  if (!Number.isFinite(seconds)) throw new Error(`429 without a usable Retry-After: ${JSON.stringify(answer.headers)}`);
  return new Promise((done) => setTimeout(done, seconds * 1000));
}
