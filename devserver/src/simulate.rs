//! One step of the simulation that makes projects progress by themselves, as the
//! real server's planner and agents do in the background: `--simulate` runs a
//! step for every project on each tick, `POST /__dev/projects/{id}/advance` runs
//! steps on one project when a test wants them.
//!
//! A step changes at most one task, so that a client that polls can see each change.

use crate::model::{self, Project, ProjectStatus, Task, TaskStatus, TaskType};
use crate::planner;
use crate::rng::Rng;
use crate::seed;
use crate::timestamp::Timestamp;

/// How a step can move a task forward.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Move {
    /// A pending task (or one whose dependencies kept it blocked) starts.
    Start,
    /// A person hands in their work: `review`, done at a later step. So human tasks
    /// take a step longer, and never fail.
    HandIn,
    /// A person's work handed in is accepted.
    SignOff,
    /// An agent finishes: done, or about once in [`FAILURE_ODDS`] blocked.
    Finish,
}

/// One in this many agent tasks fails instead of finishing.
const FAILURE_ODDS: usize = 6;

/// Why an agent stopped; a blocked task's `error_message` names the agent too.
const FAILURES: [&str; 3] = [
    "build timed out after 30 minutes",
    "3 of 41 tests failed",
    "the model provider rate-limited every attempt",
];

/// Advances `project` one step; false if nothing could change. `planning` gets a
/// plan and awaits approval, `approved` starts executing, `executing` moves one task
/// (and completes once every task is done or skipped); every other status waits
/// for a request.
pub fn step(project: &mut Project, tasks: &mut Vec<Task>, rng: &mut Rng, now: Timestamp) -> bool {
    let changed = match project.status {
        ProjectStatus::Planning => {
            // Seeded planning projects come with tasks already; keep them.
            if tasks.is_empty() {
                *tasks = planner::plan(project, rng, now);
                project.task_ids = tasks.iter().map(|t| t.id.clone()).collect();
                project.team_agent_ids = seed::team();
            }
            project.status = ProjectStatus::AwaitingApproval;
            true
        }
        ProjectStatus::Approved => {
            project.status = ProjectStatus::Executing;
            project.started_at.get_or_insert(now);
            true
        }
        ProjectStatus::Executing => {
            let moved = work(tasks, rng, now);
            // Also when a request settled the last task (a skip) since the last step.
            let finished = tasks.iter().all(|t| t.status.is_settled());
            if finished {
                project.status = ProjectStatus::Completed;
                project.completed_at = Some(now);
            }
            moved || finished
        }
        _ => false,
    };
    if changed {
        project.updated_at = now;
    }
    changed
}

/// Moves one task of the first execution level that has unsettled tasks, chosen by
/// the PRNG among those that can move. False if none can: the level waits on
/// failed tasks, for a retry or a skip.
fn work(tasks: &mut [Task], rng: &mut Rng, now: Timestamp) -> bool {
    let levels = model::execution_levels(tasks);
    let unsettled = |id: &String| tasks.iter().any(|t| &t.id == id && !t.status.is_settled());
    let Some(level) = levels.iter().find(|ids| ids.iter().any(unsettled)) else {
        return false;
    };
    let movable: Vec<(usize, Move)> = tasks
        .iter()
        .enumerate()
        .filter(|(_, task)| level.contains(&task.id))
        .filter_map(|(i, task)| next_move(task).map(|m| (i, m)))
        .collect();
    if movable.is_empty() {
        return false;
    }
    let (index, next) = movable[rng.below(movable.len())];
    apply(&mut tasks[index], index, next, rng, now);
    true
}

fn next_move(task: &Task) -> Option<Move> {
    match task.status {
        TaskStatus::Inbox | TaskStatus::Assigned => Some(Move::Start),
        // Without an error it only waited for its dependencies, which the
        // level order has settled; with one it failed and waits for a retry.
        TaskStatus::Blocked if task.error_message.is_none() => Some(Move::Start),
        TaskStatus::InProgress if task.task_type == TaskType::Human => Some(Move::HandIn),
        TaskStatus::InProgress => Some(Move::Finish),
        TaskStatus::Review => Some(Move::SignOff),
        TaskStatus::Blocked | TaskStatus::Done | TaskStatus::Skipped => None,
    }
}

/// `index` is the task's place in its plan, which picks its agent.
fn apply(task: &mut Task, index: usize, next: Move, rng: &mut Rng, now: Timestamp) {
    match next {
        Move::Start => {
            task.status = TaskStatus::InProgress;
            task.started_at = Some(now);
            if task.assignee_ids.is_empty() {
                task.assignee_ids = vec![seed::assignee(task.task_type, index).to_owned()];
            }
            task.active_description = Some(seed::working_on(&task.title));
        }
        Move::HandIn => task.status = TaskStatus::Review,
        Move::Finish if rng.one_in(FAILURE_ODDS) => {
            let agent = seed::assignee(task.task_type, index);
            let reason = FAILURES[rng.below(FAILURES.len())];
            task.status = TaskStatus::Blocked;
            task.error_message = Some(format!("Agent {agent} stopped: {reason}"));
            task.active_description = None;
        }
        Move::Finish | Move::SignOff => {
            task.status = TaskStatus::Done;
            task.completed_at = Some(now);
            task.output = Some(seed::finished(&task.title));
            task.active_description = None;
        }
    }
    task.updated_at = now;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Progress;
    use crate::seed::{sample_project, started_project, PLAN_TASKS};
    use time::Duration;

    /// Later than anything seeded, so a test can tell what a step wrote.
    fn later() -> Timestamp {
        Timestamp::now().minus(Duration::seconds(-60))
    }

    fn seeded(status: ProjectStatus) -> (Project, Vec<Task>) {
        sample_project(status, Timestamp::now(), PLAN_TASKS)
    }

    fn started() -> (Project, Vec<Task>) {
        let description = "Build a recipe API. Add search; ship the docs";
        (
            started_project(description, "auto", Timestamp::now()),
            Vec::new(),
        )
    }

    /// What a step may change, without ids and timestamps (which differ between runs).
    fn fingerprint(project: &Project, tasks: &[Task]) -> String {
        let levels = model::execution_levels(tasks);
        let level_of = |id: &String| levels.iter().position(|ids| ids.contains(id));
        let tasks: Vec<String> = tasks
            .iter()
            .map(|t| {
                let level = level_of(&t.id);
                let (status, error) = (t.status, &t.error_message);
                format!(
                    "{}/{:?}/{status:?}/{level:?}/{error:?}",
                    t.title, t.task_type
                )
            })
            .collect();
        format!("{:?} {tasks:?}", project.status)
    }

    /// A started project after the step that plans it, and the PRNG that drew the plan.
    fn planned(seed: u64) -> (Project, Vec<Task>, Rng) {
        let (mut project, mut tasks) = started();
        let mut rng = Rng::new(seed);
        step(&mut project, &mut tasks, &mut rng, later());
        (project, tasks, rng)
    }

    /// Approves like the approve route: straight to executing.
    fn approve(project: &mut Project) {
        project.status = ProjectStatus::Executing;
        project.started_at = Some(later());
    }

    /// A started project's run under `seed`: planned, approved when it awaits
    /// approval, then stepped until nothing changes (at most `limit` steps), with a
    /// fingerprint after each step.
    fn run(seed: u64, limit: usize) -> Vec<String> {
        let (mut project, mut tasks) = started();
        let mut rng = Rng::new(seed);
        let mut seen = Vec::new();
        for _ in 0..limit {
            if project.status == ProjectStatus::AwaitingApproval {
                approve(&mut project);
            }
            if !step(&mut project, &mut tasks, &mut rng, later()) {
                break;
            }
            seen.push(fingerprint(&project, &tasks));
        }
        seen
    }

    /// The tasks whose status differs between `before` and `after`.
    fn changed<'a>(before: &[Task], after: &'a [Task]) -> Vec<&'a Task> {
        after
            .iter()
            .filter(|t| {
                let old = before.iter().find(|o| o.id == t.id);
                old.is_none_or(|old| old.status != t.status)
            })
            .collect()
    }

    #[test]
    fn a_started_project_awaits_approval_with_a_plan_after_one_step() {
        let (mut project, mut tasks) = started();
        let now = later();
        assert!(step(&mut project, &mut tasks, &mut Rng::new(1), now));
        assert_eq!(project.status, ProjectStatus::AwaitingApproval);
        assert!((4..=8).contains(&tasks.len()));
        assert!((2..=4).contains(&model::execution_levels(&tasks).len()));
        let ids: Vec<String> = tasks.iter().map(|t| t.id.clone()).collect();
        assert_eq!(project.task_ids, ids);
        assert!(!project.team_agent_ids.is_empty());
        assert_eq!((project.updated_at, project.started_at), (now, None));
        assert_eq!(Progress::of(&tasks).percent, 0.0);
    }

    #[test]
    fn a_seeded_planning_project_keeps_its_tasks() {
        let (mut project, mut tasks) = seeded(ProjectStatus::Planning);
        let before = tasks.clone();
        assert!(step(&mut project, &mut tasks, &mut Rng::new(1), later()));
        assert_eq!(project.status, ProjectStatus::AwaitingApproval);
        assert!(changed(&before, &tasks).is_empty());
    }

    #[test]
    fn an_approved_project_starts_executing() {
        let (mut project, mut tasks) = seeded(ProjectStatus::Approved);
        let now = later();
        assert!(step(&mut project, &mut tasks, &mut Rng::new(1), now));
        assert_eq!(project.status, ProjectStatus::Executing);
        assert_eq!(project.started_at, Some(now));
        assert_eq!(project.updated_at, now);
    }

    #[test]
    fn other_statuses_wait_for_a_request() {
        for status in [
            ProjectStatus::Draft,
            ProjectStatus::AwaitingApproval,
            ProjectStatus::Paused,
            ProjectStatus::Completed,
            ProjectStatus::Failed,
            ProjectStatus::Cancelled,
        ] {
            let (mut project, mut tasks) = seeded(status);
            let (before, updated_at) = (fingerprint(&project, &tasks), project.updated_at);
            assert!(!step(&mut project, &mut tasks, &mut Rng::new(1), later()));
            assert_eq!(fingerprint(&project, &tasks), before, "{status:?}");
            assert_eq!(project.updated_at, updated_at);
        }
    }

    /// Runs a fresh plan of each seed to its end (retrying failed tasks as a client
    /// would), checking every step.
    #[test]
    fn executing_moves_one_task_a_step_level_by_level_to_completed() {
        for seed in 0..40 {
            let (mut project, mut tasks, mut rng) = planned(seed);
            project.status = ProjectStatus::Approved;
            step(&mut project, &mut tasks, &mut rng, later());
            let mut steps = 0;
            while project.status == ProjectStatus::Executing {
                steps += 1;
                assert!(steps < 200, "seed {seed} never completes");
                let before = tasks.clone();
                let now = later();
                if !step(&mut project, &mut tasks, &mut rng, now) {
                    // Only failed tasks are left to move: retry them.
                    let blocked = |t: &&mut Task| t.status == TaskStatus::Blocked;
                    for task in tasks.iter_mut().filter(blocked) {
                        assert!(task.error_message.is_some());
                        task.status = TaskStatus::Assigned;
                        task.error_message = None;
                    }
                    continue;
                }
                let moved = changed(&before, &tasks);
                assert_eq!(moved.len(), 1, "seed {seed}: one task a step");
                let task = moved[0];
                assert_eq!(task.updated_at, now);
                let levels = model::execution_levels(&tasks);
                let level = levels.iter().position(|ids| ids.contains(&task.id));
                for earlier in &levels[..level.unwrap()] {
                    for id in earlier {
                        let t = tasks.iter().find(|t| &t.id == id).unwrap();
                        assert!(t.status.is_settled(), "seed {seed}: levels in order");
                    }
                }
                match task.status {
                    TaskStatus::InProgress => assert_eq!(task.started_at, Some(now)),
                    TaskStatus::Done => {
                        assert_eq!(task.completed_at, Some(now));
                        assert!(task.output.is_some());
                    }
                    TaskStatus::Blocked => assert!(task.error_message.is_some()),
                    TaskStatus::Review => assert_eq!(task.task_type, TaskType::Human),
                    other => panic!("seed {seed}: a task became {other:?}"),
                }
            }
            assert_eq!(project.status, ProjectStatus::Completed);
            assert_eq!(project.completed_at, Some(project.updated_at));
            assert_eq!(Progress::of(&tasks).percent, 100.0);
            assert!(tasks.iter().all(|t| t.status == TaskStatus::Done));
        }
    }

    #[test]
    fn human_tasks_are_handed_in_then_signed_off_and_never_fail() {
        for seed in 0..20 {
            let (mut project, mut tasks, mut rng) = planned(seed);
            approve(&mut project);
            let human = tasks.iter().position(|t| t.task_type == TaskType::Human);
            let human = human.unwrap();
            let mut statuses = vec![tasks[human].status];
            for _ in 0..200 {
                step(&mut project, &mut tasks, &mut rng, later());
                if statuses.last() != Some(&tasks[human].status) {
                    statuses.push(tasks[human].status);
                }
                // Keep the run going past failed agent tasks.
                for task in tasks.iter_mut().filter(|t| t.status == TaskStatus::Blocked) {
                    task.status = TaskStatus::Skipped;
                }
            }
            use TaskStatus::*;
            assert_eq!(statuses, [Inbox, InProgress, Review, Done], "seed {seed}");
            assert_eq!(tasks[human].assignee_ids, ["human"]);
        }
    }

    #[test]
    fn about_one_agent_task_in_six_fails_and_the_level_then_waits() {
        let (mut failures, mut finishes) = (0, 0);
        for seed in 0..200 {
            let run = run(seed, 200);
            let last = run.last().unwrap();
            if last.starts_with("Completed") {
                finishes += 1;
            } else {
                // It stopped executing on a failed task, with its message.
                assert!(last.starts_with("Executing"), "{last}");
                assert!(last.contains("/Blocked/"), "{last}");
                assert!(
                    last.contains("Agent agent-") && last.contains(" stopped: "),
                    "{last}"
                );
                failures += 1;
            }
        }
        // With 3 to 7 agent tasks a plan, most plans meet a failure, not all.
        assert!(
            failures > 40 && finishes > 20,
            "{failures} failed, {finishes} finished"
        );
    }

    #[test]
    fn seeded_projects_run_until_completed_or_waiting_on_failed_tasks() {
        for status in [ProjectStatus::Approved, ProjectStatus::Executing] {
            for seed in 0..20 {
                let (mut project, mut tasks) = seeded(status);
                let mut rng = Rng::new(seed);
                let mut steps = 0;
                while step(&mut project, &mut tasks, &mut rng, later()) {
                    steps += 1;
                    assert!(steps < 100, "{status:?} never stops");
                }
                let waiting: Vec<&Task> = tasks.iter().filter(|t| !t.status.is_settled()).collect();
                match project.status {
                    ProjectStatus::Completed => assert!(waiting.is_empty()),
                    ProjectStatus::Executing => {
                        // The first unsettled level holds only failed tasks.
                        let levels = model::execution_levels(&tasks);
                        let first = levels
                            .iter()
                            .find(|ids| waiting.iter().any(|t| ids.contains(&t.id)))
                            .unwrap();
                        for task in waiting.iter().filter(|t| first.contains(&t.id)) {
                            assert_eq!(task.status, TaskStatus::Blocked);
                            assert!(task.error_message.is_some());
                        }
                    }
                    other => panic!("{status:?} ended {other:?}"),
                }
            }
        }
    }

    #[test]
    fn a_skip_of_the_last_task_completes_at_the_next_step() {
        let (mut project, mut tasks) = seeded(ProjectStatus::Executing);
        for task in &mut tasks {
            task.status = TaskStatus::Skipped;
        }
        let now = later();
        assert!(step(&mut project, &mut tasks, &mut Rng::new(1), now));
        assert_eq!(project.status, ProjectStatus::Completed);
        assert_eq!(project.completed_at, Some(now));
    }

    #[test]
    fn the_same_seed_replays_the_same_run() {
        assert_eq!(run(5, 100), run(5, 100));
        assert!(run(5, 100).len() > 3);
        assert!(
            (6..30).any(|seed| run(seed, 100) != run(5, 100)),
            "another seed runs another way"
        );
    }
}
