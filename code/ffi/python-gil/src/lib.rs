//! A Rust extension for CPython, called from Python threads. One CPU-heavy
//! function (counting primes by trial division) exists three ways: in pure
//! Python, in Rust that keeps the GIL while it works, and in Rust that lets
//! go of the GIL first (`py.detach`). Only the last lets two Python threads
//! use two cores. The same module also holds a deadlock: a Rust `Mutex`
//! taken by a thread that holds the GIL, while the lock's holder waits for
//! the GIL; and the fix, letting go of the GIL before waiting for the lock.
//!
//! The crate builds as a `cdylib` (the module CPython imports, named
//! `ffi_python_gil`) and as an `rlib` (the plain Rust the tests call). The
//! Python scripts that drive it are in `python/` and built into this crate.
#![forbid(unsafe_code)]

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use pyo3::prelude::*;
use support_kit::python::{self, GET_PYTHON, PythonChild};

/// The timing harness: counts primes the asked way and times itself.
pub const GIL_PY: &str = include_str!("../python/gil.py");
/// The deadlock, run as `python3 -c DEADLOCK_PY <way>`.
pub const DEADLOCK_PY: &str = include_str!("../python/deadlock.py");

// ANCHOR: work
/// How many primes there are below `below`, by trial division: the same
/// steps as `count_primes` in `python/gil.py`, one for one. (`below` up to
/// 2^31, so that `d * d` fits in a `u32`.)
pub fn count_primes(below: u32) -> u32 {
    let mut count = 0;
    for n in 2..below {
        let mut d = 2;
        let mut prime = true;
        while d * d <= n {
            if n % d == 0 {
                prime = false;
                break;
            }
            d += 1;
        }
        if prime {
            count += 1;
        }
    }
    count
}
// ANCHOR_END: work

// ANCHOR: held
/// Called from Python, this runs with the GIL held from start to end: no
/// other Python thread runs meanwhile.
#[pyfunction]
fn count_primes_held(below: u32) -> u32 {
    count_primes(below)
}
// ANCHOR_END: held

// ANCHOR: released
/// The same work with the GIL let go: `detach` releases it, runs the
/// closure, and takes it back. The closure may not touch Python objects
/// (PyO3 checks that it is `Send`, which Python references are not).
#[pyfunction]
fn count_primes_released(py: Python<'_>, below: u32) -> u32 {
    py.detach(|| count_primes(below))
}
// ANCHOR_END: released

// ANCHOR: deadlock
/// Shared Rust state, guarded by a Rust lock that knows nothing of the GIL.
static TOTAL: Mutex<u64> = Mutex::new(0);
/// Set once `slow_update` holds the lock; set when a quick update begins.
static LOCK_TAKEN: AtomicBool = AtomicBool::new(false);
static QUICK_UPDATE_COMING: AtomicBool = AtomicBool::new(false);

/// Takes the lock, then lets go of the GIL for the long part of its work,
/// as good extension code does. The long part here is waiting until a
/// quick update has started, so that the two meet every time. When the
/// closure ends, `detach` takes the GIL back: with the lock still held.
#[pyfunction]
fn slow_update(py: Python<'_>) -> u64 {
    let mut total = TOTAL.lock().unwrap_or_else(PoisonError::into_inner);
    LOCK_TAKEN.store(true, Ordering::SeqCst);
    let value = &mut *total;
    py.detach(move || {
        while !QUICK_UPDATE_COMING.load(Ordering::SeqCst) {
            thread::sleep(Duration::from_millis(1));
        }
        *value += 1;
    });
    *total // the lock is released here, after the GIL came back
}

/// The bug: waits for the Rust lock while holding the GIL. If the lock's
/// holder needs the GIL before it can let go, neither thread ever moves.
#[pyfunction]
fn quick_update_holding_gil() -> u64 {
    QUICK_UPDATE_COMING.store(true, Ordering::SeqCst);
    let mut total = TOTAL.lock().unwrap_or_else(PoisonError::into_inner);
    *total += 1;
    *total
}

/// The fix: let go of the GIL, then wait for the lock. The holder can take
/// the GIL, finish and unlock; this thread takes the GIL back afterwards.
#[pyfunction]
fn quick_update_detached(py: Python<'_>) -> u64 {
    QUICK_UPDATE_COMING.store(true, Ordering::SeqCst);
    py.detach(|| {
        let mut total = TOTAL.lock().unwrap_or_else(PoisonError::into_inner);
        *total += 1;
        *total
    })
}
// ANCHOR_END: deadlock

/// True once `slow_update` holds the lock (the script waits for this).
#[pyfunction]
fn lock_taken() -> bool {
    LOCK_TAKEN.load(Ordering::SeqCst)
}

// ANCHOR: module
/// The module CPython imports. `gil_used = false` tells a free-threaded
/// CPython (3.13t, 3.14t) that this module is safe without a GIL, so
/// importing it does not switch the GIL back on. (It is PyO3's default
/// since 0.28; written out here because the page is about it.)
#[pymodule(gil_used = false)]
fn ffi_python_gil(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(count_primes_held, m)?)?;
    m.add_function(wrap_pyfunction!(count_primes_released, m)?)?;
    m.add_function(wrap_pyfunction!(slow_update, m)?)?;
    m.add_function(wrap_pyfunction!(quick_update_holding_gil, m)?)?;
    m.add_function(wrap_pyfunction!(quick_update_detached, m)?)?;
    m.add_function(wrap_pyfunction!(lock_taken, m)?)?;
    Ok(())
}
// ANCHOR_END: module

/// The folder holding the built extension as `ffi_python_gil.so`, for
/// `PYTHONPATH`.
pub fn extension_dir() -> Result<PathBuf, String> {
    python::extension_dir("ffi_python_gil", "ffi_python_gil")
}

/// The ways `gil.py` can run the tasks.
pub const WAYS: [&str; 4] = [
    "python-threads",
    "python-processes",
    "rust-held",
    "rust-released",
];

/// `python/gil.py --serve` with the extension importable.
pub struct Harness {
    child: PythonChild,
}

/// One timed run, as Python measured it.
#[derive(Debug, Clone)]
pub struct Run {
    pub took: Duration,
    pub counts: Vec<u64>,
}

impl Harness {
    pub fn start() -> Result<Harness, String> {
        let dir = extension_dir()?;
        let child = PythonChild::start(GIL_PY, &["--serve"], Some(&dir))?;
        Ok(Harness { child })
    }

    /// Runs `tasks` tasks of `count_primes(below)` at once, the `way` way
    /// (one of [`WAYS`]): one thread or process per task.
    pub fn run(&mut self, way: &str, tasks: usize, below: u32) -> Result<Run, String> {
        let reply = self.child.request(&format!("{way} {tasks} {below}"))?;
        let mut words = reply.split_whitespace().map(str::parse::<u64>);
        let Some(Ok(nanos)) = words.next() else {
            return Err(format!("gil.py answered {reply:?}"));
        };
        let counts = words
            .collect::<Result<Vec<u64>, _>>()
            .map_err(|_| format!("gil.py answered {reply:?}"))?;
        Ok(Run {
            took: Duration::from_nanos(nanos),
            counts,
        })
    }

    /// The Python version the harness runs on.
    pub fn version(&mut self) -> Result<String, String> {
        self.child.request("version")
    }
}

/// How a run of the deadlock script ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ending {
    /// It exited by itself; what it printed.
    Finished(String),
    /// Still running after the timeout, so it was killed; what it had printed.
    Hung(String),
}

/// Runs `deadlock.py <way>` (`holding-gil` or `detached`) as a child
/// process. The clock starts when the script reports that the two threads
/// are about to meet (starting Python may take a while on a busy machine;
/// it gets up to a minute), and the script is killed if it has not finished
/// within `timeout` after that.
pub fn run_deadlock(way: &str, timeout: Duration) -> Result<Ending, String> {
    const START_UP: Duration = Duration::from_secs(60);
    let dir = extension_dir()?;
    let mut child = python::command(DEADLOCK_PY, &[way], Some(&dir))
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|_| GET_PYTHON.to_string())?;
    let stdout = child
        .stdout
        .take()
        .ok_or("python3 started without a pipe")?;
    let (lines, printed) = mpsc::channel();
    let reader = thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if lines.send(line).is_err() {
                break;
            }
        }
    });
    let started = Instant::now();
    let mut output = Vec::new();
    let mut met_at = None;
    let finished = loop {
        while let Ok(line) = printed.try_recv() {
            met_at.get_or_insert_with(Instant::now);
            output.push(line);
        }
        let limit = match met_at {
            Some(met) => met.elapsed() >= timeout,
            None => started.elapsed() >= START_UP,
        };
        match child.try_wait() {
            Ok(Some(_)) => break true,
            Ok(None) if limit => break false,
            Ok(None) => thread::sleep(Duration::from_millis(10)),
            Err(e) => return Err(format!("cannot wait for python3: {e}")),
        }
    };
    if !finished {
        let _ = child.kill();
        let _ = child.wait();
    }
    let _ = reader.join(); // the pipe closes when the process has gone
    output.extend(printed.try_iter());
    let printed = output.join("\n");
    Ok(if finished {
        Ending::Finished(printed)
    } else {
        Ending::Hung(printed)
    })
}
