//! Validation of request bodies (`start`, `parse-goal`) and of the project list's
//! query, reported the way FastAPI (pydantic v2) reports it: every problem at once,
//! in a 422 `detail` array.

use serde_json::{Map, Value};

use crate::config::Flavor;
use crate::error::{ApiError, FieldError};

#[derive(Debug, PartialEq, Eq)]
pub struct StartRequest {
    pub description: String,
    pub research_depth: String,
    pub goal_analysis: Option<Value>,
}

/// The project list's query.
#[derive(Debug, PartialEq, Eq)]
pub struct ListQuery {
    pub status: Option<String>,
    pub limit: usize,
}

const DEFAULT_LIMIT: usize = 100;

const DEPTHS: [&str; 5] = ["auto", "none", "quick", "standard", "deep"];
const MIN_DESCRIPTION: usize = 10;
const MAX_DESCRIPTION: usize = 5000;

pub fn start_request(body: &[u8]) -> Result<StartRequest, ApiError> {
    let fields = object(body)?;
    match (
        description(fields.get("description")),
        research_depth(fields.get("research_depth")),
        goal_analysis(fields.get("goal_analysis")),
    ) {
        (Ok(description), Ok(research_depth), Ok(goal_analysis)) => Ok(StartRequest {
            description,
            research_depth,
            goal_analysis,
        }),
        (description, depth, goal) => Err(ApiError::validation(
            [description.err(), depth.err(), goal.err()]
                .into_iter()
                .flatten()
                .collect(),
        )),
    }
}

/// The description of a `parse-goal` body.
pub fn parse_goal_request(body: &[u8]) -> Result<String, ApiError> {
    description(object(body)?.get("description")).map_err(|error| ApiError::validation(vec![error]))
}

/// The body as a JSON object, or the 422 FastAPI gives for anything else.
fn object(body: &[u8]) -> Result<Map<String, Value>, ApiError> {
    let body_error =
        |msg: &str, kind: &str| ApiError::validation(vec![FieldError::new(&["body"], msg, kind)]);
    if body.is_empty() {
        return Err(body_error("Field required", "missing"));
    }
    let value: Value = serde_json::from_slice(body)
        .map_err(|_| body_error("JSON decode error", "json_invalid"))?;
    match value {
        Value::Object(fields) => Ok(fields),
        _ => Err(body_error(
            "Input should be a valid dictionary or object to extract fields from",
            "model_attributes_type",
        )),
    }
}

fn description(value: Option<&Value>) -> Result<String, FieldError> {
    let error = |msg: String, kind: &str| FieldError::new(&["body", "description"], msg, kind);
    let text = match value {
        None => return Err(error("Field required".into(), "missing")),
        Some(Value::String(text)) => text,
        Some(_) => {
            return Err(error(
                "Input should be a valid string".into(),
                "string_type",
            ))
        }
    };
    // Python counts characters, not bytes.
    let length = text.chars().count();
    if length < MIN_DESCRIPTION {
        let msg = format!("String should have at least {MIN_DESCRIPTION} characters");
        return Err(error(msg, "string_too_short"));
    }
    if length > MAX_DESCRIPTION {
        let msg = format!("String should have at most {MAX_DESCRIPTION} characters");
        return Err(error(msg, "string_too_long"));
    }
    Ok(text.clone())
}

/// Pydantic's list of allowed values: `'a', 'b' or 'c'`.
fn one_of(values: &[&str]) -> String {
    let quoted: Vec<String> = values.iter().map(|v| format!("'{v}'")).collect();
    match quoted.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// Optional; the server decides (`auto`) when it is left out.
fn research_depth(value: Option<&Value>) -> Result<String, FieldError> {
    match value {
        None => Ok("auto".to_owned()),
        Some(Value::String(depth)) if DEPTHS.contains(&depth.as_str()) => Ok(depth.clone()),
        Some(_) => Err(FieldError::new(
            &["body", "research_depth"],
            format!("Input should be {}", one_of(&DEPTHS)),
            "literal_error",
        )),
    }
}

/// Optional; any JSON object (or null) the client got from `parse-goal` or made itself.
fn goal_analysis(value: Option<&Value>) -> Result<Option<Value>, FieldError> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(object @ Value::Object(_)) => Ok(Some(object.clone())),
        Some(_) => Err(FieldError::new(
            &["body", "goal_analysis"],
            "Input should be a valid dictionary",
            "dict_type",
        )),
    }
}

/// `status` and `limit` of `GET /api/mission-control/projects`. A limit that is
/// not an integer is a 422 in both flavors; one below 1 is a 422 in the documented
/// flavor and lists nothing in the lenient one. The status is matched as given: one
/// no project has (a newer server's, or a typo) matches nothing, in both flavors.
pub fn list_query(
    flavor: Flavor,
    status: Option<&str>,
    limit: Option<&str>,
) -> Result<ListQuery, ApiError> {
    let limit_error = |msg: &str, kind: &str| {
        ApiError::validation(vec![FieldError::new(&["query", "limit"], msg, kind)])
    };
    let limit = match limit.map(|text| text.trim().parse::<i64>()) {
        None => DEFAULT_LIMIT,
        Some(Err(_)) => {
            return Err(limit_error(
                "Input should be a valid integer, unable to parse string as an integer",
                "int_parsing",
            ))
        }
        Some(Ok(n)) if n < 1 && flavor == Flavor::Documented => {
            return Err(limit_error(
                "Input should be greater than or equal to 1",
                "greater_than_equal",
            ))
        }
        Some(Ok(n)) => usize::try_from(n).unwrap_or(0),
    };
    Ok(ListQuery {
        status: status.map(str::to_owned),
        limit,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::response::IntoResponse;

    async fn detail(body: &str) -> Value {
        let error = start_request(body.as_bytes()).unwrap_err();
        let response = error.into_response();
        assert_eq!(response.status(), 422);
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        serde_json::from_slice::<Value>(&bytes).unwrap()["detail"].clone()
    }

    #[test]
    fn accepts_a_good_body_and_defaults_the_depth() {
        let request = start_request(br#"{"description": "Build a recipe API"}"#).unwrap();
        assert_eq!(request.description, "Build a recipe API");
        assert_eq!(request.research_depth, "auto");
        let deep =
            start_request(br#"{"description": "Build a recipe API", "research_depth": "deep"}"#);
        assert_eq!(deep.unwrap().research_depth, "deep");
    }

    #[test]
    fn start_takes_an_optional_goal_analysis_object() {
        let body = br#"{"description": "Build a recipe API", "goal_analysis": {"goal": "x"}}"#;
        let request = start_request(body).unwrap();
        assert_eq!(
            request.goal_analysis,
            Some(serde_json::json!({"goal": "x"}))
        );
        let bad = br#"{"description": "Build a recipe API", "goal_analysis": [1]}"#;
        assert!(start_request(bad).is_err());
    }

    #[test]
    fn parse_goal_wants_a_description_of_ten_to_five_thousand_characters() {
        assert_eq!(
            parse_goal_request(br#"{"description": "Build a recipe API"}"#).unwrap(),
            "Build a recipe API"
        );
        for body in [&b"{}"[..], br#"{"description": "short"}"#, b"[]", b""] {
            assert!(parse_goal_request(body).is_err());
        }
    }

    #[test]
    fn list_limits_default_to_a_hundred_and_must_be_integers() {
        for flavor in [Flavor::Lenient, Flavor::Documented] {
            assert_eq!(list_query(flavor, None, None).unwrap().limit, 100);
            assert_eq!(list_query(flavor, None, Some("7")).unwrap().limit, 7);
            assert!(list_query(flavor, None, Some("ten")).is_err());
            assert!(list_query(flavor, None, Some("1.5")).is_err());
            let odd = list_query(flavor, Some("odd"), None).unwrap();
            assert_eq!(odd.status.as_deref(), Some("odd"));
        }
        assert_eq!(
            list_query(Flavor::Lenient, None, Some("-3")).unwrap().limit,
            0
        );
        assert!(list_query(Flavor::Documented, None, Some("0")).is_err());
    }

    #[test]
    fn counts_characters_not_bytes() {
        assert!(start_request("{\"description\": \"ééééééééé\"}".as_bytes()).is_err());
        assert!(start_request("{\"description\": \"éééééééééé\"}".as_bytes()).is_ok());
        let longest = format!("{{\"description\": \"{}\"}}", "é".repeat(5000));
        assert!(start_request(longest.as_bytes()).is_ok());
    }

    #[tokio::test]
    async fn reports_every_problem_in_the_pydantic_shape() {
        let detail = detail(r#"{"description": "short", "research_depth": "extreme"}"#).await;
        assert_eq!(
            detail,
            serde_json::json!([
                {
                    "loc": ["body", "description"],
                    "msg": "String should have at least 10 characters",
                    "type": "string_too_short"
                },
                {
                    "loc": ["body", "research_depth"],
                    "msg": "Input should be 'auto', 'none', 'quick', 'standard' or 'deep'",
                    "type": "literal_error"
                }
            ])
        );
    }

    #[tokio::test]
    async fn rejects_bodies_that_are_not_objects_of_the_right_fields() {
        for (body, kind) in [
            ("", "missing"),
            ("{not json", "json_invalid"),
            ("[1, 2]", "model_attributes_type"),
            ("{}", "missing"),
            (r#"{"description": 42}"#, "string_type"),
        ] {
            let detail = detail(body).await;
            assert_eq!(detail[0]["type"], kind, "{body}");
        }
        let too_long = format!("{{\"description\": \"{}\"}}", "a".repeat(5001));
        assert_eq!(detail(&too_long).await[0]["type"], "string_too_long");
    }
}
