// The devserver that `cargo xtask test` started for the consumer tests, and its
// dev-only routes (`--faults`): fresh projects to cancel, and what reached the server.

export const baseUrl = process.env.DEEPWORK_URL;
export const token = process.env.DEEPWORK_TOKEN;
if (!baseUrl || !token) {
  throw new Error('DEEPWORK_URL and DEEPWORK_TOKEN must name a devserver started with --faults (cargo xtask test sets them)');
}

async function dev(method, path, body) {
  const response = await fetch(`${baseUrl}/__dev${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} /__dev${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

/** A new project in `status`; returns its id. */
export async function createProject(status = 'executing') {
  const { id } = await dev('POST', '/projects', { status });
  return id;
}

/** The project's status as the server has it now. */
export async function serverStatus(id) {
  const { projects } = await dev('GET', '/projects');
  return projects.find((p) => p.id === id)?.status;
}

/** How many cancel requests for the project reached the server. */
export async function cancelRequests(id) {
  const { cancel_requests } = await dev('GET', `/projects/${encodeURIComponent(id)}/stats`);
  return cancel_requests;
}

/** When each plan request for the project reached the server, in ms (server time). */
export async function planRequestTimes(id) {
  const { request_ms } = await dev('GET', `/projects/${encodeURIComponent(id)}/stats`);
  return request_ms.plan;
}

/** Runs one simulation step on the project now (a planning project gets its plan). */
export async function advance(id) {
  return dev('POST', `/projects/${encodeURIComponent(id)}/advance`, { steps: 1 });
}

/** Deletes the project as another client would. */
export async function deleteProject(id) {
  const response = await fetch(`${baseUrl}/api/mission-control/projects/${encodeURIComponent(id)}`, {
    method: 'DELETE',
    headers: { authorization: `Bearer ${token}` },
  });
  if (!response.ok) throw new Error(`DELETE project: ${response.status}`);
}

/** How many tasks the server has for the project. */
export async function taskCount(id) {
  const { projects } = await dev('GET', '/projects');
  const counts = projects.find((p) => p.id === id)?.task_counts ?? {};
  return Object.values(counts).reduce((sum, n) => sum + n, 0);
}
