//! CORS as the real server does it (Starlette's CORSMiddleware with an origin
//! pattern): any port on `localhost` or `127.0.0.1`, over http or https, with
//! credentials. Every answer to an allowed origin carries the CORS headers, error
//! answers included, so browser code can read 401s and 429s.

use axum::extract::{Request, State};
use axum::http::header::{
    ACCESS_CONTROL_ALLOW_CREDENTIALS, ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS,
    ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_EXPOSE_HEADERS, ACCESS_CONTROL_MAX_AGE,
    ACCESS_CONTROL_REQUEST_HEADERS, ACCESS_CONTROL_REQUEST_METHOD, ORIGIN, VARY,
};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::config::Flavor;

pub async fn cors(State(flavor): State<Flavor>, request: Request, next: Next) -> Response {
    let Some(origin) = request.headers().get(ORIGIN).cloned() else {
        return next.run(request).await;
    };
    let allowed = origin.to_str().is_ok_and(is_allowed_origin);
    let is_preflight = request.method() == Method::OPTIONS
        && request
            .headers()
            .contains_key(ACCESS_CONTROL_REQUEST_METHOD);

    if is_preflight {
        // As Starlette answers: the same headers whatever the origin, the requested
        // headers echoed (it allows any), and the origin only when it is allowed.
        let mut response = if allowed {
            (StatusCode::OK, "OK").into_response()
        } else {
            (StatusCode::BAD_REQUEST, "Disallowed CORS origin").into_response()
        };
        let requested = request
            .headers()
            .get(ACCESS_CONTROL_REQUEST_HEADERS)
            .cloned();
        let headers = response.headers_mut();
        add_origin_headers(headers, allowed.then_some(origin));
        if let Some(requested) = requested {
            headers.insert(ACCESS_CONTROL_ALLOW_HEADERS, requested);
        }
        headers.insert(
            ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static("DELETE, GET, OPTIONS, POST"),
        );
        headers.insert(ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("600"));
        return response;
    }

    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    add_origin_headers(headers, allowed.then_some(origin));
    // The real server exposes nothing, so scripts cannot read Retry-After or its
    // limiter's state; the documented flavor does what a server should.
    if allowed && flavor == Flavor::Documented {
        headers.insert(
            ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static(
                "Retry-After, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset",
            ),
        );
    }
    response
}

/// Credentials are allowed in every answer to a request with an Origin (Starlette
/// sends that header to any origin); the origin is echoed only when it is allowed.
fn add_origin_headers(headers: &mut HeaderMap, allowed_origin: Option<HeaderValue>) {
    if let Some(origin) = allowed_origin {
        headers.insert(ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    }
    headers.insert(
        ACCESS_CONTROL_ALLOW_CREDENTIALS,
        HeaderValue::from_static("true"),
    );
    headers.append(VARY, HeaderValue::from_static("Origin"));
}

/// `http(s)://localhost[:port]` or `http(s)://127.0.0.1[:port]`, nothing more.
fn is_allowed_origin(origin: &str) -> bool {
    let Some(rest) = origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"))
    else {
        return false;
    };
    let (host, port) = match rest.split_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (rest, None),
    };
    let port_ok = port.is_none_or(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    matches!(host, "localhost" | "127.0.0.1") && port_ok
}

#[cfg(test)]
mod tests {
    use super::is_allowed_origin;

    #[test]
    fn allows_loopback_origins_on_any_port() {
        for origin in [
            "http://localhost",
            "http://localhost:8000",
            "https://localhost:3",
            "http://127.0.0.1",
            "https://127.0.0.1:65535",
        ] {
            assert!(is_allowed_origin(origin), "{origin}");
        }
    }

    #[test]
    fn rejects_everything_else() {
        for origin in [
            "null",
            "http://example.com",
            "http://localhost.example.com",
            "http://127.0.0.1.nip.io:80",
            "http://localhost:",
            "http://localhost:80/path",
            "http://localhost:80x",
            "ftp://localhost",
            "http://[::1]:8000",
            "localhost:8000",
        ] {
            assert!(!is_allowed_origin(origin), "{origin}");
        }
    }
}
