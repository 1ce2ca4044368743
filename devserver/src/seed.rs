//! The sample data the server is seeded with: a project per status, each with six
//! tasks over five execution levels in a mix of statuses that fits the project's,
//! and the deterministic goal analysis `parse-goal` answers with.

use serde_json::{json, Map, Value};
use time::Duration;

use crate::model::{
    new_id, Priority, Project, ProjectStatus, Task, TaskStatus, TaskType, CANCELLED_MESSAGE,
};
use crate::timestamp::Timestamp;

/// Titles and descriptions for seeded projects, one per status (in `ProjectStatus::ALL`
/// order). The draft's title is hostile HTML on purpose: a page must show it as text.
const SAMPLES: [(&str, &str); 9] = [
    (
        "<img src=x onerror=alert(1)>",
        "A draft whose title is HTML: a page that shows it must escape it.",
    ),
    (
        "Build a REST API for recipe management",
        "CRUD endpoints for recipes, ingredients and tags, with search and pagination.",
    ),
    (
        "Migrate the billing service to Postgres 16",
        "Move billing off the legacy MySQL cluster without downtime.",
    ),
    (
        "Add dark mode to the customer dashboard",
        "A theme toggle that follows the system setting and is remembered per user.",
    ),
    (
        "Set up nightly load tests for checkout",
        "Replay a day of anonymised checkout traffic every night and alert on regressions.",
    ),
    (
        "Refactor the notification pipeline",
        "Split email, push and SMS delivery into separate workers with retries.",
    ),
    (
        "Write onboarding docs for the mobile SDK",
        "A quick start, three guides and an API reference for iOS and Android.",
    ),
    (
        "Translate the help center into Spanish",
        "Machine-translate, then review, the 120 most visited help articles.",
    ),
    (
        "Prototype a CLI for log search",
        "A small command-line tool that queries the log store with a friendly syntax.",
    ),
];

const TEAM: [&str; 3] = ["agent-backend", "agent-frontend", "agent-qa"];
const PLANNER: &str = "agent-planner";
/// Who a human task is assigned to.
const HUMAN: &str = "human";

/// What a planner decides about a task; [`inbox_task`] writes the task.
pub struct TaskOutline<'a> {
    pub title: &'a str,
    pub task_type: TaskType,
    pub priority: Priority,
    pub estimated_minutes: u32,
}

/// One task of the plan every seeded project gets.
struct PlannedTask {
    outline: TaskOutline<'static>,
    /// Indexes of the tasks it waits for.
    waits_for: &'static [usize],
}

const fn planned(
    title: &'static str,
    task_type: TaskType,
    priority: Priority,
    estimated_minutes: u32,
    waits_for: &'static [usize],
) -> PlannedTask {
    PlannedTask {
        outline: TaskOutline {
            title,
            task_type,
            priority,
            estimated_minutes,
        },
        waits_for,
    }
}

const TASK_PLAN: [PlannedTask; 6] = [
    planned(
        "Research requirements",
        TaskType::Agent,
        Priority::High,
        30,
        &[],
    ),
    planned(
        "Design the data model",
        TaskType::Agent,
        Priority::High,
        45,
        &[0],
    ),
    planned(
        "Implement the core features",
        TaskType::Agent,
        Priority::Urgent,
        120,
        &[1],
    ),
    planned(
        "Write integration tests",
        TaskType::Agent,
        Priority::Medium,
        60,
        &[2],
    ),
    planned(
        "Write user documentation",
        TaskType::Human,
        Priority::Medium,
        90,
        &[1],
    ),
    planned(
        "Review and release",
        TaskType::Review,
        Priority::Low,
        20,
        &[3, 4],
    ),
];

/// Task statuses (in `TASK_PLAN` order) that make sense for a project in `status`.
/// Each has at least two; the executing one has done, skipped, pending (skippable)
/// and blocked (retryable) tasks, and its done ones are the first two.
fn task_statuses(status: ProjectStatus) -> [TaskStatus; 6] {
    use TaskStatus::*;
    match status {
        ProjectStatus::Draft => [Assigned, Inbox, Inbox, Blocked, Inbox, Blocked],
        ProjectStatus::Planning => [Done, Assigned, Inbox, Blocked, Inbox, Blocked],
        ProjectStatus::AwaitingApproval | ProjectStatus::Approved => {
            [Done, Assigned, Blocked, Blocked, Inbox, Blocked]
        }
        ProjectStatus::Executing => [Done, Done, InProgress, Blocked, Skipped, Inbox],
        ProjectStatus::Paused => [Done, Done, Assigned, Blocked, InProgress, Blocked],
        ProjectStatus::Completed => [Done, Done, Done, Done, Skipped, Done],
        ProjectStatus::Failed => [Done, Done, Blocked, Blocked, Done, Blocked],
        ProjectStatus::Cancelled => [Done, Done, Skipped, Skipped, Skipped, Skipped],
    }
}

const FAILURE_MESSAGE: &str = "Agent agent-backend stopped: build timed out after 30 minutes";

/// Tasks of a seeded project unless asked otherwise.
pub const PLAN_TASKS: usize = TASK_PLAN.len();

/// A project in `status` with `task_count` tasks (the six-task plan, repeated, each
/// round waiting for the one before, for benches that want big plans) in a matching mix
/// of statuses, and timestamps a few hours before `now`.
pub fn sample_project(
    status: ProjectStatus,
    now: Timestamp,
    task_count: usize,
) -> (Project, Vec<Task>) {
    // The enum's declaration order is the order of `ALL` and of `SAMPLES`.
    let (title, description) = SAMPLES[status as usize];
    let project_id = new_id();
    let created_at = now.minus(Duration::hours(3));
    // Whole seconds here, so clients also meet timestamps without a fraction.
    let started_at = status
        .has_started()
        .then(|| now.minus(Duration::hours(2)).whole_second());
    let completed_at = status
        .has_finished()
        .then(|| now.minus(Duration::minutes(10)));

    let statuses = task_statuses(status);
    // Task i is step i % 6 of round i / 6; a round's first step waits for the last
    // task of the round before.
    let waits_for: Vec<Vec<usize>> = (0..task_count)
        .map(|i| {
            let round = i - i % PLAN_TASKS;
            let steps = TASK_PLAN[i % PLAN_TASKS]
                .waits_for
                .iter()
                .map(|d| round + d);
            let previous = (i % PLAN_TASKS == 0 && round > 0).then(|| round - 1);
            steps.chain(previous).collect()
        })
        .collect();
    // In a project that has started, the first blocked task is one that failed
    // (and can be retried); the others wait for it.
    let failed = status
        .has_started()
        .then(|| statuses.iter().position(|s| *s == TaskStatus::Blocked))
        .flatten();
    let mut tasks: Vec<Task> = (0..task_count)
        .map(|i| {
            let (plan, task_status) = (&TASK_PLAN[i % PLAN_TASKS], statuses[i % PLAN_TASKS]);
            let title = plan.outline.title;
            let step = (i % PLAN_TASKS) as i64;
            let minutes_ago = |m: i64| Some(now.minus(Duration::minutes(m - 10 * step)));
            let has_failed = failed == Some(i);
            let error_message = if has_failed {
                Some(FAILURE_MESSAGE)
            } else if status == ProjectStatus::Cancelled && task_status == TaskStatus::Skipped {
                Some(CANCELLED_MESSAGE)
            } else {
                None
            };
            let has_begun = has_failed
                || matches!(
                    task_status,
                    TaskStatus::InProgress | TaskStatus::Review | TaskStatus::Done
                );
            let mut task = inbox_task(&project_id, description, &plan.outline, created_at);
            task.status = task_status;
            if task_status != TaskStatus::Inbox {
                task.assignee_ids = vec![assignee(plan.outline.task_type, i).to_owned()];
            }
            task.started_at = if has_begun { minutes_ago(100) } else { None };
            task.completed_at = match task_status {
                TaskStatus::Done => minutes_ago(90),
                // A skip writes completed_at; a cancel does not.
                TaskStatus::Skipped if status != ProjectStatus::Cancelled => minutes_ago(80),
                _ => None,
            };
            task.updated_at = now.minus(Duration::minutes(30));
            task.active_description =
                (task_status == TaskStatus::InProgress).then(|| working_on(title));
            task.output = (task_status == TaskStatus::Done).then(|| finished(title));
            task.retry_count = u32::from(has_failed);
            task.error_message = error_message.map(str::to_owned);
            task
        })
        .collect();
    link(&mut tasks, &waits_for);
    let task_ids = tasks.iter().map(|t| t.id.clone()).collect();

    let project = Project {
        id: project_id,
        title: title.to_owned(),
        description: description.to_owned(),
        status,
        planner_agent_id: (status != ProjectStatus::Draft).then(|| PLANNER.to_owned()),
        team_agent_ids: team(),
        task_ids,
        prd_document_id: None,
        creator_id: "human".to_owned(),
        tags: Vec::new(),
        started_at,
        completed_at,
        created_at,
        updated_at: completed_at.unwrap_or(now.minus(Duration::minutes(30))),
        metadata: Map::new(),
    };
    (project, tasks)
}

/// A new task of `project_id` as its planner writes it: in the inbox, unassigned,
/// waiting for nothing until [`link`] says what it waits for.
pub fn inbox_task(
    project_id: &str,
    project_description: &str,
    outline: &TaskOutline<'_>,
    created_at: Timestamp,
) -> Task {
    let title = outline.title;
    Task {
        id: new_id(),
        title: title.to_owned(),
        description: format!("{title}: {project_description}"),
        status: TaskStatus::Inbox,
        priority: outline.priority,
        assignee_ids: Vec::new(),
        creator_id: PLANNER.to_owned(),
        parent_task_id: None,
        blocked_by: Vec::new(),
        tags: Vec::new(),
        due_date: None,
        started_at: None,
        completed_at: None,
        created_at,
        updated_at: created_at,
        metadata: Map::new(),
        project_id: project_id.to_owned(),
        task_type: outline.task_type,
        blocks: Vec::new(),
        active_description: None,
        estimated_minutes: Some(outline.estimated_minutes),
        output: None,
        retry_count: 0,
        max_retries: 3,
        timeout_minutes: (outline.task_type == TaskType::Agent).then_some(30),
        error_message: None,
    }
}

/// Task `i` waits for the tasks at the indexes `waits_for[i]`: writes `blocked_by`
/// and, the other way round, `blocks`.
pub fn link(tasks: &mut [Task], waits_for: &[Vec<usize>]) {
    let ids: Vec<String> = tasks.iter().map(|t| t.id.clone()).collect();
    for (i, task) in tasks.iter_mut().enumerate() {
        task.blocked_by = waits_for[i].iter().map(|&d| ids[d].clone()).collect();
        task.blocks = (0..ids.len())
            .filter(|&j| waits_for[j].contains(&i))
            .map(|j| ids[j].clone())
            .collect();
    }
}

/// Who works on the `index`th task of a plan: a person, or one of the team in turn.
pub fn assignee(task_type: TaskType, index: usize) -> &'static str {
    match task_type {
        TaskType::Human => HUMAN,
        _ => TEAM[index % TEAM.len()],
    }
}

/// The agents of a project that has a plan.
pub fn team() -> Vec<String> {
    TEAM.iter().map(|a| (*a).to_owned()).collect()
}

/// A task's `active_description` while it is in progress.
pub fn working_on(title: &str) -> String {
    format!("Working on: {title}")
}

/// A done task's `output`.
pub fn finished(title: &str) -> String {
    format!("Finished: {title}")
}

/// A project as `POST /api/deep-work/start` creates it: planning, no tasks or team yet.
pub fn started_project(description: &str, research_depth: &str, now: Timestamp) -> Project {
    // The real server asks a model for a title; the description's start will do here.
    let title: String = description.trim().chars().take(60).collect();
    let mut metadata = Map::new();
    metadata.insert("research_depth".to_owned(), Value::from(research_depth));
    Project {
        id: new_id(),
        title,
        description: description.to_owned(),
        status: ProjectStatus::Planning,
        planner_agent_id: Some(PLANNER.to_owned()),
        team_agent_ids: Vec::new(),
        task_ids: Vec::new(),
        prd_document_id: None,
        creator_id: "human".to_owned(),
        tags: Vec::new(),
        started_at: None,
        completed_at: None,
        created_at: now,
        updated_at: now,
        metadata,
    }
}

/// What `parse-goal` answers with. The real server asks a language model; here the
/// same description always gives the same analysis: its sentences as deliverables,
/// and a complexity that grows with its length.
pub fn goal_analysis(description: &str) -> Value {
    let deliverables = deliverables(description);
    let complexity = match description.split_whitespace().count() {
        0..=15 => "low",
        16..=60 => "medium",
        _ => "high",
    };
    json!({
        "goal": description,
        "deliverables": deliverables,
        "complexity": complexity,
    })
}

/// A description's sentences (at most five): what it asks to be delivered.
pub fn deliverables(description: &str) -> Vec<&str> {
    description
        .split(['.', ';', '\n'])
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .take(5)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{execution_levels, Progress};

    #[test]
    fn a_big_plan_repeats_the_six_steps_each_round_after_the_last() {
        let (project, tasks) = sample_project(ProjectStatus::Executing, Timestamp::now(), 50);
        assert_eq!((project.task_ids.len(), tasks.len()), (50, 50));
        // Five levels per round of six, the rounds in a row: 8 full rounds and 2 tasks.
        let levels = execution_levels(&tasks);
        assert_eq!(levels.len(), 8 * 5 + 2);
        assert_eq!(levels.iter().map(Vec::len).sum::<usize>(), 50);
        assert_eq!(tasks[6].blocked_by, [tasks[5].id.clone()]);
        assert!(tasks[5].blocks.contains(&tasks[6].id));
    }

    #[test]
    fn a_project_serializes_to_exactly_the_fifteen_fields() {
        let (project, tasks) =
            sample_project(ProjectStatus::Executing, Timestamp::now(), PLAN_TASKS);
        let value = serde_json::to_value(&project).unwrap();
        let keys: Vec<&str> = value
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            [
                "id",
                "title",
                "description",
                "status",
                "planner_agent_id",
                "team_agent_ids",
                "task_ids",
                "prd_document_id",
                "creator_id",
                "tags",
                "started_at",
                "completed_at",
                "created_at",
                "updated_at",
                "metadata"
            ]
        );
        let task = serde_json::to_value(&tasks[0]).unwrap();
        assert_eq!(task.as_object().unwrap().len(), 26);
    }

    #[test]
    fn samples_are_consistent_with_their_status() {
        for status in ProjectStatus::ALL {
            let (project, tasks) = sample_project(status, Timestamp::now(), PLAN_TASKS);
            assert_eq!(project.status, status);
            assert!(!project.team_agent_ids.is_empty());
            assert_eq!(
                project.task_ids,
                tasks.iter().map(|t| t.id.clone()).collect::<Vec<_>>()
            );
            assert_eq!(project.started_at.is_some(), status.has_started());
            assert_eq!(project.completed_at.is_some(), status.has_finished());
            assert!(tasks.iter().all(|t| t.project_id == project.id));
            assert!(execution_levels(&tasks).len() >= 2);
            assert!(tasks.iter().any(|t| t.task_type == TaskType::Human));
            let mut statuses: Vec<TaskStatus> = tasks.iter().map(|t| t.status).collect();
            statuses.dedup();
            assert!(statuses.len() >= 2, "{status:?}");
            match status {
                ProjectStatus::Completed | ProjectStatus::Cancelled => {
                    assert!(statuses.iter().all(|s| s.is_settled()))
                }
                _ => assert!(statuses.iter().any(|s| !s.is_settled())),
            }
            for task in &tasks {
                for dep in &task.blocked_by {
                    let waited_for = tasks.iter().find(|t| &t.id == dep).unwrap();
                    assert!(waited_for.blocks.contains(&task.id));
                }
            }
        }
        let (draft, _) = sample_project(ProjectStatus::Draft, Timestamp::now(), PLAN_TASKS);
        assert_eq!(draft.title, "<img src=x onerror=alert(1)>");
    }

    #[test]
    fn the_executing_sample_shows_every_task_action() {
        let (_, tasks) = sample_project(ProjectStatus::Executing, Timestamp::now(), PLAN_TASKS);
        let has = |status| tasks.iter().any(|t| t.status == status);
        use TaskStatus::*;
        assert!(has(Done) && has(Skipped) && has(Inbox) && has(Blocked) && has(InProgress));
        let blocked = tasks.iter().find(|t| t.status == Blocked).unwrap();
        assert_eq!(blocked.error_message.as_deref(), Some(FAILURE_MESSAGE));
        assert_eq!(
            Progress::of(&tasks),
            Progress {
                total: 6,
                completed: 2,
                skipped: 1,
                in_progress: 1,
                blocked: 1,
                human_pending: 0,
                percent: 50.0
            }
        );
    }

    #[test]
    fn execution_levels_follow_blocked_by() {
        let (_, tasks) = sample_project(ProjectStatus::Draft, Timestamp::now(), PLAN_TASKS);
        let id = |i: usize| tasks[i].id.clone();
        assert_eq!(
            execution_levels(&tasks),
            vec![
                vec![id(0)],
                vec![id(1)],
                vec![id(2), id(4)],
                vec![id(3)],
                vec![id(5)]
            ]
        );
    }

    #[test]
    fn goal_analysis_is_deterministic() {
        let text = "Build a recipe API. Add search; ship docs";
        assert_eq!(goal_analysis(text), goal_analysis(text));
        assert_eq!(
            goal_analysis(text),
            json!({
                "goal": text,
                "deliverables": ["Build a recipe API", "Add search", "ship docs"],
                "complexity": "low"
            })
        );
    }
}
