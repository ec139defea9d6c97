//! The chapter's shared test helpers (one test at a time, a time limit, the
//! orphan check), and the binary these tests start as a worker.
#![allow(dead_code, unused_imports)]

use std::path::Path;

pub use processes_pipes::testing::{assert_no_children, children, one_at_a_time, within};

/// The binary the tests start as a worker.
pub fn program() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_processes-pipes"))
}
