// Runs the page's live watches (`client.watchProjects`, `client.watchProject`): each
// value goes to its view, each state to the connection indicator. The server pushes
// nothing; the SDK polls, shares one poll among the watches of the same thing, and
// yields only what changed.
import { forgetWatch, showWatchFailed, showWatchState } from './indicator.js';

/** @typedef {import('/pkg/index.js').WatchState} WatchState */

/**
 * @template T
 * @typedef {{
 *   onValue: (value: T) => void,
 *   onEnd?: () => void,
 *   onError: (error: unknown) => void,
 * }} Handlers
 */

/**
 * Starts a watch with `start(onStateChange)` and follows it until it ends, fails, or
 * the returned `stop` is called; after `stop` nothing more is reported. `source` names
 * it to the connection indicator.
 *
 * `stop` ends the watch with `return()`, which leaves its poll at once: the last
 * watch of a poll aborts its request, and a watch started right after polls afresh
 * rather than joining the old poll and getting its last (stale) value.
 * @template T
 * @param {'list' | 'plan'} source
 * @param {(onStateChange: (state: WatchState) => void) => import('/pkg/index.js').LiveWatch<T>} start
 * @param {Handlers<T>} on
 * @returns {() => void} stop
 */
export function follow(source, start, on) {
  let stopped = false;
  /** @param {WatchState} state */
  const report = (state) => {
    if (!stopped) showWatchState(source, state);
  };
  /** @type {import('/pkg/index.js').LiveWatch<T>} */
  let watch;
  try {
    watch = start(report);
  } catch (error) {
    // A bad option (e.g. the list's limit): no watch, no request.
    showWatchFailed(source, error);
    on.onError(error);
    return () => forgetWatch(source);
  }
  report(watch.state);
  void (async () => {
    try {
      for await (const value of watch) {
        if (stopped) return;
        on.onValue(value);
      }
      if (stopped) return;
      forgetWatch(source);
      on.onEnd?.();
    } catch (error) {
      if (stopped) return;
      showWatchFailed(source, error);
      on.onError(error);
    }
  })();
  return () => {
    if (stopped) return;
    stopped = true;
    void watch.return();
    forgetWatch(source);
  };
}
