//! Every failure as data: a kind to branch on, the HTTP status, the server's detail.
//! `from_answer` is the one place that maps a non-2xx answer to an error.

use crate::json::{Json, Kind};
use crate::text;
use alloc::{borrow::ToOwned, string::String, vec::Vec};

/// What went wrong. The strings are the `kind` values JS sees.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    InvalidArgument,
    Unauthorized,
    Forbidden,
    NotFound,
    InvalidState,
    BadRequest,
    Validation,
    RateLimited,
    Server,
    Http,
    Network,
    Timeout,
    Aborted,
    InvalidResponse,
}

impl ErrorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvalidArgument => "invalid_argument",
            Self::Unauthorized => "unauthorized",
            Self::Forbidden => "forbidden",
            Self::NotFound => "not_found",
            Self::InvalidState => "invalid_state",
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

/// The server's `detail`: FastAPI sends a message, or a list of validation issues.
#[derive(Clone, Debug, PartialEq)]
pub enum Detail<J> {
    None,
    Text(String),
    Issues(J),
}

/// One failure, with everything a caller may branch on. `J` is the JSON value type
/// (`JsValue` in the browser); it carries validation issues and the original cause.
#[derive(Clone, Debug, PartialEq)]
pub struct Error<J> {
    pub kind: ErrorKind,
    pub message: String,
    pub status: Option<u16>,
    pub detail: Detail<J>,
    pub project_id: Option<String>,
    pub current_status: Option<String>,
    pub retry_after_ms: Option<u64>,
    pub cause: Option<J>,
    /// How many requests the call sent (0: it failed before sending any).
    pub attempts: u32,
}

impl<J> Error<J> {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            status: None,
            detail: Detail::None,
            project_id: None,
            current_status: None,
            retry_after_ms: None,
            cause: None,
            attempts: 0,
        }
    }

    pub fn invalid_argument(message: &str) -> Self {
        Self::new(ErrorKind::InvalidArgument, message)
    }

    pub fn for_project(mut self, project_id: &str) -> Self {
        self.project_id = Some(project_id.to_owned());
        self
    }
}

const REDACTED: &str = "[redacted]";

fn redact(text: String, secret: &str) -> String {
    if secret.is_empty() || text::find(&text, secret).is_none() {
        text
    } else {
        text::replace_all(&text, secret, REDACTED)
    }
}

/// How much of a server's detail goes into `message` (the `detail` field keeps it all).
const MESSAGE_DETAIL_CHARS: usize = 300;

/// Maps a non-2xx answer to an error. `body` is the parsed body, if it was JSON.
/// `secret` (the token) is blanked out of the server's words: a server may echo what
/// it was sent, and the token must never reach an error.
pub fn from_answer<J: Json>(
    status: u16,
    body: Option<&J>,
    retry_after_ms: Option<u64>,
    secret: &str,
) -> Error<J> {
    let detail = match body.and_then(|b| b.member("detail")) {
        Some(d) if d.kind() == Kind::String => {
            Detail::Text(redact(d.string().unwrap_or_default(), secret))
        }
        Some(d) if d.kind() == Kind::Array => Detail::Issues(d),
        _ => Detail::None,
    };
    let text = match &detail {
        Detail::Text(text) => Some(text.as_str()),
        _ => None,
    };
    let refused = text.and_then(refused_status);
    let kind = match status {
        400 if text.is_some_and(|t| t.starts_with("Project not found")) => ErrorKind::NotFound,
        400 | 409 if refused.is_some() => ErrorKind::InvalidState,
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
        Detail::Issues(issues) => push_issues(&mut message, issues, secret),
        Detail::None => message.push_str(kind.fallback()),
    }
    Error {
        kind,
        message,
        status: Some(status),
        detail,
        // Only meaningful where the server refused because of the project's status.
        current_status: refused.filter(|_| kind == ErrorKind::InvalidState),
        // Only a server that asks to wait is worth waiting for.
        retry_after_ms: retry_after_ms
            .filter(|_| matches!(kind, ErrorKind::RateLimited | ErrorKind::Server)),
        ..Error::new(kind, String::new())
    }
}

/// The status in "Cannot cancel project with status 'completed'" (any verb).
fn refused_status(detail: &str) -> Option<String> {
    let rest = detail.strip_prefix("Cannot ")?;
    const MARK: &str = " with status '";
    let quoted = rest.get(text::find(rest, MARK)? + MARK.len()..)?;
    let status = quoted.strip_suffix('\'')?;
    (!status.is_empty() && !status.contains('\'')).then(|| status.to_owned())
}

/// "loc.path: msg; …" for the first few issues of a 422.
fn push_issues<J: Json>(message: &mut String, issues: &J, secret: &str) {
    let items = issues.elements().unwrap_or_default();
    if items.is_empty() {
        message.push_str("Validation failed");
    }
    for (i, issue) in items.iter().take(3).enumerate() {
        if i > 0 {
            message.push_str("; ");
        }
        let loc = issue
            .member("loc")
            .and_then(|l| l.elements())
            .unwrap_or_default();
        let parts: Vec<String> = loc.iter().filter_map(Json::string).collect();
        let located = !parts.is_empty();
        for (n, part) in parts.into_iter().enumerate() {
            message.push_str(if n == 0 { "" } else { "." });
            message.extend(redact(part, secret).chars().take(MESSAGE_DETAIL_CHARS));
        }
        if located {
            message.push_str(": ");
        }
        let msg = issue
            .member("msg")
            .and_then(|m| m.string())
            .unwrap_or_else(|| "invalid".into());
        message.extend(redact(msg, secret).chars().take(MESSAGE_DETAIL_CHARS));
    }
    if items.len() > 3 {
        message.push_str("; …");
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn map(status: u16, body: Value) -> Error<Value> {
        from_answer(status, Some(&body), None, "tok")
    }

    #[test]
    fn documented_cannot_cancel_is_invalid_state_with_the_current_status() {
        let e = map(
            400,
            json!({"detail": "Cannot cancel project with status 'completed'"}),
        );
        assert_eq!(e.kind, ErrorKind::InvalidState);
        assert_eq!(e.current_status.as_deref(), Some("completed"));
        assert_eq!(e.status, Some(400));
        assert_eq!(
            e.message,
            "400 Cannot cancel project with status 'completed'"
        );
        assert_eq!(
            e.detail,
            Detail::Text("Cannot cancel project with status 'completed'".into())
        );
    }

    #[test]
    fn lenient_servers_project_not_found_400_is_not_found() {
        let e = map(400, json!({"detail": "Project not found: abc"}));
        assert_eq!(e.kind, ErrorKind::NotFound);
        assert_eq!(e.current_status, None);
    }

    #[test]
    fn other_400s_are_bad_request() {
        for detail in [
            "Something else",
            "Cannot cancel project with status ''",
            "Cannot cancel it",
        ] {
            assert_eq!(
                map(400, json!({ "detail": detail })).kind,
                ErrorKind::BadRequest,
                "{detail}"
            );
        }
        assert_eq!(map(400, json!({})).kind, ErrorKind::BadRequest);
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
            assert_eq!(map(status, json!({"detail": "x"})).kind, kind, "{status}");
        }
    }

    #[test]
    fn current_status_is_only_set_on_invalid_state() {
        let detail = json!({"detail": "Cannot cancel project with status 'completed'"});
        for status in [401, 403, 418, 500] {
            let e = map(status, detail.clone());
            assert_eq!(
                (e.kind == ErrorKind::InvalidState, e.current_status),
                (false, None),
                "{status}"
            );
        }
    }

    #[test]
    fn conflict_with_a_status_names_it() {
        let e = map(
            409,
            json!({"detail": "Cannot pause project with status 'draft'"}),
        );
        assert_eq!(
            (e.kind, e.current_status.as_deref()),
            (ErrorKind::InvalidState, Some("draft"))
        );
    }

    #[test]
    fn validation_issues_are_kept_and_summarised() {
        let issues = json!([{"loc": ["path", "project_id"], "msg": "value is not a valid uuid", "type": "x"}]);
        let e = map(422, json!({ "detail": issues.clone() }));
        assert_eq!(e.kind, ErrorKind::Validation);
        assert_eq!(e.detail, Detail::Issues(issues));
        assert_eq!(e.message, "422 path.project_id: value is not a valid uuid");
    }

    #[test]
    fn many_or_odd_issues_still_make_a_message() {
        let issue = json!({"loc": ["body", 0], "msg": "bad"});
        let e = map(422, json!({ "detail": [issue, issue, issue, issue] }));
        assert_eq!(e.message, "422 body: bad; body: bad; body: bad; …");
        assert_eq!(
            map(422, json!({"detail": []})).message,
            "422 Validation failed"
        );
        assert_eq!(map(422, json!({"detail": [7]})).message, "422 invalid");
    }

    #[test]
    fn a_body_without_detail_gets_a_fallback_message() {
        let e: Error<Value> = from_answer(502, None, None, "tok");
        assert_eq!(
            (e.kind, e.detail.clone()),
            (ErrorKind::Server, Detail::None)
        );
        assert_eq!(e.message, "502 The server failed");
        assert_eq!(
            map(401, json!({"detail": 5})).message,
            "401 Unauthorized: check the token"
        );
    }

    #[test]
    fn long_details_are_cut_in_the_message_but_kept_whole() {
        let long = "é".repeat(1000);
        let e = map(500, json!({ "detail": long.clone() }));
        assert_eq!(e.message.chars().count(), 4 + MESSAGE_DETAIL_CHARS);
        assert_eq!(e.detail, Detail::Text(long));
    }

    #[test]
    fn retry_after_is_kept_only_where_waiting_helps() {
        let body = json!({"detail": "Too many requests"});
        assert_eq!(
            from_answer(429, Some(&body), Some(1000), "tok").retry_after_ms,
            Some(1000)
        );
        assert_eq!(
            from_answer(503, Some(&body), Some(2000), "tok").retry_after_ms,
            Some(2000)
        );
        assert_eq!(
            from_answer(400, Some(&body), Some(1000), "tok").retry_after_ms,
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
        let e: Error<Value> = from_answer(401, Some(&json!({ "detail": detail })), None, secret);
        assert!(!e.message.contains("S3c"), "{}", e.message);
        let Detail::Text(text) = &e.detail else {
            panic!("text detail")
        };
        assert!(
            text.ends_with("Bad token [redacted] ([redacted])"),
            "{text}"
        );
        let issues = json!({"detail": [{"loc": ["header"], "msg": "S3cr3t is wrong"}]});
        let e: Error<Value> = from_answer(422, Some(&issues), None, secret);
        assert_eq!(e.message, "422 header: [redacted] is wrong");
        let issues = json!({"detail": [{"loc": ["body", "S3cr3t"], "msg": "bad"}]});
        let e: Error<Value> = from_answer(422, Some(&issues), None, secret);
        assert_eq!(e.message, "422 body.[redacted]: bad");
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
}
