// The README's errors example: one call, each way it can fail, in words.

// #region errors
import { isDeepWorkError } from 'deepwork-client';

/** Approves a planned project, or says why not. */
export async function approve(client, projectId) {
  try {
    const project = await client.approveProject(projectId);
    return `${project.title} is ${project.status}`;
  } catch (err) {
    if (!isDeepWorkError(err)) throw err; // a bug, not a failed call
    switch (err.kind) {
      case 'invalid_state': // the project is not awaiting approval: currentStatus says where it is
        return `not now: the project is ${err.currentStatus}`;
      case 'not_found':
        return 'no such project';
      case 'unauthorized':
        return 'sign in again';
      default: // network, timeout, rate_limited, server, …; err.status and err.detail if it answered
        return `failed (${err.kind}): ${err.message}`;
    }
  }
}
// #endregion
