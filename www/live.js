// Keeps the open plan live with `client.watchProject`: one watch at a time, stopped
// (its request aborted, its timers gone) when the plan closes (its Close button, a
// delete) or another one opens.
// The server pushes nothing; the SDK polls and yields only plans that changed.

/** @typedef {import('/pkg/index.js').DeepWorkClient} DeepWorkClient */
/** @typedef {import('/pkg/index.js').Plan} Plan */

/** The watch of the plan shown, if any. */
let current = /** @type {AbortController | null} */ (null);

/**
 * Watches project `id`: `onPlan` gets its plan at once and then each change; `onEnd`
 * runs when the project has ended (a terminal status), `onError` when the watch
 * failed (the project was deleted, the token was refused, …). Stops any earlier watch.
 * @param {DeepWorkClient} sdk
 * @param {string} id
 * @param {{ onPlan: (plan: Plan) => void, onEnd: () => void, onError: (error: unknown) => void }} on
 */
export async function watchPlan(sdk, id, on) {
  stopWatching();
  const controller = new AbortController();
  current = controller;
  try {
    for await (const plan of sdk.watchProject(id, { signal: controller.signal })) {
      on.onPlan(plan);
    }
    // An abort ends the loop too, but then another view took over: say nothing.
    if (!controller.signal.aborted) on.onEnd();
  } catch (error) {
    if (!controller.signal.aborted) on.onError(error);
  } finally {
    if (current === controller) current = null;
  }
}

export function stopWatching() {
  current?.abort();
  current = null;
}
