//! The Deep Work API: `/api/deep-work/...` and `/api/mission-control/projects...`.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, MethodRouter};
use axum::Json;
use serde::Serialize;

use crate::config::Flavor;
use crate::conn::Connection;
use crate::error::{ApiError, ApiPath, ApiQuery};
use crate::faults::{self, Exchange, Faulted};
use crate::route::{ProjectRoute, Route, ServerRoute};
use crate::store::{Change, Ran, StoreError, TaskChange};
use crate::validate;
use crate::AppState;

pub fn routes() -> Vec<(&'static str, MethodRouter<AppState>)> {
    vec![
        ("/api/deep-work/start", post(start)),
        ("/api/deep-work/parse-goal", post(parse_goal)),
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
            task_change(TaskChange::Skip),
        ),
        (
            "/api/deep-work/projects/{id}/tasks/{task_id}/retry",
            task_change(TaskChange::Retry),
        ),
        ("/api/mission-control/projects", get(list_projects)),
        (
            "/api/mission-control/projects/{id}",
            get(get_project).delete(delete_project),
        ),
    ]
}

/// Every API request can meet a fault, and a fault answer may need the request.
impl FromRequestParts<AppState> for Exchange {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let ConnectInfo(connection) = ConnectInfo::<Connection>::from_request_parts(parts, state)
            .await
            .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.body_text()))?;
        Ok(Exchange {
            connection,
            uri: parts.uri.clone(),
            headers: parts.headers.clone(),
            local_addr: state.local_addr,
            shutdown: state.shutdown.clone(),
        })
    }
}

/// A store error as this flavor of server reports it on `route`.
fn reject(flavor: Flavor, route: ProjectRoute, error: StoreError) -> ApiError {
    use ProjectRoute::*;
    match error {
        StoreError::ProjectNotFound(id) => match route {
            Cancel => ApiError::new(
                flavor.project_not_found_status(),
                format!("Project not found: {id}"),
            ),
            // The real server's ValueError, a 404 in both flavors.
            Approve | Pause | Resume => {
                ApiError::new(StatusCode::NOT_FOUND, format!("Project not found: {id}"))
            }
            Plan | Get | Delete | Skip | Retry => {
                ApiError::new(StatusCode::NOT_FOUND, "Project not found")
            }
        },
        StoreError::TaskNotFound => ApiError::new(StatusCode::NOT_FOUND, "Task not found"),
        StoreError::ForeignTask => ApiError::new(
            StatusCode::BAD_REQUEST,
            "Task does not belong to this project",
        ),
        StoreError::ProjectState(message) => ApiError::new(flavor.project_state_status(), message),
        StoreError::TaskState(message) => ApiError::new(StatusCode::BAD_REQUEST, message),
    }
}

/// The success body, or, if a fault fired, the fault's answer made from that body.
async fn reply<B: Serialize>(
    route: Route,
    ran: Ran<(), B>,
    exchange: Exchange,
) -> Result<Response, ApiError> {
    match ran {
        Ran::Done((), body) => Ok(Json(body).into_response()),
        Ran::Faulted(fault, body) => {
            let body = serde_json::to_value(body)?;
            let faulted = Faulted {
                route,
                body,
                exchange,
            };
            faults::answer(fault, faulted).await
        }
    }
}

/// A project route's answer, its store errors reported as `state`'s flavor does.
async fn project_reply<B: Serialize>(
    state: &AppState,
    route: ProjectRoute,
    ran: Result<Ran<(), B>, StoreError>,
    exchange: Exchange,
) -> Result<Response, ApiError> {
    let ran = ran.map_err(|e| reject(state.config.flavor, route, e))?;
    reply(Route::Project(route), ran, exchange).await
}

async fn start(
    State(state): State<AppState>,
    exchange: Exchange,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let request = validate::start_request(state.config.flavor, &body?)?;
    let ran = state.store.start(
        &request.description,
        &request.research_depth,
        request.goal_analysis,
    );
    reply(Route::Server(ServerRoute::Start), ran, exchange).await
}

async fn parse_goal(
    State(state): State<AppState>,
    exchange: Exchange,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let description = validate::parse_goal_request(&body?)?;
    let ran = state.store.parse_goal(&description);
    reply(Route::Server(ServerRoute::ParseGoal), ran, exchange).await
}

async fn plan(
    State(state): State<AppState>,
    exchange: Exchange,
    ApiPath(id): ApiPath<String>,
) -> Result<Response, ApiError> {
    let ran = state.store.plan(&id);
    project_reply(&state, ProjectRoute::Plan, ran, exchange).await
}

async fn cancel(
    State(state): State<AppState>,
    exchange: Exchange,
    ApiPath(id): ApiPath<String>,
) -> Result<Response, ApiError> {
    let flavor = state.config.flavor;
    let ran = match state.store.cancel(&id) {
        // The real server answers a repeated cancel with the project as it is;
        // the docs say it is an error.
        Ok(Ran::Done(false, answer)) if flavor == Flavor::Documented => {
            Err(StoreError::cannot("cancel", answer.project.project.status))
        }
        Ok(Ran::Done(_, answer)) => Ok(Ran::Done((), answer)),
        Ok(Ran::Faulted(fault, answer)) => Ok(Ran::Faulted(fault, answer)),
        Err(error) => Err(error),
    };
    project_reply(&state, ProjectRoute::Cancel, ran, exchange).await
}

/// Approve, pause and resume differ only in the statuses they move between.
fn status_change(change: Change) -> MethodRouter<AppState> {
    post(
        move |State(state): State<AppState>, exchange: Exchange, ApiPath(id): ApiPath<String>| async move {
            let ran = state.store.change_status(&id, change);
            project_reply(&state, change.route(), ran, exchange).await
        },
    )
}

/// Skip and retry differ only in the task statuses they accept and leave.
fn task_change(change: TaskChange) -> MethodRouter<AppState> {
    post(
        move |State(state): State<AppState>,
              exchange: Exchange,
              ApiPath((id, task_id)): ApiPath<(String, String)>| async move {
            let ran = state.store.change_task(&id, &task_id, change);
            project_reply(&state, change.route(), ran, exchange).await
        },
    )
}

async fn list_projects(
    State(state): State<AppState>,
    exchange: Exchange,
    ApiQuery(query): ApiQuery<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let query = validate::list_query(
        state.config.flavor,
        query.get("status").map(String::as_str),
        query.get("limit").map(String::as_str),
    )?;
    let ran = state
        .store
        .list_projects(query.status.as_deref(), query.limit);
    reply(Route::Server(ServerRoute::List), ran, exchange).await
}

async fn get_project(
    State(state): State<AppState>,
    exchange: Exchange,
    ApiPath(id): ApiPath<String>,
) -> Result<Response, ApiError> {
    let ran = state.store.get(&id);
    project_reply(&state, ProjectRoute::Get, ran, exchange).await
}

async fn delete_project(
    State(state): State<AppState>,
    exchange: Exchange,
    ApiPath(id): ApiPath<String>,
) -> Result<Response, ApiError> {
    let ran = state.store.delete(&id);
    project_reply(&state, ProjectRoute::Delete, ran, exchange).await
}
