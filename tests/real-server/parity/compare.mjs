// How two answers to the same request are held to each other, aspect by aspect:
//
//   status     the HTTP status
//   body       a body that is not JSON (text, empty): the same text
//   shape      a JSON body's keys and JSON types, recursively. A null matches any
//              type (which fields are null depends on a project's history, e.g.
//              `started_at`); two arrays are compared element by element only when
//              neither is empty; free-form values (FREE_FORM) only by their type, and
//              objects keyed by ids (KEYED_BY_ID) by their values' types
//   detail     the error `detail`: the text, or each validation issue's loc, type
//              and msg, with the ids of the script's projects and tasks written as
//              their roles
//   lifecycle  the status of the `project` or `task` an answer carries
//   facts      what a case says must come out the same (e.g. how many were listed)
//   cors       what a browser reads of the CORS headers: the allowed origin,
//              credentials, exposed headers and, for a preflight, whether the method
//              and headers asked for are allowed
//   limiter    the rate limiter's headers: X-RateLimit-Limit, whether Remaining,
//              Reset and Retry-After are there, and a redirect's target path

/** Keys whose value is free-form JSON. */
const FREE_FORM = new Set(['metadata', 'goal_analysis', 'input']);
/** Keys whose value is an object keyed by ids. */
const KEYED_BY_ID = new Set(['task_level_map']);

/** @typedef {{ status: number, headers: Record<string, string>, text: string, json: any }} Answer */
/** @typedef {{ aspect: string, what: string }} Difference */

/**
 * Every difference between PocketPaw's answer and the devserver's.
 * @param {Answer} real
 * @param {Answer} dev
 * @param {{ roles?: [Map<string, string>, Map<string, string>], facts?: (json: any) => unknown, preflight?: { method: string, headers: string[] } }} [context]
 *   roles: each server's ids → role names; facts: what must come out the same
 * @returns {Difference[]}
 */
export function differences(real, dev, { roles = [new Map(), new Map()], facts, preflight } = {}) {
  const found = [];
  const add = (aspect, what) => found.push({ aspect, what });
  const [realRoles, devRoles] = roles;
  if (real.status !== dev.status) add('status', `PocketPaw ${real.status}, devserver ${dev.status}`);

  if (real.json === undefined || dev.json === undefined) {
    const [a, b] = [bodyText(real, realRoles), bodyText(dev, devRoles)];
    if (a !== b) add('body', `PocketPaw ${a}, devserver ${b}`);
  } else {
    for (const what of new Set(shapeDifferences('$', real.json, dev.json))) add('shape', what);
    const [a, b] = [detailText(real.json, realRoles), detailText(dev.json, devRoles)];
    if (a !== b) add('detail', `PocketPaw ${a}, devserver ${b}`);
    for (const key of ['project', 'task']) {
      const [s, t] = [real.json?.[key]?.status, dev.json?.[key]?.status];
      if (typeof s === 'string' && typeof t === 'string' && s !== t) add('lifecycle', `${key}.status: PocketPaw ${s}, devserver ${t}`);
    }
    if (facts) {
      const [a, b] = [JSON.stringify(facts(real.json)), JSON.stringify(facts(dev.json))];
      if (a !== b) add('facts', `PocketPaw ${a}, devserver ${b}`);
    }
  }

  const [corsA, corsB] = [cors(real, preflight), cors(dev, preflight)];
  if (corsA !== corsB) add('cors', `PocketPaw ${corsA}, devserver ${corsB}`);
  const [limA, limB] = [limiter(real), limiter(dev)];
  if (limA !== limB) add('limiter', `PocketPaw ${limA}, devserver ${limB}`);
  return found;
}

/** The JSON type of a value, as the shape compares it. */
function type(value) {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'array' : typeof value;
}

function* shapeDifferences(path, a, b) {
  if (a === null || b === null) return;
  const [ta, tb] = [type(a), type(b)];
  if (ta !== tb) {
    yield `${path}: PocketPaw ${ta}, devserver ${tb}`;
    return;
  }
  const key = path.slice(path.lastIndexOf('.') + 1);
  if (FREE_FORM.has(key)) return;
  if (ta === 'array') {
    // Element by element (an array may be a tuple, as a `loc` is); the longer one's
    // extra elements against the other's first.
    if (a.length === 0 || b.length === 0) return;
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      yield* shapeDifferences(`${path}[]`, a[i] ?? a[0], b[i] ?? b[0]);
    }
    return;
  }
  if (ta !== 'object') return;
  if (KEYED_BY_ID.has(key)) {
    const [va, vb] = [Object.values(a), Object.values(b)];
    if (va.length > 0 && vb.length > 0) yield* shapeDifferences(`${path}[id]`, va[0], vb[0]);
    return;
  }
  for (const name of Object.keys(a)) if (!(name in b)) yield `${path}.${name}: only in PocketPaw's answer`;
  for (const name of Object.keys(b)) if (!(name in a)) yield `${path}.${name}: only in the devserver's answer`;
  for (const name of Object.keys(a)) if (name in b) yield* shapeDifferences(`${path}.${name}`, a[name], b[name]);
}

/** The text with each known id written as its role. */
function withRoles(text, roles) {
  let out = text;
  for (const [id, role] of roles) out = out.split(id).join(`<${role}>`);
  return out;
}

function bodyText(answer, roles) {
  if (answer.json !== undefined) return `JSON ${type(answer.json)}`;
  return answer.text === '' ? 'an empty body' : JSON.stringify(withRoles(answer.text, roles));
}

function detailText(json, roles) {
  const detail = json?.detail;
  if (typeof detail === 'string') return JSON.stringify(withRoles(detail, roles));
  if (Array.isArray(detail)) {
    return JSON.stringify(detail.map((issue) => [issue?.loc, issue?.type, withRoles(String(issue?.msg), roles)]));
  }
  return detail === undefined ? 'no detail' : `a ${type(detail)} detail`;
}

function cors({ headers }, preflight) {
  const summary = {
    origin: headers['access-control-allow-origin'],
    credentials: headers['access-control-allow-credentials'],
    exposes: headers['access-control-expose-headers'],
  };
  if (preflight) {
    const listed = (name) => (headers[name] ?? '').split(',').map((item) => item.trim().toLowerCase());
    summary.allows =
      listed('access-control-allow-methods').includes(preflight.method.toLowerCase()) &&
      preflight.headers.every((header) => listed('access-control-allow-headers').includes(header));
  }
  return JSON.stringify(summary);
}

function limiter({ headers }) {
  const seconds = (value) => (value === undefined ? 'none' : /^\d+$/.test(value) ? 'seconds' : JSON.stringify(value));
  return JSON.stringify({
    limit: headers['x-ratelimit-limit'],
    remaining: headers['x-ratelimit-remaining'] !== undefined,
    reset: seconds(headers['x-ratelimit-reset']),
    retryAfter: seconds(headers['retry-after']),
    location: headers.location === undefined ? undefined : new URL(headers.location, 'http://any').pathname,
  });
}
