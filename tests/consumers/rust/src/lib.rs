//! What a Rust frontend writes with deepwork-client: the Rust examples of the README and
//! docs/ (the snippet check ties them to the regions here and in quick_start.rs).

pub mod quick_start;

// #region rust
use deepwork_client::{CallOptions, DeepWorkClient, Error, ErrorKind, ProjectStatus};
use std::time::Duration;

/// Cancels `id` and says what happened, in words for a status line.
pub async fn cancel(base_url: &str, token: &str, id: &str) -> Result<String, Error> {
    let client = DeepWorkClient::new(base_url, token)?;
    match client.cancel_project(id).await {
        Ok(project) if project.status == ProjectStatus::Cancelled => Ok(format!("{} cancelled", project.id)),
        Ok(project) => Ok(format!("{} was already {}", project.id, project.status)),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(format!("no project {id}")),
        Err(e) if e.kind() == ErrorKind::InvalidState => {
            Ok(format!("cannot cancel: it is {}", e.current_status().unwrap_or("?")))
        }
        Err(e) => Err(e),
    }
}

/// The same call with a 5 s limit, no retries and a signal that a Cancel button aborts.
pub async fn cancel_quickly(
    client: &DeepWorkClient,
    id: &str,
    signal: web_sys::AbortSignal,
) -> Result<ProjectStatus, Error> {
    let options = CallOptions::new()
        .timeout(Duration::from_secs(5))
        .max_retries(0)
        .signal(signal);
    Ok(client.with_options(options).cancel_project(id).await?.status)
}
// #endregion

// #region watch
use deepwork_client::WatchOptions;

/// Calls `show` with project `id`'s progress each time it moves, until the project
/// ends (Ok) or the watch meets an error it cannot outlive (NotFound after a delete, …).
pub async fn follow(client: &DeepWorkClient, id: &str, show: impl Fn(f64)) -> Result<(), Error> {
    let mut watch = client.watch_project(id, WatchOptions::new().interval(Duration::from_secs(1)))?;
    while let Some(plan) = watch.next().await {
        show(plan?.progress.percent);
    }
    Ok(())
}
// #endregion

// #region live
use deepwork_client::{NewProject, Plan, ProjectFilter, WaitOptions, WatchState};

/// Keeps a dashboard's list current: `show` gets each list with what changed, `status`
/// where the watch stands ("Reconnecting in 8 s", "Offline", …).
pub async fn live_list(
    client: &DeepWorkClient,
    show: impl Fn(&[String], &[String]),
    status: impl Fn(&WatchState) + 'static,
) -> Result<(), Error> {
    let options = WatchOptions::new().on_state_change(status);
    let mut projects = client.watch_projects(&ProjectFilter::new(), options)?;
    while let Some(update) = projects.next().await {
        let update = update?;
        show(&update.added, &update.removed); // and update.changed, update.list
    }
    Ok(())
}

/// Starts a project and waits for its plan, ready to be approved.
pub async fn start_and_plan(client: &DeepWorkClient, goal: &str) -> Result<Plan, Error> {
    let project = client.start_project(&NewProject::new(goal)).await?;
    let waiting = WaitOptions::new().timeout(Duration::from_secs(300));
    client
        .wait_for_project(&project.id, ProjectStatus::AwaitingApproval, waiting)
        .await
}
// #endregion

/// Starts a cancel from a UI event, as a frontend does: the future runs on the page.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn start(base_url: String, token: String, id: String) {
    wasm_bindgen_futures::spawn_local(async move {
        let _ = cancel(&base_url, &token, &id).await;
    });
}
