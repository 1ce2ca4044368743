//! The `deepwork-devserver` binary: the startup line, the token, clean exit.

mod common;

use std::process::Stdio;

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::process::{Child, Command};

const STATUSES: [&str; 9] = [
    "draft",
    "planning",
    "awaiting_approval",
    "approved",
    "executing",
    "paused",
    "completed",
    "failed",
    "cancelled",
];

fn spawn(args: &[&str], token_env: Option<&str>) -> Child {
    let mut command = Command::new(env!("CARGO_BIN_EXE_deepwork-devserver"));
    command
        .args(["--addr", "127.0.0.1:0"])
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    match token_env {
        Some(token) => command.env("DEEPWORK_TOKEN", token),
        None => command.env_remove("DEEPWORK_TOKEN"),
    };
    command.spawn().unwrap()
}

async fn startup_line(child: &mut Child) -> (Value, BufReader<tokio::process::ChildStdout>) {
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    let read = stdout.read_line(&mut line);
    tokio::time::timeout(common::PATIENCE, read)
        .await
        .unwrap()
        .unwrap();
    (serde_json::from_str(&line).unwrap(), stdout)
}

/// Sends SIGTERM and waits for the exit; returns stderr.
async fn terminate(mut child: Child) -> String {
    let pid = child.id().unwrap().to_string();
    let status = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .await
        .unwrap();
    assert!(status.success());
    let exit = tokio::time::timeout(common::PATIENCE, child.wait())
        .await
        .unwrap()
        .unwrap();
    assert!(exit.success(), "{exit:?}");
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .await
        .unwrap();
    stderr
}

#[tokio::test]
async fn prints_one_json_line_then_serves_and_exits_cleanly_on_sigterm() {
    let mut child = spawn(
        &["--token", "secret-token-123", "--flavor", "documented"],
        None,
    );
    let (line, mut stdout) = startup_line(&mut child).await;
    assert_eq!(line["token"], "secret-token-123");
    assert_eq!(line["flavor"], "documented");
    let projects = line["projects"].as_object().unwrap();
    assert_eq!(
        projects.keys().map(String::as_str).collect::<Vec<_>>(),
        STATUSES
    );

    let base_url = line["base_url"].as_str().unwrap();
    let port = base_url.strip_prefix("http://127.0.0.1:").unwrap();
    assert_ne!(port.parse::<u16>().unwrap(), 0, "the real port is reported");

    // The server answers at base_url, and the listing has the announced projects.
    let addr = base_url.trim_start_matches("http://").parse().unwrap();
    let reply = common::RequestBuilder::new(addr, "GET", "/__dev/projects")
        .header("Authorization", "Bearer secret-token-123")
        .send()
        .await;
    let listed = reply.json()["projects"].as_array().unwrap().clone();
    for (project, status) in listed.iter().zip(STATUSES) {
        assert_eq!(project["status"], status);
        assert_eq!(project["id"], projects[status]);
    }

    let stderr = terminate(child).await;
    assert!(stderr.contains("GET /__dev/projects 200"), "{stderr}");
    assert!(
        !stderr.contains("secret-token-123"),
        "the token must never be logged"
    );
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).await.unwrap();
    assert_eq!(rest, "", "exactly one line on stdout");
}

#[tokio::test]
async fn token_comes_from_the_environment_or_is_random() {
    let mut child = spawn(&[], Some("from-env"));
    let (line, _) = startup_line(&mut child).await;
    assert_eq!(line["token"], "from-env");
    assert_eq!(line["flavor"], "lenient");
    terminate(child).await;

    let mut child = spawn(&[], None);
    let (line, _) = startup_line(&mut child).await;
    let token = line["token"].as_str().unwrap();
    assert_eq!(token.len(), 32);
    assert!(token.bytes().all(|b| b.is_ascii_alphanumeric()));
    terminate(child).await;
}

#[tokio::test]
async fn simulate_ticks_every_tick_ms_and_refuses_ticks_under_fifty() {
    let mut child = spawn(&["--simulate", "--tick-ms", "50", "--seed", "9"], Some("t"));
    let (line, _) = startup_line(&mut child).await;
    let addr = line["base_url"]
        .as_str()
        .unwrap()
        .trim_start_matches("http://")
        .parse()
        .unwrap();
    let approved = line["projects"]["approved"].clone();
    // Polls with a deadline until a tick has started the approved project.
    let deadline = tokio::time::Instant::now() + common::PATIENCE;
    loop {
        let listing = common::RequestBuilder::new(addr, "GET", "/__dev/projects")
            .header("Authorization", "Bearer t")
            .send()
            .await
            .json();
        let projects = listing["projects"].as_array().unwrap();
        let project = projects.iter().find(|p| p["id"] == approved).unwrap();
        if project["status"] != "approved" {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "no tick came");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    terminate(child).await;

    let exit = spawn(&["--simulate", "--tick-ms", "10"], None).wait_with_output();
    let exit = tokio::time::timeout(common::PATIENCE, exit)
        .await
        .unwrap()
        .unwrap();
    assert!(!exit.status.success());
    assert!(String::from_utf8_lossy(&exit.stderr).contains("--tick-ms"));
}
