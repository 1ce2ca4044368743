//! Every failure as data: a kind to branch on, the HTTP status, the server's detail.
//! `from_answer` is the one place that maps a non-2xx answer to an error.

use crate::text;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::fmt;
use std::time::Duration;
use wasm_bindgen::JsValue;

/// What went wrong, as a closed set of cases to `match` on.
///
/// [`ErrorKind::as_str`] gives the name JS sees as `DeepWorkError.kind`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// An argument or option was refused before any request was sent.
    InvalidArgument,
    /// 401: the token is missing, wrong or expired.
    Unauthorized,
    /// 403.
    Forbidden,
    /// The project (or the route) does not exist.
    NotFound,
    /// The project's (or the task's) status does not allow the call; see
    /// [`Error::current_status`].
    InvalidState,
    /// The task belongs to another project than the one named in the call.
    TaskNotInProject,
    /// Another 400.
    BadRequest,
    /// 422: the server refused a field; see [`Error::validation_issues`].
    Validation,
    /// 429, after the retries allowed.
    RateLimited,
    /// 5xx, after the retries allowed.
    Server,
    /// Any other status, or a redirect (never followed).
    Http,
    /// No answer: offline, refused, reset, or a cross-origin request the browser refused.
    Network,
    /// The call's (or an attempt's) time ran out; the request was aborted.
    Timeout,
    /// The caller's `AbortSignal` fired (or the future was dropped).
    Aborted,
    /// A 2xx answer that breaks the API contract; the message names the field.
    InvalidResponse,
}

impl ErrorKind {
    /// The kind's name as JS sees it: `"not_found"`, `"invalid_state"`, …
    ///
    /// ```
    /// assert_eq!(deepwork_client::ErrorKind::InvalidState.as_str(), "invalid_state");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvalidArgument => "invalid_argument",
            Self::Unauthorized => "unauthorized",
            Self::Forbidden => "forbidden",
            Self::NotFound => "not_found",
            Self::InvalidState => "invalid_state",
            Self::TaskNotInProject => "task_not_in_project",
            Self::BadRequest => "bad_request",
            Self::Validation => "validation",
            Self::RateLimited => "rate_limited",
            Self::Server => "server",
            Self::Http => "http",
            Self::Network => "network",
            Self::Timeout => "timeout",
            Self::Aborted => "aborted",
            Self::InvalidResponse => "invalid_response",
        }
    }

    /// Said when the server gave no detail of its own.
    fn fallback(self) -> &'static str {
        match self {
            Self::Unauthorized => "Unauthorized: check the token",
            Self::Forbidden => "Forbidden",
            Self::NotFound => "Not found",
            Self::RateLimited => "Too many requests",
            Self::Server => "The server failed",
            _ => "The server refused the request",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One entry of a 422 answer's `detail` (FastAPI's request validation).
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct ValidationIssue {
    /// Where the refused value was: `["path", "project_id"]`, `["body", 0]`.
    #[serde(default)]
    pub loc: Vec<Loc>,
    /// The server's words about it.
    #[serde(default)]
    pub msg: String,
    /// FastAPI's error type, e.g. `"uuid_parsing"`.
    #[serde(default, rename = "type")]
    pub kind: String,
}

/// One step of a [`ValidationIssue::loc`]: a field name or an index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Loc {
    Key(String),
    Index(u64),
}

impl<'de> Deserialize<'de> for Loc {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct LocVisitor;
        impl Visitor<'_> for LocVisitor {
            type Value = Loc;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or an index")
            }
            fn visit_str<E: de::Error>(self, key: &str) -> Result<Loc, E> {
                Ok(Loc::Key(key.to_owned()))
            }
            fn visit_u64<E: de::Error>(self, index: u64) -> Result<Loc, E> {
                Ok(Loc::Index(index))
            }
            fn visit_i64<E: de::Error>(self, index: i64) -> Result<Loc, E> {
                Ok(Loc::Index(index.max(0) as u64))
            }
        }
        deserializer.deserialize_any(LocVisitor)
    }
}

/// The server's `detail`: FastAPI sends a message, or a list of validation issues.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) enum Detail {
    #[default]
    None,
    Text(String),
    Issues(Vec<ValidationIssue>),
}

impl<'de> Deserialize<'de> for Detail {
    /// Any JSON: a string or a list of issues is a detail, anything else is none.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct DetailVisitor;
        impl<'de> Visitor<'de> for DetailVisitor {
            type Value = Detail;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a message or a list of issues")
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<Detail, E> {
                Ok(Detail::Text(text.to_owned()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Detail, A::Error> {
                let mut issues = Vec::new();
                while let Some(issue) = seq.next_element()? {
                    issues.push(issue);
                }
                Ok(Detail::Issues(issues))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Detail, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Detail::None)
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Detail, E> {
                Ok(Detail::None)
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Detail, E> {
                Ok(Detail::None)
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Detail, E> {
                Ok(Detail::None)
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Detail, E> {
                Ok(Detail::None)
            }
            fn visit_unit<E: de::Error>(self) -> Result<Detail, E> {
                Ok(Detail::None)
            }
        }
        deserializer.deserialize_any(DetailVisitor)
    }
}

/// The body of a non-2xx answer, as far as errors go.
#[derive(Deserialize)]
pub(crate) struct ErrorAnswer {
    #[serde(default)]
    pub detail: Detail,
}

/// The one error type of the SDK: what went wrong ([`kind`](Error::kind)), the HTTP
/// status and the server's detail when there was an answer, and how many requests
/// the call sent. Its `Display` is a message for people; branch on the kind.
///
/// Neither `Display` nor `Debug` shows the token: the server's words are redacted
/// before they are kept.
///
/// ```
/// use deepwork_client::{DeepWorkClient, ErrorKind};
/// let e = DeepWorkClient::new("ftp://example.com", "token").unwrap_err();
/// assert_eq!(e.kind(), ErrorKind::InvalidArgument);
/// assert_eq!(e.attempts(), 0);
/// assert!(e.to_string().starts_with("the base URL must be"));
/// ```
#[derive(Clone, Debug)]
pub struct Error(pub(crate) Box<ErrorData>);

/// What an [`Error`] holds. Boxed: a call's `Result` then stays small, and so does the
/// code that moves it through the call's states.
#[derive(Clone, Debug)]
pub(crate) struct ErrorData {
    pub(crate) kind: ErrorKind,
    pub(crate) message: String,
    pub(crate) status: Option<u16>,
    pub(crate) detail: Detail,
    pub(crate) project_id: Option<String>,
    pub(crate) current_status: Option<String>,
    pub(crate) retry_after_ms: Option<u64>,
    /// The browser's own error, for network failures.
    pub(crate) cause: Option<JsValue>,
    pub(crate) attempts: u32,
}

impl Error {
    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self(Box::new(ErrorData {
            kind,
            message: message.into(),
            status: None,
            detail: Detail::None,
            project_id: None,
            current_status: None,
            retry_after_ms: None,
            cause: None,
            attempts: 0,
        }))
    }

    pub(crate) fn invalid_argument(message: &str) -> Self {
        Self::new(ErrorKind::InvalidArgument, message)
    }

    pub(crate) fn invalid_response(invalid: crate::decode::Invalid, status: u16) -> Self {
        let mut e = Self::new(ErrorKind::InvalidResponse, invalid.into_message());
        e.0.status = Some(status);
        e
    }

    pub(crate) fn for_project(mut self, project_id: &str) -> Self {
        self.0.project_id = Some(project_id.to_owned());
        self
    }

    /// What went wrong.
    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }

    /// The HTTP status of the server's answer, when there was one.
    pub fn status(&self) -> Option<u16> {
        self.0.status
    }

    /// The server's `detail` message, when it sent one (not for a 422's issue list).
    pub fn detail(&self) -> Option<&str> {
        match &self.0.detail {
            Detail::Text(text) => Some(text),
            _ => None,
        }
    }

    /// The issues of a 422 answer (kind [`ErrorKind::Validation`]); empty otherwise.
    pub fn validation_issues(&self) -> &[ValidationIssue] {
        match &self.0.detail {
            Detail::Issues(issues) => issues,
            _ => &[],
        }
    }

    /// The project the call was about.
    pub fn project_id(&self) -> Option<&str> {
        self.0.project_id.as_deref()
    }

    /// For [`ErrorKind::InvalidState`]: the status the server says the project is in
    /// (`"completed"`), as it wrote it.
    pub fn current_status(&self) -> Option<&str> {
        self.0.current_status.as_deref()
    }

    /// For rate limiting and 5xx: how long the server asked to wait, when it said so
    /// and CORS let the page read the header.
    pub fn retry_after(&self) -> Option<Duration> {
        self.0.retry_after_ms.map(Duration::from_millis)
    }

    /// How many requests the call sent, retries included (0: none, it failed first).
    pub fn attempts(&self) -> u32 {
        self.0.attempts
    }

    /// The browser's own error, for [`ErrorKind::Network`].
    pub fn cause(&self) -> Option<&JsValue> {
        self.0.cause.as_ref()
    }

    /// The message, as `Display` shows it.
    pub fn message(&self) -> &str {
        &self.0.message
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.message)
    }
}

impl std::error::Error for Error {}

const REDACTED: &str = "[redacted]";

fn redact(text: &mut String, secret: &str) {
    if !secret.is_empty() && text::find(text, secret).is_some() {
        *text = text::replace_all(text, secret, REDACTED);
    }
}

/// The detail with the token blanked out of every string the server wrote.
fn redacted(mut detail: Detail, secret: &str) -> Detail {
    match &mut detail {
        Detail::Text(text) => redact(text, secret),
        Detail::Issues(issues) => {
            for issue in issues {
                redact(&mut issue.msg, secret);
                redact(&mut issue.kind, secret);
                for loc in &mut issue.loc {
                    if let Loc::Key(key) = loc {
                        redact(key, secret);
                    }
                }
            }
        }
        Detail::None => {}
    }
    detail
}

/// How much of a server's detail goes into `message` (the detail itself keeps it all).
const MESSAGE_DETAIL_CHARS: usize = 300;

/// Maps a non-2xx answer to an error. `secret` (the token) is blanked out of the
/// server's words: a server may echo what it was sent, and the token must never reach
/// an error.
pub(crate) fn from_answer(
    status: u16,
    detail: Detail,
    retry_after_ms: Option<u64>,
    secret: &str,
) -> Error {
    let detail = redacted(detail, secret);
    let text = match &detail {
        Detail::Text(text) => Some(text.as_str()),
        _ => None,
    };
    let refused = text.and_then(refused_status);
    let says = |start: &str| text.is_some_and(|t| t.starts_with(start));
    let kind = match status {
        // The real server answers some refusals with 404 (approve, pause, resume).
        400 | 404 | 409 if refused.is_some() => ErrorKind::InvalidState,
        400 if says("Project not found") || says("Task not found") => ErrorKind::NotFound,
        400 if says("Task does not belong") => ErrorKind::TaskNotInProject,
        400 => ErrorKind::BadRequest,
        401 => ErrorKind::Unauthorized,
        403 => ErrorKind::Forbidden,
        404 => ErrorKind::NotFound,
        409 => ErrorKind::InvalidState,
        422 => ErrorKind::Validation,
        429 => ErrorKind::RateLimited,
        500..=599 => ErrorKind::Server,
        _ => ErrorKind::Http,
    };
    let mut message = String::new();
    text::push_decimal(&mut message, u64::from(status));
    message.push(' ');
    match &detail {
        Detail::Text(text) => message.extend(text.chars().take(MESSAGE_DETAIL_CHARS)),
        Detail::Issues(issues) => push_issues(&mut message, issues),
        Detail::None => message.push_str(kind.fallback()),
    }
    let mut error = Error::new(kind, message);
    let data = &mut error.0;
    data.status = Some(status);
    data.detail = detail;
    // Only meaningful where the server refused because of the project's status.
    data.current_status = refused.filter(|_| kind == ErrorKind::InvalidState);
    // Only a server that asks to wait is worth waiting for.
    data.retry_after_ms =
        retry_after_ms.filter(|_| matches!(kind, ErrorKind::RateLimited | ErrorKind::Server));
    error
}

/// The status in "Cannot cancel project with status 'completed'" (any verb, project
/// or task) and in retry's "Can only retry tasks with status 'blocked', got 'done'".
fn refused_status(detail: &str) -> Option<String> {
    let (rest, mark) = match detail.strip_prefix("Cannot ") {
        Some(rest) => (rest, " with status '"),
        None => (detail.strip_prefix("Can only ")?, ", got '"),
    };
    let quoted = rest.get(text::find(rest, mark)? + mark.len()..)?;
    let status = quoted.strip_suffix('\'')?;
    (!status.is_empty() && !status.contains('\'')).then(|| status.to_owned())
}

/// "loc.path: msg; …" for the first few issues of a 422.
fn push_issues(message: &mut String, issues: &[ValidationIssue]) {
    if issues.is_empty() {
        message.push_str("Validation failed");
    }
    for (i, issue) in issues.iter().take(3).enumerate() {
        if i > 0 {
            message.push_str("; ");
        }
        let mut located = false;
        for key in issue.loc.iter().filter_map(|loc| match loc {
            Loc::Key(key) => Some(key),
            Loc::Index(_) => None,
        }) {
            message.push_str(if located { "." } else { "" });
            message.extend(key.chars().take(MESSAGE_DETAIL_CHARS));
            located = true;
        }
        if located {
            message.push_str(": ");
        }
        let msg = if issue.msg.is_empty() {
            "invalid"
        } else {
            &issue.msg
        };
        message.extend(msg.chars().take(MESSAGE_DETAIL_CHARS));
    }
    if issues.len() > 3 {
        message.push_str("; …");
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::decode::tests::from_text;

    /// The error for an answer with this JSON body, decoded as the browser decodes it.
    fn map(status: u16, body: &str) -> Error {
        let detail = from_text::<ErrorAnswer>(body)
            .map(|a| a.detail)
            .unwrap_or_default();
        from_answer(status, detail, None, "tok")
    }

    fn text_detail(text: &str) -> Detail {
        Detail::Text(text.into())
    }

    #[test]
    fn documented_cannot_cancel_is_invalid_state_with_the_current_status() {
        let e = map(
            400,
            r#"{"detail": "Cannot cancel project with status 'completed'"}"#,
        );
        assert_eq!(e.0.kind, ErrorKind::InvalidState);
        assert_eq!(e.current_status(), Some("completed"));
        assert_eq!(e.status(), Some(400));
        assert_eq!(
            e.to_string(),
            "400 Cannot cancel project with status 'completed'"
        );
        assert_eq!(
            e.detail(),
            Some("Cannot cancel project with status 'completed'")
        );
    }

    #[test]
    fn lenient_servers_project_not_found_400_is_not_found() {
        let e = map(400, r#"{"detail": "Project not found: abc"}"#);
        assert_eq!(e.0.kind, ErrorKind::NotFound);
        assert_eq!(e.0.current_status, None);
    }

    #[test]
    fn other_400s_are_bad_request() {
        for detail in [
            "Something else",
            "Cannot cancel project with status ''",
            "Cannot cancel it",
        ] {
            let e = from_answer(400, text_detail(detail), None, "tok");
            assert_eq!(e.0.kind, ErrorKind::BadRequest, "{detail}");
        }
        assert_eq!(map(400, "{}").kind(), ErrorKind::BadRequest);
    }

    #[test]
    fn statuses_map_to_kinds() {
        let cases = [
            (401, ErrorKind::Unauthorized),
            (403, ErrorKind::Forbidden),
            (404, ErrorKind::NotFound),
            (409, ErrorKind::InvalidState),
            (422, ErrorKind::Validation),
            (429, ErrorKind::RateLimited),
            (500, ErrorKind::Server),
            (502, ErrorKind::Server),
            (599, ErrorKind::Server),
            (307, ErrorKind::Http),
            (418, ErrorKind::Http),
            (600, ErrorKind::Http),
        ];
        for (status, kind) in cases {
            assert_eq!(map(status, r#"{"detail": "x"}"#).kind(), kind, "{status}");
        }
    }

    #[test]
    fn current_status_is_only_set_on_invalid_state() {
        let detail = r#"{"detail": "Cannot cancel project with status 'completed'"}"#;
        for status in [401, 403, 418, 500] {
            let e = map(status, detail);
            assert_eq!(
                (e.0.kind == ErrorKind::InvalidState, e.0.current_status),
                (false, None),
                "{status}"
            );
        }
    }

    #[test]
    fn conflict_with_a_status_names_it() {
        let e = map(
            409,
            r#"{"detail": "Cannot pause project with status 'draft'"}"#,
        );
        assert_eq!(
            (e.0.kind, e.current_status()),
            (ErrorKind::InvalidState, Some("draft"))
        );
    }

    #[test]
    fn validation_issues_are_kept_and_summarised() {
        let e = map(
            422,
            r#"{"detail": [{"loc": ["path", "project_id"], "msg": "value is not a valid uuid", "type": "x"}]}"#,
        );
        assert_eq!(e.0.kind, ErrorKind::Validation);
        assert_eq!(
            e.validation_issues(),
            [ValidationIssue {
                loc: vec![Loc::Key("path".into()), Loc::Key("project_id".into())],
                msg: "value is not a valid uuid".into(),
                kind: "x".into(),
            }]
        );
        assert_eq!(e.detail(), None);
        assert_eq!(
            e.to_string(),
            "422 path.project_id: value is not a valid uuid"
        );
    }

    #[test]
    fn many_or_odd_issues_still_make_a_message() {
        let issue = r#"{"loc": ["body", 0], "msg": "bad"}"#;
        let e = map(
            422,
            &format!(r#"{{"detail": [{issue}, {issue}, {issue}, {issue}]}}"#),
        );
        assert_eq!(e.to_string(), "422 body: bad; body: bad; body: bad; …");
        assert_eq!(e.validation_issues()[0].loc[1], Loc::Index(0));
        assert_eq!(
            map(422, r#"{"detail": []}"#).to_string(),
            "422 Validation failed"
        );
        assert_eq!(map(422, r#"{"detail": [{}]}"#).to_string(), "422 invalid");
        // Not a list of issues at all: no detail, and the fallback message.
        assert_eq!(
            map(422, r#"{"detail": [7]}"#).to_string(),
            "422 The server refused the request"
        );
    }

    #[test]
    fn a_body_without_detail_gets_a_fallback_message() {
        let e = from_answer(502, Detail::None, None, "tok");
        assert_eq!(
            (e.0.kind, e.0.detail.clone()),
            (ErrorKind::Server, Detail::None)
        );
        assert_eq!(e.to_string(), "502 The server failed");
        for body in [
            r#"{"detail": 5}"#,
            r#"{"detail": {"a": [1]}}"#,
            "[1]",
            "null",
        ] {
            assert_eq!(
                map(401, body).to_string(),
                "401 Unauthorized: check the token",
                "{body}"
            );
        }
    }

    #[test]
    fn long_details_are_cut_in_the_message_but_kept_whole() {
        let long = "é".repeat(1000);
        let e = from_answer(500, text_detail(&long), None, "tok");
        assert_eq!(e.to_string().chars().count(), 4 + MESSAGE_DETAIL_CHARS);
        assert_eq!(e.detail(), Some(long.as_str()));
    }

    #[test]
    fn retry_after_is_kept_only_where_waiting_helps() {
        let detail = || text_detail("Too many requests");
        assert_eq!(
            from_answer(429, detail(), Some(1000), "tok").retry_after(),
            Some(Duration::from_secs(1))
        );
        assert_eq!(
            from_answer(503, detail(), Some(2000), "tok")
                .0
                .retry_after_ms,
            Some(2000)
        );
        assert_eq!(
            from_answer(400, detail(), Some(1000), "tok")
                .0
                .retry_after_ms,
            None
        );
    }

    #[test]
    fn the_token_is_blanked_out_of_the_servers_words_before_cutting() {
        let secret = "S3cr3t";
        let detail = format!(
            "{} Bad token S3cr3t (S3cr3t)",
            "x".repeat(MESSAGE_DETAIL_CHARS - 20)
        );
        let e = from_answer(401, Detail::Text(detail), None, secret);
        assert!(!e.to_string().contains("S3c"), "{e}");
        assert!(!format!("{e:?}").contains("S3c"), "{e:?}");
        assert!(
            e.detail()
                .is_some_and(|t| t.ends_with("Bad token [redacted] ([redacted])")),
            "{e:?}"
        );
        let issue = |loc: &[&str], msg: &str| ValidationIssue {
            loc: loc.iter().map(|k| Loc::Key((*k).into())).collect(),
            msg: msg.into(),
            kind: "S3cr3t".into(),
        };
        let e = from_answer(
            422,
            Detail::Issues(vec![issue(&["header"], "S3cr3t is wrong")]),
            None,
            secret,
        );
        assert_eq!(e.to_string(), "422 header: [redacted] is wrong");
        assert_eq!(e.validation_issues()[0].kind, "[redacted]");
        let e = from_answer(
            422,
            Detail::Issues(vec![issue(&["body", "S3cr3t"], "bad")]),
            None,
            secret,
        );
        assert_eq!(e.to_string(), "422 body.[redacted]: bad");
        assert!(!format!("{e:?}").contains("S3c"), "{e:?}");
    }

    #[test]
    fn refused_status_parses_only_the_exact_shape() {
        assert_eq!(
            refused_status("Cannot cancel project with status 'cancelled'").as_deref(),
            Some("cancelled")
        );
        assert_eq!(
            refused_status("Cannot resume project with status 'x_new'").as_deref(),
            Some("x_new")
        );
        assert_eq!(
            refused_status("Cannot cancel project with status 'a'b'"),
            None
        );
        assert_eq!(
            refused_status("cannot cancel project with status 'a'"),
            None
        );
        assert_eq!(refused_status("Cannot cancel project with status 'a"), None);
    }

    #[test]
    fn the_rest_of_the_api_refusals_are_invalid_state_with_the_current_status() {
        let cases = [
            // The real server's 404 for a wrong status on approve, pause and resume.
            (404, "Cannot approve project with status 'draft'", "draft"),
            (
                404,
                "Cannot resume project with status 'executing'",
                "executing",
            ),
            (400, "Cannot pause project with status 'paused'", "paused"),
            (400, "Cannot skip task with status 'done'", "done"),
            (
                400,
                "Can only retry tasks with status 'blocked', got 'in_progress'",
                "in_progress",
            ),
        ];
        for (status, detail, current) in cases {
            let e = from_answer(status, text_detail(detail), None, "tok");
            assert_eq!(
                (e.kind(), e.current_status(), e.status()),
                (ErrorKind::InvalidState, Some(current), Some(status)),
                "{detail}"
            );
        }
    }

    #[test]
    fn missing_and_foreign_tasks_are_told_apart() {
        for (status, detail, kind) in [
            (404, "Task not found", ErrorKind::NotFound),
            (400, "Task not found: t-9", ErrorKind::NotFound),
            (404, "Project not found: p-1", ErrorKind::NotFound),
            (
                400,
                "Task does not belong to this project",
                ErrorKind::TaskNotInProject,
            ),
            (400, "Retry dispatch failed", ErrorKind::BadRequest),
            (500, "Retry dispatch failed: boom", ErrorKind::Server),
        ] {
            let e = from_answer(status, text_detail(detail), None, "tok");
            assert_eq!((e.kind(), e.current_status()), (kind, None), "{detail}");
        }
        assert_eq!(ErrorKind::TaskNotInProject.as_str(), "task_not_in_project");
    }

    #[test]
    fn retry_refusals_parse_only_their_exact_shape() {
        assert_eq!(
            refused_status("Can only retry tasks with status 'blocked', got 'done'").as_deref(),
            Some("done")
        );
        assert_eq!(
            refused_status("Can only retry tasks with status 'blocked'"),
            None
        );
        assert_eq!(refused_status("Can only retry, got ''"), None);
    }
}
