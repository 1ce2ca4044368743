// #region vite
import { cancelProject, isDeepWorkError } from 'deepwork-client';

export async function cancel(projectId, token, baseUrl) {
  try {
    const project = await cancelProject(projectId, token, { baseUrl });
    return `${project.id} is ${project.status}`;
  } catch (err) {
    if (!isDeepWorkError(err)) throw err;
    return `not cancelled: ${err.kind}`;
  }
}
// #endregion
