// The comparison itself, on answers made up here: it must see each kind of difference,
// and only those, or the parity test could pass on servers that differ.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { differences } from './compare.mjs';

const answer = (status, json, headers = {}) => ({ status, headers, json, text: json === undefined ? '' : JSON.stringify(json) });
const aspects = (found) => found.map((d) => d.aspect);

test('the same answer shows no difference', () => {
  const project = { id: 'p1', status: 'cancelled', started_at: null, tags: [] };
  assert.deepEqual(differences(answer(200, { success: true, project }), answer(200, { success: true, project })), []);
});

test('a status, a key, a type and a lifecycle status that differ are each found', () => {
  const found = differences(
    answer(200, { project: { id: 'p', status: 'completed', title: 'x' } }),
    answer(400, { project: { id: 'p', status: 'cancelled', title: 7, extra: true } }),
  );
  assert.deepEqual(aspects(found).sort(), ['lifecycle', 'shape', 'shape', 'status']);
  assert.ok(found.some((d) => d.what.startsWith('$.project.extra: only in the devserver')));
  assert.ok(found.some((d) => d.what === '$.project.title: PocketPaw string, devserver number'));
});

test('a null matches any type, empty arrays match any array, free-form values only by type', () => {
  const real = { started_at: null, tasks: [], metadata: { a: 1 }, task_level_map: { t1: 0 } };
  const dev = { started_at: '2026-01-01T00:00:00+00:00', tasks: [{ id: 't' }], metadata: { b: 'x' }, task_level_map: { t9: 3 } };
  assert.deepEqual(differences(answer(200, real), answer(200, dev)), []);
  const mapped = differences(answer(200, { task_level_map: { t1: 0 } }), answer(200, { task_level_map: { t2: '0' } }));
  assert.deepEqual(aspects(mapped), ['shape']);
});

test('arrays are compared element by element, so a tuple such as a loc is too', () => {
  const issue = (loc) => ({ detail: [{ loc, msg: 'JSON decode error', type: 'json_invalid' }] });
  assert.deepEqual(differences(answer(422, issue(['body', 1])), answer(422, issue(['body', 1]))), []);
  const found = differences(answer(422, issue(['body', 1])), answer(422, issue(['body'])));
  assert.deepEqual(aspects(found).sort(), ['detail', 'shape']);
});

test("details are compared with the script's ids written as their roles", () => {
  const roles = [new Map([['id-on-pocketpaw', 'executing project']]), new Map([['id-on-devserver', 'executing project']])];
  const detail = (id) => answer(404, { detail: `Cannot approve project with status 'executing': ${id}` });
  assert.deepEqual(differences(detail('id-on-pocketpaw'), detail('id-on-devserver'), { roles }), []);
  assert.deepEqual(aspects(differences(detail('id-on-pocketpaw'), detail('another-id'), { roles })), ['detail']);
});

test('bodies that are not JSON are compared as text', () => {
  const text = (status, body) => ({ status, headers: {}, text: body, json: undefined });
  assert.deepEqual(differences(text(400, 'Disallowed CORS origin'), text(400, 'Disallowed CORS origin')), []);
  assert.deepEqual(aspects(differences(text(307, ''), text(307, 'moved'))), ['body']);
});

test("what a browser reads of CORS and the limiter's headers is compared", () => {
  const allowed = { 'access-control-allow-origin': 'http://127.0.0.1:5173', 'access-control-allow-credentials': 'true' };
  const limited = { 'x-ratelimit-limit': '30', 'x-ratelimit-remaining': '3', 'x-ratelimit-reset': '3' };
  assert.deepEqual(
    differences(answer(200, {}, { ...allowed, ...limited }), answer(200, {}, { ...allowed, ...limited, 'x-ratelimit-remaining': '12' })),
    [],
  );
  assert.deepEqual(aspects(differences(answer(200, {}, allowed), answer(200, {}, {}))), ['cors']);
  assert.deepEqual(aspects(differences(answer(200, {}, limited), answer(200, {}, {}))), ['limiter']);
  const preflight = { method: 'POST', headers: ['authorization'] };
  const allowsIt = { ...allowed, 'access-control-allow-methods': 'GET, POST', 'access-control-allow-headers': 'authorization' };
  const refusesIt = { ...allowsIt, 'access-control-allow-methods': 'GET' };
  assert.deepEqual(aspects(differences(answer(200, {}, allowsIt), answer(200, {}, refusesIt), { preflight })), ['cors']);
});

test("a case's facts are compared", () => {
  const facts = (json) => ({ leftOut: json.count - json.projects.length });
  const list = (count, listed) => answer(200, { count, projects: Array.from({ length: listed }, () => ({ id: 'x' })) });
  assert.deepEqual(differences(list(5, 4), list(9, 8), { facts }), []);
  assert.deepEqual(aspects(differences(list(5, 4), list(9, 0), { facts })), ['facts']);
});
