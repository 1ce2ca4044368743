// #region node
import { cancelProject, isDeepWorkError } from 'deepwork-client';

/** Cancels the project; returns false when the server does not know it. */
export async function cancel(projectId, { baseUrl, token }) {
  try {
    const project = await cancelProject(projectId, token, { baseUrl, timeoutMs: 10_000 });
    console.log(`${project.title}: ${project.status} at ${project.completed_at}`);
    return true;
  } catch (err) {
    if (isDeepWorkError(err) && err.kind === 'not_found') return false;
    throw err;
  }
}
// #endregion
