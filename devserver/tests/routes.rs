//! The routes beyond cancel, over real sockets, in both flavors: parse-goal, start
//! with a goal analysis, the project list, get and delete.

mod common;

use common::{keys, TestServer, PROJECT_FIELDS, TASK_FIELDS};
use deepwork_devserver::{Flavor, ProjectStatus};
use serde_json::{json, Value};

const FLAVORS: [Flavor; 2] = [Flavor::Lenient, Flavor::Documented];

fn project_path(id: &str) -> String {
    format!("/api/mission-control/projects/{id}")
}

async fn list(server: &TestServer, query: &str) -> Value {
    let reply = server
        .get(&format!("/api/mission-control/projects{query}"))
        .send()
        .await;
    assert_eq!(reply.status, 200, "{query}: {}", reply.text());
    reply.json()
}

fn listed_ids(list: &Value) -> Vec<String> {
    list["projects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn parse_goal_answers_a_deterministic_analysis() {
    for flavor in FLAVORS {
        let server = TestServer::start(common::config(flavor)).await;
        let description = "Build a REST API for recipes. Add full-text search";
        let ask = || {
            server
                .post("/api/deep-work/parse-goal")
                .json(&json!({ "description": description }))
                .send()
        };
        let reply = ask().await;
        assert_eq!(reply.status, 200, "{}", reply.text());
        let body = reply.json();
        assert_eq!(keys(&body), ["success", "goal_analysis"]);
        assert_eq!(body["success"], true);
        assert_eq!(body["goal_analysis"]["goal"], description);
        assert_eq!(
            body["goal_analysis"]["deliverables"],
            json!(["Build a REST API for recipes", "Add full-text search"])
        );
        assert_eq!(ask().await.json(), body, "{flavor:?}: the same every time");

        for (bad, kind) in [
            (json!({"description": "short"}), "string_too_short"),
            (json!({}), "missing"),
            (json!({"description": "x".repeat(5001)}), "string_too_long"),
        ] {
            let reply = server
                .post("/api/deep-work/parse-goal")
                .json(&bad)
                .send()
                .await;
            assert_eq!(reply.status, 422, "{bad}");
            assert_eq!(reply.detail()[0]["loc"], json!(["body", "description"]));
            assert_eq!(reply.detail()[0]["type"], kind);
        }
    }
}

#[tokio::test]
async fn start_keeps_the_goal_analysis_and_checks_the_research_depth() {
    for flavor in FLAVORS {
        let server = TestServer::start(common::config(flavor)).await;
        let analysis = json!({"goal": "recipes", "deliverables": ["an API"], "complexity": "low"});
        let reply = server
            .post("/api/deep-work/start")
            .json(&json!({"description": "Build a recipe API with search", "research_depth": "deep", "goal_analysis": analysis}))
            .send()
            .await;
        assert_eq!(reply.status, 200, "{}", reply.text());
        let project = reply.json()["project"].clone();
        assert_eq!(keys(&project), PROJECT_FIELDS);
        assert_eq!(project["status"], "planning");
        let plan = server.plan(project["id"].as_str().unwrap()).await;
        assert_eq!(plan["goal_analysis"], analysis);

        // The real server's model takes any string as a depth; the docs name five.
        let depth = match flavor {
            Flavor::Documented => json!("extreme"),
            Flavor::Lenient => json!(5),
        };
        for (body, loc) in [
            (
                json!({"description": "Build a recipe API", "research_depth": depth}),
                "research_depth",
            ),
            (
                json!({"description": "Build a recipe API", "goal_analysis": "big"}),
                "goal_analysis",
            ),
        ] {
            let reply = server.post("/api/deep-work/start").json(&body).send().await;
            assert_eq!(reply.status, 422, "{flavor:?} {body}");
            assert_eq!(reply.detail()[0]["loc"], json!(["body", loc]));
        }
        if flavor == Flavor::Lenient {
            let body = json!({"description": "Build a recipe API", "research_depth": "extreme"});
            let reply = server.post("/api/deep-work/start").json(&body).send().await;
            assert_eq!(reply.status, 200, "{}", reply.text());
        }
    }
}

#[tokio::test]
async fn the_list_is_newest_first_and_counts_before_the_limit() {
    for flavor in FLAVORS {
        let server = TestServer::start(common::config(flavor)).await;
        let all = list(&server, "").await;
        assert_eq!(keys(&all), ["projects", "count"]);
        assert_eq!(all["count"], 9);
        let mut oldest_first: Vec<String> = ProjectStatus::ALL
            .into_iter()
            .map(|s| server.seeded(s))
            .collect();
        oldest_first.reverse();
        assert_eq!(listed_ids(&all), oldest_first, "newest first");
        let project = &all["projects"][0];
        assert_eq!(keys(project)[..15], PROJECT_FIELDS);
        assert_eq!(keys(project)[15..], ["folder_path", "file_count"]);

        let limited = list(&server, "?limit=2").await;
        assert_eq!(limited["count"], 9, "{flavor:?}: counted before the limit");
        assert_eq!(listed_ids(&limited), oldest_first[..2]);

        let newer = server.create(json!({"status": "paused"})).await;
        let paused = list(&server, "?status=paused&limit=1").await;
        assert_eq!(paused["count"], 2);
        assert_eq!(listed_ids(&paused), [newer]);

        let reply = server
            .get("/api/mission-control/projects?limit=ten")
            .send()
            .await;
        assert_eq!(reply.status, 422);
        assert_eq!(reply.detail()[0]["loc"], json!(["query", "limit"]));
        assert_eq!(reply.detail()[0]["type"], "int_parsing");
    }
}

#[tokio::test]
async fn odd_list_queries() {
    for flavor in FLAVORS {
        let server = TestServer::start(common::config(flavor)).await;
        let unknown = list(&server, "?status=exploded").await;
        assert_eq!(
            (unknown["count"].clone(), unknown["projects"].clone()),
            (json!(0), json!([])),
            "{flavor:?}: a status no project has matches nothing"
        );
    }
    let lenient = TestServer::lenient().await;
    let none = list(&lenient, "?limit=0").await;
    assert_eq!(
        (none["count"].clone(), none["projects"].clone()),
        (json!(9), json!([]))
    );

    let documented = TestServer::documented().await;
    for query in ["?limit=0", "?limit=-1"] {
        let reply = documented
            .get(&format!("/api/mission-control/projects{query}"))
            .send()
            .await;
        assert_eq!(reply.status, 422, "{query}");
        assert_eq!(
            reply.detail()[0]["loc"],
            json!(["query", "limit"]),
            "{query}"
        );
        assert_eq!(reply.detail()[0]["type"], "greater_than_equal");
    }
}

#[tokio::test]
async fn get_answers_project_tasks_and_progress() {
    for flavor in FLAVORS {
        let server = TestServer::start(common::config(flavor)).await;
        let id = server.seeded(ProjectStatus::Paused);
        let reply = server.get(&project_path(&id)).send().await;
        assert_eq!(reply.status, 200, "{}", reply.text());
        let body = reply.json();
        assert_eq!(keys(&body), ["project", "tasks", "progress"]);
        let plan = server.plan(&id).await;
        assert_eq!(body["project"], plan["project"]);
        assert_eq!(body["tasks"], plan["tasks"]);
        assert_eq!(keys(&body["tasks"][0]), TASK_FIELDS);
        assert_eq!(
            body["progress"],
            json!({"total": 6, "completed": 2, "skipped": 0, "in_progress": 1, "blocked": 2, "human_pending": 1, "percent": 33.3})
        );
    }
}

#[tokio::test]
async fn delete_then_every_route_answers_404() {
    for flavor in FLAVORS {
        let server = TestServer::start(common::config(flavor)).await;
        let id = server.seeded(ProjectStatus::Failed);
        let task = server.plan(&id).await["tasks"][2]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let reply = server.request("DELETE", &project_path(&id)).send().await;
        assert_eq!(reply.status, 200, "{}", reply.text());
        assert_eq!(
            reply.json(),
            json!({"success": true, "message": format!("Project {id} deleted")})
        );

        let again = server.request("DELETE", &project_path(&id)).send().await;
        assert_eq!(
            (again.status, again.detail()),
            (404, json!("Project not found"))
        );
        for path in [
            project_path(&id),
            format!("/api/deep-work/projects/{id}/plan"),
        ] {
            let reply = server.get(&path).send().await;
            assert_eq!(
                (reply.status, reply.detail()),
                (404, json!("Project not found")),
                "{path}"
            );
        }
        let retry = server
            .post(&format!("/api/deep-work/projects/{id}/tasks/{task}/retry"))
            .send()
            .await;
        assert_eq!(
            (retry.status, retry.detail()),
            (404, json!("Task not found"))
        );
        assert!(!listed_ids(&list(&server, "").await).contains(&id));
        let dev = server.get("/__dev/projects").send().await.json();
        assert!(!dev["projects"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["id"] == id.as_str()));
        let stats = server.stats(&id).await;
        assert_eq!(
            stats["requests"]["delete"], 2,
            "counters outlive the project"
        );
    }
}

#[tokio::test]
async fn dev_listing_names_each_projects_tasks() {
    let server = TestServer::lenient().await;
    let reply = server
        .post("/__dev/projects")
        .json(&json!({"status": "executing"}))
        .send()
        .await;
    let created = reply.json();
    let tasks = created["tasks"].as_array().unwrap();
    assert_eq!(tasks.len(), 6);
    assert_eq!(keys(&tasks[0]), ["id", "status", "task_type"]);
    let plan = server.plan(created["id"].as_str().unwrap()).await;
    for (listed, task) in tasks.iter().zip(plan["tasks"].as_array().unwrap()) {
        assert_eq!(listed["id"], task["id"]);
        assert_eq!(listed["status"], task["status"]);
        assert_eq!(listed["task_type"], task["task_type"]);
    }
    let listing = server.get("/__dev/projects").send().await.json();
    let last = listing["projects"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["tasks"], created["tasks"]);
}
