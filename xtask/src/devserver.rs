//! Starting `deepwork-devserver` for the demo and the tests.

use crate::package;
use crate::process::{run_bounded, Result, BUILD_LIMIT};
use crate::toolchain::{self, Tools};
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// A running devserver; stopped when dropped.
pub struct Devserver {
    child: Child,
    pub base_url: String,
    pub token: String,
}

impl Drop for Devserver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The cargo that runs this xtask: native builds use the caller's toolchain.
pub fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// Builds the devserver binary and returns its path.
pub fn build(root: &Path) -> Result<PathBuf> {
    run_bounded(
        cargo()
            .current_dir(root)
            .args(["build", "--quiet", "-p", "deepwork-devserver"]),
        BUILD_LIMIT,
    )?;
    Ok(root.join("target/debug/deepwork-devserver"))
}

/// Starts the devserver with `args` and waits for its one-line JSON greeting.
/// With `log`, the server's request log goes to that file instead of the terminal.
pub fn start(bin: &Path, args: &[String], log: Option<&Path>) -> Result<Devserver> {
    let stderr = match log {
        Some(path) => Stdio::from(
            std::fs::File::create(path).map_err(|e| format!("{}: {e}", path.display()))?,
        ),
        None => Stdio::inherit(),
    };
    let mut child = Command::new(bin)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", bin.display()))?;
    let stdout = child.stdout.take().ok_or("devserver has no stdout")?;
    // Read on a thread so that a server that never greets cannot hang us.
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    let line = rx.recv_timeout(Duration::from_secs(30)).unwrap_or_default();
    let mut server = Devserver {
        child,
        base_url: String::new(),
        token: String::new(),
    };
    let greeting: Value = serde_json::from_str(&line)
        .map_err(|_| format!("devserver did not print its JSON line (got {line:?})"))?;
    let field = |name: &str| {
        greeting
            .get(name)
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    server.base_url = field("base_url").ok_or("devserver line has no base_url")?;
    server.token = field("token").ok_or("devserver line has no token")?;
    Ok(server)
}

/// What a demo serves beside the API: its page's files at `/`, and the module they
/// load (with its JS glue) at `/pkg/`.
pub struct Site {
    pub www: PathBuf,
    pub pkg: PathBuf,
}

/// The JS demo: www/ and the npm package (release build) it imports.
pub fn js_demo(root: &Path, tools: &Tools) -> Result<Site> {
    Ok(Site {
        www: root.join("www"),
        pkg: package::build(root, tools, false)?,
    })
}

/// `cargo xtask demo [--rust] [devserver flags]`: build the JS demo (or with `--rust`
/// the Leptos example), serve it with the API (its projects progressing by themselves
/// unless `--no-simulate`), and print the URL to open. Ctrl-C stops it.
pub fn demo(root: &Path, flags: &[String]) -> Result {
    let tools = toolchain::ensure(root)?;
    let rust = flags.iter().any(|f| f == "--rust");
    let site = if rust {
        crate::rust_app::build(root, &tools)?
    } else {
        js_demo(root, &tools)?
    };
    let flags: Vec<String> = flags.iter().filter(|f| *f != "--rust").cloned().collect();
    let (mut server, url) = serve(root, &site, &simulated(&flags), None)?;
    // Printed on stdout, alone on its line, so a script can read it.
    println!("{url}");
    eprintln!(
        "demo: open the URL above; the token is also in its fragment. Ctrl-C stops the server."
    );
    let status = server.child.wait().map_err(|e| e.to_string())?;
    Err(format!("devserver exited ({status})"))
}

/// Serves `site` as `cargo xtask demo` does, for it and for the end-to-end tests:
/// builds the devserver, starts it with `flags` (default address 127.0.0.1:8000)
/// serving the site beside the API, and returns it with the line a person opens. The
/// token travels in the URL's fragment, which browsers never send to a server. `log`
/// as for [`start`].
pub fn serve(
    root: &Path,
    site: &Site,
    flags: &[String],
    log: Option<&Path>,
) -> Result<(Devserver, String)> {
    let bin = build(root)?;
    let mut args: Vec<String> = flags.to_vec();
    if !args
        .iter()
        .any(|a| a == "--addr" || a.starts_with("--addr="))
    {
        args.extend(["--addr".into(), "127.0.0.1:8000".into()]);
    }
    args.extend(["--www".into(), site.www.display().to_string()]);
    args.extend(["--pkg".into(), site.pkg.display().to_string()]);
    let server = start(&bin, &args, log)?;
    let url = format!(
        "{}/#token={}",
        server.base_url,
        fragment_encode(&server.token)
    );
    Ok((server, url))
}

/// The demo's flags: `--simulate` added, so the page shows projects moving, unless
/// the user said `--no-simulate` (taken out, with any `--simulate`: the devserver
/// does not know it). Only
/// the demo: the end-to-end tests call [`serve`] and must stay deterministic.
fn simulated(flags: &[String]) -> Vec<String> {
    let off = flags.iter().any(|f| f == "--no-simulate");
    let on = flags.iter().any(|f| f == "--simulate");
    let mut args: Vec<String> = flags
        .iter()
        .filter(|f| *f != "--no-simulate" && !(off && *f == "--simulate"))
        .cloned()
        .collect();
    if !off && !on {
        args.push("--simulate".into());
    }
    args
}

/// Percent-encodes all but unreserved characters, so that any `--token` reaches the
/// page unchanged through `URLSearchParams` (which reads `+` as a space).
fn fragment_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{fragment_encode, simulated};

    fn strings(flags: &[&str]) -> Vec<String> {
        flags.iter().map(|f| (*f).to_owned()).collect()
    }

    #[test]
    fn the_demo_simulates_unless_told_not_to() {
        assert_eq!(simulated(&[]), strings(&["--simulate"]));
        let flags = strings(&["--tick-ms", "500"]);
        assert_eq!(
            simulated(&flags),
            strings(&["--tick-ms", "500", "--simulate"])
        );
        let flags = strings(&["--simulate", "--seed", "3"]);
        assert_eq!(simulated(&flags), flags);
        let flags = strings(&["--no-simulate", "--flavor", "documented"]);
        assert_eq!(simulated(&flags), strings(&["--flavor", "documented"]));
        let flags = strings(&["--simulate", "--no-simulate"]);
        assert!(simulated(&flags).is_empty(), "--no-simulate wins");
    }

    #[test]
    fn fragment_encoding_keeps_plain_tokens_and_escapes_the_rest() {
        assert_eq!(fragment_encode("5d2c31e0b893"), "5d2c31e0b893");
        assert_eq!(
            fragment_encode("a+b&c=d#e f%é"),
            "a%2Bb%26c%3Dd%23e%20f%25%C3%A9"
        );
    }
}
