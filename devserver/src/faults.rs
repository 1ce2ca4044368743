//! Broken or unwelcome answers that a real server or a proxy in front of it can
//! give, armed on a project's cancel requests through `POST /__dev/projects`. A
//! client must survive each of them without crashing, hanging or leaking its token.

use std::io;
use std::net::SocketAddr;

use axum::body::{Body, Bytes};
use axum::http::header::{CONTENT_TYPE, HOST};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;
use futures_util::stream::{self, StreamExt};
use serde::Deserialize;
use time::{Duration, OffsetDateTime};
use tokio_util::sync::CancellationToken;

use crate::auth::bearer_token;
use crate::conn::Connection;
use crate::error::{ApiError, FieldError};
use crate::model::ProjectStatus;
use crate::shape::{ProjectAnswer, ProjectView};
use crate::timestamp::http_date;

/// A fault as named in requests: `"server_500"`, `"reset"`, … Which of the two
/// kinds a fault is does not show in its name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(
    untagged,
    expecting = "no such fault (the devserver README lists them)"
)]
pub enum Fault {
    Error(ErrorFault),
    Special(SpecialFault),
}

/// Faults that are nothing but an error answer in FastAPI's shape; they differ
/// only in data (see `ErrorFault::data`). Names with a number are spelled out,
/// since serde's snake case would write `forbidden403`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorFault {
    #[serde(rename = "bad_request_400")]
    BadRequest400,
    #[serde(rename = "forbidden_403")]
    Forbidden403,
    #[serde(rename = "request_timeout_408")]
    RequestTimeout408,
    #[serde(rename = "conflict_409")]
    Conflict409,
    #[serde(rename = "teapot_418")]
    Teapot418,
    RateLimited,
    /// A wait no test wants to sit through: the client must give up or cap it.
    RateLimitedLong,
    /// `Retry-After` as an HTTP-date rather than seconds.
    RateLimitedDate,
    /// The real server's answer to an unexpected failure.
    #[serde(rename = "server_500")]
    Server500,
    #[serde(rename = "server_500_retry_after")]
    Server500RetryAfter,
    ServiceUnavailable,
    #[serde(rename = "gateway_timeout_504")]
    GatewayTimeout504,
}

/// How an error fault writes `Retry-After`.
#[derive(Clone, Copy, Debug)]
enum RetryAfter {
    /// Delay-seconds: `Retry-After: 120`.
    Seconds(u64),
    /// An HTTP-date this many seconds from now.
    DateIn(i64),
}

/// Faults whose answer is more than a status, a detail and a header.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SpecialFault {
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
    /// 422 validation error about the path.
    #[serde(rename = "validation_422")]
    Validation422,
    /// 401 that quotes the request's bearer token back, as a careless server might;
    /// a client must not show or log the secret.
    #[serde(rename = "echo_token_401")]
    EchoToken401,
    /// No answer at all; the connection stays open.
    Hang,
    /// Headers and half the body, then nothing more.
    StallBody,
    /// The connection is reset without any answer.
    Reset,
    /// Like `reset`, but only every other request; the ones in between are
    /// answered normally (see `Fault::lets_through`).
    Flaky,
    /// 307 to the same path on the other loopback name (another origin).
    RedirectCrossOrigin,
}

/// What a fault answer may need to know about the request it answers.
pub struct FaultedRequest {
    /// The project as it stands after the request.
    pub project: ProjectView,
    pub connection: Connection,
    pub uri: Uri,
    pub headers: HeaderMap,
    pub local_addr: SocketAddr,
    /// Cancelled when the server stops; answers that never end give up then.
    pub shutdown: CancellationToken,
}

const HTML_500: &str = "<html><body><h1>Internal Server Error</h1></body></html>";
const WRONG_SHAPE: &str = r#"{"success": true, "project": {"id": 42, "status": ["cancelled"]}}"#;

impl Fault {
    /// Whether the `nth` cancel request (counting from 1) that meets this fault
    /// is let through to be answered normally: `flaky` lets the even ones through.
    pub fn lets_through(self, nth: u64) -> bool {
        self == Fault::Special(SpecialFault::Flaky) && nth.is_multiple_of(2)
    }
}

pub async fn answer(fault: Fault, request: FaultedRequest) -> Result<Response, ApiError> {
    match fault {
        Fault::Error(error) => error.answer(),
        Fault::Special(special) => special.answer(request).await,
    }
}

impl ErrorFault {
    /// The table: status, `detail` and `Retry-After` of each.
    fn data(self) -> (StatusCode, &'static str, Option<RetryAfter>) {
        use RetryAfter::{DateIn, Seconds};
        const TOO_MANY: &str = "Too many requests";
        match self {
            Self::BadRequest400 => (StatusCode::BAD_REQUEST, "Malformed request", None),
            Self::Forbidden403 => (StatusCode::FORBIDDEN, "Forbidden", None),
            Self::RequestTimeout408 => (StatusCode::REQUEST_TIMEOUT, "Request timeout", None),
            Self::Conflict409 => (
                StatusCode::CONFLICT,
                "Cannot cancel project with status 'planning'",
                None,
            ),
            Self::Teapot418 => (StatusCode::IM_A_TEAPOT, "I'm a teapot", None),
            Self::RateLimited => (StatusCode::TOO_MANY_REQUESTS, TOO_MANY, Some(Seconds(1))),
            Self::RateLimitedLong => (StatusCode::TOO_MANY_REQUESTS, TOO_MANY, Some(Seconds(120))),
            Self::RateLimitedDate => (StatusCode::TOO_MANY_REQUESTS, TOO_MANY, Some(DateIn(2))),
            Self::Server500 => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "Internal error: database unavailable",
                None,
            ),
            Self::Server500RetryAfter => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "Internal error: try again",
                Some(Seconds(1)),
            ),
            Self::ServiceUnavailable => (
                StatusCode::SERVICE_UNAVAILABLE,
                "Service temporarily unavailable",
                Some(Seconds(1)),
            ),
            Self::GatewayTimeout504 => (StatusCode::GATEWAY_TIMEOUT, "Gateway timeout", None),
        }
    }

    fn answer(self) -> Result<Response, ApiError> {
        let (status, detail, retry_after) = self.data();
        let error = ApiError::new(status, detail);
        Ok(match retry_after {
            None => error.into_response(),
            Some(RetryAfter::Seconds(seconds)) => error.with_retry_after(seconds),
            Some(RetryAfter::DateIn(seconds)) => {
                let date = http_date(OffsetDateTime::now_utc() + Duration::seconds(seconds));
                error.with_retry_after(HeaderValue::try_from(date)?)
            }
        })
    }
}

impl SpecialFault {
    async fn answer(self, request: FaultedRequest) -> Result<Response, ApiError> {
        let response = match self {
            Self::Html500 => (
                StatusCode::INTERNAL_SERVER_ERROR,
                [(CONTENT_TYPE, "text/html")],
                HTML_500,
            )
                .into_response(),
            Self::Empty502 => StatusCode::BAD_GATEWAY.into_response(),
            Self::TruncatedJson => {
                let body = success_body(request.project)?;
                json_body(body[..body.len() / 2].to_vec())
            }
            Self::WrongShape => json_body(WRONG_SHAPE),
            Self::SuccessFalse => Json(ProjectAnswer {
                success: false,
                project: request.project,
            })
            .into_response(),
            Self::WrongStatus => {
                let mut project = request.project;
                project.project.status = ProjectStatus::Executing;
                Json(ProjectAnswer {
                    success: true,
                    project,
                })
                .into_response()
            }
            Self::Validation422 => ApiError::validation(vec![FieldError::new(
                &["path", "project_id"],
                "value is not a valid uuid",
                "type_error.uuid",
            )])
            .into_response(),
            Self::EchoToken401 => {
                // Only requests with the right token get this far, so there is one.
                let token = bearer_token(&request.headers).unwrap_or_default();
                ApiError::new(StatusCode::UNAUTHORIZED, format!("Invalid token: {token}"))
                    .into_response()
            }
            Self::Hang => {
                // Dropped by hyper if the client goes away first; on shutdown, cut the line.
                request.shutdown.cancelled().await;
                reset(&request.connection)
            }
            Self::StallBody => {
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
            Self::Reset | Self::Flaky => reset(&request.connection),
            Self::RedirectCrossOrigin => {
                Redirect::temporary(&cross_origin_url(&request)).into_response()
            }
        };
        Ok(response)
    }
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
        .headers
        .get(HOST)
        .and_then(|host| host.to_str().ok())
        .map(|host| host.rsplit_once(':').map_or(host, |(name, _port)| name));
    let other = if host_name == Some("localhost") {
        "127.0.0.1"
    } else {
        "localhost"
    };
    let path = request.uri.path_and_query().map_or("/", |pq| pq.as_str());
    format!("http://{other}:{}{path}", request.local_addr.port())
}
