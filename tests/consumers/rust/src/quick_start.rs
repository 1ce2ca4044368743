//! The README's Rust quick start.

// #region quickstart
use deepwork_client::{DeepWorkClient, Error, NewProject, ProjectFilter, ProjectStatus, WaitOptions};

/// Starts a project, waits for its plan and approves it; then counts what runs.
pub async fn quick_start(base_url: &str, token: &str) -> Result<String, Error> {
    let client = DeepWorkClient::new(base_url, token)?;
    let project = client.start_project(&NewProject::new("Build a REST API for a todo app")).await?;
    let plan = client
        .wait_for_project(&project.id, ProjectStatus::AwaitingApproval, WaitOptions::new())
        .await?;
    let approved = client.approve_project(&project.id).await?;
    let running = client
        .list_projects(&ProjectFilter::new().status(ProjectStatus::Executing).limit(10))
        .await?;
    Ok(format!(
        "{} tasks; {} is {}; {} executing",
        plan.tasks.len(),
        approved.id,
        approved.status,
        running.count
    ))
}
// #endregion
