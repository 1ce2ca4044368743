//! The router: routes, fallbacks and the middleware around them.

use axum::extract::rejection::RawPathParamsRejection;
use axum::extract::{RawPathParams, Request};
use axum::http::Uri;
use axum::middleware::{from_fn, from_fn_with_state, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::any;
use axum::Router;
use tower_http::catch_panic::CatchPanicLayer;

use crate::{api, auth, cors, dev, error, statics, AppState};

pub fn router(state: AppState) -> Router {
    let config = state.config.clone();
    let routes: Vec<_> = api::routes()
        .into_iter()
        .chain(dev::routes(config.faults))
        .collect();
    let paths: Vec<&str> = routes.iter().map(|(path, _)| *path).collect();

    let mut router = routes
        .into_iter()
        .fold(Router::new(), |router, (path, handler)| {
            router.route(path, handler)
        })
        .method_not_allowed_fallback(error::method_not_allowed);
    // Like FastAPI, answer a known path with a trailing slash by a redirect to the
    // path without it (after the token check, as on the real server).
    for path in paths {
        router = router.route(&format!("{path}/"), any(redirect_without_trailing_slash));
    }
    let router = router.route_layer(from_fn(reject_empty_params));
    let mut router = statics::mount(router, config.www.as_deref(), config.pkg.as_deref())
        // Innermost, so a panic's 500 still passes the CORS layer below.
        .layer(CatchPanicLayer::custom(error::panic_answer))
        // Before routing, as the real server checks the token: unknown API routes too.
        .layer(from_fn_with_state(state.clone(), auth::require_bearer));
    if config.rate_limit {
        router = router.layer(from_fn_with_state(state.clone(), crate::ratelimit::limit));
    }
    // Layers added later run first: log, then CORS, then counting, the limiter, the
    // token check.
    router
        .layer(from_fn_with_state(state.clone(), dev::count_requests))
        .layer(from_fn_with_state(config.flavor, cors::cors))
        .layer(from_fn(log_request))
        .with_state(state)
}

/// A `{param}` of the real server never matches an empty segment, so
/// `projects//cancel` is an unknown route there; the router here would match it.
async fn reject_empty_params(
    params: Result<RawPathParams, RawPathParamsRejection>,
    request: Request,
    next: Next,
) -> Response {
    let has_empty = params.is_ok_and(|params| params.iter().any(|(_, value)| value.is_empty()));
    if has_empty {
        return error::not_found().await.into_response();
    }
    next.run(request).await
}

async fn redirect_without_trailing_slash(uri: Uri) -> Response {
    let path = uri.path().strip_suffix('/').unwrap_or(uri.path());
    let location = match uri.query() {
        Some(query) => format!("{path}?{query}"),
        None => path.to_owned(),
    };
    Redirect::temporary(&location).into_response()
}

/// One line per answered request on stderr: method, path, status. Never headers
/// or the query string, so the token cannot end up in a log.
async fn log_request(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    eprintln!("{method} {path} {}", response.status().as_u16());
    response
}
