//! One PocketPaw, started the way the tests need it: on 127.0.0.1 and a free port, in a
//! HOME of its own (it keeps all its state there, so it starts empty), with a token of
//! ours that every request needs (the localhost bypass off), and nothing that makes it
//! reach out at start-up: no update check, and an environment with no API keys or
//! proxies in it. Dropped, it is stopped by its pid and its HOME removed.

use crate::interrupt;
use crate::process::Result;
use std::fs::{self, File};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Start-up takes 2 to 10 s here.
const START_LIMIT: Duration = Duration::from_secs(90);
/// Another process may take the free port we picked before the server binds it.
const PORT_TRIES: usize = 3;

pub struct PocketPaw {
    child: Child,
    pub base_url: String,
    pub token: String,
    /// uvicorn's access log (one line per request: client address, method, path with
    /// its query, status), with the server's own messages.
    pub log: PathBuf,
    home: PathBuf,
}

impl Drop for PocketPaw {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = fs::remove_dir_all(&self.home);
    }
}

/// Starts PocketPaw `version` from the virtualenv's `python`, its HOME and log in `dir`,
/// and waits until its health check answers.
pub fn start(python: &Path, version: &str, dir: &Path) -> Result<PocketPaw> {
    let home = dir.join("home");
    let log = dir.join("pocketpaw.log");
    let token = random_token()?;
    for _ in 0..PORT_TRIES {
        // A HOME left by a run that was killed is removed here.
        let _ = fs::remove_dir_all(&home);
        prepare_home(&home, &token, version)?;
        let port = free_port()?;
        let mut server = PocketPaw {
            child: spawn(python, &home, &log, port)?,
            base_url: format!("http://127.0.0.1:{port}"),
            token: token.clone(),
            log: log.clone(),
            home: home.clone(),
        };
        match wait_until_healthy(&mut server.child, port, &token)? {
            Health::Up => {
                eprintln!(
                    "PocketPaw {version} is up at {} (log: {})",
                    server.base_url,
                    log.display()
                );
                return Ok(server);
            }
            Health::Exited(status) => {
                eprintln!("PocketPaw exited at start-up ({status}), maybe port {port} was taken: trying another");
            }
        }
    }
    Err(format!(
        "PocketPaw did not start; its log: {}",
        log.display()
    ))
}

/// Its config and token, written before it starts.
fn prepare_home(home: &Path, token: &str, version: &str) -> Result {
    let state = home.join(".pocketpaw");
    fs::create_dir_all(&state).map_err(|e| format!("{}: {e}", state.display()))?;
    let files = [
        // Upstream's default lets any request from 127.0.0.1 in without a token.
        (
            "config.json",
            r#"{"localhost_auth_bypass": false}"#.to_owned(),
        ),
        // A check made "now" (in 2100) for the version installed: no PyPI look-up.
        (
            ".update_check",
            format!(r#"{{"ts": 4102444800, "latest": "{version}"}}"#),
        ),
        ("access_token", token.to_owned()),
    ];
    for (name, text) in files {
        let path = state.join(name);
        fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(())
}

fn spawn(python: &Path, home: &Path, log: &Path, port: u16) -> Result<Child> {
    let out = File::create(log).map_err(|e| format!("{}: {e}", log.display()))?;
    let err = out.try_clone().map_err(|e| e.to_string())?;
    let venv_bin = python.parent().unwrap_or(Path::new("/usr/bin"));
    Command::new(python)
        // uvicorn itself: the `pocketpaw` command would check PyPI and move to
        // another port when this one is busy.
        .args([
            "-m",
            "uvicorn",
            "pocketpaw.dashboard:app",
            "--host",
            "127.0.0.1",
        ])
        .arg("--port")
        .arg(port.to_string())
        // Only what it needs: an API key or a proxy from the caller's environment
        // would make it reach out.
        .env_clear()
        .env("HOME", home)
        .env("PATH", format!("{}:/usr/bin:/bin", venv_bin.display()))
        .env("LANG", "C.UTF-8")
        // Started in its own HOME, which has no `.env` for pydantic-settings to read.
        .current_dir(home)
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        // Its own process group: a Ctrl-C in the terminal reaches xtask, which stops it.
        .process_group(0)
        .spawn()
        .map_err(|e| format!("cannot start PocketPaw with {}: {e}", python.display()))
}

enum Health {
    Up,
    Exited(std::process::ExitStatus),
}

/// Asks `GET /api/v1/health` (with the token) until it answers 200, the server exits,
/// or the limit passes.
fn wait_until_healthy(child: &mut Child, port: u16, token: &str) -> Result<Health> {
    let deadline = Instant::now() + START_LIMIT;
    loop {
        interrupt::check()?;
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            return Ok(Health::Exited(status));
        }
        match health_status(port, token) {
            Some(200) => return Ok(Health::Up),
            Some(status) => return Err(format!("PocketPaw's health check answered {status}")),
            None if Instant::now() >= deadline => {
                return Err(format!(
                    "PocketPaw did not answer its health check within {}s",
                    START_LIMIT.as_secs()
                ))
            }
            // Not listening yet: connecting fails at once, so ask again shortly.
            None => std::thread::sleep(Duration::from_millis(100)),
        }
    }
}

/// The status of one health request, or None when nothing answers.
fn health_status(port: u16, token: &str) -> Option<u16> {
    let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let mut stream = TcpStream::connect_timeout(&address, Duration::from_secs(1)).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .ok()?;
    write!(
        stream,
        "GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut status_line = String::new();
    BufReader::new(stream).read_line(&mut status_line).ok()?;
    status_line.split_whitespace().nth(1)?.parse().ok()
}

fn free_port() -> Result<u16> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).map_err(|e| e.to_string())?;
    Ok(listener.local_addr().map_err(|e| e.to_string())?.port())
}

/// 32 hex digits from the kernel's random source.
fn random_token() -> Result<String> {
    let mut bytes = [0u8; 16];
    File::open("/dev/urandom")
        .and_then(|mut random| random.read_exact(&mut bytes))
        .map_err(|e| format!("/dev/urandom: {e}"))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}
