//! A local implementation of the Deep Work project API, for the SDK's browser
//! tests and demo: the API as devserver/README.md describes it, both where the API's
//! docs and the real server agree and, per `--flavor`, where they do not.

mod api;
mod app;
mod auth;
mod body;
mod config;
mod conn;
mod cors;
mod dev;
mod error;
mod faults;
mod model;
mod planner;
mod ratelimit;
mod rng;
mod route;
mod seed;
mod server;
mod shape;
mod simulate;
mod statics;
mod store;
mod ticker;
mod timestamp;
mod validate;

use std::net::SocketAddr;
use std::sync::Arc;

use tokio_util::sync::CancellationToken;

pub use config::{Config, Flavor};
pub use model::ProjectStatus;
pub use server::Server;

/// What every handler can reach.
#[derive(Clone)]
struct AppState {
    config: Arc<Config>,
    store: Arc<store::Store>,
    /// Used only with `--rate-limit`.
    limiter: Arc<ratelimit::RateLimiter>,
    local_addr: SocketAddr,
    /// Cancelled when the server stops, so never-ending fault answers can end.
    shutdown: CancellationToken,
}
