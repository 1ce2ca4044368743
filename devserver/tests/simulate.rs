//! Projects that progress by themselves: `POST /__dev/projects/{id}/advance` and
//! `--simulate`'s ticks, over real sockets.

mod common;

use std::time::Duration;

use common::{TestServer, PATIENCE};
use deepwork_devserver::{Flavor, ProjectStatus};
use serde_json::{json, Value};

fn advance_path(id: &str) -> String {
    format!("/__dev/projects/{id}/advance")
}

/// Advances `id` by `steps` and returns the answer, a project summary.
async fn advance(server: &TestServer, id: &str, steps: u32) -> Value {
    let reply = server
        .post(&advance_path(id))
        .json(&json!({ "steps": steps }))
        .send()
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    reply.json()
}

/// The project as `GET /__dev/projects` lists it.
async fn listed(server: &TestServer, id: &str) -> Value {
    let listing = server.get("/__dev/projects").send().await.json();
    let projects = listing["projects"].as_array().unwrap();
    projects.iter().find(|p| p["id"] == id).unwrap().clone()
}

async fn start(server: &TestServer) -> String {
    let body = json!({"description": "Build a recipe API. Add search; ship the docs"});
    let reply = server.post("/api/deep-work/start").json(&body).send().await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    reply.json()["project"]["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_started_project_awaits_approval_with_a_plan_after_one_advance() {
    let server = TestServer::lenient().await;
    let id = start(&server).await;
    // No body at all is one step.
    let reply = server.post(&advance_path(&id)).send().await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    let summary = reply.json();
    assert_eq!(summary, listed(&server, &id).await, "the listing's summary");
    assert_eq!(summary["status"], "awaiting_approval");

    let plan = server.plan(&id).await;
    let tasks = plan["tasks"].as_array().unwrap();
    assert!((4..=8).contains(&tasks.len()), "{}", tasks.len());
    let levels = plan["execution_levels"].as_array().unwrap().len();
    assert!((2..=4).contains(&levels), "{levels}");
    assert!(tasks.iter().all(|t| t["status"] == "inbox"));
    assert!(tasks.iter().any(|t| t["task_type"] == "human"));
    assert_eq!(
        plan["project"]["task_ids"].as_array().unwrap().len(),
        tasks.len()
    );
    assert_eq!(plan["progress"]["human_pending"], 1);
}

#[tokio::test]
async fn an_executing_seed_advances_until_completed_or_waiting_on_failed_tasks() {
    let server = TestServer::lenient().await;
    let id = server.seeded(ProjectStatus::Executing);
    let summary = advance(&server, &id, 1000).await;
    let plan = server.plan(&id).await;
    match summary["status"].as_str().unwrap() {
        "completed" => assert_eq!(plan["progress"]["percent"], 100.0),
        "executing" => {
            // Nothing moves any more: the first unfinished level has only failed tasks.
            assert_eq!(advance(&server, &id, 1).await, summary);
            let tasks = plan["tasks"].as_array().unwrap();
            let task = |id: &Value| tasks.iter().find(|t| &t["id"] == id).unwrap();
            let settled = |t: &Value| t["status"] == "done" || t["status"] == "skipped";
            let levels = plan["execution_levels"].as_array().unwrap();
            let first = levels
                .iter()
                .map(|level| level.as_array().unwrap())
                .find(|level| level.iter().any(|id| !settled(task(id))))
                .unwrap();
            for waiting in first.iter().map(task).filter(|t| !settled(t)) {
                assert_eq!(waiting["status"], "blocked");
                assert!(waiting["error_message"].is_string());
            }
        }
        other => panic!("ended {other}"),
    }
}

#[tokio::test]
async fn a_retry_lets_a_waiting_project_go_on() {
    let server = TestServer::lenient().await;
    let id = server.seeded(ProjectStatus::Executing);
    // The seeded project has a failed task, so it comes to wait on it.
    let summary = advance(&server, &id, 1000).await;
    assert_eq!(summary["status"], "executing");
    let blocked: Vec<&Value> = summary["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["status"] == "blocked")
        .collect();
    for task in blocked {
        let task_id = task["id"].as_str().unwrap();
        let path = format!("/api/deep-work/projects/{id}/tasks/{task_id}/retry");
        assert_eq!(server.post(&path).send().await.status, 200);
    }
    let after = advance(&server, &id, 1).await;
    assert_ne!(after, summary, "the retried task moves");
}

#[tokio::test]
async fn advance_refuses_bad_steps_and_unknown_projects() {
    let server = TestServer::lenient().await;
    let id = server.seeded(ProjectStatus::Approved);
    for body in [
        json!({"steps": 0}),
        json!({"steps": 1001}),
        json!({"steps": "one"}),
        json!({"step": 1}),
    ] {
        let reply = server.post(&advance_path(&id)).json(&body).send().await;
        assert_eq!(reply.status, 422, "{body}");
        assert!(reply.detail().is_string(), "{}", reply.text());
    }
    assert_eq!(listed(&server, &id).await["status"], "approved");

    let reply = server.post(&advance_path("nope")).send().await;
    assert_eq!(
        (reply.status, reply.detail()),
        (404, json!("Project not found: nope"))
    );
    let deleted = server.seeded(ProjectStatus::Draft);
    let path = format!("/api/mission-control/projects/{deleted}");
    assert_eq!(server.request("DELETE", &path).send().await.status, 200);
    assert_eq!(
        server.post(&advance_path(&deleted)).send().await.status,
        404
    );

    let summary = advance(&server, &id, 1).await;
    assert_eq!(summary["status"], "executing");
    assert_eq!(
        advance(&server, &server.seeded(ProjectStatus::Paused), 3).await["status"],
        "paused"
    );
}

/// The statuses and task statuses of every project, which a seed decides (ids and
/// timestamps are new each run).
async fn states(server: &TestServer) -> Vec<Value> {
    let listing = server.get("/__dev/projects").send().await.json();
    listing["projects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| json!([p["status"], p["task_counts"]]))
        .collect()
}

#[tokio::test]
async fn the_same_seed_and_requests_replay_the_same_run() {
    let replay = |seed| async move {
        let mut config = common::config(Flavor::Lenient);
        config.seed = seed;
        let server = TestServer::start(config).await;
        let id = start(&server).await;
        advance(&server, &id, 1).await;
        let approve = format!("/api/deep-work/projects/{id}/approve");
        assert_eq!(server.post(&approve).send().await.status, 200);
        advance(&server, &id, 6).await;
        advance(&server, &server.seeded(ProjectStatus::Approved), 8).await;
        states(&server).await
    };
    let first = replay(7).await;
    assert_eq!(replay(7).await, first);
    let mut differs = false;
    for seed in 8..20 {
        differs |= replay(seed).await != first;
    }
    assert!(differs, "another seed runs another way");
}

#[tokio::test]
async fn with_simulate_every_project_progresses_by_itself() {
    let mut config = common::config(Flavor::Lenient);
    config.simulate = Some(Duration::from_millis(50));
    let server = TestServer::start(config).await;
    let id = start(&server).await;
    let approved = server.seeded(ProjectStatus::Approved);
    let paused = server.seeded(ProjectStatus::Paused);
    // Polls with a deadline: waits for the ticks, however slow the machine.
    let deadline = tokio::time::Instant::now() + PATIENCE;
    loop {
        let (started, approved) = (listed(&server, &id).await, listed(&server, &approved).await);
        if started["status"] == "awaiting_approval" && approved["status"] != "approved" {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no ticks: {started} {approved}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(listed(&server, &paused).await["status"], "paused");
    server.stop();
    tokio::time::timeout(PATIENCE, server.task)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
}
