//! Broken answers that a real server or a proxy in front of it can give, armed on a
//! project's cancel requests through `POST /__dev/projects`. A client must survive
//! each of them without crashing or hanging.

use std::io;
use std::net::SocketAddr;

use axum::body::{Body, Bytes};
use axum::http::header::CONTENT_TYPE;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;
use futures_util::stream::{self, StreamExt};
use serde::Deserialize;
use tokio_util::sync::CancellationToken;

use crate::api::ProjectAnswer;
use crate::conn::Connection;
use crate::error::{ApiError, FieldError};
use crate::model::ProjectStatus;
use crate::shape::ProjectView;

/// Named in requests as in snake case; names with a number are spelled out,
/// since serde's snake case would write `html500`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fault {
    /// 500 with an HTML page, as a proxy would send.
    #[serde(rename = "html_500")]
    Html500,
    /// 502 with an empty body and no content type.
    #[serde(rename = "empty_502")]
    Empty502,
    /// 200 JSON whose body stops in the middle.
    TruncatedJson,
    /// 200 JSON whose project has the wrong types.
    WrongShape,
    /// 200 with `"success": false`.
    SuccessFalse,
    /// 200 success whose project is still `executing`.
    WrongStatus,
    /// 429 with `Retry-After: 1`.
    RateLimited,
    /// 503 with `Retry-After: 1`.
    ServiceUnavailable,
    /// 422 validation error about the path.
    #[serde(rename = "validation_422")]
    Validation422,
    /// No answer at all; the connection stays open.
    Hang,
    /// Headers and half the body, then nothing more.
    StallBody,
    /// The connection is reset without any answer.
    Reset,
    /// 307 to the same path on the other loopback name (another origin).
    RedirectCrossOrigin,
    /// 500 JSON, as the real server reports an unexpected failure.
    #[serde(rename = "server_500")]
    Server500,
}

/// What a fault answer may need to know about the request it answers.
pub struct FaultedRequest {
    /// The project as it stands after the request.
    pub project: ProjectView,
    pub connection: Connection,
    pub uri: Uri,
    pub host: Option<String>,
    pub local_addr: SocketAddr,
    /// Cancelled when the server stops; answers that never end give up then.
    pub shutdown: CancellationToken,
}

const HTML_500: &str = "<html><body><h1>Internal Server Error</h1></body></html>";
const WRONG_SHAPE: &str = r#"{"success": true, "project": {"id": 42, "status": ["cancelled"]}}"#;

pub async fn answer(fault: Fault, request: FaultedRequest) -> Result<Response, ApiError> {
    let response = match fault {
        Fault::Html500 => (
            StatusCode::INTERNAL_SERVER_ERROR,
            [(CONTENT_TYPE, "text/html")],
            HTML_500,
        )
            .into_response(),
        Fault::Empty502 => StatusCode::BAD_GATEWAY.into_response(),
        Fault::TruncatedJson => {
            let body = success_body(request.project)?;
            json_body(body[..body.len() / 2].to_vec())
        }
        Fault::WrongShape => json_body(WRONG_SHAPE),
        Fault::SuccessFalse => Json(ProjectAnswer {
            success: false,
            project: request.project,
        })
        .into_response(),
        Fault::WrongStatus => {
            let mut project = request.project;
            project.project.status = ProjectStatus::Executing;
            Json(ProjectAnswer {
                success: true,
                project,
            })
            .into_response()
        }
        Fault::RateLimited => ApiError::too_many_requests().with_retry_after(1),
        Fault::ServiceUnavailable => ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "Service temporarily unavailable",
        )
        .with_retry_after(1),
        Fault::Validation422 => ApiError::validation(vec![FieldError::new(
            &["path", "project_id"],
            "value is not a valid uuid",
            "type_error.uuid",
        )])
        .into_response(),
        Fault::Hang => {
            // Dropped by hyper if the client goes away first; on shutdown, cut the line.
            request.shutdown.cancelled().await;
            reset(&request.connection)
        }
        Fault::StallBody => {
            let body = success_body(request.project)?;
            let first_half = Bytes::copy_from_slice(&body[..body.len() / 2]);
            let shutdown = request.shutdown;
            // A body error makes hyper abort the connection instead of ending the body.
            let never_finishes =
                stream::once(async { Ok(first_half) }).chain(stream::once(async move {
                    shutdown.cancelled_owned().await;
                    Err(io::Error::other("server stopping"))
                }));
            json_body(Body::from_stream(never_finishes))
        }
        Fault::Reset => reset(&request.connection),
        Fault::RedirectCrossOrigin => {
            Redirect::temporary(&cross_origin_url(&request)).into_response()
        }
        Fault::Server500 => ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Internal error: database unavailable",
        )
        .into_response(),
    };
    Ok(response)
}

fn success_body(project: ProjectView) -> Result<Vec<u8>, ApiError> {
    Ok(serde_json::to_vec(&ProjectAnswer {
        success: true,
        project,
    })?)
}

fn json_body(body: impl Into<Body>) -> Response {
    ([(CONTENT_TYPE, "application/json")], body.into()).into_response()
}

/// Marks the connection for reset; the response returned alongside is never written.
fn reset(connection: &Connection) -> Response {
    connection.reset();
    StatusCode::INTERNAL_SERVER_ERROR.into_response()
}

/// The same path and query on the other loopback name: `127.0.0.1` <-> `localhost`.
fn cross_origin_url(request: &FaultedRequest) -> String {
    let host_name = request
        .host
        .as_deref()
        .map(|host| host.rsplit_once(':').map_or(host, |(name, _port)| name));
    let other = if host_name == Some("localhost") {
        "127.0.0.1"
    } else {
        "localhost"
    };
    let path = request.uri.path_and_query().map_or("/", |pq| pq.as_str());
    format!("http://{other}:{}{path}", request.local_addr.port())
}
