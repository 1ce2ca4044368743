//! Live dashboards, as JS drives them, against the devserver: watches of one project
//! share one poll whichever client started them, a live project list names what
//! changed, `waitForProject` settles as soon as it can, the request budget keeps a page
//! under the real server's limiter (and lets the user's call go first), a 429 pauses
//! every poll, and a watch tells where it stands.
#![cfg(target_arch = "wasm32")]

mod common;

use common::watching::*;
use common::*;
use deepwork_client::bindings::JsClient;
use js_sys::{Array, Date, Function, Promise};
use std::collections::BTreeMap;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::AbortController;

wasm_bindgen_test_configure!(run_in_browser);

/// A client of `server` with the default request budget, as users make one.
fn budgeted(server: &Server) -> JsClient {
    client(server, &[("rateLimit", JsValue::UNDEFINED)])
}

fn watch_of(client: &JsClient, id: &str, options: JsValue) -> JsValue {
    client
        .watch_project(id.into(), options)
        .unwrap_or_else(|e| panic!("watchProject threw {}", stringify(&e)))
}

/// A list limit above every project the suites make on one server: under the default
/// of 100, a delete would bring in the 101st as `added`.
const EVERY: u32 = 100_000;

fn list_watch(client: &JsClient, options: JsValue) -> JsValue {
    client
        .watch_projects(options)
        .unwrap_or_else(|e| panic!("watchProjects threw {}", stringify(&e)))
}

async fn wait_for(client: &JsClient, id: &str, options: JsValue) -> Result<JsValue, JsValue> {
    JsFuture::from(client.wait_for_project(id.into(), options)).await
}

fn ids(value: &JsValue) -> Vec<String> {
    Array::from(value)
        .iter()
        .filter_map(|id| id.as_string())
        .collect()
}

/// When each plan request for `id` reached the server, in ms on its clock.
async fn plan_times(server: &Server, id: &str) -> Vec<f64> {
    let stats = dev(server, "GET", &format!("/__dev/projects/{id}/stats"), None).await;
    Array::from(&get(&get(&stats, "request_ms"), "plan"))
        .iter()
        .filter_map(|t| t.as_f64())
        .collect()
}

/// When the requests of `route` for `id` reached the server.
async fn route_times(server: &Server, id: &str, route: &str) -> Vec<f64> {
    let stats = dev(server, "GET", &format!("/__dev/projects/{id}/stats"), None).await;
    Array::from(&get(&get(&stats, "request_ms"), route))
        .iter()
        .filter_map(|t| t.as_f64())
        .collect()
}

async fn list_requests(server: &Server) -> f64 {
    let stats = dev(server, "GET", "/__dev/stats", None).await;
    number(&get(&stats, "route_requests"), "list").expect("list requests")
}

/// The 429s the server's limiter gave so far.
async fn refused(server: &Server) -> f64 {
    let stats = dev(server, "GET", "/__dev/stats", None).await;
    number(&stats, "rate_limited").expect("rate_limited")
}

/// Lets time pass without sleeping: a watch of another project polls `polls` times.
async fn while_another_watch_polls(server: &Server, polls: f64) {
    let other = new_project(server, "paused").await;
    let watch = watch_of(&client(server, &[]), &other, fast(&[]));
    next_plan(&watch).await;
    until_polled(server, &other, polls + 1.0).await;
    call(&watch, "return");
}

fn returned(watch: &JsValue) -> Promise {
    call(watch, "return").unchecked_into()
}

fn state(watch: &JsValue) -> String {
    text(&get(watch, "state"), "status").unwrap_or_default()
}

#[wasm_bindgen_test]
async fn watchers_of_one_project_share_one_poll_whichever_client_started_them() {
    let server = lenient();
    for watchers in [1usize, 10, 50] {
        let timers = Timers::count();
        let id = moving_project(&server).await;
        let one_client = client(&server, &[]);
        let signals: Vec<(JsValue, JsValue)> = (0..watchers).map(|_| counted_signal()).collect();
        let watches: Vec<JsValue> = signals
            .iter()
            .enumerate()
            .map(|(i, (signal, _))| {
                let options = fast(&[("signal", signal.clone())]);
                // Every other watch through a client of its own.
                if i % 2 == 0 {
                    watch_of(&one_client, &id, options)
                } else {
                    watch_of(&client(&server, &[]), &id, options)
                }
            })
            .collect();
        let mut last = Vec::new();
        for watch in &watches {
            last.push(next_plan(watch).await);
        }
        let (started, polled) = (Date::now(), plan_requests(&server, &id).await);
        let mut late = None;
        for change in 0..2 {
            let pending: Vec<Promise> = watches.iter().map(next).collect();
            advance(&server, &id, 1).await;
            for (i, pending) in pending.into_iter().enumerate() {
                let plan = plan_of(JsFuture::from(pending).await);
                assert_eq!(changes(&last[i], &plan), 1, "{watchers}: each change once");
                last[i] = plan;
            }
            if change == 0 {
                // A watcher that joins gets the latest plan at once.
                let joined = watch_of(&client(&server, &[]), &id, fast(&[]));
                let first = next_plan(&joined).await;
                assert_eq!(changes(&last[0], &first), 0, "the latest plan");
                late = Some((next(&joined), joined, first));
            }
        }
        let (pending, joined, first) = late.expect("joined");
        let plan = plan_of(JsFuture::from(pending).await);
        assert_eq!(changes(&first, &plan), 1, "then the next change, once");
        JsFuture::from(returned(&joined)).await.expect("return()");

        let elapsed = Date::now() - started;
        let requests = plan_requests(&server, &id).await - polled;
        assert!(
            requests <= elapsed / 250.0 + 2.0,
            "{watchers} watchers: {requests} plan requests in {elapsed:.0} ms, one per interval"
        );
        // One leaves: the others go on; the last to leave stops the poll.
        for watch in &watches {
            let end = JsFuture::from(returned(watch)).await.expect("return()");
            assert!(is_end(&end));
        }
        let after = plan_requests(&server, &id).await;
        while_another_watch_polls(&server, 3.0).await;
        assert_eq!(plan_requests(&server, &id).await, after, "no request after");
        assert_eq!(timers.pending(), 0.0, "{watchers}: no timer left");
        for (_, listeners) in &signals {
            assert_no_listener_left(listeners, &format!("{watchers} watchers"));
        }
    }
}

#[wasm_bindgen_test]
async fn watches_of_one_project_through_different_tokens_do_not_share() {
    let server = lenient();
    let id = new_project(&server, "paused").await;
    let good = watch_of(&client(&server, &[]), &id, fast(&[]));
    next_plan(&good).await;
    let stranger = client(&server, &[("token", "someone-elses".into())]);
    let watch = watch_of(&stranger, &id, fast(&[]));
    expect_error(JsFuture::from(next(&watch)).await, "unauthorized");
    call(&good, "return");
}

#[wasm_bindgen_test]
async fn a_live_project_list_names_what_appeared_left_or_changed_once() {
    let server = lenient();
    let changing = new_project(&server, "planning").await;
    let leaving = new_project(&server, "paused").await;
    let busy = new_project(&server, "executing").await;
    let watches: Vec<JsValue> = (0..3)
        .map(|_| list_watch(&client(&server, &[]), fast(&[("limit", EVERY.into())])))
        .collect();
    for watch in &watches {
        let first = next_plan(watch).await;
        let added = ids(&get(&first, "added"));
        for id in [&changing, &leaving, &busy] {
            assert!(
                added.contains(id),
                "the first list has every project as added"
            );
        }
        assert_eq!(
            added.len() as f64,
            Array::from(&get(&first, "projects")).length() as f64
        );
        assert!(ids(&get(&first, "removed")).is_empty() && ids(&get(&first, "changed")).is_empty());
    }
    let (started, polled) = (Date::now(), list_requests(&server).await);
    // Behind the watches' back: a task moves (no change to the list), a project is
    // planned (its status changes), one is deleted, one is started.
    advance(&server, &busy, 1).await;
    advance(&server, &changing, 1).await;
    JsFuture::from(
        client(&server, &[]).delete_project(leaving.as_str().into(), JsValue::UNDEFINED),
    )
    .await
    .expect("deleted");
    let appearing = new_project(&server, "draft").await;
    for watch in &watches {
        let mut seen: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        while seen.values().map(Vec::len).sum::<usize>() < 3 {
            let update = next_plan(watch).await;
            for bucket in ["added", "removed", "changed"] {
                seen.entry(bucket)
                    .or_default()
                    .extend(ids(&get(&update, bucket)));
            }
        }
        assert_eq!(seen["added"], std::slice::from_ref(&appearing), "{seen:?}");
        assert_eq!(seen["removed"], std::slice::from_ref(&leaving), "{seen:?}");
        assert_eq!(seen["changed"], std::slice::from_ref(&changing), "{seen:?}");
    }
    let elapsed = Date::now() - started;
    let requests = list_requests(&server).await - polled;
    assert!(
        requests <= elapsed / 250.0 + 2.0,
        "three list watches: {requests} list requests in {elapsed:.0} ms, one per interval"
    );
    for watch in &watches {
        call(watch, "return");
    }
}

#[wasm_bindgen_test]
async fn waiting_for_a_project_resolves_with_the_plan_that_shows_it() {
    let server = lenient();
    let client = client(&server, &[]);
    let id = new_project(&server, "planning").await;
    let waiting = client.wait_for_project(
        id.as_str().into(),
        obj(&[
            ("until", "awaiting_approval".into()),
            ("intervalMs", 250.into()),
        ]),
    );
    until_polled(&server, &id, 1.0).await;
    advance(&server, &id, 1).await;
    let plan = JsFuture::from(waiting).await.expect("resolves");
    assert_eq!(project_status(&plan).as_deref(), Some("awaiting_approval"));
    assert!(
        Array::from(&get(&plan, "tasks")).length() > 0,
        "the plan planning made"
    );

    // Any of several statuses; and a function of the plan.
    let id = new_project(&server, "executing").await;
    let settled = client.wait_for_project(
        id.as_str().into(),
        obj(&[(
            "until",
            Array::of2(&"completed".into(), &"cancelled".into()).into(),
        )]),
    );
    JsFuture::from(client.cancel_project(id.as_str().into(), JsValue::UNDEFINED))
        .await
        .expect("cancelled");
    let plan = JsFuture::from(settled).await.expect("resolves");
    assert_eq!(project_status(&plan).as_deref(), Some("cancelled"));
    let id = new_project(&server, "paused").await;
    let paused = Function::new_with_args("plan", "return plan.project.status === 'paused'");
    let plan = wait_for(&client, &id, obj(&[("until", paused.into())]))
        .await
        .expect("resolves");
    assert_eq!(project_status(&plan).as_deref(), Some("paused"));
}

#[wasm_bindgen_test]
async fn waiting_rejects_as_soon_as_the_status_can_no_longer_come() {
    let server = lenient();
    let client = client(&server, &[]);
    // Executing: it can never be awaiting approval again.
    let id = new_project(&server, "executing").await;
    let error = expect_error(
        wait_for(&client, &id, obj(&[("until", "awaiting_approval".into())])).await,
        "invalid_state",
    );
    assert_eq!(text(&error, "currentStatus").as_deref(), Some("executing"));
    assert_eq!(text(&error, "projectId"), Some(id));
    // Cancelled behind the wait's back while it waited for completion.
    let id = new_project(&server, "paused").await;
    let waiting = client.wait_for_project(
        id.as_str().into(),
        obj(&[("until", "completed".into()), ("intervalMs", 250.into())]),
    );
    until_polled(&server, &id, 1.0).await;
    JsFuture::from(client.cancel_project(id.as_str().into(), JsValue::UNDEFINED))
        .await
        .expect("cancelled");
    let error = expect_error(JsFuture::from(waiting).await, "invalid_state");
    assert_eq!(text(&error, "currentStatus").as_deref(), Some("cancelled"));
    // A function of the plan: a terminal plan that does not match.
    let id = new_project(&server, "completed").await;
    let never = Function::new_with_args("plan", "return false");
    let error = expect_error(
        wait_for(&client, &id, obj(&[("until", never.into())])).await,
        "invalid_state",
    );
    assert_eq!(text(&error, "currentStatus").as_deref(), Some("completed"));
    // A deleted project ends the wait as it ends a watch.
    let id = new_project(&server, "paused").await;
    let waiting = client.wait_for_project(
        id.as_str().into(),
        obj(&[("until", "executing".into()), ("intervalMs", 250.into())]),
    );
    until_polled(&server, &id, 1.0).await;
    JsFuture::from(client.delete_project(id.as_str().into(), JsValue::UNDEFINED))
        .await
        .expect("deleted");
    expect_error(JsFuture::from(waiting).await, "not_found");
}

#[wasm_bindgen_test]
async fn waiting_times_out_aborts_and_asks_nothing_after_it_settled() {
    let server = lenient();
    let client = client(&server, &[]);
    let timers = Timers::count();
    let id = new_project(&server, "paused").await;
    let error = expect_error(
        wait_for(
            &client,
            &id,
            obj(&[
                ("until", "executing".into()),
                ("timeoutMs", 600.into()),
                ("intervalMs", 250.into()),
            ]),
        )
        .await,
        "timeout",
    );
    assert_eq!(text(&error, "projectId"), Some(id.clone()));

    let controller = AbortController::new().expect("an AbortController");
    let waiting = client.wait_for_project(
        id.as_str().into(),
        obj(&[
            ("until", "executing".into()),
            ("signal", controller.signal().into()),
        ]),
    );
    until_polled(&server, &id, plan_requests(&server, &id).await + 1.0).await;
    controller.abort();
    expect_error(JsFuture::from(waiting).await, "aborted");

    let after = plan_requests(&server, &id).await;
    while_another_watch_polls(&server, 3.0).await;
    assert_eq!(plan_requests(&server, &id).await, after, "no request after");
    assert_eq!(timers.pending(), 0.0, "no timer left");

    // What `until` throws is what the wait rejects with.
    let throws = Function::new_with_args("plan", "throw new RangeError('no such field')");
    let thrown = wait_for(&client, &id, obj(&[("until", throws.into())]))
        .await
        .expect_err("rejects");
    assert_eq!(text(&thrown, "name").as_deref(), Some("RangeError"));
    // A wait that cannot work throws before any request.
    let before = api_requests(&server).await;
    for until in [JsValue::UNDEFINED, "".into(), 7.into(), Array::new().into()] {
        expect_error(
            wait_for(&client, &id, obj(&[("until", until)])).await,
            "invalid_argument",
        );
    }
    assert_eq!(api_requests(&server).await, before, "no request");
}

#[wasm_bindgen_test]
async fn forty_watches_stay_under_the_servers_limiter_and_a_call_goes_first() {
    let server = limited();
    let before = refused(&server).await;
    let ids = new_projects(&server, "approved", 40).await;
    let client = budgeted(&server);
    // The default interval, 2 s: together 20 polls a second, twice the server's 10.
    let watches: Vec<JsValue> = ids
        .iter()
        .map(|id| watch_of(&client, id, JsValue::UNDEFINED))
        .collect();
    for watch in &watches {
        next_plan(watch).await;
    }
    let pending: Vec<Promise> = watches.iter().map(next).collect();
    for id in &ids {
        advance(&server, id, 1).await;
    }
    // Meanwhile the user cancels one: it goes ahead of every waiting poll.
    let asked = Date::now();
    JsFuture::from(client.cancel_project(ids[0].as_str().into(), JsValue::UNDEFINED))
        .await
        .expect("cancelled");
    let cancel_took = Date::now() - asked;
    for (id, pending) in ids.iter().zip(pending) {
        let plan = plan_of(JsFuture::from(pending).await);
        let status = project_status(&plan);
        assert!(
            matches!(status.as_deref(), Some("executing" | "cancelled")),
            "{id}: each watch sees the change made to its project: {status:?}"
        );
    }
    // The polls stretched their interval: one project's gaps show the cycle.
    let times = plan_times(&server, &ids[1]).await;
    let cycle = times.windows(2).map(|w| w[1] - w[0]).fold(0.0, f64::max);
    assert!(
        cycle > 3.0 * cancel_took,
        "the cancel ({cancel_took:.0} ms) did not wait for the polls' turn (a cycle: {cycle:.0} ms)"
    );
    assert_eq!(refused(&server).await, before, "not one 429");
    for watch in &watches {
        call(watch, "return");
    }
}

#[wasm_bindgen_test]
async fn the_budget_follows_the_servers_own_count_where_it_can_read_it() {
    let server = limited_documented();
    // Another client of the same address spends most of the server's 30.
    for _ in 0..22 {
        dev(
            &server,
            "GET",
            "/api/mission-control/projects?limit=1",
            None,
        )
        .await;
    }
    let before = refused(&server).await;
    let client = budgeted(&server);
    let list = || client.list_projects(obj(&[("limit", 1.into())]));
    JsFuture::from(list()).await.expect("listed");
    // Its own budget is still full; the server's count says otherwise.
    let calls: Vec<_> = (0..11)
        .map(|_| {
            let call = JsFuture::from(list());
            Box::pin(async move {
                call.await.expect("listed");
            }) as std::pin::Pin<Box<dyn std::future::Future<Output = ()>>>
        })
        .collect();
    side_by_side(calls).await;
    assert_eq!(refused(&server).await, before, "not one 429");
}

#[wasm_bindgen_test]
async fn a_429_on_one_call_pauses_every_poll_until_its_retry_after() {
    // Documented: the page reads Retry-After (1 s); lenient: it cannot, and backs off 1 s.
    for server in both() {
        let client = budgeted(&server);
        let watched: Vec<String> = new_projects(&server, "paused", 4).await;
        let watches: Vec<JsValue> = watched
            .iter()
            .map(|id| watch_of(&client, id, fast(&[])))
            .collect();
        for watch in &watches {
            next_plan(watch).await;
        }
        let probe = new_project(&server, "paused").await;
        arm_project_fault(&server, &probe, Route::Get, "rate_limited", 1).await;
        let options = obj(&[no_retries()]);
        expect_error(
            JsFuture::from(client.get_project(probe.as_str().into(), options)).await,
            "rate_limited",
        );
        let refused_at = route_times(&server, &probe, "get").await[0];
        for id in &watched {
            until_polled(&server, id, plan_requests(&server, id).await + 1.0).await;
            let polls = plan_times(&server, id).await;
            // A poll under way at the 429 may still arrive just after it.
            let paused: Vec<f64> = polls
                .iter()
                .map(|t| t - refused_at)
                .filter(|gap| (100.0..900.0).contains(gap))
                .collect();
            assert!(
                paused.is_empty(),
                "{id}: polled {paused:?} ms after the 429"
            );
        }
        for watch in &watches {
            call(watch, "return");
        }
    }
}

#[wasm_bindgen_test]
async fn a_watch_says_where_it_stands_through_a_fault_burst() {
    let server = lenient();
    let id = new_project(&server, "paused").await;
    let seen = Array::new();
    let record = Function::new_with_args("seen", "return (state) => seen.push(state)")
        .call1(&JsValue::NULL, &seen)
        .expect("a listener");
    let watch = watch_of(
        &client(&server, &[]),
        &id,
        fast(&[("onStateChange", record)]),
    );
    next_plan(&watch).await;
    assert_eq!(state(&watch), "live");
    arm_project_fault(&server, &id, Route::Plan, "service_unavailable", 2).await;
    let polled = plan_requests(&server, &id).await;
    until_polled(&server, &id, polled + 1.0).await;
    // The failure never reaches the loop; the state shows it, and when it polls next.
    let deadline = Date::now() + 10_000.0;
    while state(&watch) != "retrying" && Date::now() < deadline {
        plan_requests(&server, &id).await;
    }
    let retrying = get(&watch, "state");
    assert_eq!(text(&retrying, "status").as_deref(), Some("retrying"));
    let error = get(&retrying, "error");
    assert_eq!(number(&error, "status"), Some(503.0));
    assert!(number(&retrying, "nextPollAt").unwrap_or(0.0) > Date::now() - 1_000.0);
    // Recovered: live again, without a reload.
    until_polled(&server, &id, polled + 3.0).await;
    while state(&watch) != "live" && Date::now() < deadline {
        plan_requests(&server, &id).await;
    }
    assert_eq!(state(&watch), "live");
    call(&watch, "return");
    assert_eq!(state(&watch), "ended");
    let statuses: Vec<String> = seen
        .iter()
        .filter_map(|state| text(&state, "status"))
        .collect();
    let first_retry = statuses.iter().position(|s| s == "retrying");
    let live_after = first_retry.and_then(|at| statuses[at..].iter().position(|s| s == "live"));
    assert!(
        live_after.is_some(),
        "told retrying, then live: {statuses:?}"
    );
    assert_eq!(
        statuses.last().map(String::as_str),
        Some("ended"),
        "{statuses:?}"
    );
}

#[wasm_bindgen_test]
async fn an_offline_browser_does_not_poll_and_polls_at_once_when_back() {
    let server = lenient();
    let timers = Timers::count();
    let network = Network::fake();
    let id = moving_project(&server).await;
    let watch = watch_of(&client(&server, &[]), &id, fast(&[]));
    let first = next_plan(&watch).await;
    // A watch that waits a minute between polls hears the network go at once.
    let slow_id = new_project(&server, "paused").await;
    let slow = watch_of(
        &client(&server, &[]),
        &slow_id,
        obj(&[("intervalMs", 60_000.into())]),
    );
    next_plan(&slow).await;
    network.set(false);
    // The poll under way finishes; then the watch waits for the network.
    let deadline = Date::now() + 10_000.0;
    while (state(&watch) != "offline" || state(&slow) != "offline") && Date::now() < deadline {
        plan_requests(&server, &id).await;
    }
    assert_eq!(state(&watch), "offline");
    assert_eq!(state(&slow), "offline", "not a minute later");
    call(&slow, "return");
    // Offline, the watch waits for the network alone: no timer that could poll.
    assert_eq!(timers.pending(), 0.0, "no timer while offline");
    let offline = plan_requests(&server, &id).await;
    advance(&server, &id, 1).await;
    for _ in 0..20 {
        assert_eq!(
            plan_requests(&server, &id).await,
            offline,
            "no poll while offline"
        );
    }
    let pending = next(&watch);
    network.set(true);
    let plan = plan_of(JsFuture::from(pending).await);
    assert_eq!(changes(&first, &plan), 1, "polled at once when online");
    call(&watch, "return");
}

#[wasm_bindgen_test]
async fn a_calls_wait_for_the_budget_counts_against_its_timeout() {
    let server = lenient();
    let id = new_project(&server, "paused").await;
    // A budget of one request, refilled once in 100 s: the second call cannot get one.
    let limit = obj(&[("burst", 1.into()), ("perSecond", 0.01.into())]);
    let client = client(&server, &[("rateLimit", limit)]);
    JsFuture::from(client.get_plan(id.as_str().into(), JsValue::UNDEFINED))
        .await
        .expect("the first call goes");
    let before = plan_requests(&server, &id).await;
    let options = obj(&[("timeoutMs", 300.into())]);
    let error = expect_error(
        JsFuture::from(client.get_plan(id.as_str().into(), options)).await,
        "timeout",
    );
    assert_eq!(number(&error, "attempts"), Some(0.0), "it never went out");
    assert_eq!(plan_requests(&server, &id).await, before, "no request");
}

#[wasm_bindgen_test]
async fn a_watch_aborted_through_its_signal_is_gone_before_its_next_turn() {
    let server = lenient();
    let client = client(&server, &[]);
    let id = moving_project(&server).await;
    let controller = AbortController::new().expect("an AbortController");
    // A minute between polls: the old watch's poll would not look again soon.
    let options = obj(&[
        ("intervalMs", 60_000.into()),
        ("signal", controller.signal().into()),
    ]);
    let old = watch_of(&client, &id, options);
    let before = next_plan(&old).await;
    advance(&server, &id, 1).await;
    // Aborted while its caller holds a plan (no next() pending), then a new watch at
    // once: it starts a poll of its own, and sees the project as it is now.
    controller.abort();
    let new = watch_of(&client, &id, fast(&[]));
    let first = next_plan(&new).await;
    assert_eq!(
        changes(&before, &first),
        1,
        "the plan as it is now, not the old poll's"
    );
    call(&new, "return");
}
