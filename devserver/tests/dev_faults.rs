//! Dev-control routes, faults, shapes, counters and concurrency, over real sockets.

mod common;

use std::time::{Duration, Instant};

use common::{keys, Ending, Reply, TestServer, ORIGIN, PATIENCE, PROJECT_FIELDS};
use deepwork_devserver::{Flavor, ProjectStatus};
use serde_json::{json, Value};
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time};

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

/// A project's counters: its stats without `cancel_request_ms`, `requests` and
/// `request_ms`, once those have been checked to agree with the counts.
async fn counters(server: &TestServer, id: &str) -> Value {
    let mut stats = server.stats(id).await;
    let mut take = |field: &str| {
        stats
            .as_object_mut()
            .and_then(|stats| stats.remove(field))
            .unwrap_or_else(|| panic!("no {field}"))
    };
    let (times, requests, request_ms) = (
        take("cancel_request_ms"),
        take("requests"),
        take("request_ms"),
    );
    assert_eq!(request_ms["cancel"], times);
    assert_eq!(keys(&requests), keys(&request_ms));
    for route in keys(&requests) {
        assert_eq!(
            request_ms[route].as_array().map(Vec::len),
            requests[route].as_u64().map(|n| n as usize),
            "{route}: {request_ms}"
        );
    }
    assert_eq!(requests["cancel"], stats["cancel_requests"]);
    assert_eq!(requests["plan"], stats["plan_requests"]);
    stats
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

    let (_, reply) = faulted(&server, "validation_422").await;
    assert_eq!(reply.status, 422);
    assert_eq!(
        reply.json(),
        json!({"detail": [{"loc": ["path", "project_id"], "msg": "value is not a valid uuid", "type": "type_error.uuid", "input": null}]})
    );
}

/// The faults that are only an error answer: name, status, detail, `Retry-After`.
const ERROR_FAULTS: [(&str, u16, &str, Option<&str>); 11] = [
    ("bad_request_400", 400, "Malformed request", None),
    ("forbidden_403", 403, "Forbidden", None),
    ("request_timeout_408", 408, "Request timeout", None),
    (
        "conflict_409",
        409,
        "Cannot cancel project with status 'planning'",
        None,
    ),
    ("teapot_418", 418, "I'm a teapot", None),
    ("rate_limited", 429, "Too many requests", Some("1")),
    ("rate_limited_long", 429, "Too many requests", Some("120")),
    (
        "server_500",
        500,
        "Internal error: database unavailable",
        None,
    ),
    (
        "server_500_retry_after",
        500,
        "Internal error: try again",
        Some("1"),
    ),
    (
        "service_unavailable",
        503,
        "Service temporarily unavailable",
        Some("1"),
    ),
    ("gateway_timeout_504", 504, "Gateway timeout", None),
];

#[tokio::test]
async fn error_faults_answer_with_their_status_detail_and_retry_after() {
    for flavor in [Flavor::Lenient, Flavor::Documented] {
        let server = TestServer::start(common::config(flavor)).await;
        for (fault, status, detail, retry_after) in ERROR_FAULTS {
            let id = server
                .create(json!({"status": "executing", "fault": fault}))
                .await;
            let reply = server.post(&cancel_path(&id)).origin(ORIGIN).send().await;
            let context = format!("{fault} ({flavor:?})");
            assert_eq!(reply.status, status, "{context}");
            assert_eq!(reply.json(), json!({ "detail": detail }), "{context}");
            assert_eq!(reply.header("retry-after"), retry_after, "{context}");
            assert_eq!(
                reply.header("access-control-allow-origin"),
                Some(ORIGIN),
                "{context}"
            );
            let exposed = (flavor == Flavor::Documented).then_some(
                "Retry-After, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset",
            );
            assert_eq!(
                reply.header("access-control-expose-headers"),
                exposed,
                "{context}"
            );
            assert_eq!(status_of(&server, &id).await, "executing", "{context}");
        }
    }
}

/// Parses an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`) strictly, weekday included.
fn parse_imf_fixdate(text: &str) -> Option<OffsetDateTime> {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (weekday, rest) = text.split_once(", ")?;
    let [day, month, year, clock, "GMT"] = rest.split(' ').collect::<Vec<_>>()[..] else {
        return None;
    };
    let [hour, minute, second] = clock.split(':').collect::<Vec<_>>()[..] else {
        return None;
    };
    let two_digits = [day, hour, minute, second].iter().all(|n| n.len() == 2);
    if !two_digits || year.len() != 4 {
        return None;
    }
    let month = MONTHS.iter().position(|m| *m == month)? as u8 + 1;
    let date = Date::from_calendar_date(
        year.parse().ok()?,
        Month::try_from(month).ok()?,
        day.parse().ok()?,
    )
    .ok()?;
    let time = Time::from_hms(
        hour.parse().ok()?,
        minute.parse().ok()?,
        second.parse().ok()?,
    )
    .ok()?;
    let at = PrimitiveDateTime::new(date, time).assume_utc();
    at.weekday().to_string().starts_with(weekday).then_some(at)
}

#[tokio::test]
async fn rate_limited_date_gives_an_http_date_two_seconds_ahead() {
    let server = TestServer::documented().await;
    let before = OffsetDateTime::now_utc().unix_timestamp();
    let (_, reply) = faulted(&server, "rate_limited_date").await;
    let after = OffsetDateTime::now_utc().unix_timestamp();
    assert_eq!(reply.status, 429);
    assert_eq!(reply.json(), json!({"detail": "Too many requests"}));
    let header = reply.header("retry-after").unwrap_or_default();
    let date = parse_imf_fixdate(header)
        .unwrap_or_else(|| panic!("not an IMF-fixdate: {header:?}"))
        .unix_timestamp();
    // Two seconds after the server's now, which lies between ours before and after.
    assert!(
        (before + 2..=after + 2).contains(&date),
        "{header} is not 2 s after {before}..={after}"
    );
}

#[tokio::test]
async fn echo_token_401_quotes_the_bearer_token() {
    const SECRET: &str = "sk-live_4f9a/+=.~Zq";
    let mut config = common::config(Flavor::Lenient);
    config.token = SECRET.to_owned();
    let server = TestServer::start(config).await;
    let created = server
        .post("/__dev/projects")
        .header("Authorization", &format!("Bearer {SECRET}"))
        .json(&json!({"status": "executing", "fault": "echo_token_401", "fault_times": 1}))
        .send()
        .await;
    assert_eq!(created.status, 201, "{}", created.text());
    let id = created.json()["id"].as_str().unwrap().to_owned();
    let cancel = |token: &str| {
        server
            .post(&cancel_path(&id))
            .header("Authorization", &format!("Bearer {token}"))
            .origin(ORIGIN)
            .send()
    };

    // A wrong token never reaches the fault: the usual 401, and the fault stays armed.
    let wrong = cancel("nope").await;
    assert_eq!((wrong.status, wrong.detail()), (401, json!("Unauthorized")));

    let echoed = cancel(SECRET).await;
    assert_eq!(echoed.status, 401);
    assert_eq!(
        echoed.json(),
        json!({ "detail": format!("Invalid token: {SECRET}") })
    );
    assert_eq!(echoed.header("access-control-allow-origin"), Some(ORIGIN));

    let after = cancel(SECRET).await;
    assert_eq!(after.json()["project"]["status"], "cancelled");
}

/// Sends one cancel and says whether it was reset (`true`) or answered 200 (`false`).
async fn reset_or_ok(server: &TestServer, id: &str) -> bool {
    let (bytes, ending) = server.post(&cancel_path(id)).send_raw(PATIENCE).await;
    if ending == Ending::Reset {
        assert!(bytes.is_empty(), "a reset sends nothing first");
        return true;
    }
    let reply = Reply::parse(&bytes);
    assert_eq!(
        (ending, reply.status),
        (Ending::Closed, 200),
        "{}",
        reply.text()
    );
    false
}

/// Sends `count` cancels one after the other: for each, whether it was reset.
async fn resets(server: &TestServer, id: &str, count: usize) -> Vec<bool> {
    let mut pattern = Vec::new();
    for _ in 0..count {
        pattern.push(reset_or_ok(server, id).await);
    }
    pattern
}

#[tokio::test]
async fn flaky_resets_every_other_cancel() {
    let server = TestServer::lenient().await;
    let id = server
        .create(json!({"status": "executing", "fault": "flaky"}))
        .await;
    assert_eq!(resets(&server, &id, 1).await, [true]);
    assert_eq!(status_of(&server, &id).await, "executing", "not committed");
    assert_eq!(
        resets(&server, &id, 7).await,
        [false, true, false, true, false, true, false]
    );
    assert_eq!(status_of(&server, &id).await, "cancelled");
    assert_eq!(
        counters(&server, &id).await,
        json!({"cancel_requests": 8, "plan_requests": 2, "transitions": 1})
    );
}

#[tokio::test]
async fn flaky_honours_fault_times_and_fault_commits() {
    let server = TestServer::lenient().await;
    let twice = server
        .create(json!({"status": "executing", "fault": "flaky", "fault_times": 2}))
        .await;
    assert_eq!(
        resets(&server, &twice, 6).await,
        [true, false, true, false, false, false],
        "only faulted requests use up fault_times"
    );

    let committing = server
        .create(json!({"status": "executing", "fault": "flaky", "fault_commits": true}))
        .await;
    assert!(reset_or_ok(&server, &committing).await);
    assert_eq!(
        status_of(&server, &committing).await,
        "cancelled",
        "the answer was lost, the cancel was not"
    );
    assert!(!reset_or_ok(&server, &committing).await);
    assert!(reset_or_ok(&server, &committing).await);
    assert_eq!(counters(&server, &committing).await["transitions"], 1);
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
        counters(&server, &always).await,
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
    let planned = server.plan(&extra).await["project"].clone();
    assert_eq!(keys(&planned)[17..], ["folder_path", "file_count"]);
    for project in [
        planned,
        server.cancel(&extra).await.json()["project"].clone(),
    ] {
        assert_eq!(keys(&project)[..15], PROJECT_FIELDS);
        assert_eq!(project["priority"], "high");
        assert_eq!(project["x_future"], json!({"nested": [1, 2]}));
    }

    let full = server.create(json!({"status": "executing"})).await;
    let project = server.plan(&full).await["project"].clone();
    assert_eq!(keys(&project)[..15], PROJECT_FIELDS);
    assert_eq!(keys(&project)[15..], ["folder_path", "file_count"]);
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
    assert_eq!(
        keys(created),
        ["id", "title", "status", "task_counts", "tasks"]
    );
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
        json!({"status": "draft", "count": 0}),
        json!({"status": "draft", "count": 5001}),
        json!({"status": "draft", "count": -1}),
        json!({"status": "draft", "count": "3"}),
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
        counters(&server, &id).await,
        json!({"cancel_requests": 3, "plan_requests": 1, "transitions": 1})
    );
    let stats = server.get("/__dev/stats").send().await.json();
    assert_eq!(
        keys(&stats),
        [
            "api_requests",
            "transitions",
            "rate_limited",
            "route_requests"
        ]
    );
    assert_eq!(
        (stats["api_requests"].clone(), stats["transitions"].clone()),
        (json!(5), json!(1))
    );
    assert_eq!(stats["route_requests"]["cancel"], 3);
    assert_eq!(stats["route_requests"]["plan"], 1);
    let unknown = server.get("/__dev/projects/nope/stats").send().await;
    assert_eq!(
        (unknown.status, unknown.detail()),
        (404, json!("Project not found: nope"))
    );
}

/// Milliseconds between two instants, as the stats write them.
fn ms(from: Instant, to: Instant) -> f64 {
    to.duration_since(from).as_secs_f64() * 1000.0
}

#[tokio::test]
async fn cancel_request_ms_records_when_each_cancel_arrived() {
    // Rounding slack: the server writes whole microseconds.
    const SLACK: f64 = 0.001;
    const GAP: Duration = Duration::from_millis(150);
    let before_start = Instant::now();
    let server = TestServer::lenient().await;
    let started = Instant::now();
    let id = server.seeded(ProjectStatus::Executing);
    let path = cancel_path(&id);
    assert_eq!(server.stats(&id).await["cancel_request_ms"], json!([]));

    let sent_first = Instant::now();
    server.post(&path).no_auth().send().await; // 401: still counted and timed
    let answered_first = Instant::now();
    // Not a cancel: not timed.
    server.plan(&id).await;
    // The delay under test, like the one a client leaves before a retry.
    tokio::time::sleep(GAP).await;
    let sent_second = Instant::now();
    server.cancel(&id).await;
    let answered_second = Instant::now();

    let stats = server.stats(&id).await;
    let times: Vec<f64> = stats["cancel_request_ms"]
        .as_array()
        .unwrap_or_else(|| panic!("{stats}"))
        .iter()
        .filter_map(Value::as_f64)
        .collect();
    let [first, second] = times[..] else {
        panic!("expected two times: {stats}");
    };
    // Since the server started, which was between before_start and started.
    assert!(first >= ms(started, sent_first) - SLACK, "{stats}");
    assert!(first <= ms(before_start, answered_first) + SLACK, "{stats}");
    let gap = second - first;
    assert!(gap >= ms(answered_first, sent_second) - SLACK, "{stats}");
    assert!(gap <= ms(sent_first, answered_second) + SLACK, "{stats}");
    assert!(gap >= GAP.as_secs_f64() * 1000.0 - SLACK, "{stats}");
}

/// Creates projects from `spec` and returns `ids`, checked against `id`.
async fn create_many(server: &TestServer, spec: Value) -> Vec<String> {
    let reply = server.post("/__dev/projects").json(&spec).send().await;
    assert_eq!(reply.status, 201, "{}", reply.text());
    let created = reply.json();
    let ids: Vec<String> = created["ids"]
        .as_array()
        .unwrap_or_else(|| panic!("no ids: {created}"))
        .iter()
        .filter_map(|id| id.as_str().map(str::to_owned))
        .collect();
    assert_eq!(keys(&created), ["id", "ids", "tasks"]);
    assert_eq!(created["id"].as_str(), ids.first().map(String::as_str));
    ids
}

fn listed_ids(listing: &Value) -> Vec<String> {
    listing["projects"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|project| project["id"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn count_creates_that_many_projects_with_one_spec() {
    let server = TestServer::lenient().await;
    let ids = create_many(
        &server,
        json!({"status": "paused", "fault": "server_500", "fault_times": 1, "count": 3}),
    )
    .await;
    assert_eq!(ids.len(), 3);
    let listing = server.get("/__dev/projects").send().await.json();
    assert_eq!(listed_ids(&listing)[9..], ids, "new, distinct, in order");
    for id in &ids {
        assert_eq!(status_of(&server, id).await, "paused");
        assert_eq!(server.cancel(id).await.status, 500, "each has its fault");
        assert_eq!(server.cancel(id).await.status, 200);
    }

    let one = create_many(&server, json!({"status": "draft"})).await;
    assert_eq!(one.len(), 1, "without count, one project");

    let most = create_many(&server, json!({"status": "executing", "count": 5000})).await;
    let listing = server.get("/__dev/projects").send().await.json();
    let listed = listed_ids(&listing);
    assert_eq!(listed.len(), 9 + 3 + 1 + 5000);
    assert_eq!(listed[13..], most, "new, distinct, in order");
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
        ("POST", format!("/__dev/projects/{id}/advance")),
        ("POST", format!("/__dev/projects/{id}/faults")),
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
        counters(&server, &id).await,
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

#[tokio::test]
async fn a_fault_can_be_armed_on_a_project_that_exists_and_taken_off() {
    let server = TestServer::lenient().await;
    let id = server.create(json!({"status": "executing"})).await;
    let plan_path = format!("/api/deep-work/projects/{id}/plan");
    assert_eq!(server.get(&plan_path).send().await.status, 200);

    let arm = |body: Value| {
        server
            .post(&format!("/__dev/projects/{id}/faults"))
            .json(&body)
            .send()
    };
    let armed =
        arm(json!({"fault": "service_unavailable", "fault_on": "plan", "fault_times": 1})).await;
    assert_eq!(armed.status, 201, "{}", armed.text());
    assert_eq!(armed.json()["id"], json!(id));
    assert_eq!(server.get(&plan_path).send().await.status, 503);
    assert_eq!(server.get(&plan_path).send().await.status, 200, "only once");

    arm(json!({"fault": "server_500", "fault_on": "plan"})).await;
    assert_eq!(server.get(&plan_path).send().await.status, 500);
    assert_eq!(
        arm(json!({"fault": null, "fault_on": "plan"})).await.status,
        201
    );
    assert_eq!(server.get(&plan_path).send().await.status, 200, "taken off");

    let unknown = server
        .post("/__dev/projects/no-such-project/faults")
        .json(&json!({"fault": "hang"}))
        .send()
        .await;
    assert_eq!(unknown.status, 404);
    let bad = arm(json!({"fault": "no_such_fault"})).await;
    assert_eq!(bad.status, 422, "{}", bad.text());
}
