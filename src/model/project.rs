//! A project, as the server writes it.

use super::{field, ProjectStatus, Raw};
use crate::decode::named_fields;
use serde::Deserialize;
use wasm_bindgen::JsValue;

/// A Deep Work project, as the server sent it.
///
/// The six fields of the API docs' own example (`id`, `title`, `status`,
/// `completed_at`, `task_ids`, `team_agent_ids`) are always there; the others are
/// sent by the real server and are empty when a server leaves them out. Timestamps
/// are ISO 8601 strings as the server wrote them.
#[derive(Clone, Debug, Deserialize)]
#[serde(expecting = "an object")]
pub struct Project {
    #[serde(deserialize_with = "project::id")]
    pub id: String,
    #[serde(deserialize_with = "project::title")]
    pub title: String,
    #[serde(deserialize_with = "project::status")]
    pub status: ProjectStatus,
    /// When the project reached a terminal status. Always sent, possibly null.
    #[serde(deserialize_with = "project::completed_at")]
    pub completed_at: Option<String>,
    #[serde(deserialize_with = "project::task_ids")]
    pub task_ids: Vec<String>,
    #[serde(deserialize_with = "project::team_agent_ids")]
    pub team_agent_ids: Vec<String>,
    #[serde(default, deserialize_with = "project::description")]
    pub description: Option<String>,
    #[serde(default, deserialize_with = "project::planner_agent_id")]
    pub planner_agent_id: Option<String>,
    #[serde(default, deserialize_with = "project::prd_document_id")]
    pub prd_document_id: Option<String>,
    #[serde(default, deserialize_with = "project::creator_id")]
    pub creator_id: Option<String>,
    #[serde(default, deserialize_with = "project::tags")]
    pub tags: Vec<String>,
    #[serde(default, deserialize_with = "project::started_at")]
    pub started_at: Option<String>,
    #[serde(default, deserialize_with = "project::created_at")]
    pub created_at: Option<String>,
    #[serde(default, deserialize_with = "project::updated_at")]
    pub updated_at: Option<String>,
    /// Where the project's files are; sent in plans and listings.
    #[serde(default, deserialize_with = "project::folder_path")]
    pub folder_path: Option<String>,
    /// How many files the project has; sent in plans and listings.
    #[serde(default, deserialize_with = "project::file_count")]
    pub file_count: Option<u32>,
    /// The server's own object; `metadata` and unknown fields live only there.
    #[serde(skip)]
    raw: Raw,
}

named_fields!(project {
    id: String,
    title: String,
    status: ProjectStatus,
    completed_at: Option<String>,
    task_ids: Vec<String>,
    team_agent_ids: Vec<String>,
    description: Option<String>,
    planner_agent_id: Option<String>,
    prd_document_id: Option<String>,
    creator_id: Option<String>,
    tags: Vec<String>,
    started_at: Option<String>,
    created_at: Option<String>,
    updated_at: Option<String>,
    folder_path: Option<String>,
    file_count: Option<u32>,
});

impl Project {
    /// The project object exactly as the server sent it (parsed JSON): every field,
    /// also those this version of the SDK does not know. `undefined` for a project that
    /// was not decoded from an answer.
    pub fn raw(&self) -> &JsValue {
        &self.raw.0
    }

    /// The project's free-form `metadata` (any JSON), `undefined` when absent.
    pub fn metadata(&self) -> JsValue {
        field(&self.raw.0, "metadata")
    }

    pub(crate) fn keep(&mut self, raw: JsValue) {
        self.raw = Raw(raw);
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
pub(crate) mod tests {
    use super::*;
    use crate::decode::tests::from_text;
    use crate::decode::Invalid;
    use crate::model::{FromBody, ProjectAnswer};

    pub const ID: &str = "a1b2c3d4-e5f6-7890-abcd-ef1234567890";

    /// The real server's 15-field project, as JSON text.
    pub fn full_project(status: &str) -> String {
        format!(
            r#"{{"id": "{ID}", "title": "Build a REST API", "description": "…", "status": "{status}",
            "planner_agent_id": null, "team_agent_ids": ["agent-1"], "task_ids": ["t1", "t2"],
            "prd_document_id": null, "creator_id": "human", "tags": [],
            "started_at": "2024-01-15T14:00:00+00:00", "completed_at": "2024-01-15T16:30:00Z",
            "created_at": "2024-01-15T13:58:12.402810+00:00",
            "updated_at": "2024-01-15T16:30:00.654200+00:00", "metadata": {{}}}}"#
        )
    }

    /// `{"success": true, "project": …}`.
    pub fn answer(project: &str) -> String {
        format!(r#"{{"success": true, "project": {project}}}"#)
    }

    /// `full_project` with `field` set to the JSON `value`, or removed when None.
    fn with_field(field: &str, value: Option<&str>) -> String {
        let mut project: serde_json::Value =
            serde_json::from_str(&full_project("cancelled")).expect("valid JSON");
        let object = project.as_object_mut().expect("an object");
        match value {
            Some(value) => object.insert(field.into(), serde_json::from_str(value).expect("JSON")),
            None => object.remove(field),
        };
        project.to_string()
    }

    fn decode(body: &str) -> Result<Project, Invalid> {
        from_text::<ProjectAnswer>(body)
            .and_then(FromBody::check)
            .map(|answer| answer.project)
    }

    fn problem(body: &str) -> String {
        let e = decode(body).expect_err("refused");
        let message = e.message();
        message
            .strip_prefix("The server's answer broke the API contract: ")
            .unwrap_or(message)
            .to_owned()
    }

    #[test]
    fn the_full_fifteen_field_project_decodes() {
        let project = decode(&answer(&full_project("cancelled"))).expect("decodes");
        assert_eq!(project.id, ID);
        assert_eq!(project.status, ProjectStatus::Cancelled);
        assert_eq!(
            project.completed_at.as_deref(),
            Some("2024-01-15T16:30:00Z")
        );
        assert_eq!(project.task_ids, ["t1", "t2"]);
        assert_eq!(project.team_agent_ids, ["agent-1"]);
        assert_eq!(project.creator_id.as_deref(), Some("human"));
        assert_eq!(project.planner_agent_id, None);
        assert_eq!(
            project.updated_at.as_deref(),
            Some("2024-01-15T16:30:00.654200+00:00")
        );
    }

    #[test]
    fn the_documented_six_field_project_decodes() {
        let project = decode(&answer(&format!(
            r#"{{"id": "{ID}", "title": "t", "status": "cancelled", "completed_at": "2024-01-15T16:30:00Z",
            "task_ids": ["task-1"], "team_agent_ids": ["agent-1"]}}"#
        )))
        .expect("decodes");
        assert_eq!((project.description, project.tags.len()), (None, 0));
    }

    #[test]
    fn unknown_fields_and_any_metadata_are_accepted() {
        let body = with_field("x_future", Some(r#"{"nested": [1, 2.5, null]}"#));
        assert!(decode(&answer(&body)).is_ok());
        let body = with_field("metadata", Some(r#"[1, "two", {"three": null}]"#));
        assert!(decode(&answer(&body)).is_ok());
        assert!(decode(&answer(&with_field("metadata", None))).is_ok());
    }

    #[test]
    fn an_unknown_status_is_kept() {
        let project = decode(&answer(&full_project("archived_v2"))).expect("decodes");
        assert_eq!(project.status, ProjectStatus::Other("archived_v2".into()));
    }

    #[test]
    fn a_wrong_field_is_named_by_its_path_without_its_value() {
        let cases = [
            ("id", "42", "project.id: expected a string"),
            ("title", "null", "project.title: expected a string"),
            (
                "status",
                r#"["cancelled"]"#,
                "project.status: expected a string",
            ),
            (
                "completed_at",
                "0",
                "project.completed_at: expected a string",
            ),
            (
                "task_ids",
                r#""s3cret""#,
                "project.task_ids: expected a sequence",
            ),
            (
                "task_ids",
                r#"["t1", 2]"#,
                "project.task_ids: expected a string",
            ),
            (
                "team_agent_ids",
                "{}",
                "project.team_agent_ids: expected a sequence",
            ),
            ("description", "1", "project.description: expected a string"),
            ("tags", "[null]", "project.tags: expected a string"),
            (
                "updated_at",
                "false",
                "project.updated_at: expected a string",
            ),
        ];
        for (field, value, expected) in cases {
            let message = problem(&answer(&with_field(field, Some(value))));
            assert!(message.starts_with(expected), "{field}: {message}");
            assert!(!message.contains("s3cret"), "{message}");
        }
    }

    #[test]
    fn a_missing_required_field_is_named_but_optional_ones_may_be_absent() {
        for field in [
            "id",
            "title",
            "status",
            "completed_at",
            "task_ids",
            "team_agent_ids",
        ] {
            let message = problem(&answer(&with_field(field, None)));
            assert_eq!(message, format!("project: missing field `{field}`"));
        }
        for field in [
            "description",
            "tags",
            "started_at",
            "metadata",
            "planner_agent_id",
        ] {
            assert!(decode(&answer(&with_field(field, None))).is_ok(), "{field}");
        }
        let project = decode(&answer(&with_field("completed_at", Some("null")))).expect("null");
        assert_eq!(project.completed_at, None);
    }

    #[test]
    fn a_success_that_is_not_true_breaks_the_contract() {
        let body = format!(
            r#"{{"success": false, "project": {}}}"#,
            full_project("cancelled")
        );
        assert_eq!(problem(&body), "success: expected true");
    }

    #[test]
    fn broken_envelopes_are_named() {
        let project = full_project("cancelled");
        // serde also reads a struct from a list of its fields in order.
        assert_eq!(problem("[1]"), "success: expected a boolean");
        assert_eq!(problem(r#""cancelled""#), "the body: expected an object");
        assert_eq!(
            problem(r#"{"success": true}"#),
            "the body: missing field `project`"
        );
        assert_eq!(
            problem(&format!(r#"{{"success": "true", "project": {project}}}"#)),
            "success: expected a boolean"
        );
        assert_eq!(
            problem(r#"{"success": true, "project": null}"#),
            "project: expected an object"
        );
        assert_eq!(
            problem(&format!(r#"{{"success": true, "project": [{project}]}}"#)),
            "project.id: expected a string"
        );
    }
}
