//! Projects and tasks as the API shows them, and the sample data they are seeded with.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
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

    pub fn has_started(self) -> bool {
        matches!(
            self,
            Self::Executing | Self::Paused | Self::Completed | Self::Failed | Self::Cancelled
        )
    }

    pub fn has_finished(self) -> bool {
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

/// Who or what works on a task.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskType {
    Agent,
    Human,
    Review,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    Low,
    Medium,
    High,
    Urgent,
}

/// The real server's task object: these 26 fields, in this order.
#[derive(Clone, Debug, Serialize)]
pub struct Task {
    pub id: String,
    pub title: String,
    pub description: String,
    pub status: TaskStatus,
    pub priority: Priority,
    pub assignee_ids: Vec<String>,
    pub creator_id: String,
    pub parent_task_id: Option<String>,
    /// Ids of the tasks it waits for.
    pub blocked_by: Vec<String>,
    pub tags: Vec<String>,
    pub due_date: Option<Timestamp>,
    pub started_at: Option<Timestamp>,
    pub completed_at: Option<Timestamp>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub metadata: Map<String, Value>,
    pub project_id: String,
    pub task_type: TaskType,
    /// Ids of the tasks that wait for it: `blocked_by` the other way round.
    pub blocks: Vec<String>,
    pub active_description: Option<String>,
    pub estimated_minutes: Option<u32>,
    pub output: Option<String>,
    pub retry_count: u32,
    pub max_retries: u32,
    pub timeout_minutes: Option<u32>,
    pub error_message: Option<String>,
}

/// The `progress` object of plan, get, skip and retry answers.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Progress {
    pub total: usize,
    pub completed: usize,
    pub skipped: usize,
    pub in_progress: usize,
    pub blocked: usize,
    /// Human tasks still waiting for someone: neither done nor skipped.
    pub human_pending: usize,
    /// Done and skipped tasks count as finished work; one decimal, 0.0 without tasks.
    pub percent: f64,
}

impl Progress {
    pub fn of(tasks: &[Task]) -> Self {
        let count = |status| tasks.iter().filter(|t| t.status == status).count();
        let (total, completed, skipped) = (
            tasks.len(),
            count(TaskStatus::Done),
            count(TaskStatus::Skipped),
        );
        let percent = if total == 0 {
            0.0
        } else {
            ((completed + skipped) as f64 * 1000.0 / total as f64).round() / 10.0
        };
        Self {
            total,
            completed,
            skipped,
            in_progress: count(TaskStatus::InProgress),
            blocked: count(TaskStatus::Blocked),
            human_pending: tasks
                .iter()
                .filter(|t| t.task_type == TaskType::Human && !t.status.is_settled())
                .count(),
            percent,
        }
    }
}

/// Groups task ids into execution levels: level 0 has no dependencies, level n
/// depends only on tasks of lower levels. Dependencies on ids outside the list
/// are ignored; tasks caught in a dependency cycle get no level.
pub fn execution_levels(tasks: &[Task]) -> Vec<Vec<String>> {
    // Sets, not lists: the simulation asks on every step, of plans up to 500 tasks.
    let in_project: HashSet<&str> = tasks.iter().map(|t| t.id.as_str()).collect();
    let mut placed: HashSet<&str> = HashSet::new();
    let mut levels = Vec::new();
    loop {
        let level: Vec<&str> = tasks
            .iter()
            .filter(|t| !placed.contains(t.id.as_str()))
            .filter(|t| {
                t.blocked_by
                    .iter()
                    .all(|dep| !in_project.contains(dep.as_str()) || placed.contains(dep.as_str()))
            })
            .map(|t| t.id.as_str())
            .collect();
        if level.is_empty() {
            return levels;
        }
        placed.extend(&level);
        levels.push(level.into_iter().map(str::to_owned).collect());
    }
}

pub const CANCELLED_MESSAGE: &str = "Project cancelled";

pub fn new_id() -> String {
    Uuid::new_v4().to_string()
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

    fn task(id: &str, status: TaskStatus, task_type: TaskType, blocked_by: &[&str]) -> Task {
        let now = Timestamp::now();
        Task {
            id: id.to_owned(),
            title: id.to_owned(),
            description: String::new(),
            status,
            priority: Priority::Medium,
            assignee_ids: Vec::new(),
            creator_id: "human".to_owned(),
            parent_task_id: None,
            blocked_by: blocked_by.iter().map(|d| (*d).to_owned()).collect(),
            tags: Vec::new(),
            due_date: None,
            started_at: None,
            completed_at: None,
            created_at: now,
            updated_at: now,
            metadata: Map::new(),
            project_id: "p".to_owned(),
            task_type,
            blocks: Vec::new(),
            active_description: None,
            estimated_minutes: None,
            output: None,
            retry_count: 0,
            max_retries: 3,
            timeout_minutes: None,
            error_message: None,
        }
    }

    #[test]
    fn progress_counts_finished_work_to_one_decimal() {
        use TaskStatus::*;
        let tasks = [
            task("a", Done, TaskType::Agent, &[]),
            task("b", Skipped, TaskType::Human, &[]),
            task("c", Blocked, TaskType::Agent, &[]),
            task("d", InProgress, TaskType::Human, &[]),
            task("e", Inbox, TaskType::Human, &[]),
            task("f", Review, TaskType::Review, &[]),
        ];
        assert_eq!(
            Progress::of(&tasks),
            Progress {
                total: 6,
                completed: 1,
                skipped: 1,
                in_progress: 1,
                blocked: 1,
                human_pending: 2,
                percent: 33.3
            }
        );
        assert_eq!(Progress::of(&tasks[..1]).percent, 100.0);
        assert_eq!(Progress::of(&[]).percent, 0.0);
        assert_eq!(
            serde_json::to_value(Progress::of(&[])).unwrap()["percent"],
            0.0
        );
    }

    #[test]
    fn execution_levels_survive_cycles_and_foreign_ids() {
        let tasks = [
            task("a", TaskStatus::Inbox, TaskType::Agent, &["not-a-task"]),
            task("b", TaskStatus::Inbox, TaskType::Agent, &["b"]),
        ];
        assert_eq!(execution_levels(&tasks), vec![vec!["a".to_owned()]]);
    }
}
