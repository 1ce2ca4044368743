//! Error answers in FastAPI's shape: `{"detail": "<message>"}`, or for a request
//! validation error `{"detail": [{"loc": [...], "msg": "...", "type": "..."}]}`.

use std::any::Any;

use axum::extract::rejection::{BytesRejection, PathRejection, QueryRejection};
use axum::extract::FromRequestParts;
use axum::http::header::{InvalidHeaderValue, RETRY_AFTER};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use serde_json::Value;

/// Serialises to the answer body: only `detail` goes on the wire.
#[derive(Debug, Serialize)]
pub struct ApiError {
    #[serde(skip)]
    status: StatusCode,
    detail: Detail,
}

#[derive(Debug, Serialize)]
#[serde(untagged)]
enum Detail {
    Message(String),
    Fields(Vec<FieldError>),
}

/// One entry of a 422 answer's `detail` array, as pydantic v2 reports it: where
/// (`loc`: names, and for a body that is not JSON the position where decoding
/// stopped), what (`msg`, `type`), the input it refused, and the limit it checked
/// (`ctx`, when there is one). The JSON values are boxed: validators return it in
/// their `Err`, which should stay small.
#[derive(Debug, Serialize)]
pub struct FieldError {
    pub loc: Vec<Value>,
    pub msg: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub input: Box<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ctx: Option<Box<Value>>,
}

impl FieldError {
    /// `input` is what pydantic echoes: the value refused, or for a missing field the
    /// object it is missing from.
    pub fn new(loc: &[&str], msg: impl Into<String>, kind: &str, input: Value) -> Self {
        Self {
            loc: loc.iter().map(|part| Value::from(*part)).collect(),
            msg: msg.into(),
            kind: kind.to_owned(),
            input: Box::new(input),
            ctx: None,
        }
    }

    pub fn with_ctx(mut self, ctx: Value) -> Self {
        self.ctx = Some(Box::new(ctx));
        self
    }

    /// A position after the names of `loc`.
    pub fn at(mut self, position: usize) -> Self {
        self.loc.push(position.into());
        self
    }
}

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            detail: Detail::Message(message.into()),
        }
    }

    pub fn validation(errors: Vec<FieldError>) -> Self {
        Self {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            detail: Detail::Fields(errors),
        }
    }

    pub fn too_many_requests() -> Self {
        Self::new(StatusCode::TOO_MANY_REQUESTS, "Too many requests")
    }

    /// The answer with a `Retry-After` header (seconds or an HTTP-date), as 429
    /// and 503 answers carry.
    pub fn with_retry_after(self, value: impl Into<HeaderValue>) -> Response {
        let mut response = self.into_response();
        response.headers_mut().insert(RETRY_AFTER, value.into());
        response
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(self)).into_response()
    }
}

/// Serialising an answer can only fail through a bug; report it like the real server would.
impl From<serde_json::Error> for ApiError {
    fn from(err: serde_json::Error) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, err.to_string())
    }
}

/// Header values made here are ASCII; only a bug can make one invalid.
impl From<InvalidHeaderValue> for ApiError {
    fn from(err: InvalidHeaderValue) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, err.to_string())
    }
}

impl From<PathRejection> for ApiError {
    fn from(rejection: PathRejection) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, rejection.body_text())
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, rejection.body_text())
    }
}

impl From<BytesRejection> for ApiError {
    fn from(rejection: BytesRejection) -> Self {
        Self::new(rejection.status(), rejection.body_text())
    }
}

/// `axum::extract::Path`, but a bad path answers with a JSON `detail` like every other error.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct ApiPath<T>(pub T);

/// `axum::extract::Query`, with the same JSON `detail` for a query it cannot read.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct ApiQuery<T>(pub T);

pub async fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "Not Found")
}

pub async fn method_not_allowed() -> ApiError {
    ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "Method Not Allowed")
}

/// Turns a handler panic into a 500 answer instead of a dropped connection.
pub fn panic_answer(panic: Box<dyn Any + Send + 'static>) -> Response {
    let message = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("Internal Server Error");
    ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, message).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn body_json(response: Response) -> Value {
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        serde_json::from_slice(&bytes).unwrap()
    }

    #[tokio::test]
    async fn a_panic_becomes_a_500_with_its_message() {
        let response = panic_answer(Box::new(String::from("boom")));
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(
            body_json(response).await,
            serde_json::json!({"detail": "boom"})
        );
    }

    #[tokio::test]
    async fn validation_errors_use_the_pydantic_shape() {
        let error = ApiError::validation(vec![
            FieldError::new(
                &["body", "description"],
                "Field required",
                "missing",
                serde_json::json!({}),
            ),
            FieldError::new(
                &["body"],
                "JSON decode error",
                "json_invalid",
                serde_json::json!({}),
            )
            .at(1)
            .with_ctx(serde_json::json!({"error": "key must be a string"})),
        ]);
        let response = error.into_response();
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            body_json(response).await,
            serde_json::json!({"detail": [
                {"loc": ["body", "description"], "msg": "Field required", "type": "missing", "input": {}},
                {
                    "loc": ["body", 1],
                    "msg": "JSON decode error",
                    "type": "json_invalid",
                    "input": {},
                    "ctx": {"error": "key must be a string"}
                }
            ]})
        );
    }
}
