//! The Deep Work API: `/api/deep-work/...`.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, MethodRouter};
use axum::Json;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::config::Flavor;
use crate::conn::Connection;
use crate::error::{ApiError, ApiPath};
use crate::faults::{self, FaultedRequest};
use crate::model::{self, Progress, Task};
use crate::shape::{ProjectAnswer, ProjectView};
use crate::store::{CancelAnswer, Change, StoreError};
use crate::validate;
use crate::AppState;

pub fn routes() -> Vec<(&'static str, MethodRouter<AppState>)> {
    vec![
        ("/api/deep-work/start", post(start)),
        ("/api/deep-work/projects/{id}/plan", get(plan)),
        ("/api/deep-work/projects/{id}/cancel", post(cancel)),
        (
            "/api/deep-work/projects/{id}/approve",
            status_change(Change::Approve),
        ),
        (
            "/api/deep-work/projects/{id}/pause",
            status_change(Change::Pause),
        ),
        (
            "/api/deep-work/projects/{id}/resume",
            status_change(Change::Resume),
        ),
        (
            "/api/deep-work/projects/{id}/tasks/{task_id}/skip",
            post(skip_task),
        ),
    ]
}

#[derive(Serialize)]
struct PlanAnswer {
    project: ProjectView,
    tasks: Vec<Task>,
    progress: Progress,
    /// This server writes no PRDs and runs no goal analysis.
    prd: Option<Value>,
    execution_levels: Vec<Vec<String>>,
    task_level_map: Map<String, Value>,
    goal_analysis: Option<Value>,
}

#[derive(Serialize)]
struct SkipAnswer {
    success: bool,
    task: Task,
    progress: Progress,
}

/// A store error as this flavor of server reports it.
fn reject(flavor: Flavor, error: StoreError) -> ApiError {
    match error {
        StoreError::ProjectNotFound(id) => ApiError::new(
            flavor.project_not_found_status(),
            format!("Project not found: {id}"),
        ),
        StoreError::TaskNotFound(id) => ApiError::new(
            flavor.project_not_found_status(),
            format!("Task not found: {id}"),
        ),
        StoreError::WrongStatus(message) => ApiError::new(StatusCode::BAD_REQUEST, message),
    }
}

fn success(project: ProjectView) -> Response {
    Json(ProjectAnswer {
        success: true,
        project,
    })
    .into_response()
}

async fn start(
    State(state): State<AppState>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let request = validate::start_request(&body?)?;
    Ok(success(
        state
            .store
            .start(&request.description, &request.research_depth),
    ))
}

async fn plan(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<PlanAnswer>, ApiError> {
    let (project, tasks) = state
        .store
        .plan(&id)
        .map_err(|e| reject(state.config.flavor, e))?;
    let execution_levels = model::execution_levels(&tasks);
    let task_level_map = execution_levels
        .iter()
        .enumerate()
        .flat_map(|(level, ids)| ids.iter().map(move |id| (id.clone(), Value::from(level))))
        .collect();
    Ok(Json(PlanAnswer {
        project,
        progress: Progress::of(&tasks),
        tasks,
        prd: None,
        execution_levels,
        task_level_map,
        goal_analysis: None,
    }))
}

async fn cancel(
    State(state): State<AppState>,
    ConnectInfo(connection): ConnectInfo<Connection>,
    headers: HeaderMap,
    uri: Uri,
    ApiPath(id): ApiPath<String>,
) -> Result<Response, ApiError> {
    let flavor = state.config.flavor;
    match state.store.cancel(&id).map_err(|e| reject(flavor, e))? {
        CancelAnswer::Cancelled(project) => Ok(success(project)),
        // The real server answers a repeated cancel with the project as it is;
        // the docs say it is an error.
        CancelAnswer::AlreadyFinished(project) => match flavor {
            Flavor::Lenient => Ok(success(project)),
            Flavor::Documented => Err(reject(
                flavor,
                StoreError::cannot("cancel", project.project.status),
            )),
        },
        CancelAnswer::Faulted(fault, project) => {
            let request = FaultedRequest {
                project,
                connection,
                uri,
                headers,
                local_addr: state.local_addr,
                shutdown: state.shutdown.clone(),
            };
            faults::answer(fault, request).await
        }
    }
}

/// Approve, pause and resume differ only in the statuses they move between.
fn status_change(change: Change) -> MethodRouter<AppState> {
    post(
        move |State(state): State<AppState>, ApiPath(id): ApiPath<String>| async move {
            let project = state
                .store
                .change_status(&id, change)
                .map_err(|e| reject(state.config.flavor, e))?;
            Ok::<_, ApiError>(success(project))
        },
    )
}

async fn skip_task(
    State(state): State<AppState>,
    ApiPath((id, task_id)): ApiPath<(String, String)>,
) -> Result<Json<SkipAnswer>, ApiError> {
    let (task, progress) = state
        .store
        .skip_task(&id, &task_id)
        .map_err(|e| reject(state.config.flavor, e))?;
    Ok(Json(SkipAnswer {
        success: true,
        task,
        progress,
    }))
}
