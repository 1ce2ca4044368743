// Questions src/json.rs asks about parsed JSON, one call each. Asked through js-sys,
// each took several calls across the wasm boundary (is it null? a boolean? a number?
// …), for every field of every answer.

/** The kind of `value`, numbered as src/json.rs's `Kind`. */
export function kind(value) {
  switch (typeof value) {
    case 'boolean':
      return 1;
    case 'number':
      return 2;
    case 'string':
      return 3;
    case 'object':
      return value === null ? 0 : Array.isArray(value) ? 4 : 5;
    default:
      return 6;
  }
}

/** The member `key` of an object; undefined when absent, or when `value` is not one. */
export function member(value, key) {
  return kind(value) === 5 ? value[key] : undefined;
}
