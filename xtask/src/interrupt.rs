//! Ctrl-C (and SIGTERM, SIGHUP) while a step runs something it must stop itself: a
//! server with files to remove, or a process group the terminal's Ctrl-C does not
//! reach (`process::run_counting_within`).
//!
//! Such a step takes a [`Guard`] first. While one is held, an interrupt only sets a
//! flag, which the step's waits check ([`check`]): the step then returns an error, and
//! what it started is stopped by its pid (servers by `Drop`, their files removed).
//! Without a guard, or at a second interrupt, xtask exits at once as it would by
//! default.

use crate::process::Result;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Once;

static GUARDS: AtomicUsize = AtomicUsize::new(0);
static INTERRUPTED: AtomicBool = AtomicBool::new(false);
static HANDLER: Once = Once::new();

/// While it lives, an interrupt is left to the step that holds it.
pub struct Guard(());

impl Drop for Guard {
    fn drop(&mut self) {
        GUARDS.fetch_sub(1, Ordering::SeqCst);
    }
}

pub fn guard() -> Guard {
    HANDLER.call_once(|| {
        let installed = ctrlc::set_handler(|| {
            if GUARDS.load(Ordering::SeqCst) == 0 || INTERRUPTED.swap(true, Ordering::SeqCst) {
                std::process::exit(130);
            }
            eprintln!("xtask: interrupted; stopping what this step started");
        });
        if let Err(e) = installed {
            eprintln!("xtask: cannot catch Ctrl-C ({e}); an interrupt may leave servers behind");
        }
    });
    GUARDS.fetch_add(1, Ordering::SeqCst);
    Guard(())
}

/// Fails once an interrupt has been asked for.
pub fn check() -> Result {
    if INTERRUPTED.load(Ordering::SeqCst) {
        Err("interrupted".into())
    } else {
        Ok(())
    }
}
