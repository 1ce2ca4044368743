//! Bearer-token check for every API and dev-control path, as the real server's
//! middleware does it: before routing, so that an unknown route or a trailing-slash
//! redirect under `/api/` answers 401 to a request without the token too. OPTIONS
//! and the static files pass.

use axum::extract::{Request, State};
use axum::http::header::AUTHORIZATION;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::config::Flavor;
use crate::error::ApiError;
use crate::AppState;

pub async fn require_bearer(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path();
    let guarded = path.starts_with("/api/") || path.starts_with("/__dev/");
    let token = bearer_token(request.headers(), state.config.flavor);
    if !guarded || request.method() == Method::OPTIONS || token == Some(&state.config.token) {
        next.run(request).await
    } else {
        ApiError::new(StatusCode::UNAUTHORIZED, "Unauthorized").into_response()
    }
}

/// The token of an `Authorization: Bearer <token>` header. The real server takes the
/// scheme only as `Bearer` (lenient); the documented flavor in any case, as HTTP has it.
pub fn bearer_token(headers: &HeaderMap, flavor: Flavor) -> Option<&str> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let known = match flavor {
        Flavor::Lenient => scheme == "Bearer",
        Flavor::Documented => scheme.eq_ignore_ascii_case("bearer"),
    };
    known.then_some(token.trim())
}
