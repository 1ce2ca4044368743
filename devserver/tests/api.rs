//! The Deep Work API over real sockets: state machine, flavors, routing, statics.

mod common;

use common::{is_isoformat, keys, TestServer, PROJECT_FIELDS, TASK_FIELDS};
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
        let mut before = server.plan(&id).await["project"].clone();
        // The plan's project also names its workspace; cancel's does not.
        let workspace = before.as_object_mut().unwrap();
        workspace.remove("folder_path");
        workspace.remove("file_count");
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
async fn unknown_project_is_400_lenient_and_404_documented_on_cancel() {
    for (flavor, status) in [(Flavor::Lenient, 400), (Flavor::Documented, 404)] {
        let server = TestServer::start(common::config(flavor)).await;
        let reply = server.cancel("nope").await;
        assert_eq!(reply.status, status, "{flavor:?}");
        assert_eq!(reply.json(), json!({"detail": "Project not found: nope"}));
        for verb in ["approve", "pause", "resume"] {
            let reply = server
                .post(&format!("/api/deep-work/projects/nope/{verb}"))
                .send()
                .await;
            assert_eq!(
                (reply.status, reply.detail()),
                (404, json!("Project not found: nope")),
                "{flavor:?} {verb}"
            );
        }
        for (method, path) in [
            ("GET", "/api/deep-work/projects/nope/plan"),
            ("GET", "/api/mission-control/projects/nope"),
            ("DELETE", "/api/mission-control/projects/nope"),
        ] {
            let reply = server.request(method, path).send().await;
            assert_eq!(
                (reply.status, reply.detail()),
                (404, json!("Project not found")),
                "{flavor:?} {method} {path}"
            );
        }
    }
}

#[tokio::test]
async fn approve_pause_resume_then_cancel_is_terminal() {
    for (flavor, wrong_status) in [(Flavor::Lenient, 404), (Flavor::Documented, 400)] {
        approve_pause_resume_then_cancel(flavor, wrong_status).await;
    }
}

/// The real server answers a wrong status with a 404 (a ValueError); the documented
/// flavor with a 400.
async fn approve_pause_resume_then_cancel(flavor: Flavor, wrong_status: u16) {
    let server = TestServer::start(common::config(flavor)).await;
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
            wrong_status,
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
        assert_eq!(reply.status, wrong_status, "{flavor:?} {verb}");
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
        json!({"total": 0, "completed": 0, "skipped": 0, "in_progress": 0, "blocked": 0, "human_pending": 0, "percent": 0.0})
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
            "type": "string_too_short",
            "input": "too short",
            "ctx": {"min_length": 10}
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

fn task_path(id: &str, task: &Value, action: &str) -> String {
    let task_id = task["id"].as_str().unwrap();
    format!("/api/deep-work/projects/{id}/tasks/{task_id}/{action}")
}

fn first_task(plan: &Value, status: &str) -> Value {
    plan["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["status"] == status)
        .unwrap_or_else(|| panic!("no {status} task"))
        .clone()
}

#[tokio::test]
async fn skip_marks_a_task_and_reports_progress() {
    for flavor in [Flavor::Lenient, Flavor::Documented] {
        let server = TestServer::start(common::config(flavor)).await;
        let id = server.seeded(ProjectStatus::Executing);
        let plan = server.plan(&id).await;
        let inbox = first_task(&plan, "inbox");

        let reply = server.post(&task_path(&id, &inbox, "skip")).send().await;
        assert_eq!(reply.status, 200, "{}", reply.text());
        let body = reply.json();
        assert_eq!(keys(&body), ["success", "task", "progress"]);
        assert_eq!(body["success"], true);
        assert_eq!(body["task"]["status"], "skipped");
        assert_eq!(body["task"]["id"], inbox["id"]);
        assert!(is_isoformat(body["task"]["completed_at"].as_str().unwrap()));
        assert_eq!(
            body["progress"],
            json!({"total": 6, "completed": 2, "skipped": 2, "in_progress": 1, "blocked": 1, "human_pending": 0, "percent": 66.7})
        );
        let after = server.plan(&id).await;
        assert_eq!(first_task(&after, "skipped")["id"], plan["tasks"][4]["id"]);
        assert_eq!(after["progress"], body["progress"]);

        for (status, detail) in [
            ("skipped", "Cannot skip task with status 'skipped'"),
            ("done", "Cannot skip task with status 'done'"),
            ("in_progress", "Cannot skip task with status 'in_progress'"),
        ] {
            let task = first_task(&after, status);
            let reply = server.post(&task_path(&id, &task, "skip")).send().await;
            assert_eq!(
                (reply.status, reply.detail()),
                (400, json!(detail)),
                "{flavor:?}"
            );
        }
    }
}

#[tokio::test]
async fn retry_reassigns_a_blocked_task() {
    for flavor in [Flavor::Lenient, Flavor::Documented] {
        let server = TestServer::start(common::config(flavor)).await;
        let id = server.seeded(ProjectStatus::Executing);
        let blocked = first_task(&server.plan(&id).await, "blocked");
        assert_eq!(blocked["retry_count"], 1);
        assert!(blocked["error_message"].is_string());

        let body = server
            .post(&task_path(&id, &blocked, "retry"))
            .send()
            .await
            .json();
        assert_eq!(keys(&body), ["success", "task", "progress"]);
        assert_eq!(body["success"], true);
        let task = &body["task"];
        assert_eq!(task["id"], blocked["id"]);
        assert_eq!(task["status"], "assigned");
        assert_eq!(task["retry_count"], 2);
        assert!(task["error_message"].is_null());
        assert_eq!(body["progress"]["blocked"], 0);

        let again = server.post(&task_path(&id, &blocked, "retry")).send().await;
        assert_eq!(
            (again.status, again.detail()),
            (
                400,
                json!("Can only retry tasks with status 'blocked', got 'assigned'")
            )
        );
    }
}

#[tokio::test]
async fn skip_and_retry_of_unknown_or_foreign_tasks() {
    for flavor in [Flavor::Lenient, Flavor::Documented] {
        let server = TestServer::start(common::config(flavor)).await;
        let id = server.seeded(ProjectStatus::Executing);
        let foreign = first_task(
            &server.plan(&server.seeded(ProjectStatus::Paused)).await,
            "blocked",
        );
        for action in ["skip", "retry"] {
            let unknown = server
                .post(&format!("/api/deep-work/projects/{id}/tasks/nope/{action}"))
                .send()
                .await;
            assert_eq!(
                (unknown.status, unknown.detail()),
                (404, json!("Task not found"))
            );
            for project in [id.as_str(), "nope"] {
                let reply = server
                    .post(&task_path(project, &foreign, action))
                    .send()
                    .await;
                assert_eq!(
                    (reply.status, reply.detail()),
                    (400, json!("Task does not belong to this project")),
                    "{flavor:?} {action} {project}"
                );
            }
        }
        assert_eq!(
            first_task(
                &server.plan(&server.seeded(ProjectStatus::Paused)).await,
                "blocked"
            )["id"],
            foreign["id"],
            "the foreign task is untouched"
        );
    }
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
        assert_eq!(keys(project)[..15], PROJECT_FIELDS);
        assert_eq!(keys(project)[15..], ["folder_path", "file_count"]);
        assert_eq!(project["status"], json!(status));
        assert!(!project["team_agent_ids"].as_array().unwrap().is_empty());
        let tasks = task_statuses(&plan);
        assert_eq!(tasks.len(), 6);
        assert_eq!(
            project["file_count"],
            tasks.iter().filter(|t| *t == "done").count()
        );
        let mut distinct = tasks.clone();
        distinct.sort();
        distinct.dedup();
        assert!(distinct.len() >= 2, "{status:?}: {tasks:?}");
        assert!(plan["execution_levels"].as_array().unwrap().len() >= 2);
        for task in plan["tasks"].as_array().unwrap() {
            assert_eq!(keys(task), TASK_FIELDS);
        }
        assert!(plan["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["task_type"] == "human"));
        match status {
            ProjectStatus::Completed | ProjectStatus::Cancelled => {
                assert!(tasks.iter().all(|t| t == "done" || t == "skipped"))
            }
            ProjectStatus::Executing => {
                for wanted in ["done", "skipped", "inbox", "blocked"] {
                    assert!(tasks.iter().any(|t| t == wanted), "{wanted}");
                }
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
