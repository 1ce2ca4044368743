//! The shape of a Deep Work project and the checks on a cancel answer.
//!
//! The project handed to JS is the server's own parsed object: checking it in place
//! (rather than copying it into a Rust struct) keeps every field a newer server adds.

use crate::json::{Json, Kind};
use alloc::string::String;

/// Why a 2xx answer cannot be trusted. Each maps to an `invalid_response` message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Invalid {
    NotJson,
    NotAnObject,
    SuccessNotTrue,
    NoProject,
    /// A project field is missing or has the wrong type.
    Field(&'static str),
    /// The project is in a status a cancel cannot have produced.
    Status(String),
    /// The answer is about another project than the one asked for.
    OtherProject,
}

impl Invalid {
    pub fn message(&self) -> String {
        let what = match self {
            Self::NotJson => "the body is not JSON",
            Self::NotAnObject => "the body is not a JSON object",
            Self::SuccessNotTrue => "`success` is not true",
            Self::NoProject => "`project` is missing or not an object",
            Self::Field(name) => {
                return concat_msg(&["`project.", name, "` is missing or has the wrong type"])
            }
            Self::Status(status) => {
                return concat_msg(&["the project's status is '", status, "', not 'cancelled'"])
            }
            Self::OtherProject => "the project in the answer has another id",
        };
        concat_msg(&[what])
    }
}

fn concat_msg(parts: &[&str]) -> String {
    let mut message = String::from("The server's answer broke the API contract: ");
    for part in parts {
        message.push_str(part);
    }
    message
}

/// The type a project field must have. `Nullable` fields may also be null.
#[derive(Clone, Copy)]
enum Expect {
    String,
    NullableString,
    StringArray,
    Any,
}

/// The six fields every server sends (the docs' own example has only these).
const REQUIRED: [(&str, Expect); 6] = [
    ("id", Expect::String),
    ("title", Expect::String),
    ("status", Expect::String),
    ("completed_at", Expect::NullableString),
    ("task_ids", Expect::StringArray),
    ("team_agent_ids", Expect::StringArray),
];

/// The other nine fields of the real server: checked when present.
const OPTIONAL: [(&str, Expect); 9] = [
    ("description", Expect::String),
    ("planner_agent_id", Expect::NullableString),
    ("prd_document_id", Expect::NullableString),
    ("creator_id", Expect::NullableString),
    ("tags", Expect::StringArray),
    ("started_at", Expect::NullableString),
    ("created_at", Expect::NullableString),
    ("updated_at", Expect::NullableString),
    ("metadata", Expect::Any),
];

fn matches<J: Json>(value: &J, expect: Expect) -> bool {
    match (expect, value.kind()) {
        (Expect::Any, _) | (Expect::String, Kind::String) => true,
        (Expect::NullableString, Kind::String | Kind::Null) => true,
        (Expect::StringArray, Kind::Array) => value
            .elements()
            .is_some_and(|items| items.iter().all(|item| item.kind() == Kind::String)),
        _ => false,
    }
}

/// Checks that `value` is a project: the six required fields with the right types, and
/// any of the other known fields with the right types. Unknown fields are allowed.
pub fn check_project<J: Json>(value: &J) -> Result<(), Invalid> {
    if value.kind() != Kind::Object {
        return Err(Invalid::NoProject);
    }
    for (name, expect) in REQUIRED {
        match value.member(name) {
            Some(field) if matches(&field, expect) => {}
            _ => return Err(Invalid::Field(name)),
        }
    }
    for (name, expect) in OPTIONAL {
        if let Some(field) = value.member(name) {
            if !matches(&field, expect) {
                return Err(Invalid::Field(name));
            }
        }
    }
    Ok(())
}

/// Checks a 2xx answer to `POST …/projects/{project_id}/cancel` and returns its project.
///
/// A project reported as `completed` is accepted as it is: the real server answers 200
/// with the project unchanged when there was nothing left to cancel. `cancelled` covers
/// both a fresh cancel and the real server's answer for one already cancelled.
pub fn check_cancel_answer<J: Json>(body: Option<&J>, project_id: &str) -> Result<J, Invalid> {
    let body = body.ok_or(Invalid::NotJson)?;
    if body.kind() != Kind::Object {
        return Err(Invalid::NotAnObject);
    }
    if body.member("success").and_then(|s| s.boolean()) != Some(true) {
        return Err(Invalid::SuccessNotTrue);
    }
    let project = body.member("project").ok_or(Invalid::NoProject)?;
    check_project(&project)?;
    if project.member("id").and_then(|id| id.string()).as_deref() != Some(project_id) {
        return Err(Invalid::OtherProject);
    }
    let status = project
        .member("status")
        .and_then(|s| s.string())
        .unwrap_or_default();
    match status.as_str() {
        "cancelled" | "completed" => Ok(project),
        _ => Err(Invalid::Status(status)),
    }
}

/// Checks an answer to `GET …/projects/{project_id}/plan` read after a cancel whose
/// answer was lost, and returns its project, which must be cancelled.
pub fn check_plan_answer<J: Json>(body: Option<&J>, project_id: &str) -> Result<J, Invalid> {
    let project = body
        .and_then(|b| b.member("project"))
        .ok_or(Invalid::NoProject)?;
    check_project(&project)?;
    if project.member("id").and_then(|id| id.string()).as_deref() != Some(project_id) {
        return Err(Invalid::OtherProject);
    }
    match project.member("status").and_then(|s| s.string()) {
        Some(status) if status == "cancelled" => Ok(project),
        status => Err(Invalid::Status(status.unwrap_or_default())),
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    const ID: &str = "a1b2c3d4-e5f6-7890-abcd-ef1234567890";

    fn full_project(status: &str) -> Value {
        json!({
            "id": ID, "title": "Build a REST API", "description": "…", "status": status,
            "planner_agent_id": null, "team_agent_ids": ["agent-1"], "task_ids": ["t1", "t2"],
            "prd_document_id": null, "creator_id": "human", "tags": [],
            "started_at": "2024-01-15T14:00:00+00:00", "completed_at": "2024-01-15T16:30:00Z",
            "created_at": "2024-01-15T13:58:12.402810+00:00",
            "updated_at": "2024-01-15T16:30:00.654200+00:00", "metadata": {}
        })
    }

    fn answer(project: Value) -> Value {
        json!({ "success": true, "project": project })
    }

    fn check(body: &Value) -> Result<Value, Invalid> {
        check_cancel_answer(Some(body), ID)
    }

    #[test]
    fn accepts_the_full_fifteen_field_project() {
        let project = full_project("cancelled");
        assert_eq!(check(&answer(project.clone())), Ok(project));
    }

    #[test]
    fn accepts_the_documented_six_field_project() {
        let project = json!({
            "id": ID, "title": "t", "status": "cancelled", "completed_at": "2024-01-15T16:30:00Z",
            "task_ids": ["task-1"], "team_agent_ids": ["agent-1"]
        });
        assert_eq!(check(&answer(project.clone())), Ok(project));
    }

    #[test]
    fn keeps_unknown_fields() {
        let mut project = full_project("cancelled");
        project["x_future"] = json!({"nested": [1, 2]});
        let checked = check(&answer(project)).unwrap();
        assert_eq!(checked["x_future"], json!({"nested": [1, 2]}));
    }

    #[test]
    fn accepts_completed_as_reported_by_the_real_server() {
        assert!(check(&answer(full_project("completed"))).is_ok());
    }

    #[test]
    fn rejects_any_other_status_even_unknown_ones() {
        for status in ["executing", "paused", "draft", "archived_v2"] {
            assert_eq!(
                check(&answer(full_project(status))),
                Err(Invalid::Status(status.into()))
            );
        }
    }

    #[test]
    fn rejects_broken_envelopes() {
        assert_eq!(
            check_cancel_answer::<Value>(None, ID),
            Err(Invalid::NotJson)
        );
        assert_eq!(check(&json!([1])), Err(Invalid::NotAnObject));
        assert_eq!(check(&json!("cancelled")), Err(Invalid::NotAnObject));
        let mut body = answer(full_project("cancelled"));
        body["success"] = json!(false);
        assert_eq!(check(&body), Err(Invalid::SuccessNotTrue));
        body["success"] = json!("true");
        assert_eq!(check(&body), Err(Invalid::SuccessNotTrue));
        assert_eq!(check(&json!({"success": true})), Err(Invalid::NoProject));
        assert_eq!(
            check(&json!({"success": true, "project": null})),
            Err(Invalid::NoProject)
        );
        assert_eq!(
            check(&json!({"success": true, "project": [ID]})),
            Err(Invalid::NoProject)
        );
    }

    #[test]
    fn names_the_first_broken_field() {
        let cases = [
            ("id", json!(42)),
            ("title", json!(null)),
            ("status", json!(["cancelled"])),
            ("completed_at", json!(0)),
            ("task_ids", json!("t1")),
            ("task_ids", json!(["t1", 2])),
            ("team_agent_ids", json!({})),
            ("description", json!(1)),
            ("tags", json!([null])),
            ("updated_at", json!(false)),
        ];
        for (field, value) in cases {
            let mut project = full_project("cancelled");
            project[field] = value;
            assert_eq!(
                check(&answer(project)),
                Err(Invalid::Field(field)),
                "{field}"
            );
        }
    }

    #[test]
    fn a_missing_required_field_is_named_but_optional_ones_may_be_absent() {
        let mut project = full_project("cancelled");
        project.as_object_mut().unwrap().remove("team_agent_ids");
        assert_eq!(
            check(&answer(project)),
            Err(Invalid::Field("team_agent_ids"))
        );
        let mut project = full_project("cancelled");
        project.as_object_mut().unwrap().remove("metadata");
        project.as_object_mut().unwrap().remove("started_at");
        assert!(check(&answer(project)).is_ok());
    }

    #[test]
    fn nullable_fields_take_null_and_metadata_takes_anything() {
        let mut project = full_project("cancelled");
        project["completed_at"] = json!(null);
        project["metadata"] = json!([1, "two", {"three": null}]);
        assert!(check(&answer(project)).is_ok());
    }

    #[test]
    fn rejects_an_answer_about_another_project() {
        let mut project = full_project("cancelled");
        project["id"] = json!("someone-else");
        assert_eq!(check(&answer(project)), Err(Invalid::OtherProject));
    }

    #[test]
    fn a_plan_read_back_must_show_the_project_cancelled() {
        let plan = |project: Value| json!({ "project": project, "tasks": [] });
        let read = |body: &Value| check_plan_answer(Some(body), ID);
        assert_eq!(
            read(&plan(full_project("cancelled"))),
            Ok(full_project("cancelled"))
        );
        assert_eq!(
            read(&plan(full_project("completed"))),
            Err(Invalid::Status("completed".into()))
        );
        assert_eq!(read(&json!({"tasks": []})), Err(Invalid::NoProject));
        let mut other = full_project("cancelled");
        other["id"] = json!("x");
        assert_eq!(read(&plan(other)), Err(Invalid::OtherProject));
    }

    #[test]
    fn messages_name_the_problem() {
        assert!(Invalid::Field("task_ids")
            .message()
            .contains("`project.task_ids`"));
        assert!(Invalid::Status("executing".into())
            .message()
            .contains("'executing'"));
    }
}
