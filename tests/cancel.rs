//! Successful cancels against live devservers, in the browser: every cancellable status,
//! the task effects (read back through the plan endpoint), already-terminal projects in
//! both flavors, the documented six-field project and fields the SDK does not know.
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use js_sys::{Array, Object};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn tasks(plan: &JsValue) -> Vec<JsValue> {
    Array::from(&get(plan, "tasks")).iter().collect()
}

#[wasm_bindgen_test]
async fn cancels_from_every_cancellable_status_with_the_task_effects_of_the_contract() {
    for server in both() {
        for status in CANCELLABLE {
            let id = new_project(&server, status).await;
            let before = tasks(&plan(&server, &id).await);
            let project = cancel(&server, &id, &[]).await.expect("cancel resolves");

            assert_eq!(text(&project, "id").as_deref(), Some(id.as_str()));
            assert_eq!(
                text(&project, "status").as_deref(),
                Some("cancelled"),
                "from {status}"
            );
            assert!(
                text(&project, "completed_at").is_some(),
                "completed_at set (from {status})"
            );

            let after = plan(&server, &id).await;
            assert_eq!(
                text(&get(&after, "project"), "status").as_deref(),
                Some("cancelled")
            );
            let after = tasks(&after);
            assert_eq!(after.len(), before.len());
            for (old, new) in before.iter().zip(&after) {
                let old_status = text(old, "status").unwrap_or_default();
                let expected = if old_status == "done" {
                    "done"
                } else {
                    "skipped"
                };
                assert_eq!(
                    text(new, "status").as_deref(),
                    Some(expected),
                    "task was {old_status}"
                );
                if !matches!(old_status.as_str(), "done" | "skipped") {
                    assert_eq!(
                        text(new, "error_message").as_deref(),
                        Some("Project cancelled")
                    );
                }
            }
            assert_eq!(
                cancel_requests(&server, &id).await,
                (1.0, 1.0),
                "one request, one transition"
            );
        }
    }
}

#[wasm_bindgen_test]
async fn the_lenient_server_returns_terminal_projects_unchanged_and_the_sdk_resolves() {
    let server = lenient();
    let id = new_project(&server, "completed").await;
    let project = cancel(&server, &id, &[])
        .await
        .expect("already completed resolves as it is");
    assert_eq!(text(&project, "status").as_deref(), Some("completed"));

    let id = new_project(&server, "executing").await;
    let first = cancel(&server, &id, &[]).await.expect("first cancel");
    let again = cancel(&server, &id, &[])
        .await
        .expect("second cancel resolves too");
    assert_eq!(text(&again, "status").as_deref(), Some("cancelled"));
    assert_eq!(
        text(&again, "completed_at"),
        text(&first, "completed_at"),
        "completed_at unchanged"
    );
    assert_eq!(cancel_requests(&server, &id).await, (2.0, 1.0));
}

#[wasm_bindgen_test]
async fn the_six_field_project_of_the_docs_decodes() {
    for server in both() {
        let id = new_project_with(&server, "executing", &[("shape", "minimal".into())]).await;
        let project = cancel(&server, &id, &[])
            .await
            .expect("six fields are enough");
        let mut keys: Vec<String> = Object::keys(&project.clone().into())
            .iter()
            .filter_map(|k| k.as_string())
            .collect();
        keys.sort();
        assert_eq!(
            keys,
            [
                "completed_at",
                "id",
                "status",
                "task_ids",
                "team_agent_ids",
                "title"
            ]
        );
        assert_eq!(text(&project, "status").as_deref(), Some("cancelled"));
    }
}

#[wasm_bindgen_test]
async fn fields_the_sdk_does_not_know_are_kept() {
    let server = documented();
    let id = new_project_with(&server, "paused", &[("shape", "extra_fields".into())]).await;
    let project = cancel(&server, &id, &[])
        .await
        .expect("extra fields are fine");
    assert_eq!(text(&project, "priority").as_deref(), Some("high"));
    let nested = get(&get(&project, "x_future"), "nested");
    assert_eq!(stringify(&nested), "[1,2]");
    // And the 15 known ones are all there.
    assert_eq!(Object::keys(&project.clone().into()).length(), 17);
}

#[wasm_bindgen_test]
async fn a_client_object_cancels_with_its_own_settings() {
    let server = lenient();
    let client = deepwork_client::bindings::JsClient::new(obj(&[
        ("token", server.token.into()),
        ("baseUrl", server.url.into()),
        ("timeoutMs", JsValue::from_f64(10_000.0)),
    ]))
    .expect("valid options");
    let id = new_project(&server, "executing").await;
    let promise = client.cancel_project(id.clone().into(), JsValue::UNDEFINED);
    let project = wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .expect("client cancel");
    assert_eq!(text(&project, "status").as_deref(), Some("cancelled"));
    assert_eq!(cancel_requests(&server, &id).await.1, 1.0);
}
