// The SDK's I/O, for src/transport.rs: one HTTP exchange, a wait, and the loop that
// runs a call. Written in JS because each is a handful of browser calls and awaits:
// made from Rust, every browser call crossed the wasm boundary with its own glue, and
// every await needed Rust's futures executor and closures, which cost both bytes and
// time per call. Every decision (what to send, whether to retry, what an answer means)
// stays in Rust, in src/client.rs.

/**
 * Runs one call (a `CancelCall` from the wasm module): each step returns the promise
 * to wait for, whose result goes into the next step, until the call is over. Settles
 * as the call does, and frees it.
 */
export async function drive(call) {
  try {
    let input;
    for (let next = call.step(input); next !== undefined; next = call.step(input)) {
      input = await next;
    }
    return call.finish();
  } finally {
    call.free();
  }
}

/** Why an exchange got no answer; src/transport.rs has the same numbers. */
const ABORTED = 1;
const TIMEOUT = 2;
const NETWORK = 3;
const REDIRECT = 4;

/**
 * Sends one request and reads its whole body, within `timeoutMs` and until `signal`
 * aborts. Never rejects: resolves with `{ failure: 0, status, retryAfter, body }`
 * (`body` undefined when it is not JSON) or `{ failure, status, cause }`.
 */
export async function exchange(method, url, authorization, signal, timeoutMs) {
  if (signal?.aborted) return { failure: ABORTED };
  // Our own controller, which the caller's signal and the timer both trip, so that
  // giving up really stops the request.
  const controller = new AbortController();
  const disarm = arm(timeoutMs, signal, () => controller.abort());
  try {
    // fetch() from a call stack with wasm frames on it took ~70 µs longer in Chromium
    // than from plain JS (cargo xtask bench); one microtask first leaves only JS.
    await null;
    const response = await fetch(url, {
      method,
      headers: { Authorization: authorization },
      signal: controller.signal,
      // Not followed, so that the token cannot travel to another URL. Browsers hide
      // the redirect behind an opaque response with status 0; Node shows the 3xx.
      redirect: 'manual',
    });
    const { status } = response;
    if (response.type === 'opaqueredirect' || (status >= 300 && status < 400)) {
      return { failure: REDIRECT, status };
    }
    const retryAfter = response.headers.get('retry-after');
    const text = await response.text();
    let body;
    try {
      body = JSON.parse(text);
    } catch {
      // Not JSON: the checks in Rust say what that means for this status.
    }
    return { failure: 0, status, retryAfter, body };
  } catch (cause) {
    // Our controller aborted, but not through the caller's signal: the timer did.
    const failure = signal?.aborted ? ABORTED : controller.signal.aborted ? TIMEOUT : NETWORK;
    return { failure, cause };
  } finally {
    disarm();
  }
}

/** Resolves after `ms`, or as soon as `signal` aborts (the caller then checks it). */
export function sleep(ms, signal) {
  return new Promise((resolve) => {
    const disarm = arm(ms, signal, () => {
      disarm();
      resolve();
    });
  });
}

/**
 * Calls `handler` after `ms`, and when `signal` aborts, until the returned function
 * disarms both: a long-lived signal must not collect one listener per call.
 */
function arm(ms, signal, handler) {
  const timer = setTimeout(handler, ms);
  signal?.addEventListener('abort', handler);
  return () => {
    clearTimeout(timer);
    signal?.removeEventListener('abort', handler);
  };
}
