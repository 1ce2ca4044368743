// The one error class of deepwork-client. It lives in JS (imported by the wasm module)
// because only a real JS class can extend Error: `instanceof Error` holds, `stack` is
// set by the engine, and `cause` chains like any other error.

const BRAND = Symbol.for('deepwork-client.DeepWorkError');

/** Every failure of the SDK: branch on `kind`, not on `message`. */
export class DeepWorkError extends Error {
  /**
   * @param {string} kind
   * @param {string} message
   * @param {object} [fields]
   */
  constructor(kind, message, fields = {}) {
    super(message, fields.cause === undefined ? undefined : { cause: fields.cause });
    this.name = 'DeepWorkError';
    this.kind = kind;
    this.status = fields.status;
    this.detail = fields.detail;
    this.projectId = fields.projectId;
    this.currentStatus = fields.currentStatus;
    this.retryAfterMs = fields.retryAfterMs;
    this.attempts = fields.attempts ?? 0;
    Object.defineProperty(this, BRAND, { value: true });
  }
}

/**
 * True for a DeepWorkError, also one from another realm (an iframe, a worker's copy)
 * or from another copy of this package, where `instanceof` cannot tell.
 * @param {unknown} value
 * @returns {value is DeepWorkError}
 */
export function isDeepWorkError(value) {
  return value instanceof DeepWorkError || (typeof value === 'object' && value !== null && value[BRAND] === true);
}

// Called from Rust with positional arguments (cheaper across the boundary than an
// object); `undefined` marks an absent field.
export function createError(kind, message, status, detail, projectId, currentStatus, retryAfterMs, attempts, cause) {
  return new DeepWorkError(kind, message, { status, detail, projectId, currentStatus, retryAfterMs, attempts, cause });
}
