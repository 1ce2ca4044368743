//! Building request URLs: the base URL check, the routes, and every id as exactly one
//! path segment.

/// The docs' local server, used when no `baseUrl` is given.
pub const DEFAULT_BASE_URL: &str = "http://localhost:8000";

/// Longest project id accepted, in bytes: far above any real id, far below URL limits.
const MAX_ID_BYTES: usize = 1024;

const BAD_BASE_URL: &str = "the base URL must be an absolute http(s) URL such as \"https://api.example.com\", without a query, fragment or credentials";

/// Checks a base URL and returns it normalised: lowercase scheme, no trailing slash.
/// A path prefix is allowed (a server mounted under `/deep`).
pub fn base_url(input: &str) -> Result<String, &'static str> {
    let lower = input.get(..8).unwrap_or(input).to_ascii_lowercase();
    let scheme = if lower.starts_with("https://") {
        "https://"
    } else if lower.starts_with("http://") {
        "http://"
    } else {
        return Err(BAD_BASE_URL);
    };
    let rest = input.get(scheme.len()..).ok_or(BAD_BASE_URL)?;
    let forbidden = |c: char| {
        c.is_whitespace()
            || c.is_control()
            || matches!(
                c,
                '@' | '?' | '#' | '\\' | '<' | '>' | '"' | '{' | '}' | '|' | '^' | '`'
            )
    };
    if rest.chars().any(forbidden) {
        return Err(BAD_BASE_URL);
    }
    let (authority, path) = match rest.find('/') {
        Some(slash) => (
            rest.get(..slash).unwrap_or_default(),
            rest.get(slash..).unwrap_or_default(),
        ),
        None => (rest, ""),
    };
    if authority.is_empty() || authority.starts_with(':') || !valid_port(authority) {
        return Err(BAD_BASE_URL);
    }
    let mut url = String::from(scheme);
    url.push_str(authority);
    let mut path = path;
    while let Some(shorter) = path.strip_suffix('/') {
        path = shorter;
    }
    url.push_str(path);
    Ok(url)
}

/// The scheme, host and port of a base URL that `base_url` checked: what a server's
/// request limiter counts by, so what the request budget is shared by.
pub fn origin(base_url: &str) -> &str {
    let authority = crate::text::find(base_url, "://").map_or(0, |at| at + 3);
    let path = base_url.bytes().skip(authority).position(|b| b == b'/');
    path.and_then(|at| base_url.get(..authority + at))
        .unwrap_or(base_url)
}

/// The port after the last ':' (outside an IPv6 literal's brackets) must be a number.
fn valid_port(authority: &str) -> bool {
    fn after(text: &str, mark: u8) -> Option<&str> {
        text.bytes()
            .rposition(|b| b == mark)
            .and_then(|at| text.get(at + 1..))
    }
    let after_host = after(authority, b']').unwrap_or(authority);
    after(after_host, b':').is_none_or(|port| port.parse::<u16>().is_ok())
}

/// Checks an id before it goes into a URL; `name` says in messages which one it is
/// ("the project id"), in words that fit the JS and the Rust API alike.
pub fn check_id(id: &str, name: &str) -> Result<(), String> {
    let problem = if id.trim().is_empty() {
        " must be a non-empty string"
    } else if id.len() > MAX_ID_BYTES {
        " is too long (more than 1024 bytes)"
    } else if id.chars().any(char::is_control) {
        " must not contain control characters"
    } else if id == "." || id == ".." {
        // URL parsers resolve "." and ".." (even percent-encoded) as dot segments,
        // which would send the request to another route.
        " must not be \".\" or \"..\""
    } else {
        return Ok(());
    };
    let mut message = String::from(name);
    message.push_str(problem);
    Err(message)
}

/// `{base}/api/deep-work/projects/{id}/{action}` with the id as exactly one segment.
pub fn project_url(base: &str, project_id: &str, action: &str) -> String {
    let mut url = String::with_capacity(base.len() + project_id.len() * 3 + 40);
    url.push_str(base);
    url.push_str("/api/deep-work/projects/");
    push_segment(&mut url, project_id);
    url.push('/');
    url.push_str(action);
    url
}

/// `{base}/api/deep-work/projects/{id}/tasks/{task_id}/{action}`.
pub fn task_url(base: &str, project_id: &str, task_id: &str, action: &str) -> String {
    let mut url = project_url(base, project_id, "tasks/");
    push_segment(&mut url, task_id);
    url.push('/');
    url.push_str(action);
    url
}

/// `{base}/api/deep-work/{action}` for the calls about no project yet (`start`, `parse-goal`).
pub fn deep_work_url(base: &str, action: &str) -> String {
    let mut url = String::from(base);
    url.push_str("/api/deep-work/");
    url.push_str(action);
    url
}

const MISSION_CONTROL: &str = "/api/mission-control/projects";

/// `{base}/api/mission-control/projects/{id}`: one project, to read or delete.
pub fn mission_control_url(base: &str, project_id: &str) -> String {
    let mut url = String::from(base);
    url.push_str(MISSION_CONTROL);
    url.push('/');
    push_segment(&mut url, project_id);
    url
}

/// `{base}/api/mission-control/projects?status=…&limit=…`, each part only when given.
pub fn list_url(base: &str, status: Option<&str>, limit: Option<u32>) -> String {
    let mut url = String::from(base);
    url.push_str(MISSION_CONTROL);
    let mut separator = '?';
    if let Some(status) = status {
        url.push(separator);
        url.push_str("status=");
        push_segment(&mut url, status);
        separator = '&';
    }
    if let Some(limit) = limit {
        url.push(separator);
        url.push_str("limit=");
        crate::text::push_decimal(&mut url, u64::from(limit));
    }
    url
}

/// Percent-encodes everything but RFC 3986 unreserved characters, so '/', '?', '#',
/// '%' and non-ASCII can never change the shape of the URL.
fn push_segment(out: &mut String, segment: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for byte in segment.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0xF)]));
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn the_origin_is_the_base_url_without_its_path() {
        assert_eq!(
            origin("https://agents.example.com"),
            "https://agents.example.com"
        );
        assert_eq!(
            origin("http://127.0.0.1:8000/deep/work"),
            "http://127.0.0.1:8000"
        );
        assert_eq!(origin("http://[::1]:80/x"), "http://[::1]:80");
    }

    #[test]
    fn accepts_and_normalises_http_and_https_bases() {
        let cases = [
            ("http://localhost:8000", "http://localhost:8000"),
            ("http://localhost:8000/", "http://localhost:8000"),
            ("HTTPS://api.example.com//", "https://api.example.com"),
            ("https://example.com/deep/", "https://example.com/deep"),
            ("http://127.0.0.1:1", "http://127.0.0.1:1"),
            ("http://[::1]:8000", "http://[::1]:8000"),
            ("http://[::1]", "http://[::1]"),
        ];
        for (input, expected) in cases {
            assert_eq!(base_url(input).as_deref(), Ok(expected), "{input}");
        }
    }

    #[test]
    fn rejects_what_is_not_an_absolute_http_url() {
        for input in [
            "",
            "localhost:8000",
            "/api",
            "ftp://x",
            "http://",
            "http:///x",
            "https:/x",
            "http://user:pw@host",
            "http://host?x=1",
            "http://host#f",
            "http://ho st",
            " http://host",
            "http://host\n",
            "http://host:port",
            "http://host:99999",
            "http://:80",
            "javascript:alert(1)",
            "http://a\\b",
            "htt",
        ] {
            assert_eq!(base_url(input), Err(BAD_BASE_URL), "{input:?}");
        }
    }

    #[test]
    fn builds_the_cancel_url() {
        assert_eq!(
            project_url("http://localhost:8000", "a1b2-c3", "cancel"),
            "http://localhost:8000/api/deep-work/projects/a1b2-c3/cancel"
        );
    }

    #[test]
    fn ids_that_look_like_paths_stay_one_segment() {
        let url = |id| project_url("http://h", id, "cancel");
        assert_eq!(
            url("../approve"),
            "http://h/api/deep-work/projects/..%2Fapprove/cancel"
        );
        assert_eq!(url("a/b"), "http://h/api/deep-work/projects/a%2Fb/cancel");
        assert_eq!(
            url("x?y#z"),
            "http://h/api/deep-work/projects/x%3Fy%23z/cancel"
        );
        assert_eq!(url("100%"), "http://h/api/deep-work/projects/100%25/cancel");
        assert_eq!(
            url("é 1"),
            "http://h/api/deep-work/projects/%C3%A9%201/cancel"
        );
        assert_eq!(
            url("a.b_c~d"),
            "http://h/api/deep-work/projects/a.b_c~d/cancel"
        );
    }

    #[test]
    fn rejects_ids_that_cannot_name_a_project() {
        for id in [
            "", "   ", "\t", ".", "..", "a\nb", "a\rb", "nul\0", "\u{7f}",
        ] {
            assert!(check_id(id, "the project id").is_err(), "{id:?}");
        }
        assert!(check_id(&"x".repeat(MAX_ID_BYTES + 1), "the task id").is_err());
        for id in [
            "a",
            "...",
            "../x",
            "项目",
            " padded ",
            &"x".repeat(MAX_ID_BYTES),
        ] {
            assert_eq!(check_id(id, "the project id"), Ok(()), "{id:?}");
        }
    }

    #[test]
    fn messages_name_the_argument() {
        assert_eq!(
            check_id("", "the task id"),
            Err("the task id must be a non-empty string".into())
        );
        assert_eq!(
            check_id("..", "the project id"),
            Err("the project id must not be \".\" or \"..\"".into())
        );
    }

    #[test]
    fn builds_every_route() {
        let base = "https://h/deep";
        assert_eq!(
            task_url(base, "p/1", "t?2", "skip"),
            "https://h/deep/api/deep-work/projects/p%2F1/tasks/t%3F2/skip"
        );
        assert_eq!(
            deep_work_url(base, "parse-goal"),
            "https://h/deep/api/deep-work/parse-goal"
        );
        assert_eq!(
            mission_control_url(base, "a b"),
            "https://h/deep/api/mission-control/projects/a%20b"
        );
    }

    #[test]
    fn list_queries_carry_only_what_was_given_encoded() {
        let url = |status, limit| list_url("http://h", status, limit);
        assert_eq!(url(None, None), "http://h/api/mission-control/projects");
        assert_eq!(
            url(Some("executing"), None),
            "http://h/api/mission-control/projects?status=executing"
        );
        assert_eq!(
            url(None, Some(20)),
            "http://h/api/mission-control/projects?limit=20"
        );
        assert_eq!(
            url(Some("a&limit=1#x"), Some(5)),
            "http://h/api/mission-control/projects?status=a%26limit%3D1%23x&limit=5"
        );
    }
}
