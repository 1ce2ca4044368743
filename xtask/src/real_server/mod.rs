//! PocketPaw, the real server, for the tests that run the package against it.

mod install;

pub use install::ensure as install;
