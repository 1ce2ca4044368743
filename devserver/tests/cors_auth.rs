//! Bearer auth, CORS and the rate limiter, over real sockets.

mod common;

use common::{Reply, TestServer, ORIGIN};
use deepwork_devserver::{Flavor, ProjectStatus};
use serde_json::json;

fn assert_cors(reply: &Reply, origin: &str) {
    assert_eq!(
        reply.header("access-control-allow-origin"),
        Some(origin),
        "{reply:?}"
    );
    assert_eq!(
        reply.header("access-control-allow-credentials"),
        Some("true")
    );
    assert_eq!(reply.header("vary"), Some("Origin"));
}

#[tokio::test]
async fn missing_or_wrong_token_is_401_with_cors_headers() {
    let server = TestServer::lenient().await;
    let path = format!(
        "/api/deep-work/projects/{}/cancel",
        server.seeded(ProjectStatus::Executing)
    );
    let no_token = server.post(&path).no_auth().origin(ORIGIN).send().await;
    let wrong_token = server
        .post(&path)
        .header("Authorization", "Bearer nope")
        .origin(ORIGIN)
        .send()
        .await;
    let wrong_scheme = server
        .post(&path)
        .header("Authorization", "Basic test-token")
        .send()
        .await;
    for reply in [&no_token, &wrong_token, &wrong_scheme] {
        assert_eq!(reply.status, 401);
        assert_eq!(reply.json(), json!({"detail": "Unauthorized"}));
    }
    assert_cors(&no_token, ORIGIN);
    assert_cors(&wrong_token, ORIGIN);
    for path in ["/__dev/projects", "/__dev/stats"] {
        assert_eq!(
            server.get(path).no_auth().send().await.status,
            401,
            "{path}"
        );
    }
    assert_eq!(
        server.plan(&server.seeded(ProjectStatus::Executing)).await["project"]["status"],
        "executing"
    );

    // The real server reads the scheme only as `Bearer`; HTTP says any case.
    for (flavor, status) in [(Flavor::Lenient, 401), (Flavor::Documented, 200)] {
        let server = TestServer::start(common::config(flavor)).await;
        let id = server.seeded(ProjectStatus::Executing);
        let lowercase = server
            .post(&format!("/api/deep-work/projects/{id}/cancel"))
            .header("Authorization", "bearer test-token")
            .send()
            .await;
        assert_eq!(lowercase.status, status, "{flavor:?}");
    }
}

#[tokio::test]
async fn the_token_is_checked_before_routing() {
    let server = TestServer::lenient().await;
    let id = server.seeded(ProjectStatus::Executing);
    for path in [
        "/api/nope".to_owned(),
        format!("/api/deep-work/projects/{id}/cancel/"),
        "/__dev/nope".to_owned(),
    ] {
        let reply = server.post(&path).no_auth().send().await;
        assert_eq!(reply.status, 401, "{path}");
    }
    assert_eq!(server.post("/nope").no_auth().send().await.status, 404);
}

#[tokio::test]
async fn preflight_from_an_allowed_origin_echoes_it() {
    let server = TestServer::lenient().await;
    let path = format!(
        "/api/deep-work/projects/{}/cancel",
        server.seeded(ProjectStatus::Executing)
    );
    for origin in [
        "http://localhost:5173",
        "https://127.0.0.1:8443",
        "http://localhost",
    ] {
        let reply = server
            .request("OPTIONS", &path)
            .no_auth()
            .origin(origin)
            .header("Access-Control-Request-Method", "POST")
            .header(
                "Access-Control-Request-Headers",
                "authorization,content-type",
            )
            .send()
            .await;
        assert_eq!(reply.status, 200, "{origin}");
        assert_cors(&reply, origin);
        assert_eq!(
            reply.header("access-control-allow-headers"),
            Some("authorization,content-type")
        );
        assert_eq!(
            reply.header("access-control-allow-methods"),
            Some("DELETE, GET, OPTIONS, POST")
        );
        assert_eq!(reply.header("access-control-max-age"), Some("600"));
    }
    assert_eq!(
        server.stats(&server.seeded(ProjectStatus::Executing)).await["cancel_requests"],
        0
    );
}

#[tokio::test]
async fn a_browser_may_delete_and_list_projects() {
    let server = TestServer::lenient().await;
    let id = server.seeded(ProjectStatus::Draft);
    let path = format!("/api/mission-control/projects/{id}");
    let preflight = server
        .request("OPTIONS", &path)
        .no_auth()
        .origin(ORIGIN)
        .header("Access-Control-Request-Method", "DELETE")
        .header("Access-Control-Request-Headers", "authorization")
        .send()
        .await;
    assert_eq!(preflight.status, 200);
    assert_cors(&preflight, ORIGIN);
    let methods = preflight
        .header("access-control-allow-methods")
        .unwrap_or_default();
    assert!(
        methods.contains("DELETE") && methods.contains("GET"),
        "{methods}"
    );

    let deleted = server.request("DELETE", &path).origin(ORIGIN).send().await;
    assert_eq!(deleted.status, 200);
    assert_cors(&deleted, ORIGIN);
    let listed = server
        .get("/api/mission-control/projects")
        .origin(ORIGIN)
        .send()
        .await;
    assert_eq!(
        (listed.status, listed.json()["count"].clone()),
        (200, json!(8))
    );
    assert_cors(&listed, ORIGIN);
}

#[tokio::test]
async fn every_api_route_needs_the_token() {
    let server = TestServer::lenient().await;
    let id = server.seeded(ProjectStatus::Executing);
    let task = server.plan(&id).await["tasks"][3]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for (method, path) in [
        ("POST", "/api/deep-work/parse-goal".to_owned()),
        ("GET", "/api/mission-control/projects".to_owned()),
        ("GET", format!("/api/mission-control/projects/{id}")),
        ("DELETE", format!("/api/mission-control/projects/{id}")),
        (
            "POST",
            format!("/api/deep-work/projects/{id}/tasks/{task}/retry"),
        ),
    ] {
        let reply = server
            .request(method, &path)
            .no_auth()
            .origin(ORIGIN)
            .send()
            .await;
        assert_eq!(
            (reply.status, reply.detail()),
            (401, json!("Unauthorized")),
            "{method} {path}"
        );
        assert_cors(&reply, ORIGIN);
    }
    assert_eq!(server.plan(&id).await["tasks"][3]["status"], "blocked");
}

#[tokio::test]
async fn preflight_from_another_origin_is_400() {
    let server = TestServer::lenient().await;
    for origin in ["http://example.com", "http://localhost.evil.com", "null"] {
        let reply = server
            .request("OPTIONS", "/api/deep-work/start")
            .no_auth()
            .origin(origin)
            .header("Access-Control-Request-Method", "POST")
            .send()
            .await;
        assert_eq!(reply.status, 400, "{origin}");
        assert_eq!(reply.text(), "Disallowed CORS origin");
        assert_eq!(reply.header("access-control-allow-origin"), None);
        // The rest of the preflight's headers, as Starlette sends them to any origin.
        assert_eq!(
            reply.header("access-control-allow-credentials"),
            Some("true")
        );
        assert_eq!(reply.header("access-control-max-age"), Some("600"));
    }
    let simple = server
        .post("/api/deep-work/projects/nope/cancel")
        .origin("http://example.com")
        .send()
        .await;
    assert_eq!(simple.header("access-control-allow-origin"), None);
    assert_eq!(
        simple.header("access-control-allow-credentials"),
        Some("true")
    );
}

#[tokio::test]
async fn every_answer_to_an_allowed_origin_carries_cors_headers() {
    let server = TestServer::lenient().await;
    let failing = server
        .create(json!({"status": "executing", "fault": "server_500"}))
        .await;
    let paths = [
        (
            "POST",
            format!(
                "/api/deep-work/projects/{}/cancel",
                server.seeded(ProjectStatus::Paused)
            ),
            200,
        ),
        (
            "POST",
            "/api/deep-work/projects/nope/cancel".to_owned(),
            400,
        ),
        ("POST", "/api/nope".to_owned(), 404),
        ("GET", "/api/deep-work/start".to_owned(), 405),
        ("POST", "/api/deep-work/start/".to_owned(), 307),
        ("POST", "/api/deep-work/start".to_owned(), 422),
        (
            "POST",
            format!("/api/deep-work/projects/{failing}/cancel"),
            500,
        ),
    ];
    for (method, path, status) in paths {
        let reply = server.request(method, &path).origin(ORIGIN).send().await;
        assert_eq!(reply.status, status, "{method} {path}");
        assert_cors(&reply, ORIGIN);
        assert_eq!(
            reply.header("access-control-expose-headers"),
            None,
            "lenient exposes nothing"
        );
    }
    let foreign = server.cancel("nope").await;
    assert_eq!(
        foreign.header("access-control-allow-origin"),
        None,
        "no Origin, no CORS headers"
    );
    let evil = server
        .post("/api/nope")
        .origin("http://example.com")
        .send()
        .await;
    assert_eq!(evil.status, 404);
    assert_eq!(evil.header("access-control-allow-origin"), None);
}

#[tokio::test]
async fn documented_flavor_exposes_retry_after() {
    let server = TestServer::documented().await;
    let limited = server
        .create(json!({"status": "executing", "fault": "rate_limited"}))
        .await;
    let reply = server
        .post(&format!("/api/deep-work/projects/{limited}/cancel"))
        .origin(ORIGIN)
        .send()
        .await;
    assert_eq!(reply.status, 429);
    assert_cors(&reply, ORIGIN);
    assert_eq!(
        reply.header("access-control-expose-headers"),
        Some("Retry-After, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset")
    );
    assert_eq!(reply.header("retry-after"), Some("1"));
}

#[tokio::test]
async fn rate_limit_allows_a_burst_of_thirty_then_answers_429() {
    let mut config = common::config(Flavor::Lenient);
    config.rate_limit = true;
    let server = TestServer::start(config).await;
    let path = format!(
        "/api/deep-work/projects/{}/plan",
        server.seeded(ProjectStatus::Executing)
    );
    let unauthorized = server.get(&path).no_auth().send().await;
    assert_eq!(unauthorized.status, 401);
    assert_eq!(
        unauthorized.header("x-ratelimit-limit"),
        None,
        "the real server's 401 tells nothing of the limiter"
    );
    let mut statuses = Vec::new();
    let mut limited = None;
    let first = server.get(&path).origin(ORIGIN).send().await;
    assert_eq!(first.header("x-ratelimit-limit"), Some("30"));
    assert_eq!(first.header("x-ratelimit-remaining"), Some("28"));
    assert_eq!(first.header("x-ratelimit-reset"), Some("1"));
    for _ in 1..40 {
        let reply = server.get(&path).origin(ORIGIN).send().await;
        statuses.push(reply.status);
        if reply.status == 429 && limited.is_none() {
            limited = Some(reply);
        }
    }
    assert!(statuses[..28].iter().all(|s| *s == 200), "{statuses:?}");
    let limited = limited.expect("40 requests in well under a second must hit the limit");
    assert_eq!(limited.json(), json!({"detail": "Too many requests"}));
    let retry_after: u64 = limited.header("retry-after").unwrap().parse().unwrap();
    assert!(retry_after >= 1);
    assert_eq!(limited.header("x-ratelimit-remaining"), Some("0"));
    assert_eq!(
        limited.header("x-ratelimit-reset"),
        limited.header("retry-after")
    );
    assert_cors(&limited, ORIGIN);

    let mut others = Vec::new();
    for path in ["/api/mission-control/projects", "/api/deep-work/parse-goal"] {
        for _ in 0..5 {
            others.push(
                server
                    .request(
                        if path.ends_with("projects") {
                            "GET"
                        } else {
                            "POST"
                        },
                        path,
                    )
                    .send()
                    .await
                    .status,
            );
        }
    }
    assert!(
        others.contains(&429),
        "every /api/ route shares the limit: {others:?}"
    );

    let listing = server.get("/__dev/projects").send().await;
    assert_eq!(listing.status, 200, "only /api/ is limited");
    let stats = server.get("/__dev/stats").send().await.json();
    assert_eq!(stats["api_requests"], 51);
    let refused = statuses
        .iter()
        .chain(&others)
        .filter(|s| **s == 429)
        .count();
    assert_eq!(stats["rate_limited"], refused as u64, "every 429 counted");
}

#[tokio::test]
async fn without_the_flag_there_is_no_limit() {
    let server = TestServer::lenient().await;
    let path = format!(
        "/api/deep-work/projects/{}/plan",
        server.seeded(ProjectStatus::Executing)
    );
    for _ in 0..60 {
        assert_eq!(server.get(&path).send().await.status, 200);
    }
}
