//! Faults on every route: `fault_on` for the routes of a project, `POST /__dev/faults`
//! for the others, and the per-route request counters, over real sockets.

mod common;

use std::time::Duration;

use common::{keys, Ending, Reply, TestServer, PATIENCE};
use deepwork_devserver::Flavor;
use serde_json::{json, Value};

/// Long enough to be sure that an answer that should not come does not come.
const SILENCE: Duration = Duration::from_millis(300);

/// A project route, the status its project needs for the request to succeed, and
/// the task (by status) that skip and retry act on.
const ROUTES: [(&str, &str, Option<&str>); 9] = [
    ("cancel", "executing", None),
    ("plan", "executing", None),
    ("approve", "awaiting_approval", None),
    ("pause", "executing", None),
    ("resume", "paused", None),
    ("skip", "executing", Some("inbox")),
    ("retry", "executing", Some("blocked")),
    ("get", "executing", None),
    ("delete", "executing", None),
];

/// A project made with `spec`, and the method and path of `route` on it.
struct Target {
    id: String,
    task: Option<String>,
    method: &'static str,
    path: String,
}

async fn target(server: &TestServer, route: &str, spec: Value) -> Target {
    let (_, status, task_status) = ROUTES.iter().find(|(r, ..)| *r == route).unwrap();
    let mut spec = spec;
    spec["status"] = json!(status);
    spec["fault_on"] = json!(route);
    let reply = server.post("/__dev/projects").json(&spec).send().await;
    assert_eq!(reply.status, 201, "{}", reply.text());
    let created = reply.json();
    let id = created["id"].as_str().unwrap().to_owned();
    let task = task_status.map(|wanted| {
        let tasks = created["tasks"].as_array().unwrap();
        let task = tasks.iter().find(|t| t["status"] == wanted).unwrap();
        task["id"].as_str().unwrap().to_owned()
    });
    let (method, path) = match (route, &task) {
        ("plan", _) => ("GET", format!("/api/deep-work/projects/{id}/plan")),
        ("get", _) => ("GET", format!("/api/mission-control/projects/{id}")),
        ("delete", _) => ("DELETE", format!("/api/mission-control/projects/{id}")),
        (action, Some(task)) => (
            "POST",
            format!("/api/deep-work/projects/{id}/tasks/{task}/{action}"),
        ),
        (action, None) => ("POST", format!("/api/deep-work/projects/{id}/{action}")),
    };
    Target {
        id,
        task,
        method,
        path,
    }
}

impl Target {
    async fn send(&self, server: &TestServer) -> Reply {
        server.request(self.method, &self.path).send().await
    }

    async fn send_raw(&self, server: &TestServer, wait: Duration) -> (Vec<u8>, Ending) {
        server.request(self.method, &self.path).send_raw(wait).await
    }
}

/// The project's status and, for skip and retry, its task's status; `None` once
/// deleted. Read through get, or through the plan where the fault waits on get.
async fn state_of(server: &TestServer, target: &Target) -> Option<(Value, Option<Value>)> {
    let path = if target.path.starts_with("/api/mission-control/") && target.method == "GET" {
        format!("/api/deep-work/projects/{}/plan", target.id)
    } else {
        format!("/api/mission-control/projects/{}", target.id)
    };
    let reply = server.get(&path).send().await;
    if reply.status == 404 {
        return None;
    }
    let body = reply.json();
    let task = target.task.as_ref().map(|id| {
        let tasks = body["tasks"].as_array().unwrap();
        tasks.iter().find(|t| t["id"] == id.as_str()).unwrap()["status"].clone()
    });
    Some((body["project"]["status"].clone(), task))
}

/// The faults whose answer is complete, and the status it has.
const COMPLETE: [(&str, u16); 24] = [
    ("html_500", 500),
    ("empty_502", 502),
    ("truncated_json", 200),
    ("wrong_shape", 200),
    ("success_false", 200),
    ("wrong_status", 200),
    ("bad_request_400", 400),
    ("echo_token_401", 401),
    ("forbidden_403", 403),
    ("request_timeout_408", 408),
    ("conflict_409", 409),
    ("teapot_418", 418),
    ("validation_422", 422),
    ("rate_limited", 429),
    ("rate_limited_long", 429),
    ("rate_limited_date", 429),
    ("service_unavailable", 503),
    ("gateway_timeout_504", 504),
    ("redirect_cross_origin", 307),
    ("server_500", 500),
    ("server_500_retry_after", 500),
    ("hang", 0),
    ("stall_body", 200),
    ("reset", 0),
];

#[tokio::test]
async fn every_fault_fires_on_every_project_route_without_committing() {
    let server = TestServer::lenient().await;
    // All at once: the faults that never answer take their time in parallel.
    let checks = ROUTES.iter().flat_map(|(route, ..)| {
        COMPLETE
            .iter()
            .map(|(fault, status)| fires_once(&server, route, fault, *status))
    });
    futures_util::future::join_all(checks).await;
}

/// `fault` armed once on `route` answers with `status` (or, for the faults that
/// give no complete answer, as they do), changes nothing, and is then used up.
async fn fires_once(server: &TestServer, route: &str, fault: &str, status: u16) {
    let target = target(server, route, json!({"fault": fault, "fault_times": 1})).await;
    let before = state_of(server, &target).await;
    let context = format!("{fault} on {route}");
    match fault {
        "hang" | "stall_body" | "reset" => {
            let (bytes, ending) = target.send_raw(server, SILENCE).await;
            let expected = if fault == "reset" {
                Ending::Reset
            } else {
                Ending::StillOpen
            };
            assert_eq!(ending, expected, "{context}");
            assert_eq!(bytes.is_empty(), fault != "stall_body", "{context}");
        }
        _ => {
            let reply = target.send(server).await;
            assert_eq!(reply.status, status, "{context}: {}", reply.text());
        }
    }
    assert_eq!(
        state_of(server, &target).await,
        before,
        "{context}: not committed"
    );
    let after = target.send(server).await;
    assert_eq!(
        after.status, 200,
        "{context}: fault_times 1, then a normal answer"
    );
}

#[tokio::test]
async fn committing_faults_carry_the_request_out_on_every_route() {
    let server = TestServer::lenient().await;
    for (route, ..) in ROUTES {
        let target = target(
            &server,
            route,
            json!({"fault": "reset", "fault_commits": true}),
        )
        .await;
        let before = state_of(&server, &target).await;
        let (bytes, ending) = target.send_raw(&server, PATIENCE).await;
        assert_eq!((bytes.len(), ending), (0, Ending::Reset), "{route}");
        let after = state_of(&server, &target).await;
        let expected = match route {
            "cancel" => Some((json!("cancelled"), None)),
            "approve" | "resume" => Some((json!("executing"), None)),
            "pause" => Some((json!("paused"), None)),
            "skip" => Some((json!("executing"), Some(json!("skipped")))),
            "retry" => Some((json!("executing"), Some(json!("assigned")))),
            "delete" => None,
            _ => before,
        };
        assert_eq!(after, expected, "{route}");
    }
}

#[tokio::test]
async fn fault_bodies_fit_their_route() {
    let server = TestServer::lenient().await;
    let skip = target(&server, "skip", json!({"fault": "truncated_json"})).await;
    let text = skip.send(&server).await.text();
    assert!(
        text.starts_with(r#"{"success":true,"task":{"id":""#),
        "{text}"
    );
    assert!(serde_json::from_str::<Value>(&text).is_err());

    let plan = target(&server, "plan", json!({"fault": "success_false"})).await;
    let body = plan.send(&server).await.json();
    assert_eq!(keys(&body)[..2], ["success", "project"]);
    assert_eq!(body["success"], false);
    assert_eq!(body["project"]["id"], plan.id.as_str());

    let retry = target(
        &server,
        "retry",
        json!({"fault": "wrong_status", "fault_commits": true}),
    )
    .await;
    let body = retry.send(&server).await.json();
    assert_eq!(
        (body["success"].clone(), body["task"]["status"].clone()),
        (json!(true), json!("in_progress"))
    );
    assert_eq!(
        body["task"]["retry_count"], 2,
        "committed, so the retry shows"
    );
    assert_eq!(
        keys(&body),
        ["success", "task", "progress"],
        "no fields added"
    );
    let delete = target(&server, "delete", json!({"fault": "wrong_status"})).await;
    assert_eq!(
        delete.send(&server).await.json(),
        json!({"success": true, "message": format!("Project {} deleted", delete.id)}),
        "nothing to make wrong"
    );
    let approve = target(&server, "approve", json!({"fault": "wrong_status"})).await;
    let body = approve.send(&server).await.json();
    assert_eq!(body["project"]["status"], "awaiting_approval");

    let get = target(&server, "get", json!({"fault": "wrong_shape"})).await;
    assert_eq!(
        get.send(&server).await.json(),
        json!({"project": {"id": 42, "status": ["cancelled"]}, "tasks": {"id": 42}, "progress": null})
    );
    let delete = target(&server, "delete", json!({"fault": "validation_422"})).await;
    assert_eq!(
        delete.send(&server).await.detail()[0]["loc"],
        json!(["path", "project_id"])
    );
    let skip = target(&server, "skip", json!({"fault": "validation_422"})).await;
    assert_eq!(
        skip.send(&server).await.detail()[0]["loc"],
        json!(["path", "task_id"])
    );

    let pause = target(
        &server,
        "pause",
        json!({"fault": "stall_body", "fault_commits": true}),
    )
    .await;
    let (bytes, _) = pause.send_raw(&server, SILENCE).await;
    let text = String::from_utf8_lossy(&bytes);
    assert!(
        text.contains(r#"{"success":true,"project":{"id":""#),
        "{text}"
    );
    assert_eq!(
        state_of(&server, &pause).await,
        Some((json!("paused"), None))
    );
}

#[tokio::test]
async fn a_fault_waits_only_on_its_route_and_its_project() {
    let server = TestServer::lenient().await;
    let skip = target(&server, "skip", json!({"fault": "server_500"})).await;
    // Other routes of the project, and other projects' skips, answer normally.
    assert_eq!(
        server.plan(&skip.id).await["project"]["status"],
        "executing"
    );
    let other = target(&server, "skip", json!({})).await;
    assert_eq!(other.send(&server).await.status, 200);
    // Any task of the project meets it; an unknown task never does.
    assert_eq!(skip.send(&server).await.status, 500);
    let unknown = server
        .post(&format!(
            "/api/deep-work/projects/{}/tasks/nope/skip",
            skip.id
        ))
        .send()
        .await;
    assert_eq!(unknown.status, 404);

    let flaky = target(&server, "get", json!({"fault": "flaky"})).await;
    let mut pattern = Vec::new();
    for _ in 0..4 {
        let (_, ending) = flaky.send_raw(&server, PATIENCE).await;
        pattern.push(ending == Ending::Reset);
    }
    assert_eq!(pattern, [true, false, true, false]);
}

#[tokio::test]
async fn fault_on_rejects_unknown_routes() {
    let server = TestServer::lenient().await;
    for route in ["start", "list", "nope"] {
        let reply = server
            .post("/__dev/projects")
            .json(&json!({"status": "draft", "fault": "hang", "fault_on": route}))
            .send()
            .await;
        assert_eq!(reply.status, 422, "{route}");
    }
}

async fn arm(server: &TestServer, spec: Value) -> Reply {
    server.post("/__dev/faults").json(&spec).send().await
}

fn start_request(server: &TestServer) -> common::RequestBuilder {
    server
        .post("/api/deep-work/start")
        .json(&json!({"description": "Build a recipe API with search"}))
}

async fn project_count(server: &TestServer) -> u64 {
    let list = server
        .get("/api/mission-control/projects")
        .send()
        .await
        .json();
    list["count"].as_u64().unwrap()
}

#[tokio::test]
async fn server_faults_fire_on_start_parse_goal_and_list() {
    for flavor in [Flavor::Lenient, Flavor::Documented] {
        let server = TestServer::start(common::config(flavor)).await;
        let armed = arm(
            &server,
            json!({"route": "start", "fault": "reset", "fault_times": 1, "fault_commits": true}),
        )
        .await;
        assert_eq!(
            (armed.status, armed.json()),
            (201, json!({"route": "start", "armed": true}))
        );
        let (bytes, ending) = start_request(&server).send_raw(PATIENCE).await;
        assert_eq!((bytes.len(), ending), (0, Ending::Reset));
        assert_eq!(
            project_count(&server).await,
            10,
            "the answer was lost, the project was made"
        );
        assert_eq!(start_request(&server).send().await.status, 200);
        assert_eq!(project_count(&server).await, 11);

        arm(
            &server,
            json!({"route": "start", "fault": "truncated_json", "fault_times": 1}),
        )
        .await;
        let text = start_request(&server).send().await.text();
        assert!(
            text.starts_with(r#"{"success":true,"project":{"id":""#),
            "{text}"
        );
        assert_eq!(
            project_count(&server).await,
            11,
            "not committed: no project"
        );

        let goal = || {
            server
                .post("/api/deep-work/parse-goal")
                .json(&json!({"description": "Build a recipe API with search"}))
                .send()
        };
        arm(
            &server,
            json!({"route": "parse_goal", "fault": "empty_502"}),
        )
        .await;
        assert_eq!(goal().await.status, 502);
        assert_eq!(goal().await.status, 502, "no fault_times: every request");
        let disarmed = arm(&server, json!({"route": "parse_goal", "fault": null})).await;
        assert_eq!(disarmed.json()["armed"], false);
        assert_eq!(goal().await.status, 200);

        arm(
            &server,
            json!({"route": "list", "fault": "wrong_status", "fault_times": 1}),
        )
        .await;
        let list = server
            .get("/api/mission-control/projects")
            .send()
            .await
            .json();
        let statuses: Vec<&Value> = list["projects"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| &p["status"])
            .collect();
        assert!(statuses.iter().all(|s| *s == "executing"), "{statuses:?}");
        arm(
            &server,
            json!({"route": "list", "fault": "validation_422", "fault_times": 1}),
        )
        .await;
        let reply = server.get("/api/mission-control/projects").send().await;
        assert_eq!(
            (reply.status, reply.detail()[0]["loc"].clone()),
            (422, json!(["query", "limit"]))
        );
    }
}

#[tokio::test]
async fn dev_faults_rejects_bad_bodies_and_needs_faults() {
    let server = TestServer::lenient().await;
    for body in [
        json!({"route": "cancel", "fault": "hang"}),
        json!({"route": "start", "fault": "meteor"}),
        json!({"route": "start", "fault": "hang", "fault_times": 0}),
        json!({"route": "start", "fault": "hang", "colour": "red"}),
        json!({"fault": "hang"}),
    ] {
        let reply = arm(&server, body.clone()).await;
        assert_eq!(reply.status, 422, "{body}");
        assert!(reply.detail().is_string(), "{body}");
    }
    let reply = server
        .post("/__dev/faults")
        .no_auth()
        .json(&json!({"route": "start", "fault": "hang"}))
        .send()
        .await;
    assert_eq!(reply.status, 401);

    let mut config = common::config(Flavor::Lenient);
    config.faults = false;
    let server = TestServer::start(config).await;
    let reply = arm(&server, json!({"route": "start", "fault": "hang"})).await;
    assert_eq!(
        (reply.status, reply.json()),
        (404, json!({"detail": "Not Found"}))
    );
    assert_eq!(start_request(&server).send().await.status, 200);
}

#[tokio::test]
async fn every_route_is_counted_whatever_the_outcome() {
    let server = TestServer::lenient().await;
    let target = target(&server, "retry", json!({})).await;
    let id = &target.id;
    let task = target.task.as_deref().unwrap();
    server
        .post(&format!("/api/deep-work/projects/{id}/tasks/{task}/retry"))
        .no_auth()
        .send()
        .await; // 401
    target.send(&server).await; // 200
    target.send(&server).await; // 400: no longer blocked
    server
        .post(&format!("/api/deep-work/projects/{id}/tasks/{task}/skip"))
        .send()
        .await;
    for verb in ["approve", "pause", "resume", "cancel"] {
        server
            .post(&format!("/api/deep-work/projects/{id}/{verb}"))
            .send()
            .await;
    }
    server
        .get(&format!("/api/mission-control/projects/{id}"))
        .send()
        .await;
    server.plan(id).await;
    server
        .request("DELETE", &format!("/api/mission-control/projects/{id}"))
        .send()
        .await;
    server
        .request("DELETE", &format!("/api/mission-control/projects/{id}"))
        .send()
        .await; // 404
    start_request(&server).send().await;
    server
        .post("/api/deep-work/parse-goal")
        .json(&json!({}))
        .send()
        .await; // 422
    server
        .get("/api/mission-control/projects?limit=x")
        .send()
        .await; // 422
    server
        .get("/api/mission-control/projects")
        .no_auth()
        .send()
        .await; // 401

    let stats = server.stats(id).await;
    assert_eq!(
        stats["requests"],
        json!({"cancel": 1, "plan": 1, "approve": 1, "pause": 1, "resume": 1, "skip": 1, "retry": 3, "get": 1, "delete": 2})
    );
    assert_eq!(stats["request_ms"]["retry"].as_array().unwrap().len(), 3);
    assert_eq!(
        (
            stats["cancel_requests"].clone(),
            stats["plan_requests"].clone()
        ),
        (json!(1), json!(1))
    );
    let server_stats = server.get("/__dev/stats").send().await.json();
    assert_eq!(
        server_stats["route_requests"],
        json!({"cancel": 1, "plan": 1, "approve": 1, "pause": 1, "resume": 1, "skip": 1, "retry": 3, "get": 1, "delete": 2, "start": 1, "parse_goal": 1, "list": 2})
    );
}
