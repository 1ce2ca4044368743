// What happened, in one live region: the last success, or the last error with its kind
// and the server's own detail (DeepWorkError: kind, status, detail, currentStatus).
import { isDeepWorkError } from '/pkg/index.js';
import { markTokenRejected } from './connection.js';
import { byId, el } from './dom.js';

const region = byId('message', HTMLElement);

/**
 * The server's own words: its `detail` string, or the issues of a 422.
 * @param {import('/pkg/index.js').DeepWorkError} error
 * @returns {string | null}
 */
function detailOf(error) {
  const { detail } = error;
  if (typeof detail === 'string') return detail;
  if (Array.isArray(detail)) return detail.map((issue) => `${issue.loc.join('.')}: ${issue.msg}`).join('; ');
  return null;
}

/** @param {string} text */
export function showSuccess(text) {
  region.dataset.state = 'done';
  delete region.dataset.kind;
  region.replaceChildren(el('p', 'message-text', text));
}

/**
 * @param {string} what  e.g. "Could not approve “Title”"
 * @param {unknown} error
 */
export function showError(what, error) {
  region.dataset.state = 'error';
  if (!isDeepWorkError(error)) {
    // The SDK rejects with DeepWorkError only; anything else is a bug worth seeing.
    console.error(error);
    delete region.dataset.kind;
    region.replaceChildren(el('p', 'message-text', `${what}: something unexpected went wrong.`));
    return;
  }
  region.dataset.kind = error.kind;
  const facts = el('dl', 'facts');
  /** @param {string} name @param {string} value @param {string} className */
  const fact = (name, value, className) => {
    const dd = el('dd', className, value);
    facts.append(el('dt', '', name), dd);
  };
  fact('Kind', error.kind, 'error-kind');
  if (error.status !== undefined) fact('HTTP status', String(error.status), 'error-status');
  if (error.currentStatus !== undefined) fact('Current status', error.currentStatus, 'error-current');
  const detail = detailOf(error);
  // Without a server answer (invalid_argument, network, timeout…) the SDK's message says why.
  fact(detail === null ? 'Message' : 'Server said', detail ?? error.message, 'error-detail');
  region.replaceChildren(el('p', 'message-text', `${what}.`), facts);
  if (error.kind === 'unauthorized') markTokenRejected();
}

export function clearMessage() {
  delete region.dataset.state;
  delete region.dataset.kind;
  region.replaceChildren();
}
