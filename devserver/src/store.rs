//! All server state, behind one mutex, and the status transitions on it.
//!
//! Every public method takes the lock once, does its work without awaiting, and
//! returns copies, so concurrent requests see each transition happen exactly once.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Instant;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::faults::Fault;
use crate::model::{self, Progress, Project, ProjectStatus, Task, TaskStatus};
use crate::shape::{ProjectView, Shape};
use crate::timestamp::Timestamp;

pub struct Store {
    state: Mutex<State>,
    /// The zero of `cancel_request_ms`: the store is made when the server starts.
    started: Instant,
}

#[derive(Default)]
struct State {
    projects: HashMap<String, Entry>,
    /// How many projects were ever created; gives each its place in listings.
    created: u64,
    api_requests: u64,
}

struct Entry {
    order: u64,
    project: Project,
    tasks: Vec<Task>,
    shape: Shape,
    fault: Option<ArmedFault>,
    /// How many cancel requests met the armed fault, let through or not.
    fault_met: u64,
    stats: ProjectStats,
}

/// A fault waiting on a project's cancel requests.
#[derive(Clone, Copy, Debug)]
pub struct ArmedFault {
    pub fault: Fault,
    /// How many more cancel requests get the fault; `None` means all of them.
    pub times: Option<u32>,
    /// Carry the cancel out before answering with the fault (an answer lost on the way).
    pub commits: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ProjectStats {
    pub cancel_requests: u64,
    /// When each of those requests arrived, in milliseconds since the server
    /// started, so tests can check the delays a client leaves between retries.
    pub cancel_request_ms: Vec<f64>,
    pub plan_requests: u64,
    pub transitions: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct ServerStats {
    pub api_requests: u64,
    pub transitions: u64,
}

#[derive(Debug, Serialize)]
pub struct ProjectSummary {
    pub id: String,
    pub title: String,
    pub status: ProjectStatus,
    pub task_counts: Map<String, Value>,
}

#[derive(Debug, PartialEq, Eq)]
pub enum StoreError {
    ProjectNotFound(String),
    TaskNotFound(String),
    /// The request is not allowed in the current status; the message says why.
    WrongStatus(String),
}

impl StoreError {
    pub fn cannot(verb: &str, status: ProjectStatus) -> Self {
        Self::WrongStatus(format!(
            "Cannot {verb} project with status '{}'",
            status.as_str()
        ))
    }
}

/// What a cancel request comes to.
#[derive(Debug)]
pub enum CancelAnswer {
    /// The project was cancelled by this request.
    Cancelled(ProjectView),
    /// The project was already completed or cancelled; nothing changed.
    AlreadyFinished(ProjectView),
    /// An armed fault answers instead. The project is as it stands after the
    /// request: cancelled if the fault commits, untouched if not.
    Faulted(Fault, ProjectView),
}

/// The simple status changes: one status in, one status out.
#[derive(Clone, Copy, Debug)]
pub enum Change {
    Approve,
    Pause,
    Resume,
}

impl Change {
    fn verb(self) -> &'static str {
        match self {
            Self::Approve => "approve",
            Self::Pause => "pause",
            Self::Resume => "resume",
        }
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

/// Which per-project counter an API request feeds.
#[derive(Clone, Copy, Debug)]
pub enum CountedCall {
    Cancel,
    Plan,
}

impl Entry {
    fn view(&self) -> ProjectView {
        ProjectView {
            project: self.project.clone(),
            shape: self.shape,
        }
    }

    /// Uses up one firing of the armed fault, if any, and if it does not let
    /// this request through.
    fn take_fault(&mut self) -> Option<ArmedFault> {
        let armed = self.fault?;
        self.fault_met += 1;
        if armed.fault.lets_through(self.fault_met) {
            return None;
        }
        self.fault = match armed.times {
            None => Some(armed),
            Some(n) if n > 1 => Some(ArmedFault {
                times: Some(n - 1),
                ..armed
            }),
            Some(_) => None,
        };
        Some(armed)
    }

    /// Pending tasks become skipped, done ones stay done, the project ends cancelled.
    fn cancel(&mut self, now: Timestamp) {
        for task in self.tasks.iter_mut().filter(|t| !t.status.is_settled()) {
            task.status = TaskStatus::Skipped;
            task.error_message = Some(model::CANCELLED_MESSAGE.to_owned());
            task.updated_at = now;
        }
        self.project.status = ProjectStatus::Cancelled;
        self.project.completed_at = Some(now);
        self.project.updated_at = now;
    }
}

impl State {
    fn entry(&mut self, id: &str) -> Result<&mut Entry, StoreError> {
        self.projects
            .get_mut(id)
            .ok_or_else(|| StoreError::ProjectNotFound(id.to_owned()))
    }

    fn insert(
        &mut self,
        project: Project,
        tasks: Vec<Task>,
        shape: Shape,
        fault: Option<ArmedFault>,
    ) {
        self.created += 1;
        let entry = Entry {
            order: self.created,
            project,
            tasks,
            shape,
            fault,
            fault_met: 0,
            stats: ProjectStats::default(),
        };
        self.projects.insert(entry.project.id.clone(), entry);
    }
}

impl Default for Store {
    fn default() -> Self {
        Self {
            state: Mutex::default(),
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
    pub fn create(&self, status: ProjectStatus, shape: Shape, fault: Option<ArmedFault>) -> String {
        let (project, tasks) = model::sample_project(status, Timestamp::now());
        let id = project.id.clone();
        self.lock().insert(project, tasks, shape, fault);
        id
    }

    /// `POST /start`: a new project in planning, without tasks yet.
    pub fn start(&self, description: &str, research_depth: &str) -> ProjectView {
        let project = model::started_project(description, research_depth, Timestamp::now());
        let view = ProjectView {
            project: project.clone(),
            shape: Shape::Full,
        };
        self.lock().insert(project, Vec::new(), Shape::Full, None);
        view
    }

    pub fn cancel(&self, id: &str) -> Result<CancelAnswer, StoreError> {
        let mut state = self.lock();
        let entry = state.entry(id)?;
        let fault = entry.take_fault();
        if let Some(armed) = fault.filter(|armed| !armed.commits) {
            return Ok(CancelAnswer::Faulted(armed.fault, entry.view()));
        }
        let cancellable = entry.project.status.is_cancellable();
        if cancellable {
            entry.cancel(Timestamp::now());
            entry.stats.transitions += 1;
        }
        let view = entry.view();
        Ok(match fault {
            Some(armed) => CancelAnswer::Faulted(armed.fault, view),
            None if cancellable => CancelAnswer::Cancelled(view),
            None => CancelAnswer::AlreadyFinished(view),
        })
    }

    pub fn change_status(&self, id: &str, change: Change) -> Result<ProjectView, StoreError> {
        let mut state = self.lock();
        let entry = state.entry(id)?;
        let (from, to) = change.statuses();
        if entry.project.status != from {
            return Err(StoreError::cannot(change.verb(), entry.project.status));
        }
        let now = Timestamp::now();
        let project = &mut entry.project;
        project.status = to;
        project.started_at.get_or_insert(now);
        project.updated_at = now;
        Ok(entry.view())
    }

    pub fn skip_task(&self, id: &str, task_id: &str) -> Result<(Task, Progress), StoreError> {
        let mut state = self.lock();
        let entry = state.entry(id)?;
        let now = Timestamp::now();
        let task = entry
            .tasks
            .iter_mut()
            .find(|t| t.id == task_id)
            .ok_or_else(|| StoreError::TaskNotFound(task_id.to_owned()))?;
        if task.status.is_settled() {
            return Err(StoreError::WrongStatus(format!(
                "Cannot skip task with status '{}'",
                task.status.as_str()
            )));
        }
        task.status = TaskStatus::Skipped;
        task.updated_at = now;
        let task = task.clone();
        entry.project.updated_at = now;
        Ok((task, Progress::of(&entry.tasks)))
    }

    pub fn plan(&self, id: &str) -> Result<(ProjectView, Vec<Task>), StoreError> {
        let mut state = self.lock();
        let entry = state.entry(id)?;
        Ok((entry.view(), entry.tasks.clone()))
    }

    /// Every project, oldest first.
    pub fn list(&self) -> Vec<ProjectSummary> {
        let state = self.lock();
        let mut entries: Vec<&Entry> = state.projects.values().collect();
        entries.sort_by_key(|entry| entry.order);
        entries
            .into_iter()
            .map(|entry| ProjectSummary {
                id: entry.project.id.clone(),
                title: entry.project.title.clone(),
                status: entry.project.status,
                task_counts: TaskStatus::ALL
                    .iter()
                    .map(|&status| {
                        let count = entry.tasks.iter().filter(|t| t.status == status).count();
                        (status.as_str().to_owned(), Value::from(count))
                    })
                    .collect(),
            })
            .collect()
    }

    /// Counts one request to an `/api/` path, and the project call it makes, if any.
    pub fn record_api_request(&self, call: Option<(&str, CountedCall)>) {
        // Read the clock before waiting for the lock: the time of arrival is wanted.
        let arrived = self.started.elapsed();
        let mut state = self.lock();
        state.api_requests += 1;
        if let Some((id, call)) = call {
            if let Some(entry) = state.projects.get_mut(id) {
                let stats = &mut entry.stats;
                match call {
                    CountedCall::Cancel => {
                        stats.cancel_requests += 1;
                        // Whole microseconds, so the JSON shows no float noise.
                        stats
                            .cancel_request_ms
                            .push(arrived.as_micros() as f64 / 1000.0);
                    }
                    CountedCall::Plan => stats.plan_requests += 1,
                }
            }
        }
    }

    pub fn project_stats(&self, id: &str) -> Option<ProjectStats> {
        self.lock()
            .projects
            .get(id)
            .map(|entry| entry.stats.clone())
    }

    pub fn server_stats(&self) -> ServerStats {
        let state = self.lock();
        let transitions = state
            .projects
            .values()
            .map(|entry| entry.stats.transitions)
            .sum();
        ServerStats {
            api_requests: state.api_requests,
            transitions,
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
        store.create(status, Shape::Full, None)
    }

    fn cancelled(answer: CancelAnswer) -> ProjectView {
        match answer {
            CancelAnswer::Cancelled(view) => view,
            other => panic!("expected a cancel, got {other:?}"),
        }
    }

    #[test]
    fn cancel_works_from_every_cancellable_status() {
        let store = Store::default();
        for status in ProjectStatus::ALL
            .into_iter()
            .filter(|s| s.is_cancellable())
        {
            let id = project_in(&store, status);
            let (_, before) = store.plan(&id).unwrap();
            let view = cancelled(store.cancel(&id).unwrap());
            let project = view.project;
            assert_eq!(project.status, ProjectStatus::Cancelled, "from {status:?}");
            assert_eq!(project.completed_at, Some(project.updated_at));

            let (_, after) = store.plan(&id).unwrap();
            for (old, new) in before.iter().zip(&after) {
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
        let store = Store::default();
        for status in [ProjectStatus::Completed, ProjectStatus::Cancelled] {
            let id = project_in(&store, status);
            let (before, _) = store.plan(&id).unwrap();
            match store.cancel(&id).unwrap() {
                CancelAnswer::AlreadyFinished(view) => {
                    assert_eq!(view.project.status, status);
                    assert_eq!(view.project.completed_at, before.project.completed_at);
                    assert_eq!(view.project.updated_at, before.project.updated_at);
                }
                other => panic!("expected no change, got {other:?}"),
            }
            assert_eq!(store.project_stats(&id).unwrap().transitions, 0);
        }
    }

    #[test]
    fn unknown_projects_and_tasks_are_reported() {
        let store = Store::default();
        assert_eq!(
            store.cancel("nope").unwrap_err(),
            StoreError::ProjectNotFound("nope".into())
        );
        let id = project_in(&store, ProjectStatus::Executing);
        assert_eq!(
            store.skip_task(&id, "nope").unwrap_err(),
            StoreError::TaskNotFound("nope".into())
        );
    }

    #[test]
    fn approve_pause_resume_follow_the_state_machine() {
        let store = Store::default();
        let id = project_in(&store, ProjectStatus::AwaitingApproval);
        assert_eq!(
            store.change_status(&id, Change::Pause).unwrap_err(),
            StoreError::WrongStatus("Cannot pause project with status 'awaiting_approval'".into())
        );
        let approved = store.change_status(&id, Change::Approve).unwrap().project;
        assert_eq!(approved.status, ProjectStatus::Executing);
        assert!(
            approved.started_at.is_some(),
            "approving starts the project"
        );
        let paused = store.change_status(&id, Change::Pause).unwrap().project;
        assert_eq!(paused.status, ProjectStatus::Paused);
        assert_eq!(paused.started_at, approved.started_at);
        let resumed = store.change_status(&id, Change::Resume).unwrap().project;
        assert_eq!(resumed.status, ProjectStatus::Executing);
        assert_eq!(
            store.change_status(&id, Change::Resume).unwrap_err(),
            StoreError::cannot("resume", ProjectStatus::Executing)
        );
        assert_eq!(
            store.server_stats().transitions,
            0,
            "only cancels are counted"
        );
    }

    #[test]
    fn skip_marks_one_task_and_reports_progress() {
        let store = Store::default();
        let id = project_in(&store, ProjectStatus::Executing);
        let (_, tasks) = store.plan(&id).unwrap();
        let pending = tasks
            .iter()
            .find(|t| t.status == TaskStatus::Blocked)
            .unwrap();
        let (task, progress) = store.skip_task(&id, &pending.id).unwrap();
        assert_eq!(task.status, TaskStatus::Skipped);
        assert_eq!((progress.total, progress.done, progress.skipped), (6, 2, 1));
        assert_eq!(
            store.skip_task(&id, &pending.id).unwrap_err(),
            StoreError::WrongStatus("Cannot skip task with status 'skipped'".into())
        );
    }

    #[test]
    fn a_fault_fires_the_given_number_of_times_without_touching_state() {
        let store = Store::default();
        let fault = ArmedFault {
            fault: SERVER_500,
            times: Some(2),
            commits: false,
        };
        let id = store.create(ProjectStatus::Executing, Shape::Full, Some(fault));
        for _ in 0..2 {
            match store.cancel(&id).unwrap() {
                CancelAnswer::Faulted(SERVER_500, view) => {
                    assert_eq!(view.project.status, ProjectStatus::Executing)
                }
                other => panic!("expected the fault, got {other:?}"),
            }
        }
        cancelled(store.cancel(&id).unwrap());
        assert_eq!(store.project_stats(&id).unwrap().transitions, 1);
    }

    #[test]
    fn a_committing_fault_cancels_first() {
        let store = Store::default();
        let fault = ArmedFault {
            fault: RESET,
            times: None,
            commits: true,
        };
        let id = store.create(ProjectStatus::Paused, Shape::Full, Some(fault));
        for expected_transitions in [1, 1] {
            match store.cancel(&id).unwrap() {
                CancelAnswer::Faulted(RESET, view) => {
                    assert_eq!(view.project.status, ProjectStatus::Cancelled)
                }
                other => panic!("expected the fault, got {other:?}"),
            }
            assert_eq!(
                store.project_stats(&id).unwrap().transitions,
                expected_transitions
            );
        }
    }

    #[test]
    fn flaky_faults_every_other_request_and_counts_only_those() {
        let store = Store::default();
        let flaky = Fault::Special(SpecialFault::Flaky);
        let fault = ArmedFault {
            fault: flaky,
            times: Some(2),
            commits: false,
        };
        let id = store.create(ProjectStatus::Executing, Shape::Full, Some(fault));
        let answers: Vec<&str> = (0..6)
            .map(|_| match store.cancel(&id).unwrap() {
                CancelAnswer::Faulted(fault, _) if fault == flaky => "fault",
                CancelAnswer::Cancelled(_) => "cancelled",
                CancelAnswer::AlreadyFinished(_) => "finished",
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
    fn listing_is_in_creation_order_with_task_counts() {
        let store = Store::default();
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
    }

    #[test]
    fn requests_are_counted_per_project() {
        let store = Store::default();
        let id = project_in(&store, ProjectStatus::Draft);
        store.record_api_request(Some((&id, CountedCall::Cancel)));
        store.record_api_request(Some((&id, CountedCall::Plan)));
        store.record_api_request(Some(("unknown", CountedCall::Cancel)));
        store.record_api_request(None);
        let stats = store.project_stats(&id).unwrap();
        assert_eq!((stats.cancel_requests, stats.plan_requests), (1, 1));
        assert_eq!(stats.cancel_request_ms.len(), 1);
        assert!(stats.cancel_request_ms[0] <= store.started.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(store.server_stats().api_requests, 4);
    }
}
