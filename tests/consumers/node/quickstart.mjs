// The README's quick start, as a script: DEEPWORK_URL=… DEEPWORK_TOKEN=… node quickstart.mjs
// (cancel.test.mjs runs it against the devserver and moves the project along).

// #region quickstart
import { DeepWorkClient } from 'deepwork-client';

const client = new DeepWorkClient({ baseUrl: process.env.DEEPWORK_URL, token: process.env.DEEPWORK_TOKEN });

// Start a project: the server plans it in the background.
const project = await client.startProject('Build a REST API for a todo app');
console.log(`${project.id} is ${project.status}`); // planning

// Wait for its plan, then approve it.
const plan = await client.waitForProject(project.id, { until: 'awaiting_approval' });
console.log(`${plan.tasks.length} tasks in ${plan.execution_levels.length} levels`);
const approved = await client.approveProject(project.id);
console.log(`${approved.id} is ${approved.status}`); // executing

// What runs now: at most 10 projects, and how many in all.
const { projects, count } = await client.listProjects({ status: 'executing', limit: 10 });
console.log(`${count} executing: ${projects.map((p) => p.title).join(', ')}`);
// #endregion
