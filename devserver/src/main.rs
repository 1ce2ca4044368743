//! `deepwork-devserver`: parse the arguments, start the server, print one JSON line.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use deepwork_devserver::{Config, Flavor, Server};

/// A local Deep Work API server for the SDK's tests and demo.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Address to listen on; port 0 picks a free one.
    #[arg(long, default_value = "127.0.0.1:8000")]
    addr: SocketAddr,
    /// Bearer token clients must send [default: a random one].
    #[arg(long, env = "DEEPWORK_TOKEN", hide_env_values = true,
          value_parser = clap::builder::NonEmptyStringValueParser::new())]
    token: Option<String>,
    /// Follow the API docs, or the real server where the two differ.
    #[arg(long, value_enum, default_value_t = Flavor::Lenient)]
    flavor: Flavor,
    /// Enable the dev-control routes that create projects and arm faults.
    #[arg(long)]
    faults: bool,
    /// Serve this directory at `/`.
    #[arg(long)]
    www: Option<PathBuf>,
    /// Serve this directory at `/pkg/`.
    #[arg(long)]
    pkg: Option<PathBuf>,
    /// Limit /api/ requests per client like the real server (burst 30, then 10/s).
    #[arg(long)]
    rate_limit: bool,
    /// Make projects progress by themselves: plan, start, work through their tasks.
    #[arg(long)]
    simulate: bool,
    /// Milliseconds between two simulation steps of every project, with --simulate.
    #[arg(long, default_value_t = 3000, value_parser = clap::value_parser!(u64).range(50..))]
    tick_ms: u64,
    /// Seed of the simulation: the same seed and requests give the same run.
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let config = Config {
        // 32 hex characters from a v4 uuid: random and URL-safe.
        token: args
            .token
            .unwrap_or_else(|| uuid::Uuid::new_v4().simple().to_string()),
        flavor: args.flavor,
        faults: args.faults,
        rate_limit: args.rate_limit,
        www: args.www,
        pkg: args.pkg,
        simulate: args.simulate.then(|| Duration::from_millis(args.tick_ms)),
        seed: args.seed,
    };
    let server = match Server::bind(args.addr, config).await {
        Ok(server) => server,
        Err(err) => {
            eprintln!("cannot listen on {}: {err}", args.addr);
            return ExitCode::FAILURE;
        }
    };
    // Listen for signals before announcing ourselves: a launcher may send one as
    // soon as it has read the startup line.
    let stop = match stop_signal() {
        Ok(stop) => stop,
        Err(err) => {
            eprintln!("cannot listen for signals: {err}");
            return ExitCode::FAILURE;
        }
    };
    if let Err(err) = print_startup_line(&server) {
        eprintln!("cannot print the startup line: {err}");
        return ExitCode::FAILURE;
    }
    let shutdown = server.shutdown_token();
    tokio::spawn(async move {
        stop.await;
        eprintln!("stopping");
        shutdown.cancel();
    });
    match server.run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("server failed: {err}");
            ExitCode::FAILURE
        }
    }
}

/// Exactly one line on stdout, flushed at once: launchers wait for it.
fn print_startup_line(server: &Server) -> std::io::Result<()> {
    let line = server.startup_line()?;
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{line}")?;
    stdout.flush()
}

/// Resolves on SIGINT or SIGTERM. (Unix only, like the machines this runs on.)
fn stop_signal() -> std::io::Result<impl std::future::Future<Output = ()>> {
    use tokio::signal::unix::{signal, SignalKind};
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut terminate = signal(SignalKind::terminate())?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => {}
            _ = terminate.recv() => {}
        }
    })
}
