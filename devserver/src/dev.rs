//! Dev-control routes under `/__dev/`: what tests and the demo page use to set up
//! projects, arm faults and check what reached the server. Only the listing is
//! always there; the rest needs `--faults`.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, MethodRouter};
use axum::Json;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::error::{not_found, ApiError, ApiPath};
use crate::faults::{ArmedFault, Fault};
use crate::model::ProjectStatus;
use crate::route::{self, ProjectRoute, ServerRoute};
use crate::shape::Shape;
use crate::store::{ProjectStats, ProjectSummary, ServerStats, Spec, TaskSummary};
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
        ("/__dev/projects/{id}/advance", post(advance_project)),
        ("/__dev/projects/{id}/faults", post(arm_project_fault)),
        ("/__dev/stats", get(server_stats)),
        ("/__dev/faults", post(arm_server_fault)),
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
    /// The route the fault waits on.
    #[serde(default = "cancel_route")]
    fault_on: ProjectRoute,
    /// How many requests get the fault; null or absent means all of them.
    #[serde(default)]
    fault_times: Option<u32>,
    #[serde(default)]
    fault_commits: bool,
    /// How many projects to make with this spec (load tests want thousands).
    #[serde(default)]
    count: Option<u32>,
    /// How many tasks each gets (the bench wants big plans); default 6.
    #[serde(default)]
    task_count: Option<u32>,
}

/// Faults waited on cancel alone before `fault_on` came; they still do by default.
fn cancel_route() -> ProjectRoute {
    ProjectRoute::Cancel
}

/// `POST /__dev/faults`: a fault on a route of no project. A null `fault` disarms it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewServerFault {
    route: ServerRoute,
    fault: Option<Fault>,
    #[serde(default)]
    fault_times: Option<u32>,
    #[serde(default)]
    fault_commits: bool,
}

/// `POST /__dev/projects/{id}/faults`: a fault on a route of a project that exists
/// (a watch meets it in the middle). A null `fault` disarms it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewProjectFault {
    fault: Option<Fault>,
    #[serde(default = "cancel_route")]
    fault_on: ProjectRoute,
    #[serde(default)]
    fault_times: Option<u32>,
    #[serde(default)]
    fault_commits: bool,
}

/// `POST /__dev/projects/{id}/advance`; no body is `{}`.
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Advance {
    /// How many simulation steps; default 1.
    #[serde(default)]
    steps: Option<u32>,
}

/// Enough for load tests, few enough to build in one request.
const MAX_COUNT: u32 = 5000;
/// Plans bigger than any a planner writes.
const MAX_TASKS: u32 = 500;
/// Enough to run a six-task plan to its end many times over.
const MAX_STEPS: u32 = 1000;

/// `id` is the first of `ids`; callers that make one project read only `id`, and
/// `tasks` are the first project's.
#[derive(Serialize)]
struct Created {
    id: String,
    ids: Vec<String>,
    tasks: Vec<TaskSummary>,
}

#[derive(Serialize)]
struct ArmedServerFault {
    route: ServerRoute,
    armed: bool,
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

fn invalid(message: String) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, message)
}

/// A dev-control body, its problems told in a string `detail`.
fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(body).map_err(|e| invalid(e.to_string()))
}

fn project_not_found(id: &str) -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, format!("Project not found: {id}"))
}

/// The fault a body arms, checked the same way for both dev routes that arm one.
fn armed(
    fault: Option<Fault>,
    times: Option<u32>,
    commits: bool,
) -> Result<Option<ArmedFault>, ApiError> {
    if times == Some(0) {
        return Err(invalid(
            "fault_times must be at least 1 (or null for every request)".into(),
        ));
    }
    Ok(fault.map(|fault| ArmedFault {
        fault,
        times,
        commits,
    }))
}

async fn create_project(
    State(state): State<AppState>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let new: NewProject = parse(&body?)?;
    let fault = armed(new.fault, new.fault_times, new.fault_commits)?;
    let count = new.count.unwrap_or(1);
    if !(1..=MAX_COUNT).contains(&count) {
        return Err(invalid(format!("count must be between 1 and {MAX_COUNT}")));
    }
    let task_count = new.task_count.unwrap_or(6);
    if !(1..=MAX_TASKS).contains(&task_count) {
        return Err(invalid(format!(
            "task_count must be between 1 and {MAX_TASKS}"
        )));
    }
    let spec = Spec {
        shape: new.shape,
        fault: fault.map(|armed| (new.fault_on, armed)),
        goal_analysis: None,
        task_count: Some(task_count as usize),
    };
    let ids: Vec<String> = (0..count)
        .map(|_| state.store.create(new.status, spec.clone()))
        .collect();
    // There is at least one: count was checked above.
    let id = ids[0].clone();
    let tasks = state
        .store
        .summary(&id)
        .map(|summary| summary.tasks)
        .unwrap_or_default();
    Ok((StatusCode::CREATED, Json(Created { id, ids, tasks })).into_response())
}

async fn arm_server_fault(
    State(state): State<AppState>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let new: NewServerFault = parse(&body?)?;
    let fault = armed(new.fault, new.fault_times, new.fault_commits)?;
    state.store.arm_server_fault(new.route, fault);
    let answer = ArmedServerFault {
        route: new.route,
        armed: fault.is_some(),
    };
    Ok((StatusCode::CREATED, Json(answer)).into_response())
}

async fn arm_project_fault(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let new: NewProjectFault = parse(&body?)?;
    let fault = armed(new.fault, new.fault_times, new.fault_commits)?;
    let summary = state
        .store
        .arm_project_fault(&id, fault.map(|armed| (new.fault_on, armed)))
        .ok_or_else(|| project_not_found(&id))?;
    Ok((StatusCode::CREATED, Json(summary)).into_response())
}

async fn project_stats(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<ProjectStats>, ApiError> {
    state
        .store
        .project_stats(&id)
        .map(Json)
        .ok_or_else(|| project_not_found(&id))
}

/// Runs simulation steps on one project now, whether or not `--simulate` ticks:
/// tests make a project change at the moment they choose.
async fn advance_project(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<ProjectSummary>, ApiError> {
    let body = body?;
    let advance: Advance = if body.is_empty() {
        Advance::default()
    } else {
        parse(&body)?
    };
    let steps = advance.steps.unwrap_or(1);
    if !(1..=MAX_STEPS).contains(&steps) {
        return Err(invalid(format!("steps must be between 1 and {MAX_STEPS}")));
    }
    state
        .store
        .advance(&id, steps)
        .map(Json)
        .ok_or_else(|| project_not_found(&id))
}

async fn server_stats(State(state): State<AppState>) -> Json<ServerStats> {
    let mut stats = state.store.server_stats();
    stats.rate_limited = state.limiter.refused();
    Json(stats)
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
            .record_api_request(route::call_of(request.method(), path));
    }
    next.run(request).await
}
