// PocketPaw's access log: uvicorn writes one line per request, before the answer
// leaves, so once a call has settled its requests are all there. What the tests
// count of what reached the server comes from here, not from the client's word.
//
//   INFO:     127.0.0.1:53692 - "GET /api/deep-work/projects/…/plan HTTP/1.1" 200 OK

import { readFileSync } from 'node:fs';
import { pocketpaw } from './servers.mjs';

const LINE = /^INFO:\s+([\d.]+):\d+ - "([A-Z]+) (\S+) HTTP\/[\d.]+" (\d{3})/;

/** @typedef {{ client: string, method: string, path: string, status: number }} Entry */

/** Every request the server has logged so far, oldest first. @returns {Entry[]} */
export function entries() {
  return readFileSync(pocketpaw.log, 'utf8')
    .split('\n')
    .map((line) => LINE.exec(line))
    .filter(Boolean)
    .map(([, client, method, path, status]) => ({ client, method, path, status: Number(status) }));
}

/** A place in the log: `since(mark)` gives what came after it. */
export function mark() {
  return entries().length;
}

/**
 * The requests logged after `from` (a `mark()`) that match every field given:
 * `path` may be a string (the path with its query, exactly) or a RegExp.
 * @param {number} from
 * @param {{ client?: string, method?: string, path?: string | RegExp, status?: number }} match
 */
export function since(from, { client, method, path, status } = {}) {
  return entries()
    .slice(from)
    .filter(
      (entry) =>
        (client === undefined || entry.client === client) &&
        (method === undefined || entry.method === method) &&
        (status === undefined || entry.status === status) &&
        (path === undefined || (path instanceof RegExp ? path.test(entry.path) : entry.path === path)),
    );
}

/** The whole log as text, e.g. to check that a secret never reached it. */
export function text() {
  return readFileSync(pocketpaw.log, 'utf8');
}
