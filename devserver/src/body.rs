//! The success bodies of the API's answers, projects written in their shapes. The
//! routes answer with them, and fault answers build on them (cut short, with
//! `"success": false`, …), so both see the same body.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::model::{self, Progress, Task};
use crate::shape::{ProjectView, WorkspaceView};

/// Start, cancel, approve, pause and resume.
#[derive(Debug, Serialize)]
pub struct ProjectAnswer {
    pub success: bool,
    pub project: ProjectView,
}

/// Skip and retry.
#[derive(Debug, Serialize)]
pub struct TaskAnswer {
    pub success: bool,
    pub task: Task,
    pub progress: Progress,
}

#[derive(Debug, Serialize)]
pub struct PlanAnswer {
    project: WorkspaceView,
    tasks: Vec<Task>,
    progress: Progress,
    /// This server writes no PRDs.
    prd: Option<Value>,
    execution_levels: Vec<Vec<String>>,
    task_level_map: Map<String, Value>,
    goal_analysis: Option<Value>,
}

/// `GET /api/mission-control/projects/{id}`.
#[derive(Debug, Serialize)]
pub struct ProjectDetail {
    project: WorkspaceView,
    tasks: Vec<Task>,
    progress: Progress,
}

/// `GET /api/mission-control/projects`.
#[derive(Debug, Serialize)]
pub struct ProjectList {
    pub projects: Vec<WorkspaceView>,
    /// How many projects matched, before the limit.
    pub count: usize,
}

#[derive(Debug, Serialize)]
pub struct Deleted {
    success: bool,
    message: String,
}

#[derive(Debug, Serialize)]
pub struct GoalAnswer {
    pub success: bool,
    pub goal_analysis: Value,
}

impl ProjectAnswer {
    pub fn new(project: ProjectView) -> Self {
        Self {
            success: true,
            project,
        }
    }
}

impl TaskAnswer {
    pub fn new(task: Task, tasks: &[Task]) -> Self {
        Self {
            success: true,
            task,
            progress: Progress::of(tasks),
        }
    }
}

impl PlanAnswer {
    pub fn new(view: ProjectView, tasks: &[Task], goal_analysis: Option<Value>) -> Self {
        let execution_levels = model::execution_levels(tasks);
        let task_level_map = execution_levels
            .iter()
            .enumerate()
            .flat_map(|(level, ids)| ids.iter().map(move |id| (id.clone(), Value::from(level))))
            .collect();
        Self {
            project: view.with_workspace(tasks),
            tasks: tasks.to_vec(),
            progress: Progress::of(tasks),
            prd: None,
            execution_levels,
            task_level_map,
            goal_analysis,
        }
    }
}

impl ProjectDetail {
    pub fn new(view: ProjectView, tasks: &[Task]) -> Self {
        Self {
            project: view.with_workspace(tasks),
            tasks: tasks.to_vec(),
            progress: Progress::of(tasks),
        }
    }
}

impl Deleted {
    pub fn new(id: &str) -> Self {
        Self {
            success: true,
            message: format!("Project {id} deleted"),
        }
    }
}
