//! The Deep Work API over real sockets: state machine, flavors, routing, statics.

mod common;

use common::{is_isoformat, keys, TestServer, PROJECT_FIELDS};
use deepwork_devserver::{Flavor, ProjectStatus};
use serde_json::{json, Value};

const CANCELLABLE: [ProjectStatus; 7] = [
    ProjectStatus::Draft,
    ProjectStatus::Planning,
    ProjectStatus::AwaitingApproval,
    ProjectStatus::Approved,
    ProjectStatus::Executing,
    ProjectStatus::Paused,
    ProjectStatus::Failed,
];

fn task_statuses(plan: &Value) -> Vec<String> {
    plan["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["status"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn cancel_from_every_cancellable_status() {
    let server = TestServer::lenient().await;
    for status in CANCELLABLE {
        let id = server.seeded(status);
        let before = server.plan(&id).await;
        assert_eq!(
            before["project"]["completed_at"].is_null(),
            status != ProjectStatus::Failed
        );

        let reply = server.cancel(&id).await;
        assert_eq!(reply.status, 200, "{status:?}: {}", reply.text());
        let body = reply.json();
        assert_eq!(body["success"], true);
        let project = &body["project"];
        assert_eq!(keys(project), PROJECT_FIELDS);
        assert_eq!(project["status"], "cancelled");
        assert_eq!(project["id"], id.as_str());
        let completed_at = project["completed_at"].as_str().unwrap();
        assert!(is_isoformat(completed_at), "{completed_at}");
        assert_eq!(project["updated_at"], completed_at);

        let after = server.plan(&id).await;
        assert_eq!(after["project"]["status"], "cancelled");
        for (old, new) in before["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .zip(after["tasks"].as_array().unwrap())
        {
            match old["status"].as_str().unwrap() {
                "done" | "skipped" => assert_eq!(old["status"], new["status"]),
                _ => {
                    assert_eq!(new["status"], "skipped", "{status:?}");
                    assert_eq!(new["error_message"], "Project cancelled");
                }
            }
        }
    }
}

#[tokio::test]
async fn lenient_repeat_cancel_returns_the_project_unchanged() {
    let server = TestServer::lenient().await;
    for status in [ProjectStatus::Completed, ProjectStatus::Cancelled] {
        let id = server.seeded(status);
        let before = server.plan(&id).await["project"].clone();
        let reply = server.cancel(&id).await;
        assert_eq!(reply.status, 200);
        let body = reply.json();
        assert_eq!(body["success"], true);
        assert_eq!(
            body["project"], before,
            "{status:?} must be returned unchanged"
        );
    }

    let id = server.seeded(ProjectStatus::Executing);
    let first = server.cancel(&id).await.json();
    let second = server.cancel(&id).await.json();
    assert_eq!(
        second["project"]["completed_at"],
        first["project"]["completed_at"]
    );
    assert_eq!(server.stats(&id).await["transitions"], 1);
}

#[tokio::test]
async fn documented_rejects_cancel_of_a_finished_project() {
    let server = TestServer::documented().await;
    for (status, name) in [
        (ProjectStatus::Completed, "completed"),
        (ProjectStatus::Cancelled, "cancelled"),
    ] {
        let reply = server.cancel(&server.seeded(status)).await;
        assert_eq!(reply.status, 400);
        assert_eq!(
            reply.json(),
            json!({"detail": format!("Cannot cancel project with status '{name}'")})
        );
    }
}

#[tokio::test]
async fn unknown_project_is_400_lenient_and_404_documented() {
    for (flavor, status) in [(Flavor::Lenient, 400), (Flavor::Documented, 404)] {
        let server = TestServer::start(common::config(flavor)).await;
        for path in [
            "/api/deep-work/projects/nope/cancel",
            "/api/deep-work/projects/nope/approve",
        ] {
            let reply = server.post(path).send().await;
            assert_eq!(reply.status, status, "{flavor:?} {path}");
            assert_eq!(reply.json(), json!({"detail": "Project not found: nope"}));
        }
        let reply = server.get("/api/deep-work/projects/nope/plan").send().await;
        assert_eq!(
            (reply.status, reply.detail()),
            (status, json!("Project not found: nope"))
        );
    }
}

#[tokio::test]
async fn approve_pause_resume_then_cancel_is_terminal() {
    let server = TestServer::lenient().await;
    let id = server.seeded(ProjectStatus::AwaitingApproval);
    let call = |verb: &'static str| {
        let path = format!("/api/deep-work/projects/{id}/{verb}");
        let request = server.post(&path);
        async move { request.send().await }
    };

    let reply = call("pause").await;
    assert_eq!(
        (reply.status, reply.detail()),
        (
            400,
            json!("Cannot pause project with status 'awaiting_approval'")
        )
    );

    let approved = call("approve").await.json();
    assert_eq!(approved["success"], true);
    assert_eq!(approved["project"]["status"], "executing");
    assert!(is_isoformat(
        approved["project"]["started_at"].as_str().unwrap()
    ));
    assert_eq!(call("pause").await.json()["project"]["status"], "paused");
    assert_eq!(
        call("resume").await.json()["project"]["status"],
        "executing"
    );
    assert_eq!(
        call("cancel").await.json()["project"]["status"],
        "cancelled"
    );

    for verb in ["approve", "resume", "pause"] {
        let reply = call(verb).await;
        assert_eq!(reply.status, 400);
        assert_eq!(
            reply.detail(),
            json!(format!("Cannot {verb} project with status 'cancelled'"))
        );
    }
}

#[tokio::test]
async fn start_creates_a_planning_project() {
    let server = TestServer::lenient().await;
    let reply = server
        .post("/api/deep-work/start")
        .json(&json!({"description": "Build a REST API for recipe management", "research_depth": "quick"}))
        .send()
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    let project = reply.json()["project"].clone();
    assert_eq!(keys(&project), PROJECT_FIELDS);
    assert_eq!(project["status"], "planning");
    assert!(project["started_at"].is_null() && project["completed_at"].is_null());

    let plan = server.plan(project["id"].as_str().unwrap()).await;
    assert_eq!(plan["tasks"], json!([]));
    assert_eq!(
        plan["progress"],
        json!({"total": 0, "done": 0, "skipped": 0, "in_progress": 0, "percent": 0})
    );
}

#[tokio::test]
async fn start_rejects_a_bad_body_with_a_validation_array() {
    let server = TestServer::lenient().await;
    let reply = server
        .post("/api/deep-work/start")
        .json(&json!({"description": "too short"}))
        .send()
        .await;
    assert_eq!(reply.status, 422);
    assert_eq!(
        reply.json(),
        json!({"detail": [{
            "loc": ["body", "description"],
            "msg": "String should have at least 10 characters",
            "type": "string_too_short"
        }]})
    );
    let reply = server
        .post("/api/deep-work/start")
        .body("{oops")
        .send()
        .await;
    assert_eq!(reply.status, 422);
    assert_eq!(reply.detail()[0]["type"], "json_invalid");
}

#[tokio::test]
async fn skip_marks_a_task_and_reports_progress() {
    let server = TestServer::lenient().await;
    let id = server.seeded(ProjectStatus::Executing);
    let plan = server.plan(&id).await;
    let blocked = plan["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["status"] == "blocked")
        .unwrap();
    let path = format!(
        "/api/deep-work/projects/{id}/tasks/{}/skip",
        blocked["id"].as_str().unwrap()
    );

    let body = server.post(&path).send().await.json();
    assert_eq!(body["success"], true);
    assert_eq!(body["task"]["status"], "skipped");
    assert_eq!(body["task"]["id"], blocked["id"]);
    assert_eq!(
        body["progress"],
        json!({"total": 6, "done": 2, "skipped": 1, "in_progress": 1, "percent": 50})
    );

    let again = server.post(&path).send().await;
    assert_eq!(
        (again.status, again.detail()),
        (400, json!("Cannot skip task with status 'skipped'"))
    );
    let unknown = server
        .post(&format!("/api/deep-work/projects/{id}/tasks/nope/skip"))
        .send()
        .await;
    assert_eq!(
        (unknown.status, unknown.detail()),
        (400, json!("Task not found: nope"))
    );
}

#[tokio::test]
async fn plan_levels_follow_blocked_by() {
    let server = TestServer::lenient().await;
    let plan = server.plan(&server.seeded(ProjectStatus::Paused)).await;
    assert_eq!(
        keys(&plan),
        [
            "project",
            "tasks",
            "progress",
            "prd",
            "execution_levels",
            "task_level_map",
            "goal_analysis"
        ]
    );
    assert!(plan["prd"].is_null() && plan["goal_analysis"].is_null());
    let levels = &plan["task_level_map"];
    for task in plan["tasks"].as_array().unwrap() {
        let level = levels[task["id"].as_str().unwrap()].as_u64().unwrap();
        assert!(plan["execution_levels"][level as usize]
            .as_array()
            .unwrap()
            .contains(&task["id"]));
        for dep in task["blocked_by"].as_array().unwrap() {
            assert!(levels[dep.as_str().unwrap()].as_u64().unwrap() < level);
        }
    }
    assert_eq!(plan["execution_levels"].as_array().unwrap().len(), 5);
}

#[tokio::test]
async fn timestamps_are_python_isoformat_with_and_without_fraction() {
    let server = TestServer::lenient().await;
    let mut seen_whole_second = false;
    for status in ProjectStatus::ALL {
        let plan = server.plan(&server.seeded(status)).await;
        let project = &plan["project"];
        assert_eq!(
            project["started_at"].is_null(),
            matches!(
                status,
                ProjectStatus::Draft
                    | ProjectStatus::Planning
                    | ProjectStatus::AwaitingApproval
                    | ProjectStatus::Approved
            )
        );
        assert_eq!(
            project["completed_at"].is_null(),
            !matches!(
                status,
                ProjectStatus::Completed | ProjectStatus::Failed | ProjectStatus::Cancelled
            )
        );
        let stamps = ["started_at", "completed_at", "created_at", "updated_at"]
            .into_iter()
            .filter_map(|field| project[field].as_str())
            .chain(
                plan["tasks"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter_map(|t| t["completed_at"].as_str()),
            );
        for stamp in stamps {
            assert!(is_isoformat(stamp), "{stamp}");
            seen_whole_second |= !stamp.contains('.');
        }
    }
    assert!(
        seen_whole_second,
        "seeded started_at values have no fraction"
    );
}

#[tokio::test]
async fn seeded_projects_match_their_status() {
    let server = TestServer::lenient().await;
    for status in ProjectStatus::ALL {
        let plan = server.plan(&server.seeded(status)).await;
        let project = &plan["project"];
        assert_eq!(keys(project), PROJECT_FIELDS);
        assert_eq!(project["status"], json!(status));
        assert!(!project["team_agent_ids"].as_array().unwrap().is_empty());
        let tasks = task_statuses(&plan);
        assert!((5..=6).contains(&tasks.len()));
        match status {
            ProjectStatus::Draft => assert!(tasks.iter().all(|t| t == "inbox")),
            ProjectStatus::Completed | ProjectStatus::Cancelled => {
                assert!(tasks.iter().all(|t| t == "done" || t == "skipped"))
            }
            _ => {}
        }
    }
    let draft = server.plan(&server.seeded(ProjectStatus::Draft)).await;
    assert_eq!(draft["project"]["title"], "<img src=x onerror=alert(1)>");
}

#[tokio::test]
async fn trailing_slash_redirects_and_unknown_routes_are_404() {
    let server = TestServer::lenient().await;
    let id = server.seeded(ProjectStatus::Executing);
    let reply = server
        .post(&format!("/api/deep-work/projects/{id}/cancel/"))
        .send()
        .await;
    assert_eq!(reply.status, 307);
    assert_eq!(
        reply.header("location"),
        Some(format!("/api/deep-work/projects/{id}/cancel").as_str())
    );
    assert_eq!(
        server.stats(&id).await["transitions"],
        0,
        "a redirect cancels nothing"
    );

    for path in [
        "/api/deep-work/projects//cancel",
        "/api/deep-work/projects//cancel/",
        "/api/nope",
        "/nope",
    ] {
        let reply = server.post(path).send().await;
        assert_eq!(
            (reply.status, reply.json()),
            (404, json!({"detail": "Not Found"})),
            "{path}"
        );
    }
    let reply = server
        .get(&format!("/api/deep-work/projects/{id}/cancel"))
        .send()
        .await;
    assert_eq!(
        (reply.status, reply.json()),
        (405, json!({"detail": "Method Not Allowed"}))
    );
}

#[tokio::test]
async fn serves_static_files_with_csp_and_mime_types() {
    let root = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("statics-test");
    let (www, pkg) = (root.join("www"), root.join("pkg"));
    std::fs::create_dir_all(&www).unwrap();
    std::fs::create_dir_all(&pkg).unwrap();
    std::fs::write(www.join("index.html"), "<h1>demo</h1>").unwrap();
    std::fs::write(pkg.join("sdk.js"), "export {};").unwrap();
    std::fs::write(pkg.join("sdk_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
    let mut config = common::config(Flavor::Lenient);
    config.www = Some(www);
    config.pkg = Some(pkg);
    let server = TestServer::start(config).await;

    let csp = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'";
    for (path, mime) in [
        ("/", "text/html"),
        ("/pkg/sdk.js", "text/javascript"),
        ("/pkg/sdk_bg.wasm", "application/wasm"),
    ] {
        let reply = server.get(path).no_auth().send().await;
        assert_eq!(reply.status, 200, "{path}");
        assert_eq!(reply.header("content-type"), Some(mime), "{path}");
        assert_eq!(reply.header("content-security-policy"), Some(csp), "{path}");
    }
    assert_eq!(server.get("/").send().await.text(), "<h1>demo</h1>");
    for path in ["/missing.html", "/pkg/missing.js"] {
        assert_eq!(server.get(path).send().await.status, 404, "{path}");
    }
    let reply = server.post("/api/nope").send().await;
    assert_eq!(
        (reply.status, reply.json()),
        (404, json!({"detail": "Not Found"}))
    );
    assert_eq!(
        server
            .cancel(&server.seeded(ProjectStatus::Paused))
            .await
            .status,
        200
    );
}
