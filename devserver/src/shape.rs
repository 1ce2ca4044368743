//! How a project object is written out. Servers differ: the docs' example has only
//! six fields, newer servers add fields. A dev-created project can take any of these
//! shapes so that clients get tested against all of them.

use serde::{Deserialize, Serialize, Serializer};

use crate::model::{Project, ProjectStatus};
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

/// The answer of start, cancel, approve, pause and resume, written in its project's
/// shape. Here, beside the shape, so that the routes and the faults both use it.
#[derive(Debug, Serialize)]
pub struct ProjectAnswer {
    pub success: bool,
    pub project: ProjectView,
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
    use crate::model::sample_project;
    use serde_json::{json, Value};

    fn keys(shape: Shape) -> (Vec<String>, Value) {
        let (project, _) = sample_project(ProjectStatus::Completed, Timestamp::now());
        let value = serde_json::to_value(ProjectView { project, shape }).unwrap();
        (value.as_object().unwrap().keys().cloned().collect(), value)
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
