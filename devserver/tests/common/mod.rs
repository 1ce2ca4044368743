//! Shared test helpers: a server on a free port and a tiny raw HTTP/1.1 client.
//!
//! The client is hand-written on purpose: fault answers (no answer, half a body,
//! a reset) must be seen exactly as they come off the socket.
#![allow(dead_code)] // each test binary uses a different part of this module

use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use deepwork_devserver::{Config, Flavor, ProjectStatus, Server};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

pub const TOKEN: &str = "test-token";
pub const ORIGIN: &str = "http://localhost:5173";
/// How long a request may take before a test counts it as hanging.
pub const PATIENCE: Duration = Duration::from_secs(10);

pub fn config(flavor: Flavor) -> Config {
    Config {
        token: TOKEN.to_owned(),
        flavor,
        faults: true,
        rate_limit: false,
        www: None,
        pkg: None,
        simulate: None,
        seed: 1,
    }
}

pub struct TestServer {
    pub addr: SocketAddr,
    seeded: Vec<(ProjectStatus, String)>,
    shutdown: CancellationToken,
    pub task: JoinHandle<io::Result<()>>,
}

impl TestServer {
    pub async fn start(config: Config) -> Self {
        let server = Server::bind("127.0.0.1:0".parse().unwrap(), config)
            .await
            .unwrap();
        let addr = server
            .base_url()
            .trim_start_matches("http://")
            .parse()
            .unwrap();
        let seeded = ProjectStatus::ALL
            .into_iter()
            .map(|status| (status, server.seeded(status).unwrap().to_owned()))
            .collect();
        let shutdown = server.shutdown_token();
        let task = tokio::spawn(server.run());
        Self {
            addr,
            seeded,
            shutdown,
            task,
        }
    }

    pub async fn lenient() -> Self {
        Self::start(config(Flavor::Lenient)).await
    }

    pub async fn documented() -> Self {
        Self::start(config(Flavor::Documented)).await
    }

    pub fn seeded(&self, status: ProjectStatus) -> String {
        let (_, id) = self.seeded.iter().find(|(s, _)| *s == status).unwrap();
        id.clone()
    }

    pub fn stop(&self) {
        self.shutdown.cancel();
    }

    /// A request carrying the right token; see `RequestBuilder` to change that.
    pub fn request(&self, method: &str, path: &str) -> RequestBuilder {
        RequestBuilder::new(self.addr, method, path)
            .header("Authorization", &format!("Bearer {TOKEN}"))
    }

    pub fn get(&self, path: &str) -> RequestBuilder {
        self.request("GET", path)
    }

    pub fn post(&self, path: &str) -> RequestBuilder {
        self.request("POST", path)
    }

    pub async fn cancel(&self, id: &str) -> Reply {
        self.post(&format!("/api/deep-work/projects/{id}/cancel"))
            .send()
            .await
    }

    pub async fn plan(&self, id: &str) -> Value {
        let reply = self
            .get(&format!("/api/deep-work/projects/{id}/plan"))
            .send()
            .await;
        assert_eq!(reply.status, 200, "{}", reply.text());
        reply.json()
    }

    /// Creates a project through the dev-control route and returns its id.
    pub async fn create(&self, spec: Value) -> String {
        let reply = self.post("/__dev/projects").json(&spec).send().await;
        assert_eq!(reply.status, 201, "{}", reply.text());
        reply.json()["id"].as_str().unwrap().to_owned()
    }

    pub async fn stats(&self, id: &str) -> Value {
        self.get(&format!("/__dev/projects/{id}/stats"))
            .send()
            .await
            .json()
    }
}

pub struct RequestBuilder {
    addr: SocketAddr,
    method: String,
    path: String,
    headers: Vec<(String, String)>,
    body: Option<String>,
}

/// How the server left the connection after the bytes it sent.
#[derive(Debug, PartialEq, Eq)]
pub enum Ending {
    Closed,
    Reset,
    StillOpen,
}

impl RequestBuilder {
    pub fn new(addr: SocketAddr, method: &str, path: &str) -> Self {
        Self {
            addr,
            method: method.to_owned(),
            path: path.to_owned(),
            headers: vec![("Host".to_owned(), addr.to_string())],
            body: None,
        }
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    pub fn no_auth(mut self) -> Self {
        self.headers.retain(|(n, _)| n != "Authorization");
        self
    }

    pub fn origin(self, origin: &str) -> Self {
        self.header("Origin", origin)
    }

    pub fn json(self, body: &Value) -> Self {
        self.body(&body.to_string())
            .header("Content-Type", "application/json")
    }

    pub fn body(mut self, body: &str) -> Self {
        self.body = Some(body.to_owned());
        self
    }

    /// Sends the request and reads until the server closes, resets, or `wait` passes.
    pub async fn send_raw(self, wait: Duration) -> (Vec<u8>, Ending) {
        let mut stream = TcpStream::connect(self.addr).await.unwrap();
        let body = self.body.unwrap_or_default();
        let mut head = format!("{} {} HTTP/1.1\r\n", self.method, self.path);
        for (name, value) in &self.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str(&format!(
            "Content-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        ));
        stream.write_all(head.as_bytes()).await.unwrap();
        stream.write_all(body.as_bytes()).await.unwrap();

        let mut received = Vec::new();
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let mut chunk = [0u8; 8192];
            match tokio::time::timeout_at(deadline, stream.read(&mut chunk)).await {
                Err(_elapsed) => return (received, Ending::StillOpen),
                Ok(Ok(0)) => return (received, Ending::Closed),
                Ok(Ok(n)) => received.extend_from_slice(&chunk[..n]),
                Ok(Err(err)) if err.kind() == io::ErrorKind::ConnectionReset => {
                    return (received, Ending::Reset)
                }
                Ok(Err(err)) => panic!("read failed: {err}"),
            }
        }
    }

    /// Sends the request and parses the complete answer.
    pub async fn send(self) -> Reply {
        let (bytes, ending) = self.send_raw(PATIENCE).await;
        assert_eq!(
            ending,
            Ending::Closed,
            "no complete answer: {}",
            String::from_utf8_lossy(&bytes)
        );
        Reply::parse(&bytes)
    }
}

#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    /// Parses status line, headers and body of an answer (not chunked).
    pub fn parse(bytes: &[u8]) -> Self {
        let split = bytes
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("no end of headers");
        let head = std::str::from_utf8(&bytes[..split]).unwrap();
        let mut lines = head.split("\r\n");
        let status = lines
            .next()
            .unwrap()
            .split(' ')
            .nth(1)
            .unwrap()
            .parse()
            .unwrap();
        let headers = lines
            .map(|line| {
                let (name, value) = line.split_once(':').unwrap();
                (name.trim().to_ascii_lowercase(), value.trim().to_owned())
            })
            .collect();
        Self {
            status,
            headers,
            body: bytes[split + 4..].to_vec(),
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|err| panic!("not JSON ({err}): {}", self.text()))
    }

    pub fn detail(&self) -> Value {
        self.json()["detail"].clone()
    }
}

/// Python `isoformat()` of a UTC datetime: `YYYY-MM-DDTHH:MM:SS[.ffffff]+00:00`.
pub fn is_isoformat(text: &str) -> bool {
    let Some(stamp) = text.strip_suffix("+00:00") else {
        return false;
    };
    let (seconds, fraction) = match stamp.split_once('.') {
        Some((seconds, fraction)) => (seconds, Some(fraction)),
        None => (stamp, None),
    };
    let shape_ok = seconds.len() == 19
        && seconds.char_indices().all(|(i, c)| match i {
            4 | 7 => c == '-',
            10 => c == 'T',
            13 | 16 => c == ':',
            _ => c.is_ascii_digit(),
        });
    let fraction_ok = fraction
        .is_none_or(|f| f.len() == 6 && f.bytes().all(|b| b.is_ascii_digit()) && f != "000000");
    shape_ok && fraction_ok
}

pub const PROJECT_FIELDS: [&str; 15] = [
    "id",
    "title",
    "description",
    "status",
    "planner_agent_id",
    "team_agent_ids",
    "task_ids",
    "prd_document_id",
    "creator_id",
    "tags",
    "started_at",
    "completed_at",
    "created_at",
    "updated_at",
    "metadata",
];

pub const TASK_FIELDS: [&str; 26] = [
    "id",
    "title",
    "description",
    "status",
    "priority",
    "assignee_ids",
    "creator_id",
    "parent_task_id",
    "blocked_by",
    "tags",
    "due_date",
    "started_at",
    "completed_at",
    "created_at",
    "updated_at",
    "metadata",
    "project_id",
    "task_type",
    "blocks",
    "active_description",
    "estimated_minutes",
    "output",
    "retry_count",
    "max_retries",
    "timeout_minutes",
    "error_message",
];

pub fn keys(object: &Value) -> Vec<&str> {
    object
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect()
}
