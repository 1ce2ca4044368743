//! Projects and tasks as the API shows them, and the sample data they are seeded with.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use time::Duration;
use uuid::Uuid;

use crate::timestamp::Timestamp;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProjectStatus {
    Draft,
    Planning,
    AwaitingApproval,
    Approved,
    Executing,
    Paused,
    Completed,
    Failed,
    Cancelled,
}

impl ProjectStatus {
    pub const ALL: [ProjectStatus; 9] = [
        Self::Draft,
        Self::Planning,
        Self::AwaitingApproval,
        Self::Approved,
        Self::Executing,
        Self::Paused,
        Self::Completed,
        Self::Failed,
        Self::Cancelled,
    ];

    /// The wire name, for error messages such as `Cannot cancel project with status 'completed'`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Planning => "planning",
            Self::AwaitingApproval => "awaiting_approval",
            Self::Approved => "approved",
            Self::Executing => "executing",
            Self::Paused => "paused",
            Self::Completed => "completed",
            Self::Failed => "failed",
            Self::Cancelled => "cancelled",
        }
    }

    /// Cancelling is allowed from every status except the two terminal ones.
    pub fn is_cancellable(self) -> bool {
        !matches!(self, Self::Completed | Self::Cancelled)
    }

    fn has_started(self) -> bool {
        matches!(
            self,
            Self::Executing | Self::Paused | Self::Completed | Self::Failed | Self::Cancelled
        )
    }

    fn has_finished(self) -> bool {
        matches!(self, Self::Completed | Self::Failed | Self::Cancelled)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    Inbox,
    Assigned,
    InProgress,
    Review,
    Blocked,
    Done,
    Skipped,
}

impl TaskStatus {
    pub const ALL: [TaskStatus; 7] = [
        Self::Inbox,
        Self::Assigned,
        Self::InProgress,
        Self::Review,
        Self::Blocked,
        Self::Done,
        Self::Skipped,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Inbox => "inbox",
            Self::Assigned => "assigned",
            Self::InProgress => "in_progress",
            Self::Review => "review",
            Self::Blocked => "blocked",
            Self::Done => "done",
            Self::Skipped => "skipped",
        }
    }

    /// Done and skipped tasks are settled: a cancel leaves them as they are.
    pub fn is_settled(self) -> bool {
        matches!(self, Self::Done | Self::Skipped)
    }
}

/// The real server's project object: exactly these 15 fields, in this order.
#[derive(Clone, Debug, Serialize)]
pub struct Project {
    pub id: String,
    pub title: String,
    pub description: String,
    pub status: ProjectStatus,
    pub planner_agent_id: Option<String>,
    pub team_agent_ids: Vec<String>,
    pub task_ids: Vec<String>,
    pub prd_document_id: Option<String>,
    pub creator_id: String,
    pub tags: Vec<String>,
    pub started_at: Option<Timestamp>,
    pub completed_at: Option<Timestamp>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub metadata: Map<String, Value>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Task {
    pub id: String,
    pub title: String,
    pub status: TaskStatus,
    pub project_id: String,
    pub assigned_agent_id: Option<String>,
    pub blocked_by: Vec<String>,
    pub completed_at: Option<Timestamp>,
    pub error_message: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// The `progress` object of plan and skip answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Progress {
    pub total: usize,
    pub done: usize,
    pub skipped: usize,
    pub in_progress: usize,
    pub percent: u32,
}

impl Progress {
    /// `percent` counts done and skipped tasks as finished work.
    pub fn of(tasks: &[Task]) -> Self {
        let count = |status| tasks.iter().filter(|t| t.status == status).count();
        let (total, done, skipped) = (
            tasks.len(),
            count(TaskStatus::Done),
            count(TaskStatus::Skipped),
        );
        let percent = if total == 0 {
            0
        } else {
            ((done + skipped) as f64 * 100.0 / total as f64).round() as u32
        };
        Self {
            total,
            done,
            skipped,
            in_progress: count(TaskStatus::InProgress),
            percent,
        }
    }
}

/// Groups task ids into execution levels: level 0 has no dependencies, level n
/// depends only on tasks of lower levels. Dependencies on ids outside the list
/// are ignored; tasks caught in a dependency cycle get no level.
pub fn execution_levels(tasks: &[Task]) -> Vec<Vec<String>> {
    let in_project = |id: &String| tasks.iter().any(|t| &t.id == id);
    let mut placed: Vec<&str> = Vec::new();
    let mut levels = Vec::new();
    loop {
        let level: Vec<String> = tasks
            .iter()
            .filter(|t| !placed.contains(&t.id.as_str()))
            .filter(|t| {
                t.blocked_by
                    .iter()
                    .all(|dep| !in_project(dep) || placed.contains(&dep.as_str()))
            })
            .map(|t| t.id.clone())
            .collect();
        if level.is_empty() {
            return levels;
        }
        placed.extend(
            tasks
                .iter()
                .filter(|t| level.contains(&t.id))
                .map(|t| t.id.as_str()),
        );
        levels.push(level);
    }
}

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

/// Every seeded project gets these six tasks: (title, indexes of the tasks it waits for).
const TASK_PLAN: [(&str, &[usize]); 6] = [
    ("Research requirements", &[]),
    ("Design the data model", &[0]),
    ("Implement the core features", &[1]),
    ("Write integration tests", &[2]),
    ("Write user documentation", &[1]),
    ("Review and release", &[3, 4]),
];

/// Task statuses (in `TASK_PLAN` order) that make sense for a project in `status`.
fn task_statuses(status: ProjectStatus) -> [TaskStatus; 6] {
    use TaskStatus::*;
    match status {
        ProjectStatus::Draft => [Inbox; 6],
        ProjectStatus::Planning => [Assigned, Inbox, Inbox, Inbox, Inbox, Inbox],
        ProjectStatus::AwaitingApproval | ProjectStatus::Approved => {
            [Assigned, Blocked, Blocked, Blocked, Blocked, Blocked]
        }
        ProjectStatus::Executing => [Done, Done, InProgress, Blocked, Review, Blocked],
        ProjectStatus::Paused => [Done, Done, Assigned, Blocked, InProgress, Blocked],
        ProjectStatus::Completed => [Done, Done, Done, Done, Skipped, Done],
        ProjectStatus::Failed => [Done, Done, Blocked, Blocked, Done, Blocked],
        ProjectStatus::Cancelled => [Done, Done, Skipped, Skipped, Skipped, Skipped],
    }
}

pub const CANCELLED_MESSAGE: &str = "Project cancelled";
const FAILURE_MESSAGE: &str = "Agent agent-backend stopped: build timed out after 3 retries";

pub fn new_id() -> String {
    Uuid::new_v4().to_string()
}

/// A project in `status` with six tasks in a matching mix of statuses, and
/// timestamps a few hours before `now`.
pub fn sample_project(status: ProjectStatus, now: Timestamp) -> (Project, Vec<Task>) {
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

    let task_ids: Vec<String> = TASK_PLAN.iter().map(|_| new_id()).collect();
    let tasks = TASK_PLAN
        .iter()
        .zip(task_statuses(status))
        .enumerate()
        .map(|(i, ((task_title, deps), task_status))| {
            let error_message = match (status, task_status) {
                (ProjectStatus::Cancelled, TaskStatus::Skipped) => Some(CANCELLED_MESSAGE),
                // The first blocked task of a failed project is the one that failed.
                (ProjectStatus::Failed, TaskStatus::Blocked) if i == 2 => Some(FAILURE_MESSAGE),
                _ => None,
            };
            Task {
                id: task_ids[i].clone(),
                title: (*task_title).to_owned(),
                status: task_status,
                project_id: project_id.clone(),
                assigned_agent_id: (task_status != TaskStatus::Inbox)
                    .then(|| TEAM[i % TEAM.len()].to_owned()),
                blocked_by: deps.iter().map(|&d| task_ids[d].clone()).collect(),
                completed_at: (task_status == TaskStatus::Done)
                    .then(|| now.minus(Duration::minutes(90 - 10 * i as i64))),
                error_message: error_message.map(str::to_owned),
                created_at,
                updated_at: now.minus(Duration::minutes(30)),
            }
        })
        .collect();

    let project = Project {
        id: project_id,
        title: title.to_owned(),
        description: description.to_owned(),
        status,
        planner_agent_id: (status != ProjectStatus::Draft).then(|| PLANNER.to_owned()),
        team_agent_ids: TEAM.iter().map(|a| (*a).to_owned()).collect(),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_names_match_their_json_form() {
        for status in ProjectStatus::ALL {
            assert_eq!(serde_json::to_value(status).unwrap(), status.as_str());
        }
        for status in TaskStatus::ALL {
            assert_eq!(serde_json::to_value(status).unwrap(), status.as_str());
        }
    }

    #[test]
    fn a_project_serializes_to_exactly_the_fifteen_fields() {
        let (project, _) = sample_project(ProjectStatus::Executing, Timestamp::now());
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
    }

    #[test]
    fn samples_are_consistent_with_their_status() {
        for status in ProjectStatus::ALL {
            let (project, tasks) = sample_project(status, Timestamp::now());
            assert_eq!(project.status, status);
            assert!(!project.team_agent_ids.is_empty());
            assert_eq!(
                project.task_ids,
                tasks.iter().map(|t| t.id.clone()).collect::<Vec<_>>()
            );
            assert_eq!(
                project.started_at.is_some(),
                status.has_started(),
                "{status:?}"
            );
            assert_eq!(
                project.completed_at.is_some(),
                status.has_finished(),
                "{status:?}"
            );
            assert!(tasks.iter().all(|t| t.project_id == project.id));
            let statuses: Vec<TaskStatus> = tasks.iter().map(|t| t.status).collect();
            match status {
                ProjectStatus::Draft => assert!(statuses.iter().all(|s| *s == TaskStatus::Inbox)),
                ProjectStatus::Completed | ProjectStatus::Cancelled => {
                    assert!(statuses.iter().all(|s| s.is_settled()))
                }
                _ => assert!(statuses.iter().any(|s| !s.is_settled())),
            }
        }
        let (draft, _) = sample_project(ProjectStatus::Draft, Timestamp::now());
        assert_eq!(draft.title, "<img src=x onerror=alert(1)>");
    }

    #[test]
    fn progress_counts_finished_work() {
        let (_, tasks) = sample_project(ProjectStatus::Executing, Timestamp::now());
        let progress = Progress::of(&tasks);
        assert_eq!(
            progress,
            Progress {
                total: 6,
                done: 2,
                skipped: 0,
                in_progress: 1,
                percent: 33
            }
        );
        assert_eq!(Progress::of(&[]).percent, 0);
    }

    #[test]
    fn execution_levels_follow_blocked_by() {
        let (_, tasks) = sample_project(ProjectStatus::Draft, Timestamp::now());
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
    fn execution_levels_survive_cycles_and_foreign_ids() {
        let (_, mut tasks) = sample_project(ProjectStatus::Draft, Timestamp::now());
        tasks.truncate(2);
        tasks[0].blocked_by = vec!["not-a-task".to_owned()];
        tasks[1].blocked_by = vec![tasks[1].id.clone()];
        assert_eq!(execution_levels(&tasks), vec![vec![tasks[0].id.clone()]]);
    }
}
