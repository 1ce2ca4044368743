//! Dev-control routes, faults, shapes, counters and concurrency, over real sockets.

mod common;

use std::time::Duration;

use common::{keys, Ending, Reply, TestServer, PATIENCE, PROJECT_FIELDS};
use deepwork_devserver::{Flavor, ProjectStatus};
use serde_json::{json, Value};

/// Long enough to be sure that an answer that should not come does not come.
const SILENCE: Duration = Duration::from_millis(300);

fn cancel_path(id: &str) -> String {
    format!("/api/deep-work/projects/{id}/cancel")
}

async fn faulted(server: &TestServer, fault: &str) -> (String, Reply) {
    let id = server
        .create(json!({"status": "executing", "fault": fault}))
        .await;
    let reply = server.cancel(&id).await;
    (id, reply)
}

async fn status_of(server: &TestServer, id: &str) -> Value {
    server.plan(id).await["project"]["status"].clone()
}

#[tokio::test]
async fn faults_with_a_complete_answer() {
    let server = TestServer::lenient().await;

    let (_, reply) = faulted(&server, "html_500").await;
    assert_eq!(
        (reply.status, reply.header("content-type")),
        (500, Some("text/html"))
    );
    assert_eq!(
        reply.text(),
        "<html><body><h1>Internal Server Error</h1></body></html>"
    );

    let (_, reply) = faulted(&server, "empty_502").await;
    assert_eq!((reply.status, reply.header("content-type")), (502, None));
    assert!(reply.body.is_empty());

    let (id, reply) = faulted(&server, "truncated_json").await;
    assert_eq!(
        (reply.status, reply.header("content-type")),
        (200, Some("application/json"))
    );
    assert!(
        serde_json::from_slice::<Value>(&reply.body).is_err(),
        "must not parse"
    );
    assert!(reply
        .text()
        .starts_with(r#"{"success":true,"project":{"id":""#));
    assert!(reply.text().contains(&id));

    let (_, reply) = faulted(&server, "wrong_shape").await;
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.json(),
        json!({"success": true, "project": {"id": 42, "status": ["cancelled"]}})
    );

    let (id, reply) = faulted(&server, "success_false").await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json()["success"], false);
    assert_eq!(reply.json()["project"]["id"], id.as_str());

    let (_, reply) = faulted(&server, "wrong_status").await;
    assert_eq!(
        (reply.status, reply.json()["success"].clone()),
        (200, json!(true))
    );
    assert_eq!(reply.json()["project"]["status"], "executing");

    let (_, reply) = faulted(&server, "rate_limited").await;
    assert_eq!(
        (reply.status, reply.header("retry-after")),
        (429, Some("1"))
    );
    assert_eq!(reply.json(), json!({"detail": "Too many requests"}));

    let (_, reply) = faulted(&server, "service_unavailable").await;
    assert_eq!(
        (reply.status, reply.header("retry-after")),
        (503, Some("1"))
    );
    assert_eq!(
        reply.json(),
        json!({"detail": "Service temporarily unavailable"})
    );

    let (_, reply) = faulted(&server, "validation_422").await;
    assert_eq!(reply.status, 422);
    assert_eq!(
        reply.json(),
        json!({"detail": [{"loc": ["path", "project_id"], "msg": "value is not a valid uuid", "type": "type_error.uuid"}]})
    );

    let (_, reply) = faulted(&server, "server_500").await;
    assert_eq!(reply.status, 500);
    assert_eq!(
        reply.json(),
        json!({"detail": "Internal error: database unavailable"})
    );
}

#[tokio::test]
async fn hang_sends_nothing_and_keeps_the_connection() {
    let server = TestServer::lenient().await;
    let id = server
        .create(json!({"status": "executing", "fault": "hang"}))
        .await;
    let (bytes, ending) = server.post(&cancel_path(&id)).send_raw(SILENCE).await;
    assert_eq!((bytes.len(), ending), (0, Ending::StillOpen));
    assert_eq!(status_of(&server, &id).await, "executing", "not committed");
}

#[tokio::test]
async fn stall_body_sends_headers_and_half_a_body() {
    let server = TestServer::lenient().await;
    let id = server
        .create(json!({"status": "executing", "fault": "stall_body"}))
        .await;
    let (bytes, ending) = server.post(&cancel_path(&id)).send_raw(SILENCE).await;
    assert_eq!(ending, Ending::StillOpen);
    let text = String::from_utf8_lossy(&bytes);
    assert!(text.starts_with("HTTP/1.1 200 OK\r\n"), "{text}");
    assert!(
        text.contains("content-type: application/json\r\n"),
        "{text}"
    );
    assert!(
        text.contains(r#"{"success":true,"project":{"id":""#),
        "{text}"
    );
    assert!(
        !text.ends_with("0\r\n\r\n"),
        "the body must not be finished"
    );
}

#[tokio::test]
async fn reset_aborts_the_connection_without_an_answer() {
    let server = TestServer::lenient().await;
    let id = server
        .create(json!({"status": "executing", "fault": "reset", "fault_commits": true}))
        .await;
    let (bytes, ending) = server.post(&cancel_path(&id)).send_raw(PATIENCE).await;
    assert_eq!((bytes.len(), ending), (0, Ending::Reset));
    assert_eq!(
        status_of(&server, &id).await,
        "cancelled",
        "the answer was lost, the cancel was not"
    );
}

#[tokio::test]
async fn redirect_cross_origin_swaps_the_loopback_name() {
    let server = TestServer::lenient().await;
    let id = server
        .create(json!({"status": "executing", "fault": "redirect_cross_origin"}))
        .await;
    let port = server.addr.port();
    let path = cancel_path(&id);

    let reply = server.post(&path).send().await;
    assert_eq!(reply.status, 307);
    assert_eq!(
        reply.header("location"),
        Some(format!("http://localhost:{port}{path}").as_str())
    );

    let reply = server
        .post(&path)
        .header("Host", &format!("localhost:{port}"))
        .send()
        .await;
    assert_eq!(
        reply.header("location"),
        Some(format!("http://127.0.0.1:{port}{path}").as_str())
    );
}

#[tokio::test]
async fn fault_times_limits_how_often_a_fault_fires() {
    let server = TestServer::lenient().await;
    let id = server
        .create(json!({"status": "paused", "fault": "server_500", "fault_times": 2}))
        .await;
    assert_eq!(server.cancel(&id).await.status, 500);
    assert_eq!(server.cancel(&id).await.status, 500);
    assert_eq!(status_of(&server, &id).await, "paused");
    let reply = server.cancel(&id).await;
    assert_eq!(
        (reply.status, reply.json()["project"]["status"].clone()),
        (200, json!("cancelled"))
    );

    let always = server
        .create(json!({"status": "paused", "fault": "empty_502", "fault_times": null}))
        .await;
    for _ in 0..5 {
        assert_eq!(server.cancel(&always).await.status, 502);
    }
    assert_eq!(
        server.stats(&always).await,
        json!({"cancel_requests": 5, "plan_requests": 0, "transitions": 0})
    );
}

#[tokio::test]
async fn a_committing_fault_cancels_before_answering() {
    let server = TestServer::lenient().await;
    let id = server
        .create(json!({"status": "executing", "fault": "success_false", "fault_times": 1, "fault_commits": true}))
        .await;
    let reply = server.cancel(&id).await;
    assert_eq!(reply.json()["success"], false);
    assert_eq!(reply.json()["project"]["status"], "cancelled");
    assert_eq!(server.stats(&id).await["transitions"], 1);
    let retry = server.cancel(&id).await.json();
    assert_eq!(
        (retry["success"].clone(), retry["project"]["status"].clone()),
        (json!(true), json!("cancelled"))
    );
    assert_eq!(
        server.stats(&id).await["transitions"],
        1,
        "the retry changes nothing"
    );
}

#[tokio::test]
async fn shapes_apply_to_cancel_and_plan() {
    let server = TestServer::lenient().await;
    let minimal = server
        .create(json!({"status": "executing", "shape": "minimal"}))
        .await;
    let six = [
        "id",
        "title",
        "status",
        "completed_at",
        "task_ids",
        "team_agent_ids",
    ];
    assert_eq!(keys(&server.plan(&minimal).await["project"]), six);
    assert_eq!(keys(&server.cancel(&minimal).await.json()["project"]), six);

    let extra = server
        .create(json!({"status": "executing", "shape": "extra_fields"}))
        .await;
    for project in [
        server.plan(&extra).await["project"].clone(),
        server.cancel(&extra).await.json()["project"].clone(),
    ] {
        assert_eq!(keys(&project)[..15], PROJECT_FIELDS);
        assert_eq!(project["priority"], "high");
        assert_eq!(project["x_future"], json!({"nested": [1, 2]}));
    }

    let full = server.create(json!({"status": "executing"})).await;
    assert_eq!(keys(&server.plan(&full).await["project"]), PROJECT_FIELDS);
}

#[tokio::test]
async fn created_projects_have_tasks_and_show_in_the_listing() {
    let server = TestServer::lenient().await;
    let id = server.create(json!({"status": "completed"})).await;
    let plan = server.plan(&id).await;
    assert_eq!(plan["project"]["status"], "completed");
    assert_eq!(plan["tasks"].as_array().unwrap().len(), 6);

    let listing = server.get("/__dev/projects").send().await.json();
    let projects = listing["projects"].as_array().unwrap();
    assert_eq!(projects.len(), 10);
    assert_eq!(projects[0]["title"], "<img src=x onerror=alert(1)>");
    let created = projects.last().unwrap();
    assert_eq!(keys(created), ["id", "title", "status", "task_counts"]);
    assert_eq!(
        (created["id"].as_str(), created["status"].as_str()),
        (Some(id.as_str()), Some("completed"))
    );
    assert_eq!(created["task_counts"]["done"], 5);
    assert_eq!(created["task_counts"]["skipped"], 1);
}

#[tokio::test]
async fn create_rejects_bad_bodies() {
    let server = TestServer::lenient().await;
    for body in [
        json!({"status": "nonsense"}),
        json!({}),
        json!({"status": "draft", "shape": "round"}),
        json!({"status": "draft", "fault": "meteor"}),
        json!({"status": "draft", "fault": "hang", "fault_times": 0}),
        json!({"status": "draft", "colour": "red"}),
    ] {
        let reply = server.post("/__dev/projects").json(&body).send().await;
        assert_eq!(reply.status, 422, "{body}");
        assert!(reply.detail().is_string(), "{body}");
    }
    assert_eq!(
        server.get("/__dev/projects").send().await.json()["projects"]
            .as_array()
            .unwrap()
            .len(),
        9
    );
}

#[tokio::test]
async fn counters_see_every_request() {
    let server = TestServer::lenient().await;
    let id = server.seeded(ProjectStatus::Executing);
    let path = cancel_path(&id);
    server.post(&path).no_auth().send().await; // 401: still counted
    server
        .request("OPTIONS", &path)
        .origin(common::ORIGIN)
        .header("Access-Control-Request-Method", "POST")
        .send()
        .await;
    server.cancel(&id).await;
    server.cancel(&id).await;
    server.plan(&id).await;
    server.post("/api/nope").send().await;
    server.get("/__dev/projects").send().await; // not an /api/ request
    server.request("OPTIONS", &path).send().await; // 405, but OPTIONS is never counted

    assert_eq!(
        server.stats(&id).await,
        json!({"cancel_requests": 3, "plan_requests": 1, "transitions": 1})
    );
    assert_eq!(
        server.get("/__dev/stats").send().await.json(),
        json!({"api_requests": 5, "transitions": 1})
    );
    let unknown = server.get("/__dev/projects/nope/stats").send().await;
    assert_eq!(
        (unknown.status, unknown.detail()),
        (404, json!("Project not found: nope"))
    );
}

#[tokio::test]
async fn dev_routes_are_404_without_faults_except_the_listing() {
    let mut config = common::config(Flavor::Lenient);
    config.faults = false;
    let server = TestServer::start(config).await;
    let id = server.seeded(ProjectStatus::Draft);
    for (method, path) in [
        ("POST", "/__dev/projects".to_owned()),
        ("GET", "/__dev/stats".to_owned()),
        ("GET", format!("/__dev/projects/{id}/stats")),
    ] {
        let reply = server
            .request(method, &path)
            .json(&json!({"status": "draft", "fault": "hang"}))
            .send()
            .await;
        assert_eq!(
            (reply.status, reply.json()),
            (404, json!({"detail": "Not Found"})),
            "{method} {path}"
        );
    }
    let listing = server.get("/__dev/projects").send().await;
    assert_eq!(listing.status, 200);
    assert_eq!(listing.json()["projects"].as_array().unwrap().len(), 9);
}

async fn concurrent_cancels(server: &TestServer, id: &str, count: usize) -> Vec<Reply> {
    let requests: Vec<_> = (0..count)
        .map(|_| {
            let request = server.post(&cancel_path(id));
            tokio::spawn(request.send())
        })
        .collect();
    let mut replies = Vec::new();
    for request in requests {
        replies.push(request.await.unwrap());
    }
    replies
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_cancels_make_exactly_one_transition() {
    let server = TestServer::lenient().await;
    let id = server.seeded(ProjectStatus::Executing);
    let replies = concurrent_cancels(&server, &id, 200).await;
    assert!(replies.iter().all(|r| r.status == 200));
    let completed: Vec<Value> = replies
        .iter()
        .map(|r| r.json()["project"]["completed_at"].clone())
        .collect();
    assert!(
        completed
            .iter()
            .all(|c| *c == completed[0] && c.is_string()),
        "one cancel, one completed_at"
    );
    assert_eq!(
        server.stats(&id).await,
        json!({"cancel_requests": 200, "plan_requests": 0, "transitions": 1})
    );
    assert_eq!(
        server.get("/__dev/stats").send().await.json()["transitions"],
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_cancels_documented_give_one_success() {
    let server = TestServer::documented().await;
    let id = server.seeded(ProjectStatus::Paused);
    let replies = concurrent_cancels(&server, &id, 200).await;
    assert_eq!(replies.iter().filter(|r| r.status == 200).count(), 1);
    assert_eq!(replies.iter().filter(|r| r.status == 400).count(), 199);
}

#[tokio::test]
async fn stopping_ends_hanging_and_stalled_answers() {
    let server = TestServer::lenient().await;
    let hang = server
        .create(json!({"status": "executing", "fault": "hang"}))
        .await;
    let stall = server
        .create(json!({"status": "executing", "fault": "stall_body"}))
        .await;
    let hanging = tokio::spawn(server.post(&cancel_path(&hang)).send_raw(PATIENCE));
    let stalled = tokio::spawn(server.post(&cancel_path(&stall)).send_raw(PATIENCE));
    // Both requests have reached the server once the counters show them.
    let arrived = async {
        while server.stats(&hang).await["cancel_requests"] == 0
            || server.stats(&stall).await["cancel_requests"] == 0
        {
            tokio::task::yield_now().await;
        }
    };
    tokio::time::timeout(PATIENCE, arrived).await.unwrap();

    server.stop();
    let (hang_bytes, hang_ending) = hanging.await.unwrap();
    assert_eq!((hang_bytes.len(), hang_ending), (0, Ending::Reset));
    let (stall_bytes, stall_ending) = stalled.await.unwrap();
    assert_ne!(stall_ending, Ending::StillOpen);
    assert!(!stall_bytes.is_empty());
    assert!(
        !stall_bytes.ends_with(b"0\r\n\r\n"),
        "the body must stay unfinished"
    );
    tokio::time::timeout(PATIENCE, server.task)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
}
