// #region vite
import { DeepWorkClient, isDeepWorkError } from 'deepwork-client';

/** Makes `call` (cancel, approve, plan, list or watch) and says what came of it. */
export async function run(call, { token, baseUrl, projectId, status, limit }) {
  const client = new DeepWorkClient({ token, baseUrl });
  try {
    if (call === 'plan') {
      const { tasks, progress } = await client.getPlan(projectId);
      return `${tasks.length} tasks, ${progress.percent}% of ${progress.total} done`;
    }
    if (call === 'list') {
      const { projects, count } = await client.listProjects({ status, limit: Number(limit) });
      return `${count} found, listed: ${projects.map((p) => p.status).join(', ')}`;
    }
    if (call === 'watch') {
      // Follows the project until it ends; here it cancels the project after the first
      // plan, and the loop ends by itself after the cancelled one.
      const seen = [];
      for await (const plan of client.watchProject(projectId, { intervalMs: 250 })) {
        seen.push(plan.project.status);
        if (seen.length === 1) await client.cancelProject(projectId);
      }
      return seen.join(' → ');
    }
    const project = await (call === 'approve' ? client.approveProject(projectId) : client.cancelProject(projectId));
    return `${project.id} is ${project.status}`;
  } catch (err) {
    if (!isDeepWorkError(err)) throw err;
    // invalid_state says what status the project is in, e.g. approving a draft.
    return `${call} failed: ${err.kind}${err.currentStatus ? ` (${err.currentStatus})` : ''}`;
  }
}
// #endregion
