// The connection indicator: one status line for every watch the page runs (the list's
// and the open plan's), from their `state`: "Live", "Reconnecting in N s (the server
// answered 503)", "Offline", or "Not live (…)" once a watch has failed. It counts down
// to the retrying watch's `nextPollAt`. A status region: a change of state is
// announced; the countdown's ticks are not (their span is `aria-live="off"`).
import { isDeepWorkError } from '/pkg/index.js';
import { byId, el } from './dom.js';

/** @typedef {import('/pkg/index.js').WatchState} WatchState */
/** @typedef {'list' | 'plan'} Source */
/**
 * What the indicator knows of one watch: its state, or that it failed.
 * @typedef {WatchState | { status: 'failed', error: unknown }} Known
 */

const indicator = byId('connection-indicator', HTMLElement);
const region = byId('connection-state', HTMLElement);

/** @type {Map<Source, Known>} */
const watches = new Map();
/** The countdown's timer while a watch is retrying. */
let tick = /** @type {ReturnType<typeof setTimeout> | undefined} */ (undefined);
/** What the region says now, so that an unchanged state is not announced again. */
let said = '';

/**
 * Which state the indicator shows when watches differ: the one that matters most.
 * @type {Record<string, number>}
 */
const RANK = { offline: 4, failed: 3, retrying: 2, live: 1, hidden: 1 };

/**
 * Why a watch is reconnecting or stopped, in words.
 * @param {unknown} error
 */
function why(error) {
  if (!isDeepWorkError(error)) return 'an unexpected error';
  if (error.status !== undefined) return `the server answered ${error.status}`;
  if (error.kind === 'timeout') return 'the server did not answer in time';
  if (error.kind === 'network') return 'no answer from the server';
  return error.kind;
}

/** The state to show: the highest ranked, and of retrying watches the one due first. */
function shown() {
  /** @type {Known | null} */
  let best = null;
  for (const known of watches.values()) {
    const rank = RANK[known.status];
    if (rank === undefined) continue;
    const bestRank = best ? RANK[best.status] : 0;
    const sooner =
      known.status === 'retrying' && best?.status === 'retrying' && known.nextPollAt < best.nextPollAt;
    if (rank > bestRank || sooner) best = known;
  }
  return best;
}

/** @param {number} nextPollAt */
function countdown(nextPollAt) {
  const seconds = Math.ceil((nextPollAt - Date.now()) / 1000);
  return seconds > 0 ? `in ${seconds} s` : 'now';
}

/**
 * Keeps the countdown's text right until the next poll, ticking on each whole second
 * before it.
 * @param {HTMLElement} span
 * @param {number} nextPollAt
 */
function count(span, nextPollAt) {
  span.textContent = countdown(nextPollAt);
  const left = nextPollAt - Date.now();
  if (left <= 0) return;
  tick = setTimeout(() => count(span, nextPollAt), left % 1000 || 1000);
}

function render() {
  const state = shown();
  // A hidden page polls less often but is live all the same.
  const status = state?.status === 'hidden' ? 'live' : (state?.status ?? 'idle');
  const reason = state && 'error' in state ? why(state.error) : '';
  const key = `${status} ${reason} ${state?.status === 'retrying' ? state.nextPollAt : ''}`;
  if (key === said) return;
  said = key;
  clearTimeout(tick);
  // The wrapper's state draws the symbol beside the words (the colour only adds).
  indicator.dataset.state = status;
  if (state?.status === 'retrying') {
    const time = el('span', 'indicator-countdown');
    // The seconds tick without being announced; the state change was.
    time.setAttribute('aria-live', 'off');
    region.replaceChildren('Reconnecting ', time, ` (${reason})`);
    count(time, state.nextPollAt);
  } else {
    /** @type {Record<string, string>} */
    const words = { failed: `Not live (${reason})`, offline: 'Offline', live: 'Live', idle: 'Not connected' };
    region.replaceChildren(words[status]);
  }
}

/**
 * A watch's new state (`ended` forgets it: a project that ended has nothing to follow).
 * @param {Source} source
 * @param {WatchState} state
 */
export function showWatchState(source, state) {
  if (state.status === 'ended') watches.delete(source);
  else watches.set(source, state);
  render();
}

/**
 * A watch ended with an error it could not outlive.
 * @param {Source} source
 * @param {unknown} error
 */
export function showWatchFailed(source, error) {
  watches.set(source, { status: 'failed', error });
  render();
}

/**
 * The watch was stopped: it no longer counts.
 * @param {Source} source
 */
export function forgetWatch(source) {
  if (watches.delete(source)) render();
}

render();
