// The connection form: the server's base URL and the token. The token is read once from
// the page's `#token=…` fragment (which browsers never send) and removed from the
// address bar; it is kept in this tab's sessionStorage only, never in a URL or in
// localStorage, and only ever sent to the server in the field above.
import { DeepWorkClient } from '/pkg/index.js';
import { byId } from './dom.js';

const TOKEN_KEY = 'deepwork-demo.token';
const TIMEOUT_MS = 15_000;

const form = byId('connection', HTMLFormElement);
const baseUrlInput = byId('base-url', HTMLInputElement);
const tokenInput = byId('token', HTMLInputElement);
const tokenHint = byId('token-hint', HTMLElement);

/** @param {string} value */
function remember(value) {
  try {
    sessionStorage.setItem(TOKEN_KEY, value);
  } catch {
    // Storage may be disabled; the field itself keeps the token for this page.
  }
}

function initialToken() {
  const fragment = new URLSearchParams(location.hash.slice(1));
  const fromUrl = fragment.get('token');
  if (fromUrl !== null) {
    fragment.delete('token');
    const rest = fragment.toString();
    history.replaceState(history.state, '', `${location.pathname}${location.search}${rest ? `#${rest}` : ''}`);
    remember(fromUrl);
    return fromUrl;
  }
  try {
    return sessionStorage.getItem(TOKEN_KEY) ?? '';
  } catch {
    return '';
  }
}

function showTokenHint() {
  const value = tokenInput.value;
  tokenInput.removeAttribute('aria-invalid');
  tokenHint.classList.remove('hint-error');
  // Only the last four characters, and only of a token long enough to keep its secret.
  tokenHint.textContent = value.length >= 16 ? `Ends in ••••${value.slice(-4)}. Kept in this tab only.` : 'Kept in this tab only.';
}

/** Points at the token field after the server turned the token down. */
export function markTokenRejected() {
  tokenInput.setAttribute('aria-invalid', 'true');
  tokenHint.classList.add('hint-error');
  tokenHint.textContent = 'The server did not accept this token.';
}

/** @type {{ key: string, client: DeepWorkClient } | null} */
let cached = null;

/** A client for what the form says now, or null (and the token field focused) without a token. */
export function client() {
  const token = tokenInput.value;
  if (!token) {
    tokenInput.focus();
    return null;
  }
  const baseUrl = baseUrlInput.value.trim().replace(/\/+$/, '');
  const key = JSON.stringify([baseUrl, token]);
  if (cached?.key !== key) {
    cached?.client.free?.();
    cached = { key, client: new DeepWorkClient({ token, baseUrl, timeoutMs: TIMEOUT_MS }) };
  }
  return cached.client;
}

/** @param {() => void} onConnect  called on Connect (and once now) */
export function setUpConnection(onConnect) {
  baseUrlInput.value = location.protocol.startsWith('http') ? location.origin : '';
  tokenInput.value = initialToken();
  showTokenHint();
  tokenInput.addEventListener('input', showTokenHint);
  tokenInput.addEventListener('change', () => remember(tokenInput.value));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    remember(tokenInput.value);
    showTokenHint();
    onConnect();
  });
  onConnect();
}
