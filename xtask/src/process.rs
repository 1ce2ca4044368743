//! Running child processes: every external step goes through here, so each one is
//! echoed, checked and, where it may wait on the network, bounded in time.

use std::ffi::OsStr;
use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

pub type Result<T = ()> = std::result::Result<T, String>;

/// Bound for a build that may first download crates: generous, but not forever.
pub const BUILD_LIMIT: Duration = Duration::from_secs(30 * 60);

/// Prints the command as a person would type it, so a failing step can be rerun by hand.
pub fn describe(cmd: &Command) -> String {
    let mut s = cmd.get_program().to_string_lossy().into_owned();
    for arg in cmd.get_args() {
        s.push(' ');
        s.push_str(&arg.to_string_lossy());
    }
    s
}

/// Runs `cmd` to completion and fails unless it exits 0.
pub fn run(cmd: &mut Command) -> Result {
    eprintln!("$ {}", describe(cmd));
    let status = cmd
        .status()
        .map_err(|e| format!("cannot start `{}`: {e}", describe(cmd)))?;
    check(cmd, status)
}

/// Runs `cmd`, killing it after `limit`: network steps here can hang instead of failing.
pub fn run_bounded(cmd: &mut Command, limit: Duration) -> Result {
    eprintln!("$ {}  (at most {}s)", describe(cmd), limit.as_secs());
    let mut child = cmd
        .spawn()
        .map_err(|e| format!("cannot start `{}`: {e}", describe(cmd)))?;
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            return check(cmd, status);
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!(
                "`{}` did not finish within {}s",
                describe(cmd),
                limit.as_secs()
            ));
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Runs `cmd` quietly and returns its trimmed stdout, or None when it cannot run or fails.
pub fn output(program: impl AsRef<OsStr>, args: &[&str]) -> Option<String> {
    let out = Command::new(program)
        .args(args)
        .stderr(Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

fn check(cmd: &Command, status: ExitStatus) -> Result {
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{}` failed ({status})", describe(cmd)))
    }
}

/// Passed and failed counts of one suite.
#[derive(Default, Clone, Copy)]
pub struct Counts {
    pub passed: u32,
    pub failed: u32,
}

/// Runs `run` for each of `items` at once, each on a thread of its own, and returns
/// their results in the order of `items`: for test runs that mostly wait.
pub fn side_by_side<I: Sync, T: Send>(
    items: &[I],
    run: impl Fn(&I) -> Result<T> + Sync,
) -> Vec<Result<T>> {
    std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .iter()
            .map(|item| {
                let run = &run;
                scope.spawn(move || run(item))
            })
            .collect();
        handles
            .into_iter()
            .map(|handle| {
                handle
                    .join()
                    .unwrap_or_else(|_| Err("a run panicked".into()))
            })
            .collect()
    })
}

/// Reads one line of a test runner's report into the counts.
pub type LineCounter = fn(&str, &mut Counts);

/// Runs a test command, echoing its output, and adds up what `count` reads from each
/// line of its report.
pub fn run_counting(cmd: &mut Command, count: LineCounter) -> Result<(Counts, bool)> {
    run_counting_as("", cmd, count)
}

/// `run_counting`, with each echoed line behind `label`: for runs side by side.
pub fn run_counting_as(
    label: &str,
    cmd: &mut Command,
    count: LineCounter,
) -> Result<(Counts, bool)> {
    eprintln!("{label}$ {}", describe(cmd));
    let mut child = cmd
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start `{}`: {e}", describe(cmd)))?;
    let mut counts = Counts::default();
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout)
            .lines()
            .map_while(std::result::Result::ok)
        {
            println!("{label}{line}");
            count(&line, &mut counts);
        }
    }
    let status = child.wait().map_err(|e| e.to_string())?;
    Ok((counts, status.success()))
}

/// `run_counting_as` for a command that must not outlive `limit` nor an interrupt
/// (see `interrupt`): it runs in its own process group, which is stopped whole (a
/// test runner and the browsers it started) when either comes; it then counts as
/// failed, and an interrupt is returned as the error.
pub fn run_counting_within(
    label: &str,
    cmd: &mut Command,
    count: LineCounter,
    limit: Duration,
) -> Result<(Counts, bool)> {
    eprintln!("{label}$ {}  (at most {}s)", describe(cmd), limit.as_secs());
    // Its own process group does not get the terminal's Ctrl-C: this loop passes it on.
    let _interrupts = crate::interrupt::guard();
    let mut child = cmd
        .stdout(Stdio::piped())
        .process_group(0)
        .spawn()
        .map_err(|e| format!("cannot start `{}`: {e}", describe(cmd)))?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    // Read on a thread, so that the limit and interrupts are seen while it is quiet.
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout)
            .lines()
            .map_while(std::result::Result::ok)
        {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let deadline = Instant::now() + limit;
    let mut counts = Counts::default();
    loop {
        match rx.recv_timeout(Duration::from_millis(200)) {
            Ok(line) => {
                println!("{label}{line}");
                count(&line, &mut counts);
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                let interrupted = crate::interrupt::check();
                if interrupted.is_err() || Instant::now() >= deadline {
                    kill_group(&mut child);
                    interrupted?;
                    eprintln!("{label}killed after {}s", limit.as_secs());
                    counts.failed = counts.failed.max(1);
                    return Ok((counts, false));
                }
            }
        }
    }
    let status = child.wait().map_err(|e| e.to_string())?;
    Ok((counts, status.success()))
}

/// Stops the process group that `child` leads, by its id: SIGTERM first, on which
/// playwright closes the browsers it started (in process groups of their own), then
/// SIGKILL for what is still there after a grace period.
fn kill_group(child: &mut Child) {
    let group = format!("-{}", child.id());
    let signal = |name: &str| Command::new("kill").args([name, "--", &group]).status();
    let _ = signal("-TERM");
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline && matches!(child.try_wait(), Ok(None)) {
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = signal("-KILL");
    let _ = child.wait();
}
