//! The binary these tests start as a worker. The helpers they share with the
//! other crates (one test at a time, a time limit, the orphan check) are in
//! `support_kit::testing`.

use std::path::Path;

/// The binary the tests start as a worker.
pub fn program() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_processes-crash-isolation"))
}
