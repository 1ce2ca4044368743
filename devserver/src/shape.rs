//! How a project object is written out. Servers differ: the docs' example has only
//! six fields, newer servers add fields. A dev-created project can take any of these
//! shapes so that clients get tested against all of them.

use serde::{Deserialize, Serialize, Serializer};

use crate::model::{Project, ProjectStatus, Task, TaskStatus};
use crate::timestamp::Timestamp;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Shape {
    /// The real server's 15 fields.
    #[default]
    Full,
    /// Only the six fields of the docs' example.
    Minimal,
    /// The 15 fields plus two that no client knows yet.
    ExtraFields,
}

/// A project together with the shape it is written in.
#[derive(Clone, Debug)]
pub struct ProjectView {
    pub project: Project,
    pub shape: Shape,
}

/// A project as plan, get and the list write it: with the folder its files go to
/// and how many there are (one per done task), unless the shape is minimal.
#[derive(Clone, Debug)]
pub struct WorkspaceView {
    pub view: ProjectView,
    pub folder_path: String,
    pub file_count: usize,
}

impl ProjectView {
    pub fn with_workspace(self, tasks: &[Task]) -> WorkspaceView {
        WorkspaceView {
            folder_path: format!("/workspace/deep-work/{}", self.project.id),
            file_count: tasks
                .iter()
                .filter(|t| t.status == TaskStatus::Done)
                .count(),
            view: self,
        }
    }
}

#[derive(Serialize)]
struct WithWorkspace<'a> {
    #[serde(flatten)]
    view: &'a ProjectView,
    folder_path: &'a str,
    file_count: usize,
}

impl Serialize for WorkspaceView {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.view.shape {
            Shape::Minimal => self.view.serialize(serializer),
            Shape::Full | Shape::ExtraFields => WithWorkspace {
                view: &self.view,
                folder_path: &self.folder_path,
                file_count: self.file_count,
            }
            .serialize(serializer),
        }
    }
}

#[derive(Serialize)]
struct Minimal<'a> {
    id: &'a str,
    title: &'a str,
    status: ProjectStatus,
    completed_at: Option<Timestamp>,
    task_ids: &'a [String],
    team_agent_ids: &'a [String],
}

#[derive(Serialize)]
struct WithExtraFields<'a> {
    #[serde(flatten)]
    project: &'a Project,
    priority: &'static str,
    x_future: Nested,
}

#[derive(Serialize)]
struct Nested {
    nested: [u32; 2],
}

impl Serialize for ProjectView {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let p = &self.project;
        match self.shape {
            Shape::Full => p.serialize(serializer),
            Shape::Minimal => Minimal {
                id: &p.id,
                title: &p.title,
                status: p.status,
                completed_at: p.completed_at,
                task_ids: &p.task_ids,
                team_agent_ids: &p.team_agent_ids,
            }
            .serialize(serializer),
            Shape::ExtraFields => WithExtraFields {
                project: p,
                priority: "high",
                x_future: Nested { nested: [1, 2] },
            }
            .serialize(serializer),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seed::{sample_project, PLAN_TASKS};
    use serde_json::{json, Value};

    fn keys(shape: Shape) -> (Vec<String>, Value) {
        let (project, _) = sample_project(ProjectStatus::Completed, Timestamp::now(), PLAN_TASKS);
        let value = serde_json::to_value(ProjectView { project, shape }).unwrap();
        (value.as_object().unwrap().keys().cloned().collect(), value)
    }

    fn workspace_keys(shape: Shape) -> (Vec<String>, Value) {
        let (project, tasks) =
            sample_project(ProjectStatus::Completed, Timestamp::now(), PLAN_TASKS);
        let view = ProjectView { project, shape }.with_workspace(&tasks);
        let value = serde_json::to_value(view).unwrap();
        (value.as_object().unwrap().keys().cloned().collect(), value)
    }

    #[test]
    fn the_workspace_fields_follow_the_shape() {
        let (full, value) = workspace_keys(Shape::Full);
        assert_eq!(full[15..], ["folder_path", "file_count"]);
        assert_eq!(value["file_count"], 5);
        let id = value["id"].as_str().unwrap();
        assert_eq!(value["folder_path"], format!("/workspace/deep-work/{id}"));
        let (extra, _) = workspace_keys(Shape::ExtraFields);
        assert_eq!(extra.len(), 19);
        assert_eq!(workspace_keys(Shape::Minimal).0, keys(Shape::Minimal).0);
    }

    #[test]
    fn full_has_fifteen_fields() {
        assert_eq!(keys(Shape::Full).0.len(), 15);
    }

    #[test]
    fn minimal_has_the_docs_six_fields() {
        let (keys, _) = keys(Shape::Minimal);
        assert_eq!(
            keys,
            [
                "id",
                "title",
                "status",
                "completed_at",
                "task_ids",
                "team_agent_ids"
            ]
        );
    }

    #[test]
    fn extra_fields_adds_two_unknown_fields() {
        let (keys, value) = keys(Shape::ExtraFields);
        assert_eq!(keys.len(), 17);
        assert_eq!(value["priority"], "high");
        assert_eq!(value["x_future"], json!({"nested": [1, 2]}));
        assert_eq!(value["status"], "completed");
    }
}
