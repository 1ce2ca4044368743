//! All server state, behind one mutex, and the transitions on it.
//!
//! Every public method takes the lock once, does its work without awaiting, and
//! returns copies, so concurrent requests see each transition happen exactly once.
//! A request to a route that has an armed fault meets the fault in the same lock.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Instant;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::body::{
    Deleted, GoalAnswer, PlanAnswer, ProjectAnswer, ProjectDetail, ProjectList, TaskAnswer,
};
use crate::faults::{ArmedFault, Fault, Trap};
use crate::model::{self, Project, ProjectStatus, Task, TaskStatus, TaskType};
use crate::rng::Rng;
use crate::route::{Call, ProjectRoute, Route, ServerRoute};
use crate::seed;
use crate::shape::{ProjectView, Shape};
use crate::simulate;
use crate::timestamp::Timestamp;

pub struct Store {
    state: Mutex<State>,
    /// The zero of `request_ms`: the store is made when the server starts.
    started: Instant,
}

struct State {
    projects: HashMap<String, Entry>,
    /// How many projects were ever created; gives each its place in listings.
    created: u64,
    api_requests: u64,
    route_requests: HashMap<Route, u64>,
    server_faults: HashMap<ServerRoute, Trap>,
    /// One PRNG for every simulation step, ticks and `advance` alike, so that a
    /// seed and a sequence of requests replay the same way.
    rng: Rng,
}

struct Entry {
    order: u64,
    project: Project,
    tasks: Vec<Task>,
    shape: Shape,
    /// What `start` was given, for the plan to show.
    goal_analysis: Option<Value>,
    /// The route an armed fault waits on, and the fault.
    fault: Option<(ProjectRoute, Trap)>,
    /// A deleted project is unknown to the API, but its counters stay readable.
    deleted: bool,
    /// Cancels carried out.
    transitions: u64,
    /// When each request to each route arrived, in milliseconds since the server started.
    request_ms: HashMap<ProjectRoute, Vec<f64>>,
}

/// `GET /__dev/projects/{id}/stats`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ProjectStats {
    pub cancel_requests: usize,
    /// When each of those requests arrived, in milliseconds since the server
    /// started, so tests can check the delays a client leaves between retries.
    pub cancel_request_ms: Vec<f64>,
    pub plan_requests: usize,
    pub transitions: u64,
    /// Requests per route, every route named.
    pub requests: Map<String, Value>,
    /// Arrival times per route, like `cancel_request_ms`.
    pub request_ms: Map<String, Value>,
}

/// `GET /__dev/stats`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ServerStats {
    pub api_requests: u64,
    pub transitions: u64,
    /// 429s the limiter gave (`--rate-limit`).
    pub rate_limited: u64,
    /// Requests per route, every route named, whichever project they were for.
    pub route_requests: Map<String, Value>,
}

/// A project in the dev listing.
#[derive(Debug, Serialize)]
pub struct ProjectSummary {
    pub id: String,
    pub title: String,
    pub status: ProjectStatus,
    pub task_counts: Map<String, Value>,
    pub tasks: Vec<TaskSummary>,
}

#[derive(Debug, Serialize)]
pub struct TaskSummary {
    pub id: String,
    pub status: TaskStatus,
    pub task_type: TaskType,
}

#[derive(Debug, PartialEq, Eq)]
pub enum StoreError {
    ProjectNotFound(String),
    TaskNotFound,
    /// The task exists, in another project.
    ForeignTask,
    /// The project's status does not allow the request; the message says why.
    ProjectState(String),
    /// The task's status does not allow the request; the message says why.
    TaskState(String),
}

impl StoreError {
    pub fn cannot(verb: &str, status: ProjectStatus) -> Self {
        Self::ProjectState(format!(
            "Cannot {verb} project with status '{}'",
            status.as_str()
        ))
    }
}

/// What a request comes to: `B` is the body of its success answer.
#[derive(Debug)]
pub enum Ran<A, B> {
    /// Carried out; `A` is what the action reports.
    Done(A, B),
    /// An armed fault answers instead. The body shows the state after the request:
    /// changed if the fault commits, untouched if not.
    Faulted(Fault, B),
}

impl<B> Ran<(), B> {
    /// A request that changes nothing, or changes it only when `fault` lets it.
    fn of(fault: Option<ArmedFault>, body: B) -> Self {
        match fault {
            Some(armed) => Self::Faulted(armed.fault, body),
            None => Self::Done((), body),
        }
    }
}

/// The simple status changes: one status in, one status out.
#[derive(Clone, Copy, Debug)]
pub enum Change {
    Approve,
    Pause,
    Resume,
}

impl Change {
    pub fn route(self) -> ProjectRoute {
        match self {
            Self::Approve => ProjectRoute::Approve,
            Self::Pause => ProjectRoute::Pause,
            Self::Resume => ProjectRoute::Resume,
        }
    }

    fn verb(self) -> &'static str {
        self.route().name()
    }

    /// The status it must find and the status it leaves.
    fn statuses(self) -> (ProjectStatus, ProjectStatus) {
        match self {
            Self::Approve => (ProjectStatus::AwaitingApproval, ProjectStatus::Executing),
            Self::Pause => (ProjectStatus::Executing, ProjectStatus::Paused),
            Self::Resume => (ProjectStatus::Paused, ProjectStatus::Executing),
        }
    }
}

/// The task transitions: skip and retry.
#[derive(Clone, Copy, Debug)]
pub enum TaskChange {
    Skip,
    Retry,
}

impl TaskChange {
    pub fn route(self) -> ProjectRoute {
        match self {
            Self::Skip => ProjectRoute::Skip,
            Self::Retry => ProjectRoute::Retry,
        }
    }

    /// Changes `task`, or says why its status does not allow it.
    fn apply(self, task: &mut Task, now: Timestamp) -> Result<(), StoreError> {
        let status = task.status.as_str();
        match self {
            Self::Skip => {
                if matches!(
                    task.status,
                    TaskStatus::Done | TaskStatus::Skipped | TaskStatus::InProgress
                ) {
                    return Err(StoreError::TaskState(format!(
                        "Cannot skip task with status '{status}'"
                    )));
                }
                task.status = TaskStatus::Skipped;
                task.completed_at = Some(now);
            }
            Self::Retry => {
                if task.status != TaskStatus::Blocked {
                    return Err(StoreError::TaskState(format!(
                        "Can only retry tasks with status 'blocked', got '{status}'"
                    )));
                }
                task.status = TaskStatus::Assigned;
                task.retry_count += 1;
                task.error_message = None;
            }
        }
        task.updated_at = now;
        Ok(())
    }
}

impl Entry {
    fn view(&self) -> ProjectView {
        ProjectView {
            project: self.project.clone(),
            shape: self.shape,
        }
    }

    /// The armed fault, if it waits on `route` and answers this request.
    fn take_fault(&mut self, route: ProjectRoute) -> Option<ArmedFault> {
        match &mut self.fault {
            Some((on, trap)) if *on == route => trap.spring(),
            _ => None,
        }
    }

    fn task_answer(&self, task_id: &str) -> Result<TaskAnswer, StoreError> {
        let task = self.tasks.iter().find(|t| t.id == task_id);
        let task = task.ok_or(StoreError::TaskNotFound)?;
        Ok(TaskAnswer::new(task.clone(), &self.tasks))
    }

    /// Pending tasks become skipped, done ones stay done, the project ends cancelled.
    /// False if the project had already finished: then nothing changes.
    fn cancel(&mut self, now: Timestamp) -> bool {
        if !self.project.status.is_cancellable() {
            return false;
        }
        for task in self.tasks.iter_mut().filter(|t| !t.status.is_settled()) {
            task.status = TaskStatus::Skipped;
            task.error_message = Some(model::CANCELLED_MESSAGE.to_owned());
            task.updated_at = now;
        }
        self.project.status = ProjectStatus::Cancelled;
        self.project.completed_at = Some(now);
        self.project.updated_at = now;
        self.transitions += 1;
        true
    }

    fn change_status(&mut self, change: Change, now: Timestamp) -> Result<(), StoreError> {
        let (from, to) = change.statuses();
        if self.project.status != from {
            return Err(StoreError::cannot(change.verb(), self.project.status));
        }
        let project = &mut self.project;
        project.status = to;
        project.started_at.get_or_insert(now);
        project.updated_at = now;
        Ok(())
    }

    fn change_task(
        &mut self,
        change: TaskChange,
        task_id: &str,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let task = self.tasks.iter_mut().find(|t| t.id == task_id);
        change.apply(task.ok_or(StoreError::TaskNotFound)?, now)?;
        self.project.updated_at = now;
        Ok(())
    }

    fn step(&mut self, rng: &mut Rng, now: Timestamp) -> bool {
        simulate::step(&mut self.project, &mut self.tasks, rng, now)
    }

    fn summary(&self) -> ProjectSummary {
        ProjectSummary {
            id: self.project.id.clone(),
            title: self.project.title.clone(),
            status: self.project.status,
            task_counts: TaskStatus::ALL
                .iter()
                .map(|&status| {
                    let count = self.tasks.iter().filter(|t| t.status == status).count();
                    (status.as_str().to_owned(), Value::from(count))
                })
                .collect(),
            tasks: self
                .tasks
                .iter()
                .map(|t| TaskSummary {
                    id: t.id.clone(),
                    status: t.status,
                    task_type: t.task_type,
                })
                .collect(),
        }
    }

    fn stats(&self) -> ProjectStats {
        let times = |route| self.request_ms.get(&route).cloned().unwrap_or_default();
        let by_route = |value: &dyn Fn(Vec<f64>) -> Value| {
            ProjectRoute::ALL
                .iter()
                .map(|&route| (route.name().to_owned(), value(times(route))))
                .collect()
        };
        ProjectStats {
            cancel_requests: times(ProjectRoute::Cancel).len(),
            cancel_request_ms: times(ProjectRoute::Cancel),
            plan_requests: times(ProjectRoute::Plan).len(),
            transitions: self.transitions,
            requests: by_route(&|times| Value::from(times.len())),
            request_ms: by_route(&|times| Value::from(times)),
        }
    }
}

impl State {
    fn entry(&mut self, id: &str) -> Result<&mut Entry, StoreError> {
        self.projects
            .get_mut(id)
            .filter(|entry| !entry.deleted)
            .ok_or_else(|| StoreError::ProjectNotFound(id.to_owned()))
    }

    /// Like the real server, looks the task up before the project: an unknown task
    /// is not found, a task of another project does not belong.
    fn check_task(&self, id: &str, task_id: &str) -> Result<(), StoreError> {
        let owner = self
            .projects
            .values()
            .filter(|entry| !entry.deleted)
            .find(|entry| entry.tasks.iter().any(|t| t.id == task_id))
            .ok_or(StoreError::TaskNotFound)?;
        if owner.project.id != id {
            return Err(StoreError::ForeignTask);
        }
        Ok(())
    }

    /// The projects that are not deleted, oldest first.
    fn live(&self) -> impl Iterator<Item = &Entry> {
        let mut entries: Vec<&Entry> = self.projects.values().filter(|e| !e.deleted).collect();
        entries.sort_by_key(|entry| entry.order);
        entries.into_iter()
    }

    fn server_fault(&mut self, route: ServerRoute) -> Option<ArmedFault> {
        self.server_faults.get_mut(&route).and_then(Trap::spring)
    }

    fn insert(&mut self, project: Project, tasks: Vec<Task>, spec: Spec) {
        self.created += 1;
        let entry = Entry {
            order: self.created,
            project,
            tasks,
            shape: spec.shape,
            goal_analysis: spec.goal_analysis,
            fault: spec.fault.map(|(route, armed)| (route, Trap::new(armed))),
            deleted: false,
            transitions: 0,
            request_ms: HashMap::new(),
        };
        self.projects.insert(entry.project.id.clone(), entry);
    }
}

/// How a new project is written out and what it carries besides its data.
#[derive(Clone, Debug, Default)]
pub struct Spec {
    pub shape: Shape,
    pub fault: Option<(ProjectRoute, ArmedFault)>,
    pub goal_analysis: Option<Value>,
    /// Tasks of a sample project; None: the usual six.
    pub task_count: Option<usize>,
}

impl Store {
    /// An empty store whose simulation draws from a PRNG seeded with `seed`.
    pub fn new(seed: u64) -> Self {
        let state = State {
            projects: HashMap::new(),
            created: 0,
            api_requests: 0,
            route_requests: HashMap::new(),
            server_faults: HashMap::new(),
            rng: Rng::new(seed),
        };
        Self {
            state: Mutex::new(state),
            started: Instant::now(),
        }
    }
}

impl Store {
    /// Nothing panics while holding the lock; if something ever did, keep serving
    /// rather than fail every later request on a poisoned mutex.
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Adds a sample project in `status` (with tasks) and returns its id.
    pub fn create(&self, status: ProjectStatus, spec: Spec) -> String {
        let task_count = spec.task_count.unwrap_or(seed::PLAN_TASKS);
        let (project, tasks) = seed::sample_project(status, Timestamp::now(), task_count);
        let id = project.id.clone();
        self.lock().insert(project, tasks, spec);
        id
    }

    /// `POST /start`: a new project in planning, without tasks yet. Under a fault
    /// that does not commit, the project is made but never stored.
    pub fn start(
        &self,
        description: &str,
        research_depth: &str,
        goal_analysis: Option<Value>,
    ) -> Ran<(), ProjectAnswer> {
        let mut state = self.lock();
        let fault = state.server_fault(ServerRoute::Start);
        let project = seed::started_project(description, research_depth, Timestamp::now());
        let answer = ProjectAnswer::new(ProjectView {
            project: project.clone(),
            shape: Shape::Full,
        });
        if fault.is_none_or(|armed| armed.commits) {
            let spec = Spec {
                goal_analysis,
                ..Spec::default()
            };
            state.insert(project, Vec::new(), spec);
        }
        Ran::of(fault, answer)
    }

    pub fn parse_goal(&self, description: &str) -> Ran<(), GoalAnswer> {
        let fault = self.lock().server_fault(ServerRoute::ParseGoal);
        let answer = GoalAnswer {
            success: true,
            goal_analysis: seed::goal_analysis(description),
        };
        Ran::of(fault, answer)
    }

    /// `GET /api/mission-control/projects`: the last updated first, as the real server
    /// sorts them (stably: projects updated at the same time stay oldest first);
    /// `count` is taken before `limit`, which ends the list as a Python slice does
    /// (below 0, counted from the end). A status no project can have matches nothing.
    pub fn list_projects(&self, status: Option<&str>, limit: i64) -> Ran<(), ProjectList> {
        let mut state = self.lock();
        let fault = state.server_fault(ServerRoute::List);
        let mut matching: Vec<&Entry> = state
            .live()
            .filter(|e| status.is_none_or(|s| e.project.status.as_str() == s))
            .collect();
        matching.sort_by_key(|e| std::cmp::Reverse(e.project.updated_at));
        let count = matching.len();
        let end = usize::try_from(limit)
            .unwrap_or_else(|_| count.saturating_sub(usize::try_from(-limit).unwrap_or(count)));
        let answer = ProjectList {
            count,
            projects: matching
                .into_iter()
                .take(end)
                .map(|e| e.view().with_workspace(&e.tasks))
                .collect(),
        };
        Ran::of(fault, answer)
    }

    /// Runs a request on one project (and, if `task_id` is given, one of its tasks):
    /// finds them, lets a fault armed on `route` answer
    /// instead (after trying `act` if the fault commits: refused or not, the answer is
    /// lost), else carries out `act`; then writes the success body with `read`.
    fn run<A, B>(
        &self,
        id: &str,
        route: ProjectRoute,
        task_id: Option<&str>,
        act: impl FnOnce(&mut Entry, Timestamp) -> Result<A, StoreError>,
        read: impl FnOnce(&Entry) -> Result<B, StoreError>,
    ) -> Result<Ran<A, B>, StoreError> {
        let mut state = self.lock();
        if let Some(task_id) = task_id {
            state.check_task(id, task_id)?;
        }
        let entry = state.entry(id)?;
        let now = Timestamp::now();
        match entry.take_fault(route) {
            Some(armed) => {
                if armed.commits {
                    let _refused_or_done = act(entry, now);
                }
                Ok(Ran::Faulted(armed.fault, read(entry)?))
            }
            None => {
                let done = act(entry, now)?;
                Ok(Ran::Done(done, read(entry)?))
            }
        }
    }

    /// `Done(false, …)` when the project had already finished and nothing changed.
    pub fn cancel(&self, id: &str) -> Result<Ran<bool, ProjectAnswer>, StoreError> {
        self.run(
            id,
            ProjectRoute::Cancel,
            None,
            |entry, now| Ok(entry.cancel(now)),
            |entry| Ok(ProjectAnswer::new(entry.view())),
        )
    }

    pub fn change_status(
        &self,
        id: &str,
        change: Change,
    ) -> Result<Ran<(), ProjectAnswer>, StoreError> {
        self.run(
            id,
            change.route(),
            None,
            |entry, now| entry.change_status(change, now),
            |entry| Ok(ProjectAnswer::new(entry.view())),
        )
    }

    pub fn change_task(
        &self,
        id: &str,
        task_id: &str,
        change: TaskChange,
    ) -> Result<Ran<(), TaskAnswer>, StoreError> {
        self.run(
            id,
            change.route(),
            Some(task_id),
            |entry, now| entry.change_task(change, task_id, now),
            |entry| entry.task_answer(task_id),
        )
    }

    pub fn plan(&self, id: &str) -> Result<Ran<(), PlanAnswer>, StoreError> {
        self.run(
            id,
            ProjectRoute::Plan,
            None,
            |_, _| Ok(()),
            |entry| {
                let goal = entry.goal_analysis.clone();
                Ok(PlanAnswer::new(entry.view(), &entry.tasks, goal))
            },
        )
    }

    pub fn get(&self, id: &str) -> Result<Ran<(), ProjectDetail>, StoreError> {
        self.run(
            id,
            ProjectRoute::Get,
            None,
            |_, _| Ok(()),
            |entry| Ok(ProjectDetail::new(entry.view(), &entry.tasks)),
        )
    }

    pub fn delete(&self, id: &str) -> Result<Ran<(), Deleted>, StoreError> {
        self.run(
            id,
            ProjectRoute::Delete,
            None,
            |entry, _| {
                entry.deleted = true;
                Ok(())
            },
            |_| Ok(Deleted::new(id)),
        )
    }

    /// Arms `armed` on a route of no project, or disarms it with `None`.
    pub fn arm_server_fault(&self, route: ServerRoute, armed: Option<ArmedFault>) {
        let mut state = self.lock();
        match armed {
            Some(armed) => state.server_faults.insert(route, Trap::new(armed)),
            None => state.server_faults.remove(&route),
        };
    }

    /// Arms (or, with None, takes off) the fault of project `id`, in place of the one
    /// it had; None when there is no such project.
    pub fn arm_project_fault(
        &self,
        id: &str,
        fault: Option<(ProjectRoute, ArmedFault)>,
    ) -> Option<ProjectSummary> {
        let mut state = self.lock();
        let entry = state.entry(id).ok()?;
        entry.fault = fault.map(|(route, armed)| (route, Trap::new(armed)));
        Some(entry.summary())
    }

    /// Every project that is not deleted, oldest first.
    pub fn list(&self) -> Vec<ProjectSummary> {
        self.lock().live().map(Entry::summary).collect()
    }

    pub fn summary(&self, id: &str) -> Option<ProjectSummary> {
        self.lock().entry(id).ok().map(|entry| entry.summary())
    }

    /// `POST /__dev/projects/{id}/advance`: `steps` simulation steps on one project,
    /// then its summary; None if there is no such project.
    pub fn advance(&self, id: &str, steps: u32) -> Option<ProjectSummary> {
        let mut state = self.lock();
        let State { projects, rng, .. } = &mut *state;
        let entry = projects.get_mut(id).filter(|entry| !entry.deleted)?;
        let now = Timestamp::now();
        for _ in 0..steps {
            entry.step(rng, now);
        }
        Some(entry.summary())
    }

    /// A tick of `--simulate`: one step for every project that is not deleted,
    /// oldest first, so the PRNG is drawn from in the same order each run.
    pub fn tick(&self) {
        let mut state = self.lock();
        let State { projects, rng, .. } = &mut *state;
        let mut entries: Vec<&mut Entry> = projects.values_mut().filter(|e| !e.deleted).collect();
        entries.sort_by_key(|entry| entry.order);
        let now = Timestamp::now();
        for entry in entries {
            entry.step(rng, now);
        }
    }

    /// Counts one request to an `/api/` path, and the route call it makes, if any.
    pub fn record_api_request(&self, call: Option<Call<'_>>) {
        // Read the clock before waiting for the lock: the time of arrival is wanted.
        let arrived = self.started.elapsed();
        let mut state = self.lock();
        state.api_requests += 1;
        let Some(call) = call else { return };
        *state.route_requests.entry(call.route()).or_default() += 1;
        if let Call::Project(route, id) = call {
            if let Some(entry) = state.projects.get_mut(id) {
                // Whole microseconds, so the JSON shows no float noise.
                let ms = arrived.as_micros() as f64 / 1000.0;
                entry.request_ms.entry(route).or_default().push(ms);
            }
        }
    }

    /// Also for a deleted project: tests read what reached it.
    pub fn project_stats(&self, id: &str) -> Option<ProjectStats> {
        self.lock().projects.get(id).map(Entry::stats)
    }

    pub fn server_stats(&self) -> ServerStats {
        let state = self.lock();
        let transitions = state.projects.values().map(|e| e.transitions).sum();
        ServerStats {
            api_requests: state.api_requests,
            transitions,
            rate_limited: 0,
            route_requests: Route::all()
                .map(|route| {
                    let count = state.route_requests.get(&route).copied().unwrap_or(0);
                    (route.name().to_owned(), Value::from(count))
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::faults::{ErrorFault, SpecialFault};

    const SERVER_500: Fault = Fault::Error(ErrorFault::Server500);
    const RESET: Fault = Fault::Special(SpecialFault::Reset);

    fn project_in(store: &Store, status: ProjectStatus) -> String {
        store.create(status, Spec::default())
    }

    fn faulty(
        store: &Store,
        status: ProjectStatus,
        route: ProjectRoute,
        armed: ArmedFault,
    ) -> String {
        let spec = Spec {
            fault: Some((route, armed)),
            ..Spec::default()
        };
        store.create(status, spec)
    }

    fn tasks(store: &Store, id: &str) -> Vec<Task> {
        store.lock().entry(id).unwrap().tasks.clone()
    }

    fn status(store: &Store, id: &str) -> ProjectStatus {
        store.lock().entry(id).unwrap().project.status
    }

    fn done<A, B>(ran: Ran<A, B>) -> (A, B) {
        match ran {
            Ran::Done(a, body) => (a, body),
            Ran::Faulted(fault, _) => panic!("expected no fault, got {fault:?}"),
        }
    }

    fn faulted<A, B>(ran: Ran<A, B>) -> (Fault, B) {
        match ran {
            Ran::Faulted(fault, body) => (fault, body),
            Ran::Done(..) => panic!("expected a fault"),
        }
    }

    #[test]
    fn cancel_works_from_every_cancellable_status() {
        let store = Store::new(1);
        for status in ProjectStatus::ALL
            .into_iter()
            .filter(|s| s.is_cancellable())
        {
            let id = project_in(&store, status);
            let before = tasks(&store, &id);
            let (changed, answer) = done(store.cancel(&id).unwrap());
            assert!(changed);
            let project = answer.project.project;
            assert_eq!(project.status, ProjectStatus::Cancelled, "from {status:?}");
            assert_eq!(project.completed_at, Some(project.updated_at));
            for (old, new) in before.iter().zip(&tasks(&store, &id)) {
                if old.status.is_settled() {
                    assert_eq!(new.status, old.status, "settled tasks keep their status");
                    assert_eq!(new.error_message, old.error_message);
                } else {
                    assert_eq!(new.status, TaskStatus::Skipped);
                    assert_eq!(new.error_message.as_deref(), Some("Project cancelled"));
                }
            }
            assert_eq!(store.project_stats(&id).unwrap().transitions, 1);
        }
        assert_eq!(store.server_stats().transitions, 7);
    }

    #[test]
    fn cancel_of_a_finished_project_changes_nothing() {
        let store = Store::new(1);
        for status in [ProjectStatus::Completed, ProjectStatus::Cancelled] {
            let id = project_in(&store, status);
            let before = store.lock().entry(&id).unwrap().project.clone();
            let (changed, answer) = done(store.cancel(&id).unwrap());
            assert!(!changed);
            assert_eq!(answer.project.project.status, status);
            assert_eq!(answer.project.project.updated_at, before.updated_at);
            assert_eq!(store.project_stats(&id).unwrap().transitions, 0);
        }
    }

    #[test]
    fn unknown_projects_and_tasks_are_reported() {
        let store = Store::new(1);
        assert_eq!(
            store.cancel("nope").unwrap_err(),
            StoreError::ProjectNotFound("nope".into())
        );
        let id = project_in(&store, ProjectStatus::Executing);
        let other = project_in(&store, ProjectStatus::Executing);
        let foreign = tasks(&store, &other)[5].id.clone();
        for change in [TaskChange::Skip, TaskChange::Retry] {
            assert_eq!(
                store.change_task(&id, "nope", change).unwrap_err(),
                StoreError::TaskNotFound
            );
            assert_eq!(
                store.change_task(&id, &foreign, change).unwrap_err(),
                StoreError::ForeignTask
            );
            assert_eq!(
                store.change_task("nope", &foreign, change).unwrap_err(),
                StoreError::ForeignTask,
                "the task is looked up first"
            );
        }
    }

    #[test]
    fn approve_pause_resume_follow_the_state_machine() {
        let store = Store::new(1);
        let id = project_in(&store, ProjectStatus::AwaitingApproval);
        let change = |change| {
            store
                .change_status(&id, change)
                .map(|ran| done(ran).1.project.project)
        };
        assert_eq!(
            change(Change::Pause).unwrap_err(),
            StoreError::ProjectState("Cannot pause project with status 'awaiting_approval'".into())
        );
        let approved = change(Change::Approve).unwrap();
        assert_eq!(approved.status, ProjectStatus::Executing);
        assert!(
            approved.started_at.is_some(),
            "approving starts the project"
        );
        let paused = change(Change::Pause).unwrap();
        assert_eq!(paused.status, ProjectStatus::Paused);
        assert_eq!(paused.started_at, approved.started_at);
        assert_eq!(
            change(Change::Resume).unwrap().status,
            ProjectStatus::Executing
        );
        assert_eq!(
            change(Change::Resume).unwrap_err(),
            StoreError::cannot("resume", ProjectStatus::Executing)
        );
        assert_eq!(
            store.server_stats().transitions,
            0,
            "only cancels are counted"
        );
    }

    #[test]
    fn skip_and_retry_change_one_task_and_report_progress() {
        let store = Store::new(1);
        let id = project_in(&store, ProjectStatus::Executing);
        let all = tasks(&store, &id);
        let find = |status| all.iter().find(|t| t.status == status).unwrap().id.clone();
        let (blocked, inbox) = (find(TaskStatus::Blocked), find(TaskStatus::Inbox));

        let (_, answer) = done(store.change_task(&id, &inbox, TaskChange::Skip).unwrap());
        assert_eq!(answer.task.status, TaskStatus::Skipped);
        assert!(answer.task.completed_at.is_some());
        assert_eq!((answer.progress.completed, answer.progress.skipped), (2, 2));

        let (_, answer) = done(store.change_task(&id, &blocked, TaskChange::Retry).unwrap());
        assert_eq!(answer.task.status, TaskStatus::Assigned);
        assert_eq!(answer.task.retry_count, 2);
        assert_eq!(answer.task.error_message, None);
        assert_eq!(answer.progress.blocked, 0);

        for (task, change, message) in [
            (
                &inbox,
                TaskChange::Skip,
                "Cannot skip task with status 'skipped'",
            ),
            (
                &find(TaskStatus::Done),
                TaskChange::Skip,
                "Cannot skip task with status 'done'",
            ),
            (
                &find(TaskStatus::InProgress),
                TaskChange::Skip,
                "Cannot skip task with status 'in_progress'",
            ),
            (
                &blocked,
                TaskChange::Retry,
                "Can only retry tasks with status 'blocked', got 'assigned'",
            ),
        ] {
            assert_eq!(
                store.change_task(&id, task, change).unwrap_err(),
                StoreError::TaskState(message.into())
            );
        }
    }

    #[test]
    fn a_fault_fires_the_given_number_of_times_without_touching_state() {
        let store = Store::new(1);
        let fault = ArmedFault {
            fault: SERVER_500,
            times: Some(2),
            commits: false,
        };
        let id = faulty(
            &store,
            ProjectStatus::Executing,
            ProjectRoute::Cancel,
            fault,
        );
        for _ in 0..2 {
            let (fault, answer) = faulted(store.cancel(&id).unwrap());
            assert_eq!(fault, SERVER_500);
            assert_eq!(answer.project.project.status, ProjectStatus::Executing);
        }
        assert!(done(store.cancel(&id).unwrap()).0);
        assert_eq!(store.project_stats(&id).unwrap().transitions, 1);
    }

    #[test]
    fn a_fault_waits_on_its_own_route_only() {
        let store = Store::new(1);
        let fault = ArmedFault {
            fault: SERVER_500,
            times: None,
            commits: false,
        };
        let id = faulty(&store, ProjectStatus::Executing, ProjectRoute::Pause, fault);
        done(store.plan(&id).unwrap());
        faulted(store.change_status(&id, Change::Pause).unwrap());
        assert_eq!(status(&store, &id), ProjectStatus::Executing);
        assert!(done(store.cancel(&id).unwrap()).0);
    }

    #[test]
    fn a_committing_fault_carries_the_request_out_first() {
        let store = Store::new(1);
        let fault = ArmedFault {
            fault: RESET,
            times: None,
            commits: true,
        };
        let id = faulty(&store, ProjectStatus::Paused, ProjectRoute::Cancel, fault);
        for _ in 0..2 {
            let (_, answer) = faulted(store.cancel(&id).unwrap());
            assert_eq!(answer.project.project.status, ProjectStatus::Cancelled);
            assert_eq!(store.project_stats(&id).unwrap().transitions, 1);
        }

        let id = faulty(
            &store,
            ProjectStatus::Executing,
            ProjectRoute::Delete,
            fault,
        );
        let (fault, _) = faulted(store.delete(&id).unwrap());
        assert_eq!(fault, RESET);
        assert_eq!(
            store.delete(&id).unwrap_err(),
            StoreError::ProjectNotFound(id.clone())
        );
        assert!(
            store.project_stats(&id).is_some(),
            "counters outlive the project"
        );
    }

    #[test]
    fn flaky_faults_every_other_request_and_counts_only_those() {
        let store = Store::new(1);
        let flaky = Fault::Special(SpecialFault::Flaky);
        let fault = ArmedFault {
            fault: flaky,
            times: Some(2),
            commits: false,
        };
        let id = faulty(
            &store,
            ProjectStatus::Executing,
            ProjectRoute::Cancel,
            fault,
        );
        let answers: Vec<&str> = (0..6)
            .map(|_| match store.cancel(&id).unwrap() {
                Ran::Faulted(fault, _) if fault == flaky => "fault",
                Ran::Done(true, _) => "cancelled",
                Ran::Done(false, _) => "finished",
                other => panic!("unexpected {other:?}"),
            })
            .collect();
        assert_eq!(
            answers,
            [
                "fault",
                "cancelled",
                "fault",
                "finished",
                "finished",
                "finished"
            ]
        );
    }

    #[test]
    fn server_faults_and_a_start_that_is_not_committed() {
        let store = Store::new(1);
        let armed = ArmedFault {
            fault: SERVER_500,
            times: Some(1),
            commits: false,
        };
        store.arm_server_fault(ServerRoute::Start, Some(armed));
        let (_, lost) = faulted(store.start("Build a recipe API", "auto", None));
        let (_, kept) = done(store.start("Build a recipe API", "auto", None));
        let listed: Vec<String> = store.list().into_iter().map(|p| p.id).collect();
        assert_eq!(listed, [kept.project.project.id]);
        assert!(!listed.contains(&lost.project.project.id));

        store.arm_server_fault(
            ServerRoute::List,
            Some(ArmedFault {
                times: None,
                ..armed
            }),
        );
        faulted(store.list_projects(None, 100));
        store.arm_server_fault(ServerRoute::List, None);
        done(store.list_projects(None, 100));
    }

    #[test]
    fn the_project_list_puts_the_last_updated_first() {
        let store = Store::new(1);
        let older = project_in(&store, ProjectStatus::Executing);
        let newer = project_in(&store, ProjectStatus::Executing);
        let order = || -> Vec<String> {
            let (_, list) = done(store.list_projects(None, 100));
            list.projects
                .iter()
                .map(|p| p.view.project.id.clone())
                .collect()
        };
        assert_eq!(order(), [newer.clone(), older.clone()]);
        done(store.cancel(&older).unwrap());
        assert_eq!(order(), [older, newer], "a cancel updates the project");
    }

    #[test]
    fn the_project_list_is_newest_first_and_counts_before_the_limit() {
        let store = Store::new(1);
        let ids: Vec<String> = [
            ProjectStatus::Draft,
            ProjectStatus::Paused,
            ProjectStatus::Draft,
        ]
        .into_iter()
        .map(|s| project_in(&store, s))
        .collect();
        let (_, list) = done(store.list_projects(Some("draft"), 1));
        assert_eq!(list.count, 2);
        let listed: Vec<&str> = list
            .projects
            .iter()
            .map(|p| p.view.project.id.as_str())
            .collect();
        assert_eq!(listed, [ids[2].as_str()]);
        let (_, list) = done(store.list_projects(Some("nonsense"), 100));
        assert_eq!((list.count, list.projects.len()), (0, 0));
        let shown = |limit| done(store.list_projects(None, limit)).1.projects.len();
        assert_eq!([shown(0), shown(-1), shown(-3), shown(-9)], [0, 2, 0, 0]);
        done(store.delete(&ids[2]).unwrap());
        assert_eq!(done(store.list_projects(None, 100)).1.count, 2);
    }

    #[test]
    fn listing_is_in_creation_order_with_task_counts() {
        let store = Store::new(1);
        let ids: Vec<String> = ProjectStatus::ALL
            .into_iter()
            .map(|s| project_in(&store, s))
            .collect();
        let listed = store.list();
        assert_eq!(listed.iter().map(|p| p.id.clone()).collect::<Vec<_>>(), ids);
        let completed = &listed[6];
        assert_eq!(completed.status, ProjectStatus::Completed);
        assert_eq!(completed.task_counts["done"], 5);
        assert_eq!(completed.task_counts["skipped"], 1);
        assert_eq!(completed.task_counts.len(), 7);
        assert_eq!(completed.tasks.len(), 6);
    }

    #[test]
    fn requests_are_counted_per_project_and_route() {
        let store = Store::new(1);
        let id = project_in(&store, ProjectStatus::Draft);
        store.record_api_request(Some(Call::Project(ProjectRoute::Cancel, &id)));
        store.record_api_request(Some(Call::Project(ProjectRoute::Plan, &id)));
        store.record_api_request(Some(Call::Project(ProjectRoute::Skip, &id)));
        store.record_api_request(Some(Call::Project(ProjectRoute::Cancel, "unknown")));
        store.record_api_request(Some(Call::Server(ServerRoute::List)));
        store.record_api_request(None);
        let stats = store.project_stats(&id).unwrap();
        assert_eq!((stats.cancel_requests, stats.plan_requests), (1, 1));
        assert_eq!(stats.cancel_request_ms.len(), 1);
        assert!(stats.cancel_request_ms[0] <= store.started.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(stats.requests["skip"], 1);
        assert_eq!(stats.requests["retry"], 0);
        assert_eq!(stats.requests.len(), 9);
        assert_eq!(
            stats.request_ms["cancel"],
            Value::from(stats.cancel_request_ms)
        );
        let server = store.server_stats();
        assert_eq!(server.api_requests, 6);
        assert_eq!(server.route_requests["cancel"], 2);
        assert_eq!(server.route_requests["list"], 1);
        assert_eq!(server.route_requests.len(), 12);
    }

    #[test]
    fn advance_steps_one_project_and_a_tick_steps_every_live_one() {
        let store = Store::new(1);
        let (_, started) = done(store.start("Build a recipe API. Add search", "auto", None));
        let started = started.project.project.id;
        let approved = project_in(&store, ProjectStatus::Approved);
        let deleted = project_in(&store, ProjectStatus::Approved);
        done(store.delete(&deleted).unwrap());
        assert!(store.advance("nope", 1).is_none());
        assert!(store.advance(&deleted, 1).is_none());

        let summary = store.advance(&started, 1).unwrap();
        assert_eq!(summary.status, ProjectStatus::AwaitingApproval);
        assert!((4..=8).contains(&summary.tasks.len()));
        assert_eq!(status(&store, &approved), ProjectStatus::Approved);

        store.tick();
        assert_eq!(status(&store, &approved), ProjectStatus::Executing);
        let deleted = store.lock().projects[&deleted].project.status;
        assert_eq!(
            deleted,
            ProjectStatus::Approved,
            "deleted projects are left alone"
        );
    }

    #[test]
    fn an_executing_seed_reaches_completed_when_its_failed_tasks_are_retried() {
        let store = Store::new(1);
        let id = project_in(&store, ProjectStatus::Executing);
        for _ in 0..20 {
            let summary = store.advance(&id, 100).unwrap();
            if summary.status == ProjectStatus::Completed {
                assert_eq!(summary.task_counts["done"], 5);
                assert_eq!(summary.task_counts["skipped"], 1);
                return;
            }
            assert_eq!(summary.status, ProjectStatus::Executing);
            let blocked = summary
                .tasks
                .iter()
                .filter(|t| t.status == TaskStatus::Blocked);
            for task in blocked {
                done(store.change_task(&id, &task.id, TaskChange::Retry).unwrap());
            }
        }
        panic!("never completed: {:?}", store.summary(&id));
    }

    #[test]
    fn the_same_seed_and_requests_give_the_same_states() {
        let replay = |seed| {
            let store = Store::new(seed);
            let ids: Vec<String> = ProjectStatus::ALL
                .into_iter()
                .map(|s| project_in(&store, s))
                .collect();
            let (_, started) = done(store.start("Build a recipe API. Add search", "auto", None));
            (0..8).for_each(|_| store.tick());
            done(
                store
                    .change_status(&started.project.project.id, Change::Approve)
                    .unwrap(),
            );
            store.advance(&ids[3], 5);
            (0..8).for_each(|_| store.tick());
            let states: Vec<_> = store
                .list()
                .into_iter()
                .map(|p| (p.status, p.task_counts))
                .collect();
            format!("{states:?}")
        };
        assert_eq!(replay(3), replay(3));
        assert!((4..20).any(|seed| replay(seed) != replay(3)));
    }
}
