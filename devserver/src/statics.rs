//! Static files: `--www DIR` at `/` and `--pkg DIR` (the built SDK) at `/pkg/`.
//! Pages are served with a strict CSP, so a demo that injects markup or loads
//! code from elsewhere breaks here instead of in production.

use std::path::Path;

use axum::handler::HandlerWithoutStateExt;
use axum::http::header::CONTENT_SECURITY_POLICY;
use axum::http::HeaderValue;
use axum::Router;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::error::not_found;

const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'";

/// Adds the static directories to `router`; anything they do not have is a JSON 404.
pub fn mount<S>(router: Router<S>, www: Option<&Path>, pkg: Option<&Path>) -> Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    let router = match pkg {
        Some(dir) => router.nest_service("/pkg", serve_dir(dir)),
        None => router,
    };
    match www {
        Some(dir) => router.fallback_service(serve_dir(dir)),
        None => router.fallback(not_found),
    }
}

fn serve_dir(dir: &Path) -> Router {
    // Missing files, and methods other than GET/HEAD, fall through to the JSON 404,
    // so `POST /api/nope` answers the same with or without --www.
    let files = ServeDir::new(dir)
        .call_fallback_on_method_not_allowed(true)
        .fallback(not_found.into_service());
    Router::new()
        .fallback_service(files)
        .layer(SetResponseHeaderLayer::overriding(
            CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        ))
}
