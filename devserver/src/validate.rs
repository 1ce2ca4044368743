//! Validation of the `POST /api/deep-work/start` body, reported the way FastAPI
//! (pydantic v2) reports it: every problem at once, in a 422 `detail` array.

use serde_json::Value;

use crate::error::{ApiError, FieldError};

#[derive(Debug, PartialEq, Eq)]
pub struct StartRequest {
    pub description: String,
    pub research_depth: String,
}

const DEPTHS: [&str; 5] = ["auto", "none", "quick", "standard", "deep"];
const MIN_DESCRIPTION: usize = 10;
const MAX_DESCRIPTION: usize = 5000;

pub fn start_request(body: &[u8]) -> Result<StartRequest, ApiError> {
    let body_error =
        |msg: &str, kind: &str| ApiError::validation(vec![FieldError::new(&["body"], msg, kind)]);
    if body.is_empty() {
        return Err(body_error("Field required", "missing"));
    }
    let value: Value = serde_json::from_slice(body)
        .map_err(|_| body_error("JSON decode error", "json_invalid"))?;
    let Value::Object(fields) = value else {
        return Err(body_error(
            "Input should be a valid dictionary or object to extract fields from",
            "model_attributes_type",
        ));
    };
    match (
        description(fields.get("description")),
        research_depth(fields.get("research_depth")),
    ) {
        (Ok(description), Ok(research_depth)) => Ok(StartRequest {
            description,
            research_depth,
        }),
        (description, depth) => Err(ApiError::validation(
            description.err().into_iter().chain(depth.err()).collect(),
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

/// Optional; the server decides (`auto`) when it is left out.
fn research_depth(value: Option<&Value>) -> Result<String, FieldError> {
    match value {
        None => Ok("auto".to_owned()),
        Some(Value::String(depth)) if DEPTHS.contains(&depth.as_str()) => Ok(depth.clone()),
        Some(_) => Err(FieldError::new(
            &["body", "research_depth"],
            "Input should be 'auto', 'none', 'quick', 'standard' or 'deep'",
            "literal_error",
        )),
    }
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
