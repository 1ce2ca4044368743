//! The API's routes by name: what faults are armed on (`fault_on`, `/__dev/faults`)
//! and what the request counters count. A request is told apart by its method and
//! path alone, so that it is counted before auth, the rate limiter or the router
//! can answer it.

use axum::http::Method;
use serde::{Deserialize, Serialize};

/// The routes about one project (and, for skip and retry, one of its tasks).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProjectRoute {
    Cancel,
    Plan,
    Approve,
    Pause,
    Resume,
    Skip,
    Retry,
    Get,
    Delete,
}

/// The routes about no project in particular.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ServerRoute {
    Start,
    ParseGoal,
    List,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Route {
    Project(ProjectRoute),
    Server(ServerRoute),
}

impl ProjectRoute {
    pub const ALL: [ProjectRoute; 9] = [
        Self::Cancel,
        Self::Plan,
        Self::Approve,
        Self::Pause,
        Self::Resume,
        Self::Skip,
        Self::Retry,
        Self::Get,
        Self::Delete,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Self::Cancel => "cancel",
            Self::Plan => "plan",
            Self::Approve => "approve",
            Self::Pause => "pause",
            Self::Resume => "resume",
            Self::Skip => "skip",
            Self::Retry => "retry",
            Self::Get => "get",
            Self::Delete => "delete",
        }
    }
}

impl ServerRoute {
    pub const ALL: [ServerRoute; 3] = [Self::Start, Self::ParseGoal, Self::List];

    pub fn name(self) -> &'static str {
        match self {
            Self::Start => "start",
            Self::ParseGoal => "parse_goal",
            Self::List => "list",
        }
    }
}

impl Route {
    /// Every route, project routes first, each kind in its `ALL` order.
    pub fn all() -> impl Iterator<Item = Route> {
        ProjectRoute::ALL
            .into_iter()
            .map(Route::Project)
            .chain(ServerRoute::ALL.into_iter().map(Route::Server))
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Project(route) => route.name(),
            Self::Server(route) => route.name(),
        }
    }
}

/// A request as the counters see it: its route and, for a project route, the project id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Call<'a> {
    Project(ProjectRoute, &'a str),
    Server(ServerRoute),
}

impl Call<'_> {
    pub fn route(self) -> Route {
        match self {
            Self::Project(route, _) => Route::Project(route),
            Self::Server(route) => Route::Server(route),
        }
    }
}

/// Which route `method` and `path` make, if any. Empty ids match nothing, as in
/// the router (see `app::reject_empty_params`).
pub fn call_of<'a>(method: &Method, path: &'a str) -> Option<Call<'a>> {
    let project = |route, id: &'a str| (!id.is_empty()).then_some(Call::Project(route, id));
    match (method, path) {
        (&Method::POST, "/api/deep-work/start") => return Some(Call::Server(ServerRoute::Start)),
        (&Method::POST, "/api/deep-work/parse-goal") => {
            return Some(Call::Server(ServerRoute::ParseGoal))
        }
        (&Method::GET, "/api/mission-control/projects") => {
            return Some(Call::Server(ServerRoute::List))
        }
        _ => {}
    }
    if let Some(id) = path.strip_prefix("/api/mission-control/projects/") {
        return match *method {
            _ if id.contains('/') => None,
            Method::GET => project(ProjectRoute::Get, id),
            Method::DELETE => project(ProjectRoute::Delete, id),
            _ => None,
        };
    }
    let (id, action) = path
        .strip_prefix("/api/deep-work/projects/")?
        .split_once('/')?;
    let parts: Vec<&str> = action.split('/').collect();
    let route = match (method, parts.as_slice()) {
        (&Method::POST, ["cancel"]) => ProjectRoute::Cancel,
        (&Method::GET, ["plan"]) => ProjectRoute::Plan,
        (&Method::POST, ["approve"]) => ProjectRoute::Approve,
        (&Method::POST, ["pause"]) => ProjectRoute::Pause,
        (&Method::POST, ["resume"]) => ProjectRoute::Resume,
        (&Method::POST, ["tasks", task, "skip"]) if !task.is_empty() => ProjectRoute::Skip,
        (&Method::POST, ["tasks", task, "retry"]) if !task.is_empty() => ProjectRoute::Retry,
        _ => return None,
    };
    project(route, id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn route_of<'a>(method: &Method, path: &'a str) -> Option<(&'static str, Option<&'a str>)> {
        call_of(method, path).map(|call| match call {
            Call::Project(route, id) => (route.name(), Some(id)),
            Call::Server(route) => (route.name(), None),
        })
    }

    #[test]
    fn tells_every_route_by_method_and_path() {
        let p = Some("p1");
        for (method, path, expected) in [
            (Method::POST, "/api/deep-work/start", ("start", None)),
            (
                Method::POST,
                "/api/deep-work/parse-goal",
                ("parse_goal", None),
            ),
            (Method::GET, "/api/mission-control/projects", ("list", None)),
            (Method::GET, "/api/mission-control/projects/p1", ("get", p)),
            (
                Method::DELETE,
                "/api/mission-control/projects/p1",
                ("delete", p),
            ),
            (
                Method::POST,
                "/api/deep-work/projects/p1/cancel",
                ("cancel", p),
            ),
            (Method::GET, "/api/deep-work/projects/p1/plan", ("plan", p)),
            (
                Method::POST,
                "/api/deep-work/projects/p1/approve",
                ("approve", p),
            ),
            (
                Method::POST,
                "/api/deep-work/projects/p1/pause",
                ("pause", p),
            ),
            (
                Method::POST,
                "/api/deep-work/projects/p1/resume",
                ("resume", p),
            ),
            (
                Method::POST,
                "/api/deep-work/projects/p1/tasks/t/skip",
                ("skip", p),
            ),
            (
                Method::POST,
                "/api/deep-work/projects/p1/tasks/t/retry",
                ("retry", p),
            ),
        ] {
            assert_eq!(route_of(&method, path), Some(expected), "{path}");
        }
    }

    #[test]
    fn anything_else_is_no_route() {
        for (method, path) in [
            (Method::GET, "/api/deep-work/projects/p1/cancel"),
            (Method::POST, "/api/deep-work/projects/p1/cancel/"),
            (Method::POST, "/api/deep-work/projects//cancel"),
            (Method::POST, "/api/deep-work/projects/p1/tasks//skip"),
            (Method::POST, "/api/mission-control/projects/p1"),
            (Method::GET, "/api/mission-control/projects/"),
            (Method::GET, "/api/mission-control/projects/p1/x"),
            (Method::POST, "/api/nope"),
        ] {
            assert_eq!(route_of(&method, path), None, "{method} {path}");
        }
        assert_eq!(Route::all().count(), 12);
    }
}
