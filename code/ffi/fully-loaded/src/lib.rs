//! The book's fully loaded problem, one SHA-256 chain per core, driven
//! from CPython. Six ways run the same tasks and must return the same
//! digests: a Python loop (each hash is C code in `hashlib`, but the loop is
//! the interpreter's and the GIL stays held for inputs this small), Python
//! threads, a `multiprocessing` pool, this extension called once per task
//! (one after another, and from Python threads with the GIL released), and
//! one call to this extension that spreads the tasks over rayon's threads.
//!
//! The crate builds as a `cdylib` (the module `ffi_fully_loaded`) and an
//! `rlib`; the Python harness is `python/fully.py`, built into this crate.
#![forbid(unsafe_code)]

use std::path::PathBuf;
use std::time::Duration;

use intro_crypto_crack::{Digest, sha256, to_hex};
use pyo3::prelude::*;
use rayon::prelude::*;
use support_kit::python::{self, PythonChild};

/// The harness: runs the tasks the asked way and times itself.
pub const FULLY_PY: &str = include_str!("../python/fully.py");

/// Rounds per task: a Python loop does this many in a few tenths of a second.
pub const DEFAULT_ROUNDS: u64 = 200_000;

// ANCHOR: chain
/// One task: `rounds` SHA-256 hashes in a chain from the seed's eight
/// little-endian bytes, as `processes-fully-loaded` computes it.
pub fn chain(seed: u64, rounds: u64) -> Digest {
    let mut digest = sha256(&seed.to_le_bytes());
    for _ in 1..rounds {
        digest = sha256(&digest);
    }
    digest
}

/// One task from Python, with the GIL let go for all of it; the digest as
/// hex, the form Python's `digest().hex()` gives.
#[pyfunction]
fn chain_hex(py: Python<'_>, seed: u64, rounds: u64) -> String {
    py.detach(|| to_hex(&chain(seed, rounds)))
}

/// Every task in one call: the GIL let go, the tasks spread over rayon's
/// pool (one thread per core), the digests back in the order of the seeds.
#[pyfunction]
fn chains_hex_rayon(py: Python<'_>, seeds: Vec<u64>, rounds: u64) -> Vec<String> {
    py.detach(|| {
        seeds
            .par_iter()
            .map(|&seed| to_hex(&chain(seed, rounds)))
            .collect()
    })
}
// ANCHOR_END: chain

#[pymodule(gil_used = false)]
fn ffi_fully_loaded(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(chain_hex, m)?)?;
    m.add_function(wrap_pyfunction!(chains_hex_rayon, m)?)?;
    Ok(())
}

/// The folder holding the built extension as `ffi_fully_loaded.so`.
pub fn extension_dir() -> Result<PathBuf, String> {
    python::extension_dir("ffi_fully_loaded", "ffi_fully_loaded")
}

/// The ways `fully.py` runs the tasks, in the table's order.
pub const WAYS: [&str; 6] = [
    "python-sequential",
    "python-threads",
    "python-processes",
    "rust-sequential",
    "rust-threads",
    "rust-rayon",
];

/// `python/fully.py --serve` with the extension importable.
pub struct Harness {
    child: PythonChild,
}

/// One timed run: Python's own time and the digests, in seed order.
#[derive(Debug, Clone)]
pub struct Run {
    pub took: Duration,
    pub digests: Vec<String>,
}

impl Harness {
    /// Starts the harness with pools of `workers` threads and processes.
    pub fn start(workers: usize) -> Result<Harness, String> {
        let dir = extension_dir()?;
        let workers = workers.to_string();
        let child = PythonChild::start(FULLY_PY, &["--serve", &workers], Some(&dir))?;
        Ok(Harness { child })
    }

    /// Runs `tasks` chains of `rounds` rounds (seeds 0, 1, ...) the `way`
    /// way, one of [`WAYS`].
    pub fn run(&mut self, way: &str, tasks: u64, rounds: u64) -> Result<Run, String> {
        let reply = self.child.request(&format!("{way} {tasks} {rounds}"))?;
        let mut words = reply.split_whitespace();
        let Some(Ok(nanos)) = words.next().map(str::parse::<u64>) else {
            return Err(format!("fully.py answered {reply:?}"));
        };
        Ok(Run {
            took: Duration::from_nanos(nanos),
            digests: words.map(str::to_string).collect(),
        })
    }

    /// The Python version the harness runs on.
    pub fn version(&mut self) -> Result<String, String> {
        self.child.request("version")
    }
}
