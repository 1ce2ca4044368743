//! Binding, seeding and running the server.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;

use serde::Serialize;
use serde_json::{Map, Value};
use tokio::net::{TcpListener, TcpSocket};
use tokio_util::sync::CancellationToken;

use crate::config::{Config, Flavor};
use crate::conn::{Connection, ResettableListener};
use crate::model::ProjectStatus;
use crate::store::{Spec, Store};
use crate::{app, ticker, AppState};

pub struct Server {
    listener: TcpListener,
    state: AppState,
    seeded: Vec<(ProjectStatus, String)>,
}

/// The one JSON line printed on start, for whoever launched the server.
#[derive(Serialize)]
struct StartupLine<'a> {
    base_url: String,
    token: &'a str,
    flavor: Flavor,
    projects: Map<String, Value>,
}

impl Server {
    /// Binds `addr` (port 0 picks a free port) and seeds one project per status.
    pub async fn bind(addr: SocketAddr, config: Config) -> io::Result<Self> {
        let listener = listen(addr)?;
        let store = Store::new(config.seed);
        let seeded = ProjectStatus::ALL
            .into_iter()
            .map(|status| (status, store.create(status, Spec::default())))
            .collect();
        let state = AppState {
            config: Arc::new(config),
            store: Arc::new(store),
            limiter: Arc::default(),
            local_addr: listener.local_addr()?,
            shutdown: CancellationToken::new(),
        };
        Ok(Self {
            listener,
            state,
            seeded,
        })
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.state.local_addr)
    }

    /// The id of the seeded project in `status`.
    pub fn seeded(&self, status: ProjectStatus) -> Option<&str> {
        self.seeded
            .iter()
            .find(|(s, _)| *s == status)
            .map(|(_, id)| id.as_str())
    }

    pub fn startup_line(&self) -> serde_json::Result<String> {
        let projects = self
            .seeded
            .iter()
            .map(|(status, id)| (status.as_str().to_owned(), Value::from(id.as_str())))
            .collect();
        serde_json::to_string(&StartupLine {
            base_url: self.base_url(),
            token: &self.state.config.token,
            flavor: self.state.config.flavor,
            projects,
        })
    }

    /// Cancel it to stop the server.
    pub fn shutdown_token(&self) -> CancellationToken {
        self.state.shutdown.clone()
    }

    /// Serves (and with `--simulate` ticks) until the shutdown token is cancelled,
    /// then lets open requests finish.
    pub async fn run(self) -> io::Result<()> {
        let shutdown = self.state.shutdown.clone();
        if let Some(every) = self.state.config.simulate {
            let store = self.state.store.clone();
            tokio::spawn(ticker::run(store, every, shutdown.clone()));
        }
        let app = app::router(self.state).into_make_service_with_connect_info::<Connection>();
        axum::serve(ResettableListener(self.listener), app)
            .with_graceful_shutdown(shutdown.cancelled_owned())
            .await
    }
}

/// Like `TcpListener::bind`, with a longer accept queue than its 128: tests open
/// hundreds of connections at once, and an overflowing queue costs each dropped
/// connection a one-second SYN retry.
fn listen(addr: SocketAddr) -> io::Result<TcpListener> {
    let socket = match addr {
        SocketAddr::V4(_) => TcpSocket::new_v4()?,
        SocketAddr::V6(_) => TcpSocket::new_v6()?,
    };
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(1024)
}
