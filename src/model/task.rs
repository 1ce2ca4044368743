//! A task of a project's plan, as the server writes it.

use super::{field, Raw, TaskPriority, TaskStatus, TaskType};
use crate::decode::named_fields;
use serde::Deserialize;
use wasm_bindgen::JsValue;

/// One task of a project: who does it, what it waits for, where it is.
///
/// `id`, `title` and `status` are always there; the other fields are sent by the real
/// server and are empty when a server leaves them out. Free-form fields (`metadata`,
/// `output`) are read from [`Task::raw`].
#[derive(Clone, Debug, Deserialize)]
#[serde(expecting = "an object")]
pub struct Task {
    #[serde(deserialize_with = "task::id")]
    pub id: String,
    #[serde(deserialize_with = "task::title")]
    pub title: String,
    #[serde(deserialize_with = "task::status")]
    pub status: TaskStatus,
    #[serde(default, deserialize_with = "task::description")]
    pub description: Option<String>,
    #[serde(default, deserialize_with = "task::priority")]
    pub priority: Option<TaskPriority>,
    /// `human` tasks wait for a person.
    #[serde(default, deserialize_with = "task::task_type")]
    pub task_type: Option<TaskType>,
    #[serde(default, deserialize_with = "task::project_id")]
    pub project_id: Option<String>,
    #[serde(default, deserialize_with = "task::assignee_ids")]
    pub assignee_ids: Vec<String>,
    #[serde(default, deserialize_with = "task::creator_id")]
    pub creator_id: Option<String>,
    #[serde(default, deserialize_with = "task::parent_task_id")]
    pub parent_task_id: Option<String>,
    /// The tasks this one waits for.
    #[serde(default, deserialize_with = "task::blocked_by")]
    pub blocked_by: Vec<String>,
    /// The tasks that wait for this one.
    #[serde(default, deserialize_with = "task::blocks")]
    pub blocks: Vec<String>,
    #[serde(default, deserialize_with = "task::tags")]
    pub tags: Vec<String>,
    #[serde(default, deserialize_with = "task::active_description")]
    pub active_description: Option<String>,
    #[serde(default, deserialize_with = "task::estimated_minutes")]
    pub estimated_minutes: Option<u32>,
    #[serde(default, deserialize_with = "task::timeout_minutes")]
    pub timeout_minutes: Option<u32>,
    #[serde(default, deserialize_with = "task::retry_count")]
    pub retry_count: u32,
    #[serde(default, deserialize_with = "task::max_retries")]
    pub max_retries: u32,
    /// Why the task failed or was skipped ("Project cancelled").
    #[serde(default, deserialize_with = "task::error_message")]
    pub error_message: Option<String>,
    #[serde(default, deserialize_with = "task::due_date")]
    pub due_date: Option<String>,
    #[serde(default, deserialize_with = "task::started_at")]
    pub started_at: Option<String>,
    #[serde(default, deserialize_with = "task::completed_at")]
    pub completed_at: Option<String>,
    #[serde(default, deserialize_with = "task::created_at")]
    pub created_at: Option<String>,
    #[serde(default, deserialize_with = "task::updated_at")]
    pub updated_at: Option<String>,
    /// The server's own object; `metadata`, `output` and unknown fields live only there.
    #[serde(skip)]
    raw: Raw,
}

named_fields!(task {
    id: String,
    title: String,
    status: TaskStatus,
    description: Option<String>,
    priority: Option<TaskPriority>,
    task_type: Option<TaskType>,
    project_id: Option<String>,
    assignee_ids: Vec<String>,
    creator_id: Option<String>,
    parent_task_id: Option<String>,
    blocked_by: Vec<String>,
    blocks: Vec<String>,
    tags: Vec<String>,
    active_description: Option<String>,
    estimated_minutes: Option<u32>,
    timeout_minutes: Option<u32>,
    retry_count: u32,
    max_retries: u32,
    error_message: Option<String>,
    due_date: Option<String>,
    started_at: Option<String>,
    completed_at: Option<String>,
    created_at: Option<String>,
    updated_at: Option<String>,
});

impl Task {
    /// The task object exactly as the server sent it (parsed JSON), unknown fields
    /// included; `undefined` for a task that was not decoded from an answer.
    pub fn raw(&self) -> &JsValue {
        &self.raw.0
    }

    /// The task's free-form `metadata`, `undefined` when absent.
    pub fn metadata(&self) -> JsValue {
        field(&self.raw.0, "metadata")
    }

    /// What the task produced (free-form), `undefined` or null when nothing yet.
    pub fn output(&self) -> JsValue {
        field(&self.raw.0, "output")
    }

    /// A human task: it waits for a person, not an agent.
    pub fn is_human(&self) -> bool {
        self.task_type == Some(TaskType::Human)
    }

    pub(crate) fn keep(&mut self, raw: JsValue) {
        self.raw = Raw(raw);
    }
}
