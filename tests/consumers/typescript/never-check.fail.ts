// Negative control, compiled by types.test.mjs and expected to FAIL: a switch on
// `err.kind` that forgets a kind must not compile, or the exhaustive switch in
// consumer.ts proves nothing.

import type { DeepWorkError } from 'deepwork-client';

export function explain(err: DeepWorkError): string {
  switch (err.kind) {
    case 'invalid_argument':
    case 'unauthorized':
    case 'forbidden':
    case 'not_found':
    case 'invalid_state':
    case 'task_not_in_project':
    case 'bad_request':
    case 'validation':
    case 'rate_limited':
    case 'server':
    case 'http':
    case 'network':
    case 'timeout':
    case 'aborted':
      return err.kind;
    // 'invalid_response' is missing.
    default: {
      const unhandled: never = err.kind;
      return unhandled;
    }
  }
}
