//! Every call of the Deep Work API beyond cancel, through the JS client, against both
//! devserver flavors: what each resolves with, and each error row of the contract.
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use js_sys::{Array, Object};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

async fn done(promise: js_sys::Promise) -> JsValue {
    JsFuture::from(promise)
        .await
        .unwrap_or_else(|e| panic!("the call failed: {}", stringify(&e)))
}

async fn failed(promise: js_sys::Promise, kind: &str) -> JsValue {
    expect_error(JsFuture::from(promise).await, kind)
}

fn items(value: &JsValue) -> Vec<JsValue> {
    Array::from(value).iter().collect()
}

/// The ids of `tasks` whose status is one of `statuses`.
fn tasks_in(tasks: &JsValue, statuses: &[&str]) -> Vec<String> {
    items(tasks)
        .iter()
        .filter(|task| statuses.contains(&text(task, "status").unwrap_or_default().as_str()))
        .filter_map(|task| text(task, "id"))
        .collect()
}

#[wasm_bindgen_test]
async fn a_started_project_is_planning_and_listed() {
    for server in both() {
        let sdk = client(&server, &[]);
        let description = "Build a REST API for a todo app, with tests";
        let options = obj(&[("researchDepth", "quick".into())]);
        let project = done(sdk.start_project(description.into(), options)).await;
        assert_eq!(text(&project, "status").as_deref(), Some("planning"));
        assert_eq!(text(&project, "description").as_deref(), Some(description));
        let id = text(&project, "id").expect("an id");
        let list = done(sdk.list_projects(obj(&[("status", "planning".into())]))).await;
        let ids: Vec<_> = items(&get(&list, "projects"))
            .iter()
            .filter_map(|p| text(p, "id"))
            .collect();
        assert!(ids.contains(&id), "the new project is listed");
    }
}

#[wasm_bindgen_test]
async fn a_goal_analysis_goes_back_into_a_start() {
    for server in both() {
        let sdk = client(&server, &[]);
        let description = "Write a CLI that converts CSV to JSON";
        let analysis = done(sdk.parse_goal(description.into(), JsValue::UNDEFINED)).await;
        assert!(
            analysis.is_object() && !Array::is_array(&analysis),
            "{}",
            stringify(&analysis)
        );
        assert!(Object::keys(analysis.unchecked_ref::<Object>()).length() > 0);
        let options = obj(&[("goalAnalysis", analysis)]);
        let project = done(sdk.start_project(description.into(), options)).await;
        assert_eq!(text(&project, "status").as_deref(), Some("planning"));
    }
}

#[wasm_bindgen_test]
async fn a_plan_has_its_tasks_in_levels_with_progress() {
    for server in both() {
        let sdk = client(&server, &[]);
        let target = target_with(&server, Route::Plan, &[]).await;
        let plan = done(sdk.get_plan(target.project_id.clone().into(), JsValue::UNDEFINED)).await;
        let project = get(&plan, "project");
        assert_eq!(text(&project, "id"), Some(target.project_id.clone()));
        assert!(
            text(&project, "folder_path").is_some(),
            "plans carry folder_path"
        );
        let tasks = get(&plan, "tasks");
        let levels = items(&get(&plan, "execution_levels"));
        assert!(levels.len() >= 2, "tasks across at least two levels");
        let level_map = get(&plan, "task_level_map");
        for (level, ids) in levels.iter().enumerate() {
            for id in items(ids) {
                let id = id.as_string().expect("task ids");
                assert_eq!(number(&level_map, &id), Some(level as f64), "{id}");
            }
        }
        let progress = get(&plan, "progress");
        let total = items(&tasks).len() as f64;
        assert_eq!(number(&progress, "total"), Some(total));
        let settled = tasks_in(&tasks, &["done", "skipped"]).len() as f64;
        let percent = (settled / total * 1000.0).round() / 10.0;
        assert_eq!(number(&progress, "percent"), Some(percent));
        assert_eq!(
            number(&progress, "blocked"),
            Some(tasks_in(&tasks, &["blocked"]).len() as f64)
        );
        let kinds: Vec<_> = items(&tasks)
            .iter()
            .filter_map(|t| text(t, "task_type"))
            .collect();
        assert!(kinds.iter().any(|k| k == "human"), "a human task is seeded");
    }
}

#[wasm_bindgen_test]
async fn approve_pause_and_resume_move_the_project_along() {
    for server in both() {
        let sdk = client(&server, &[]);
        let id = new_project(&server, "awaiting_approval").await;
        let id_js = || JsValue::from_str(&id);
        let status = |p: &JsValue| text(p, "status");
        let approved = done(sdk.approve_project(id_js(), JsValue::UNDEFINED)).await;
        assert_eq!(status(&approved).as_deref(), Some("executing"));
        assert!(
            text(&approved, "started_at").is_some(),
            "approval starts it"
        );
        let paused = done(sdk.pause_project(id_js(), JsValue::UNDEFINED)).await;
        assert_eq!(status(&paused).as_deref(), Some("paused"));
        let resumed = done(sdk.resume_project(id_js(), JsValue::UNDEFINED)).await;
        assert_eq!(status(&resumed).as_deref(), Some("executing"));
    }
}

#[wasm_bindgen_test]
async fn a_transition_from_the_wrong_status_is_invalid_state_with_it() {
    for server in both() {
        let sdk = client(&server, &[]);
        // The real server says 404 for a wrong status; the docs say 400.
        let status = if server.documented { 400.0 } else { 404.0 };
        for (route, from, verb) in [
            (Route::Approve, "draft", "approve"),
            (Route::Pause, "paused", "pause"),
            (Route::Resume, "executing", "resume"),
        ] {
            let target = Target {
                project_id: new_project(&server, from).await,
                task_id: String::new(),
            };
            let error = failed(
                route.call(&sdk, &target, JsValue::UNDEFINED),
                "invalid_state",
            )
            .await;
            assert_eq!(number(&error, "status"), Some(status), "{verb}");
            assert_eq!(
                text(&error, "currentStatus").as_deref(),
                Some(from),
                "{verb}"
            );
            let detail = format!("Cannot {verb} project with status '{from}'");
            assert_eq!(text(&error, "detail"), Some(detail), "{verb}");
            assert_eq!(text(&error, "projectId"), Some(target.project_id.clone()));
        }
        let missing = Target {
            project_id: "no-such-project-5c2".into(),
            task_id: "t".into(),
        };
        for route in [
            Route::Approve,
            Route::Pause,
            Route::Resume,
            Route::Plan,
            Route::Get,
        ] {
            failed(route.call(&sdk, &missing, JsValue::UNDEFINED), "not_found").await;
        }
    }
}

#[wasm_bindgen_test]
async fn skip_and_retry_change_one_task_and_the_progress() {
    for server in both() {
        let sdk = client(&server, &[]);
        let skip = target_with(&server, Route::Skip, &[]).await;
        let before = get(
            &done(sdk.get_plan(skip.project_id.clone().into(), JsValue::UNDEFINED)).await,
            "progress",
        );
        let change = done(sdk.skip_task(
            skip.project_id.clone().into(),
            skip.task_id.clone().into(),
            JsValue::UNDEFINED,
        ))
        .await;
        let task = get(&change, "task");
        assert_eq!(text(&task, "id"), Some(skip.task_id.clone()));
        assert_eq!(text(&task, "status").as_deref(), Some("skipped"));
        assert!(text(&task, "completed_at").is_some());
        let skipped = |p: &JsValue| number(p, "skipped").unwrap_or(-1.0);
        assert_eq!(skipped(&get(&change, "progress")), skipped(&before) + 1.0);

        let retry = target_with(&server, Route::Retry, &[]).await;
        let change = done(sdk.retry_task(
            retry.project_id.clone().into(),
            retry.task_id.clone().into(),
            JsValue::UNDEFINED,
        ))
        .await;
        let task = get(&change, "task");
        assert_eq!(text(&task, "status").as_deref(), Some("assigned"));
        assert_eq!(get(&task, "error_message"), JsValue::NULL);
        assert!(number(&task, "retry_count").unwrap_or(0.0) >= 1.0);
    }
}

#[wasm_bindgen_test]
async fn task_errors_name_the_status_the_missing_task_and_the_foreign_one_for_skip_and_retry() {
    for server in both() {
        let sdk = client(&server, &[]);
        let target = target_with(&server, Route::Skip, &[]).await;
        let id = || JsValue::from_str(&target.project_id);
        let plan = done(sdk.get_plan(id(), JsValue::UNDEFINED)).await;
        let done_task = tasks_in(&get(&plan, "tasks"), &["done"]);
        let done_task = done_task.first().expect("a done task is seeded").clone();
        let error = failed(
            sdk.skip_task(id(), done_task.clone().into(), JsValue::UNDEFINED),
            "invalid_state",
        )
        .await;
        assert_eq!(text(&error, "currentStatus").as_deref(), Some("done"));
        assert_eq!(
            text(&error, "detail").as_deref(),
            Some("Cannot skip task with status 'done'")
        );
        let error = failed(
            sdk.retry_task(id(), done_task.into(), JsValue::UNDEFINED),
            "invalid_state",
        )
        .await;
        assert_eq!(text(&error, "currentStatus").as_deref(), Some("done"));
        assert_eq!(
            text(&error, "detail").as_deref(),
            Some("Can only retry tasks with status 'blocked', got 'done'")
        );
        // A missing task and another project's task, for both task calls.
        let other = target_with(&server, Route::Retry, &[]).await;
        for route in [Route::Skip, Route::Retry] {
            let call = |task: &str| {
                let on = Target {
                    project_id: target.project_id.clone(),
                    task_id: task.into(),
                };
                route.call(&sdk, &on, JsValue::UNDEFINED)
            };
            failed(call("no-such-task"), "not_found").await;
            let error = failed(call(&other.task_id), "task_not_in_project").await;
            assert_eq!(number(&error, "status"), Some(400.0), "{route:?}");
            assert_eq!(
                text(&error, "detail").as_deref(),
                Some("Task does not belong to this project"),
                "{route:?}"
            );
        }
    }
}

#[wasm_bindgen_test]
async fn a_listing_counts_what_matches_before_the_limit() {
    for server in both() {
        let sdk = client(&server, &[]);
        new_projects(&server, "paused", 3).await;
        let all = done(sdk.list_projects(obj(&[("status", "paused".into())]))).await;
        let count = number(&all, "count").expect("count");
        assert!(count >= 3.0);
        let listed = items(&get(&all, "projects"));
        assert!(listed
            .iter()
            .all(|p| text(p, "status").as_deref() == Some("paused")));
        let page =
            done(sdk.list_projects(obj(&[("status", "paused".into()), ("limit", 2.into())]))).await;
        assert_eq!(items(&get(&page, "projects")).len(), 2);
        assert_eq!(
            number(&page, "count"),
            Some(count),
            "count is before the limit"
        );
        let none = done(sdk.list_projects(obj(&[("status", "no_such_status".into())]))).await;
        assert_eq!(number(&none, "count"), Some(0.0));
    }
}

#[wasm_bindgen_test]
async fn a_project_reads_back_with_its_tasks_and_deletes_once() {
    for server in both() {
        let sdk = client(&server, &[]);
        let target = target_with(&server, Route::Get, &[]).await;
        let id = || JsValue::from_str(&target.project_id);
        let detail = done(sdk.get_project(id(), JsValue::UNDEFINED)).await;
        assert_eq!(
            text(&get(&detail, "project"), "id"),
            Some(target.project_id.clone())
        );
        let total = items(&get(&detail, "tasks")).len() as f64;
        assert!(total > 0.0);
        assert_eq!(number(&get(&detail, "progress"), "total"), Some(total));
        let deleted = done(sdk.delete_project(id(), JsValue::UNDEFINED)).await;
        assert!(deleted.is_undefined());
        failed(sdk.get_project(id(), JsValue::UNDEFINED), "not_found").await;
        // No earlier attempt of this call can have deleted it: the server's 404 stands.
        let error = failed(sdk.delete_project(id(), JsValue::UNDEFINED), "not_found").await;
        assert_eq!(number(&error, "status"), Some(404.0));
        assert_eq!(number(&error, "attempts"), Some(1.0));
    }
}
