// The README's live dashboard example: the project list and one plan, kept current.

// #region live
/** Keeps the project list on screen until `signal` aborts, and where the watch stands. */
export async function liveList(client, signal, { showList, showConnection }) {
  const list = client.watchProjects({ signal, onStateChange: (state) => showConnection(state.status) });
  for await (const { projects, added, removed, changed } of list) {
    showList(projects, { added, removed, changed }); // ids of what moved since the last list
  }
  // `signal` was aborted: the loop ends without an error, and nothing polls any more.
}

/** Follows one project's plan until the project ends (completed, failed or cancelled). */
export async function followPlan(client, projectId, showPlan) {
  for await (const plan of client.watchProject(projectId)) {
    showPlan(`${plan.project.status}: ${plan.progress.percent}% done`);
  }
}
// #endregion
