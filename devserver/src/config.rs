//! What the command line decides.

use std::path::PathBuf;
use std::time::Duration;

use axum::http::StatusCode;
use serde::Serialize;

#[derive(Clone, Debug)]
pub struct Config {
    pub token: String,
    pub flavor: Flavor,
    /// Dev-control routes that create projects and arm faults.
    pub faults: bool,
    pub rate_limit: bool,
    pub www: Option<PathBuf>,
    pub pkg: Option<PathBuf>,
    /// With `--simulate`: how often every project takes a simulation step.
    pub simulate: Option<Duration>,
    /// Seeds the simulation's PRNG, for ticks and `/__dev/projects/{id}/advance`.
    pub seed: u64,
}

/// Where the docs and the real server disagree, which one to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Flavor {
    /// What the API page says, or what a clean server would do: cancel of an unknown
    /// project 404, cancel of a finished project 400, a wrong project status 400.
    Documented,
    /// What the real server was seen doing: cancel of an unknown project 400, cancel
    /// of a finished project 200 with the project unchanged, a wrong project status
    /// for approve, pause or resume 404.
    Lenient,
}

impl Flavor {
    /// What cancel answers for an unknown project.
    pub fn project_not_found_status(self) -> StatusCode {
        match self {
            Flavor::Documented => StatusCode::NOT_FOUND,
            Flavor::Lenient => StatusCode::BAD_REQUEST,
        }
    }

    /// What a project transition answers when the project's status does not allow it
    /// (the real server turns that ValueError into a 404).
    pub fn project_state_status(self) -> StatusCode {
        match self {
            Flavor::Documented => StatusCode::BAD_REQUEST,
            Flavor::Lenient => StatusCode::NOT_FOUND,
        }
    }
}
