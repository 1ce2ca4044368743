//! What the calls resolve with, and the envelopes the server wraps them in.
//!
//! Each answer type checks what serde cannot (`check`, pure, tested natively) and then
//! keeps the server's own objects beside the decoded ones (`keep`, in the browser).

use super::{field, item, Project, Raw, Task};
use crate::decode::{named_fields, Invalid};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use wasm_bindgen::JsValue;

/// A 2xx body the SDK decodes into `Self`.
pub(crate) trait FromBody: DeserializeOwned {
    /// What serde cannot say: `success` is true, the numbers agree.
    fn check(self) -> Result<Self, Invalid> {
        Ok(self)
    }

    /// Keeps the server's own objects of `body` (the parsed JSON) beside the decoded data.
    fn keep(&mut self, body: &JsValue);
}

/// Accepts any JSON object, keeping nothing: free-form objects are read from `raw`.
#[derive(Deserialize)]
#[serde(expecting = "an object")]
pub(crate) struct AnyObject {}

named_fields!(envelope {
    success: bool,
    project: Project,
    projects: Vec<Project>,
    count: u32,
    task: Task,
    tasks: Vec<Task>,
    progress: Progress,
    execution_levels: Vec<Vec<String>>,
    goal_analysis: AnyObject,
});

fn succeeded(success: bool) -> Result<(), Invalid> {
    if success {
        Ok(())
    } else {
        Err(Invalid::at("success", "expected true"))
    }
}

fn keep_tasks(tasks: &mut [Task], array: &JsValue) {
    for (index, task) in tasks.iter_mut().enumerate() {
        task.keep(item(array, index));
    }
}

/// `{"success": true, "project": {…}}`: the answer of start and every transition.
#[derive(Deserialize)]
#[serde(expecting = "an object")]
pub(crate) struct ProjectAnswer {
    #[serde(deserialize_with = "envelope::success")]
    success: bool,
    #[serde(deserialize_with = "envelope::project")]
    pub project: Project,
}

impl FromBody for ProjectAnswer {
    fn check(self) -> Result<Self, Invalid> {
        succeeded(self.success).map(|()| self)
    }
    fn keep(&mut self, body: &JsValue) {
        self.project.keep(field(body, "project"));
    }
}

/// How far a project's tasks are: counts by state, and the share settled.
#[derive(Clone, Copy, Debug, PartialEq, Deserialize)]
#[serde(expecting = "an object")]
pub struct Progress {
    #[serde(deserialize_with = "progress::total")]
    pub total: u32,
    /// Tasks done.
    #[serde(deserialize_with = "progress::completed")]
    pub completed: u32,
    #[serde(deserialize_with = "progress::skipped")]
    pub skipped: u32,
    #[serde(deserialize_with = "progress::in_progress")]
    pub in_progress: u32,
    #[serde(deserialize_with = "progress::blocked")]
    pub blocked: u32,
    /// Human tasks not done yet.
    #[serde(default, deserialize_with = "progress::human_pending")]
    pub human_pending: u32,
    /// Tasks done or skipped, in percent of all (one decimal).
    #[serde(deserialize_with = "progress::percent")]
    pub percent: f64,
}

named_fields!(progress {
    total: u32,
    completed: u32,
    skipped: u32,
    in_progress: u32,
    blocked: u32,
    human_pending: u32,
    percent: f64,
});

/// A project's plan: its tasks in execution levels (tasks of one level can run side by
/// side; each level waits for the one before), their progress, and what planning wrote.
#[derive(Clone, Debug, Deserialize)]
#[serde(expecting = "an object")]
pub struct Plan {
    #[serde(deserialize_with = "envelope::project")]
    pub project: Project,
    #[serde(deserialize_with = "envelope::tasks")]
    pub tasks: Vec<Task>,
    #[serde(deserialize_with = "envelope::progress")]
    pub progress: Progress,
    /// Task ids, level by level. (The server's `task_level_map` says the same the other
    /// way round: see [`Plan::level_of`], or read it from [`Plan::raw`].)
    #[serde(default, deserialize_with = "envelope::execution_levels")]
    pub execution_levels: Vec<Vec<String>>,
    #[serde(skip)]
    raw: Raw,
}

impl Plan {
    /// The plan exactly as the server sent it (parsed JSON).
    pub fn raw(&self) -> &JsValue {
        &self.raw.0
    }

    /// The product requirements document planning wrote (free-form), or null.
    pub fn prd(&self) -> JsValue {
        field(&self.raw.0, "prd")
    }

    /// The goal analysis the project was started with (free-form), or null.
    pub fn goal_analysis(&self) -> JsValue {
        field(&self.raw.0, "goal_analysis")
    }

    /// The task with this id.
    pub fn task(&self, task_id: &str) -> Option<&Task> {
        self.tasks.iter().find(|task| task.id == task_id)
    }

    /// The execution level of the task with this id (0 first).
    pub fn level_of(&self, task_id: &str) -> Option<usize> {
        self.execution_levels
            .iter()
            .position(|level| level.iter().any(|id| id == task_id))
    }

    /// That task and the progress, as a task change's answer has them.
    pub(crate) fn change_of(&self, task_id: &str) -> Option<TaskChange> {
        let task = self.task(task_id)?.clone();
        Some(TaskChange::new(
            task,
            self.progress,
            &field(&self.raw.0, "progress"),
        ))
    }
}

impl FromBody for Plan {
    fn keep(&mut self, body: &JsValue) {
        self.project.keep(field(body, "project"));
        keep_tasks(&mut self.tasks, &field(body, "tasks"));
        self.raw = Raw(body.clone());
    }
}

/// A project with its tasks and their progress (`getProject`).
#[derive(Clone, Debug)]
pub struct ProjectDetail {
    pub project: Project,
    pub tasks: Vec<Task>,
    pub progress: Progress,
    raw: Raw,
}

impl ProjectDetail {
    /// The answer exactly as the server sent it (parsed JSON).
    pub fn raw(&self) -> &JsValue {
        &self.raw.0
    }
}

/// The answer is a plan without its levels: decoded as one, so that both share a decoder.
impl From<Plan> for ProjectDetail {
    fn from(plan: Plan) -> Self {
        Self {
            project: plan.project,
            tasks: plan.tasks,
            progress: plan.progress,
            raw: plan.raw,
        }
    }
}

/// One page of projects (`listProjects`), newest first.
#[derive(Clone, Debug, Deserialize)]
#[serde(expecting = "an object")]
pub struct ProjectList {
    #[serde(deserialize_with = "envelope::projects")]
    pub projects: Vec<Project>,
    /// How many projects match the filter, before the limit: may exceed `projects.len()`.
    #[serde(deserialize_with = "envelope::count")]
    pub count: u32,
    #[serde(skip)]
    raw: Raw,
}

impl ProjectList {
    /// The answer exactly as the server sent it (parsed JSON).
    pub fn raw(&self) -> &JsValue {
        &self.raw.0
    }
}

impl FromBody for ProjectList {
    fn check(self) -> Result<Self, Invalid> {
        if (self.count as usize) < self.projects.len() {
            return Err(Invalid::at(
                "count",
                "expected at least the number of projects sent",
            ));
        }
        Ok(self)
    }
    fn keep(&mut self, body: &JsValue) {
        let array = field(body, "projects");
        for (index, project) in self.projects.iter_mut().enumerate() {
            project.keep(item(&array, index));
        }
        self.raw = Raw(body.clone());
    }
}

/// A task after `skipTask` or `retryTask`, and the project's progress with it.
#[derive(Clone, Debug)]
pub struct TaskChange {
    pub task: Task,
    pub progress: Progress,
    raw: Raw,
}

impl TaskChange {
    /// `{task, progress}` as the server sent them (parsed JSON).
    pub fn raw(&self) -> &JsValue {
        &self.raw.0
    }

    /// The change, with the server's own `task` object (kept in `task`) and `progress`.
    pub(crate) fn new(task: Task, progress: Progress, progress_raw: &JsValue) -> Self {
        let object = js_sys::Object::new();
        // Setting a property of a fresh plain object cannot fail.
        let _ = js_sys::Reflect::set(&object, &"task".into(), task.raw());
        let _ = js_sys::Reflect::set(&object, &"progress".into(), progress_raw);
        Self {
            task,
            progress,
            raw: Raw(object.into()),
        }
    }
}

/// `{"success": true, "task", "progress"}`.
#[derive(Deserialize)]
#[serde(expecting = "an object")]
pub(crate) struct TaskAnswer {
    #[serde(deserialize_with = "envelope::success")]
    success: bool,
    #[serde(deserialize_with = "envelope::task")]
    pub task: Task,
    #[serde(deserialize_with = "envelope::progress")]
    pub progress: Progress,
    #[serde(skip)]
    progress_raw: Raw,
}

impl TaskAnswer {
    pub fn into_change(self) -> TaskChange {
        TaskChange::new(self.task, self.progress, &self.progress_raw.0)
    }
}

impl FromBody for TaskAnswer {
    fn check(self) -> Result<Self, Invalid> {
        succeeded(self.success).map(|()| self)
    }
    fn keep(&mut self, body: &JsValue) {
        self.task.keep(field(body, "task"));
        self.progress_raw = Raw(field(body, "progress"));
    }
}

/// What `parseGoal` makes of a description: free-form JSON, read from [`GoalAnalysis::raw`],
/// and what `startProject` can take back.
#[derive(Clone, Debug, Default)]
pub struct GoalAnalysis(Raw);

impl GoalAnalysis {
    /// An analysis from a JS object (one `parseGoal` gave, perhaps edited).
    pub fn new(value: JsValue) -> Self {
        Self(Raw(value))
    }

    /// The analysis as the server sent it (parsed JSON).
    pub fn raw(&self) -> &JsValue {
        &self.0 .0
    }
}

/// `{"success": true, "goal_analysis": {…}}`.
#[derive(Deserialize)]
#[serde(expecting = "an object")]
pub(crate) struct GoalAnswer {
    #[serde(deserialize_with = "envelope::success")]
    success: bool,
    #[serde(rename = "goal_analysis", deserialize_with = "envelope::goal_analysis")]
    _goal_analysis: AnyObject,
    #[serde(skip)]
    pub analysis: GoalAnalysis,
}

impl FromBody for GoalAnswer {
    fn check(self) -> Result<Self, Invalid> {
        succeeded(self.success).map(|()| self)
    }
    fn keep(&mut self, body: &JsValue) {
        self.analysis = GoalAnalysis::new(field(body, "goal_analysis"));
    }
}

/// `{"success": true, "message": "Project … deleted"}`; a server that leaves
/// `success` out has said enough with its 2xx.
#[derive(Deserialize)]
#[serde(expecting = "an object")]
pub(crate) struct Deleted {
    #[serde(default)]
    success: Option<bool>,
}

impl FromBody for Deleted {
    fn check(self) -> Result<Self, Invalid> {
        succeeded(self.success != Some(false)).map(|()| self)
    }
    fn keep(&mut self, _: &JsValue) {}
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::decode::tests::from_text;
    use crate::model::tests::full_project;
    use crate::model::{TaskStatus, TaskType};

    /// The real server's 26-field task, as JSON text.
    fn task(id: &str, status: &str) -> String {
        format!(
            r#"{{"id": "{id}", "title": "Write the API", "description": "…", "status": "{status}",
            "priority": "high", "assignee_ids": ["agent-1"], "creator_id": "planner",
            "parent_task_id": null, "blocked_by": ["t0"], "tags": [], "due_date": null,
            "started_at": null, "completed_at": null, "created_at": "2024-01-15T14:00:00Z",
            "updated_at": "2024-01-15T14:00:00Z", "metadata": {{"x": 1}}, "project_id": "p",
            "task_type": "human", "blocks": [], "active_description": null,
            "estimated_minutes": 30, "output": null, "retry_count": 1, "max_retries": 3,
            "timeout_minutes": null, "error_message": null}}"#
        )
    }

    const PROGRESS: &str = r#"{"total": 2, "completed": 1, "skipped": 0, "in_progress": 0,
        "blocked": 1, "human_pending": 1, "percent": 50.0}"#;

    fn plan(tasks: &str) -> String {
        format!(
            r#"{{"project": {}, "tasks": [{tasks}], "progress": {PROGRESS}, "prd": null,
            "execution_levels": [["t0"], ["t1"]], "task_level_map": {{"t0": 0, "t1": 1}},
            "goal_analysis": null}}"#,
            full_project("executing")
        )
    }

    fn problem<T: FromBody>(body: &str) -> String {
        let e = from_text::<T>(body)
            .and_then(FromBody::check)
            .map(drop)
            .expect_err("refused");
        e.message()
            .strip_prefix("The server's answer broke the API contract: ")
            .unwrap_or(e.message())
            .to_owned()
    }

    #[test]
    fn a_plan_of_26_field_tasks_decodes_with_its_levels() {
        let body = plan(&format!(
            "{}, {}",
            task("t0", "done"),
            task("t1", "blocked")
        ));
        let plan = from_text::<Plan>(&body)
            .and_then(FromBody::check)
            .expect("decodes");
        assert_eq!(plan.tasks.len(), 2);
        let t1 = plan.task("t1").expect("t1");
        assert_eq!(t1.status, TaskStatus::Blocked);
        assert_eq!(t1.task_type, Some(TaskType::Human));
        assert_eq!((t1.estimated_minutes, t1.retry_count), (Some(30), 1));
        assert_eq!(t1.blocked_by, ["t0"]);
        assert_eq!(plan.level_of("t1"), Some(1));
        assert_eq!(plan.level_of("nope"), None);
        assert_eq!(plan.progress.percent, 50.0);
        assert_eq!(ProjectDetail::from(plan).tasks.len(), 2);
    }

    #[test]
    fn unknown_task_statuses_are_kept_and_a_minimal_task_decodes() {
        let minimal = r#"{"id": "t1", "title": "x", "status": "parked_v2"}"#;
        let plan = from_text::<Plan>(&plan(minimal)).expect("decodes");
        assert_eq!(plan.tasks[0].status, TaskStatus::Other("parked_v2".into()));
        assert_eq!(plan.tasks[0].retry_count, 0);
    }

    #[test]
    fn a_wrong_task_field_is_named_by_its_path() {
        let bad = task("t1", "done").replace(r#""retry_count": 1"#, r#""retry_count": "s3cret""#);
        let message = problem::<Plan>(&plan(&bad));
        assert!(
            message.starts_with("tasks.retry_count: expected"),
            "{message}"
        );
        assert!(!message.contains("s3cret"));
        let message = problem::<Plan>(&plan(r#"{"id": "t1", "title": "x"}"#));
        assert_eq!(message, "tasks: missing field `status`");
        let message = problem::<Plan>(
            &plan(&task("t1", "done")).replace(r#""percent": 50.0"#, r#""percent": "half""#),
        );
        assert!(
            message.starts_with("progress.percent: expected"),
            "{message}"
        );
    }

    #[test]
    fn a_listing_whose_count_is_below_what_it_sent_breaks_the_contract() {
        let project = full_project("paused");
        let list =
            |count: u32| format!(r#"{{"projects": [{project}, {project}], "count": {count}}}"#);
        let ok = from_text::<ProjectList>(&list(7))
            .and_then(FromBody::check)
            .expect("ok");
        assert_eq!((ok.projects.len(), ok.count), (2, 7));
        assert_eq!(
            problem::<ProjectList>(&list(1)),
            "count: expected at least the number of projects sent"
        );
        assert_eq!(
            problem::<ProjectList>(r#"{"projects": []}"#),
            "the body: missing field `count`"
        );
    }

    #[test]
    fn task_goal_and_delete_answers_need_success() {
        let change = format!(
            r#"{{"success": true, "task": {}, "progress": {PROGRESS}}}"#,
            task("t1", "skipped")
        );
        let answer = from_text::<TaskAnswer>(&change)
            .and_then(FromBody::check)
            .expect("ok");
        assert_eq!(answer.task.status, TaskStatus::Skipped);
        assert_eq!(
            problem::<TaskAnswer>(&change.replace(r#""success": true"#, r#""success": false"#)),
            "success: expected true"
        );
        let goal = r#"{"success": true, "goal_analysis": {"deliverables": [1]}}"#;
        assert!(from_text::<GoalAnswer>(goal)
            .and_then(FromBody::check)
            .is_ok());
        assert_eq!(
            problem::<GoalAnswer>(r#"{"success": true, "goal_analysis": "text"}"#),
            "goal_analysis: expected an object"
        );
        let deleted = r#"{"success": true, "message": "Project p deleted"}"#;
        assert!(from_text::<Deleted>(deleted)
            .and_then(FromBody::check)
            .is_ok());
        assert!(from_text::<Deleted>("{}").and_then(FromBody::check).is_ok());
        assert_eq!(
            problem::<Deleted>(r#"{"success": false}"#),
            "success: expected true"
        );
    }
}
