//! Dev-control routes under `/__dev/`: what tests and the demo page use to set up
//! projects, arm faults and check what reached the server. Only the listing is
//! always there; the rest needs `--faults`.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, MethodRouter};
use axum::Json;
use serde::{Deserialize, Serialize};

use crate::error::{not_found, ApiError, ApiPath};
use crate::faults::Fault;
use crate::model::ProjectStatus;
use crate::shape::Shape;
use crate::store::{ArmedFault, CountedCall, ProjectStats, ProjectSummary, ServerStats};
use crate::AppState;

pub fn routes(faults_enabled: bool) -> Vec<(&'static str, MethodRouter<AppState>)> {
    // The demo page lists the seeded projects, so the listing is always on.
    let listing = get(list_projects);
    if !faults_enabled {
        return vec![("/__dev/projects", listing.post(not_found))];
    }
    vec![
        ("/__dev/projects", listing.post(create_project)),
        ("/__dev/projects/{id}/stats", get(project_stats)),
        ("/__dev/stats", get(server_stats)),
    ]
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewProject {
    status: ProjectStatus,
    #[serde(default)]
    shape: Shape,
    #[serde(default)]
    fault: Option<Fault>,
    /// How many cancel requests get the fault; null or absent means all of them.
    #[serde(default)]
    fault_times: Option<u32>,
    #[serde(default)]
    fault_commits: bool,
    /// How many projects to make with this spec (load tests want thousands).
    #[serde(default)]
    count: Option<u32>,
}

/// Enough for load tests, few enough to build in one request.
const MAX_COUNT: u32 = 5000;

/// `id` is the first of `ids`; callers that make one project read only `id`.
#[derive(Serialize)]
struct Created {
    id: String,
    ids: Vec<String>,
}

#[derive(Serialize)]
struct Listing {
    projects: Vec<ProjectSummary>,
}

async fn list_projects(State(state): State<AppState>) -> Json<Listing> {
    Json(Listing {
        projects: state.store.list(),
    })
}

async fn create_project(
    State(state): State<AppState>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let invalid = |message: String| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, message);
    let new: NewProject = serde_json::from_slice(&body?).map_err(|e| invalid(e.to_string()))?;
    if new.fault_times == Some(0) {
        return Err(invalid(
            "fault_times must be at least 1 (or null for every request)".into(),
        ));
    }
    let count = new.count.unwrap_or(1);
    if !(1..=MAX_COUNT).contains(&count) {
        return Err(invalid(format!("count must be between 1 and {MAX_COUNT}")));
    }
    let fault = new.fault.map(|fault| ArmedFault {
        fault,
        times: new.fault_times,
        commits: new.fault_commits,
    });
    let ids: Vec<String> = (0..count)
        .map(|_| state.store.create(new.status, new.shape, fault))
        .collect();
    // There is at least one: count was checked above.
    let id = ids[0].clone();
    Ok((StatusCode::CREATED, Json(Created { id, ids })).into_response())
}

async fn project_stats(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<ProjectStats>, ApiError> {
    state
        .store
        .project_stats(&id)
        .map(Json)
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, format!("Project not found: {id}")))
}

async fn server_stats(State(state): State<AppState>) -> Json<ServerStats> {
    Json(state.store.server_stats())
}

/// Counts every request to an `/api/` path, whatever becomes of it (401, 404 and
/// 429 included), before anything else can answer it. Preflights are not requests
/// a client makes, so they are left out.
pub async fn count_requests(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path();
    if request.method() != Method::OPTIONS && path.starts_with("/api/") {
        state
            .store
            .record_api_request(counted_call(request.method(), path));
    }
    next.run(request).await
}

/// `POST .../projects/{id}/cancel` and `GET .../projects/{id}/plan` are counted per project.
fn counted_call<'a>(method: &Method, path: &'a str) -> Option<(&'a str, CountedCall)> {
    let (id, action) = path
        .strip_prefix("/api/deep-work/projects/")?
        .split_once('/')?;
    match (method, action) {
        (&Method::POST, "cancel") => Some((id, CountedCall::Cancel)),
        (&Method::GET, "plan") => Some((id, CountedCall::Plan)),
        _ => None,
    }
}
