//! Validation of request bodies (`start`, `parse-goal`) and of the project list's
//! query, reported the way FastAPI (pydantic v2) reports it: every problem at once,
//! in a 422 `detail` array.

use serde_json::{json, Map, Value};

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
    /// The end of a Python slice of the list: below 0, counted from its end.
    pub limit: i64,
}

const DEFAULT_LIMIT: i64 = 100;

const DEPTHS: [&str; 5] = ["auto", "none", "quick", "standard", "deep"];
const MIN_DESCRIPTION: usize = 10;
const MAX_DESCRIPTION: usize = 5000;

/// A `start` body. The lenient flavor takes any string as `research_depth`, as the
/// real server does (its model declares a plain `str`); the documented one only the
/// five depths.
pub fn start_request(flavor: Flavor, body: &[u8]) -> Result<StartRequest, ApiError> {
    let fields = object(body)?;
    match (
        description(&fields),
        research_depth(flavor, fields.get("research_depth")),
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
    description(&object(body)?).map_err(|error| ApiError::validation(vec![error]))
}

/// The body as a JSON object, or the 422 FastAPI gives for anything else.
fn object(body: &[u8]) -> Result<Map<String, Value>, ApiError> {
    let invalid = |error: FieldError| ApiError::validation(vec![error]);
    if body.is_empty() {
        return Err(invalid(FieldError::new(
            &["body"],
            "Field required",
            "missing",
            Value::Null,
        )));
    }
    let value: Value = serde_json::from_slice(body).map_err(|error| {
        // FastAPI reports where decoding stopped, and echoes an empty object.
        let decode = FieldError::new(&["body"], "JSON decode error", "json_invalid", json!({}));
        invalid(
            decode
                .at(decode_error_position(body, &error))
                .with_ctx(json!({ "error": error.to_string() })),
        )
    })?;
    match value {
        Value::Object(fields) => Ok(fields),
        other => Err(invalid(FieldError::new(
            &["body"],
            "Input should be a valid dictionary or object to extract fields from",
            "model_attributes_type",
            other,
        ))),
    }
}

/// Where in `body` decoding stopped, in characters, as Python's json module reports
/// it: the same place for the usual mistakes (a body cut short can differ by one).
fn decode_error_position(body: &[u8], error: &serde_json::Error) -> usize {
    let text = String::from_utf8_lossy(body);
    let lines_before: usize = text
        .split('\n')
        .take(error.line().saturating_sub(1))
        .map(|line| line.chars().count() + 1)
        .sum();
    lines_before + error.column().saturating_sub(1)
}

fn description(fields: &Map<String, Value>) -> Result<String, FieldError> {
    let error = |msg: String, kind: &str, input: Value| {
        FieldError::new(&["body", "description"], msg, kind, input)
    };
    let text = match fields.get("description") {
        None => {
            let body = Value::Object(fields.clone());
            return Err(error("Field required".into(), "missing", body));
        }
        Some(Value::String(text)) => text,
        Some(other) => {
            let msg = "Input should be a valid string".into();
            return Err(error(msg, "string_type", other.clone()));
        }
    };
    // Python counts characters, not bytes.
    let length = text.chars().count();
    let input = Value::from(text.as_str());
    if length < MIN_DESCRIPTION {
        let msg = format!("String should have at least {MIN_DESCRIPTION} characters");
        return Err(error(msg, "string_too_short", input)
            .with_ctx(json!({ "min_length": MIN_DESCRIPTION })));
    }
    if length > MAX_DESCRIPTION {
        let msg = format!("String should have at most {MAX_DESCRIPTION} characters");
        return Err(
            error(msg, "string_too_long", input).with_ctx(json!({ "max_length": MAX_DESCRIPTION }))
        );
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
fn research_depth(flavor: Flavor, value: Option<&Value>) -> Result<String, FieldError> {
    let loc = ["body", "research_depth"];
    match (flavor, value) {
        (_, None) => Ok("auto".to_owned()),
        (Flavor::Lenient, Some(Value::String(depth))) => Ok(depth.clone()),
        (Flavor::Lenient, Some(other)) => Err(FieldError::new(
            &loc,
            "Input should be a valid string",
            "string_type",
            other.clone(),
        )),
        (Flavor::Documented, Some(Value::String(depth))) if DEPTHS.contains(&depth.as_str()) => {
            Ok(depth.clone())
        }
        (Flavor::Documented, Some(other)) => {
            let expected = one_of(&DEPTHS);
            Err(FieldError::new(
                &loc,
                format!("Input should be {expected}"),
                "literal_error",
                other.clone(),
            )
            .with_ctx(json!({ "expected": expected })))
        }
    }
}

/// Optional; any JSON object (or null) the client got from `parse-goal` or made itself.
fn goal_analysis(value: Option<&Value>) -> Result<Option<Value>, FieldError> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(object @ Value::Object(_)) => Ok(Some(object.clone())),
        Some(other) => Err(FieldError::new(
            &["body", "goal_analysis"],
            "Input should be a valid dictionary",
            "dict_type",
            other.clone(),
        )),
    }
}

/// `status` and `limit` of `GET /api/mission-control/projects`. A limit that is
/// not an integer is a 422 in both flavors; one below 1 is a 422 in the documented
/// flavor, and in the lenient one the end of a Python slice, as on the real server
/// (`projects[:limit]`: 0 lists nothing, -1 all but the last). The status is matched
/// as given: one no project has (a newer server's, or a typo) matches nothing, in both
/// flavors.
pub fn list_query(
    flavor: Flavor,
    status: Option<&str>,
    limit: Option<&str>,
) -> Result<ListQuery, ApiError> {
    let limit_error = |msg: &str, kind: &str, text: &str| {
        FieldError::new(&["query", "limit"], msg, kind, Value::from(text))
    };
    let limit = match limit.map(|text| (text, text.trim().parse::<i64>())) {
        None => DEFAULT_LIMIT,
        Some((text, Err(_))) => {
            return Err(ApiError::validation(vec![limit_error(
                "Input should be a valid integer, unable to parse string as an integer",
                "int_parsing",
                text,
            )]))
        }
        Some((text, Ok(n))) if n < 1 && flavor == Flavor::Documented => {
            return Err(ApiError::validation(vec![limit_error(
                "Input should be greater than or equal to 1",
                "greater_than_equal",
                text,
            )
            .with_ctx(json!({ "ge": 1 }))]))
        }
        Some((_, Ok(n))) => n,
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
        let error = start_request(Flavor::Documented, body.as_bytes()).unwrap_err();
        let response = error.into_response();
        assert_eq!(response.status(), 422);
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        serde_json::from_slice::<Value>(&bytes).unwrap()["detail"].clone()
    }

    #[test]
    fn accepts_a_good_body_and_defaults_the_depth() {
        for flavor in [Flavor::Lenient, Flavor::Documented] {
            let request = start_request(flavor, br#"{"description": "Build a recipe API"}"#);
            let request = request.unwrap();
            assert_eq!(request.description, "Build a recipe API");
            assert_eq!(request.research_depth, "auto");
            let deep = br#"{"description": "Build a recipe API", "research_depth": "deep"}"#;
            assert_eq!(start_request(flavor, deep).unwrap().research_depth, "deep");
        }
    }

    #[test]
    fn the_lenient_flavor_takes_any_string_as_a_depth_as_the_real_server_does() {
        let extreme = br#"{"description": "Build a recipe API", "research_depth": "extreme"}"#;
        let request = start_request(Flavor::Lenient, extreme).unwrap();
        assert_eq!(request.research_depth, "extreme");
        assert!(start_request(Flavor::Documented, extreme).is_err());
        let number = br#"{"description": "Build a recipe API", "research_depth": 5}"#;
        assert!(start_request(Flavor::Lenient, number).is_err());
    }

    #[test]
    fn start_takes_an_optional_goal_analysis_object() {
        let body = br#"{"description": "Build a recipe API", "goal_analysis": {"goal": "x"}}"#;
        let request = start_request(Flavor::Lenient, body).unwrap();
        assert_eq!(
            request.goal_analysis,
            Some(serde_json::json!({"goal": "x"}))
        );
        let bad = br#"{"description": "Build a recipe API", "goal_analysis": [1]}"#;
        assert!(start_request(Flavor::Lenient, bad).is_err());
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
            -3
        );
        assert!(list_query(Flavor::Documented, None, Some("0")).is_err());
    }

    #[test]
    fn counts_characters_not_bytes() {
        let start = |body: &str| start_request(Flavor::Lenient, body.as_bytes());
        assert!(start("{\"description\": \"ééééééééé\"}").is_err());
        assert!(start("{\"description\": \"éééééééééé\"}").is_ok());
        let longest = format!("{{\"description\": \"{}\"}}", "é".repeat(5000));
        assert!(start(&longest).is_ok());
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
                    "type": "string_too_short",
                    "input": "short",
                    "ctx": {"min_length": 10}
                },
                {
                    "loc": ["body", "research_depth"],
                    "msg": "Input should be 'auto', 'none', 'quick', 'standard' or 'deep'",
                    "type": "literal_error",
                    "input": "extreme",
                    "ctx": {"expected": "'auto', 'none', 'quick', 'standard' or 'deep'"}
                }
            ])
        );
    }

    #[tokio::test]
    async fn echoes_the_input_as_pydantic_does() {
        assert_eq!(detail("").await[0]["input"], Value::Null);
        assert_eq!(
            detail("[1, 2]").await[0]["input"],
            serde_json::json!([1, 2])
        );
        assert_eq!(
            detail(r#"{"title": "x"}"#).await[0]["input"],
            serde_json::json!({"title": "x"}),
            "a missing field: the object it is missing from"
        );
        let too_long = "a".repeat(5001);
        let body = format!("{{\"description\": \"{too_long}\"}}");
        let issue = &detail(&body).await[0];
        assert_eq!(issue["input"], too_long.as_str());
        assert_eq!(issue["ctx"], serde_json::json!({"max_length": 5000}));
    }

    #[tokio::test]
    async fn a_body_that_is_not_json_is_located_where_decoding_stopped() {
        for (body, position) in [
            ("{not json", 1),
            ("{\"description\": x}", 16),
            ("{\"description\":\n  }", 18),
        ] {
            let issue = &detail(body).await[0];
            assert_eq!(issue["type"], "json_invalid", "{body}");
            assert_eq!(
                issue["loc"],
                serde_json::json!(["body", position]),
                "{body}"
            );
            assert_eq!(issue["input"], serde_json::json!({}));
            assert!(issue["ctx"]["error"].is_string());
        }
    }

    #[test]
    fn list_limits_below_one_are_a_python_slice_in_the_lenient_flavor() {
        let limit = |text| list_query(Flavor::Lenient, None, Some(text)).unwrap().limit;
        assert_eq!((limit("0"), limit("-1")), (0, -1));
        let refused = list_query(Flavor::Documented, None, Some("0")).unwrap_err();
        let response = refused.into_response();
        assert_eq!(response.status(), 422);
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
