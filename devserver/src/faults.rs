//! Broken or unwelcome answers that a real server or a proxy in front of it can
//! give, armed on one route of a project through `POST /__dev/projects` or on a
//! route of no project through `POST /__dev/faults`. A client must survive each of
//! them without crashing, hanging or leaking its token.

use std::io;
use std::net::SocketAddr;

use axum::body::{Body, Bytes};
use axum::http::header::{CONTENT_TYPE, HOST};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;
use futures_util::stream::{self, StreamExt};
use serde::Deserialize;
use serde_json::{Map, Value};
use time::{Duration, OffsetDateTime};
use tokio_util::sync::CancellationToken;

use crate::auth::bearer_token;
use crate::config::Flavor;
use crate::conn::Connection;
use crate::error::{ApiError, FieldError};
use crate::model::{ProjectStatus, TaskStatus};
use crate::route::{ProjectRoute, Route, ServerRoute};
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
    /// 200 JSON whose fields have the wrong types.
    WrongShape,
    /// 200 with `"success": false`.
    SuccessFalse,
    /// 200 success whose project or task shows a status the route does not leave.
    WrongStatus,
    /// 422 validation error about the path, body or query.
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

/// A fault waiting for the requests of one route.
#[derive(Clone, Copy, Debug)]
pub struct ArmedFault {
    pub fault: Fault,
    /// How many more requests get the fault; `None` means all of them.
    pub times: Option<u32>,
    /// Carry the request out before answering with the fault (an answer lost on the way).
    pub commits: bool,
}

/// An armed fault and how many requests met it, for `flaky`'s alternation.
#[derive(Clone, Copy, Debug)]
pub struct Trap {
    armed: ArmedFault,
    met: u64,
}

impl Trap {
    pub fn new(armed: ArmedFault) -> Self {
        Self { armed, met: 0 }
    }

    /// Meets one request: the fault, if it answers this one. Uses up one of
    /// `times` only when it does.
    pub fn spring(&mut self) -> Option<ArmedFault> {
        if self.armed.times == Some(0) {
            return None;
        }
        self.met += 1;
        if self.armed.fault.lets_through(self.met) {
            return None;
        }
        if let Some(times) = &mut self.armed.times {
            *times -= 1;
        }
        Some(self.armed)
    }
}

/// The request a fault answers, as far as an answer may need to know it.
pub struct Exchange {
    pub connection: Connection,
    pub uri: Uri,
    pub headers: HeaderMap,
    pub local_addr: SocketAddr,
    /// Cancelled when the server stops; answers that never end give up then.
    pub shutdown: CancellationToken,
}

/// What a fault answers: the route it fired on, the body its success answer would
/// have (the state as it stands after the request), and the request.
pub struct Faulted {
    pub route: Route,
    pub body: Value,
    pub exchange: Exchange,
}

const HTML_500: &str = "<html><body><h1>Internal Server Error</h1></body></html>";

impl Fault {
    /// Whether the `nth` request (counting from 1) that meets this fault is let
    /// through to be answered normally: `flaky` lets the even ones through.
    pub fn lets_through(self, nth: u64) -> bool {
        self == Fault::Special(SpecialFault::Flaky) && nth.is_multiple_of(2)
    }
}

pub async fn answer(fault: Fault, faulted: Faulted) -> Result<Response, ApiError> {
    match fault {
        Fault::Error(error) => error.answer(),
        Fault::Special(special) => special.answer(faulted).await,
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
    async fn answer(self, faulted: Faulted) -> Result<Response, ApiError> {
        let Faulted {
            route,
            body,
            exchange: request,
        } = faulted;
        let response = match self {
            Self::Html500 => (
                StatusCode::INTERNAL_SERVER_ERROR,
                [(CONTENT_TYPE, "text/html")],
                HTML_500,
            )
                .into_response(),
            Self::Empty502 => StatusCode::BAD_GATEWAY.into_response(),
            Self::TruncatedJson => {
                let body = serde_json::to_vec(&body)?;
                json_body(body[..body.len() / 2].to_vec())
            }
            Self::WrongShape => json_body(wrong_shape(route)),
            Self::SuccessFalse => Json(with_success_false(body)).into_response(),
            Self::WrongStatus => Json(with_wrong_status(route, body)).into_response(),
            Self::Validation422 => {
                let (loc, msg, kind) = invalid_input(route);
                ApiError::validation(vec![FieldError::new(loc, msg, kind, Value::Null)])
                    .into_response()
            }
            Self::EchoToken401 => {
                // Only requests with the right token get this far, so there is one
                // (in a scheme either flavor took).
                let token = bearer_token(&request.headers, Flavor::Documented).unwrap_or_default();
                ApiError::new(StatusCode::UNAUTHORIZED, format!("Invalid token: {token}"))
                    .into_response()
            }
            Self::Hang => {
                // Dropped by hyper if the client goes away first; on shutdown, cut the line.
                request.shutdown.cancelled().await;
                reset(&request.connection)
            }
            Self::StallBody => {
                let body = serde_json::to_vec(&body)?;
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

/// A body of the route's fields with the wrong types.
fn wrong_shape(route: Route) -> &'static str {
    use ProjectRoute::*;
    match route {
        Route::Project(Cancel | Approve | Pause | Resume) | Route::Server(ServerRoute::Start) => {
            r#"{"success": true, "project": {"id": 42, "status": ["cancelled"]}}"#
        }
        Route::Project(Skip | Retry) => {
            r#"{"success": true, "task": {"id": 42, "status": ["skipped"]}, "progress": "half"}"#
        }
        Route::Project(Plan | Get) => {
            r#"{"project": {"id": 42, "status": ["cancelled"]}, "tasks": {"id": 42}, "progress": null}"#
        }
        Route::Project(Delete) => r#"{"success": "yes", "message": 42}"#,
        Route::Server(ServerRoute::ParseGoal) => r#"{"success": true, "goal_analysis": [42]}"#,
        Route::Server(ServerRoute::List) => r#"{"projects": {"id": 42}, "count": "1"}"#,
    }
}

/// The success body with `"success": false` first, in place of any `success` it had.
fn with_success_false(body: Value) -> Value {
    let mut answer = Map::new();
    answer.insert("success".to_owned(), Value::Bool(false));
    if let Value::Object(fields) = body {
        answer.extend(fields.into_iter().filter(|(name, _)| name != "success"));
    }
    Value::Object(answer)
}

/// The success body whose projects show the status the route moves away from (or
/// `executing` where it moves none), and whose task shows `in_progress`, which
/// neither skip nor retry leave. Bodies without a status (delete, parse-goal) stay
/// as they are.
fn with_wrong_status(route: Route, mut body: Value) -> Value {
    let project_status = match route {
        Route::Project(ProjectRoute::Approve) => ProjectStatus::AwaitingApproval,
        Route::Project(ProjectRoute::Resume) => ProjectStatus::Paused,
        Route::Server(ServerRoute::Start) => ProjectStatus::Draft,
        _ => ProjectStatus::Executing,
    };
    let status = |value: Option<&mut Value>, to: &str| {
        if let Some(fields) = value.and_then(Value::as_object_mut) {
            fields.insert("status".to_owned(), Value::from(to));
        }
    };
    status(body.get_mut("project"), project_status.as_str());
    status(body.get_mut("task"), TaskStatus::InProgress.as_str());
    if let Some(projects) = body.get_mut("projects").and_then(Value::as_array_mut) {
        for project in projects {
            status(Some(project), project_status.as_str());
        }
    }
    body
}

/// Where a 422 points for each route: `loc`, `msg`, `type`.
fn invalid_input(route: Route) -> (&'static [&'static str], &'static str, &'static str) {
    match route {
        Route::Project(ProjectRoute::Skip | ProjectRoute::Retry) => (
            &["path", "task_id"],
            "value is not a valid uuid",
            "type_error.uuid",
        ),
        Route::Project(_) => (
            &["path", "project_id"],
            "value is not a valid uuid",
            "type_error.uuid",
        ),
        Route::Server(ServerRoute::Start | ServerRoute::ParseGoal) => {
            (&["body", "description"], "Field required", "missing")
        }
        Route::Server(ServerRoute::List) => (
            &["query", "limit"],
            "Input should be a valid integer, unable to parse string as an integer",
            "int_parsing",
        ),
    }
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
fn cross_origin_url(request: &Exchange) -> String {
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
