//! Real CPython threads beside Rust threads: CPU-bound work, waits, and a
//! shared `+=`. `python/threads.py` runs as one long-lived child and times
//! each run itself, so starting the interpreter is never counted; the Rust
//! side runs the same work on `std::thread`s and times the same span.
#![forbid(unsafe_code)]

use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use support_kit::python::PythonChild;

/// The Python program, built into this binary so that it runs from anywhere.
pub const THREADS_PY: &str = include_str!("../python/threads.py");

/// CPython threads, in a child process that stays up between runs.
pub struct PythonThreads(PythonChild);

impl PythonThreads {
    /// Starts `python3` with the script; the error is one line to show.
    pub fn start() -> Result<PythonThreads, String> {
        PythonChild::start(THREADS_PY, &[], None).map(PythonThreads)
    }

    fn ask(&mut self, request: &str) -> Result<(Duration, u64), String> {
        let reply = self.0.request(request)?;
        let mut words = reply.split_whitespace().map(str::parse::<u64>);
        match (words.next(), words.next()) {
            (Some(Ok(nanos)), Some(Ok(value))) => Ok((Duration::from_nanos(nanos), value)),
            _ => Err(format!("threads.py answered {reply:?} to {request:?}")),
        }
    }

    /// `steps` steps of the spin loop shared among `threads`: Python's time
    /// and the sum of the threads' results (the same as [`rust_cpu`]'s).
    pub fn cpu(&mut self, threads: u64, steps: u64) -> Result<(Duration, u64), String> {
        self.ask(&format!("cpu {threads} {steps}"))
    }

    /// `waits` sleeps of `ms` shared among `threads`: Python's time and the
    /// waits done.
    pub fn io(&mut self, threads: u64, waits: u64, ms: u64) -> Result<(Duration, u64), String> {
        self.ask(&format!("io {threads} {waits} {ms}"))
    }

    /// `threads` threads each run `counter += 1` (or `counter += one()`
    /// with `call`) `times` times: the final counter.
    pub fn add(&mut self, threads: u64, times: u64, call: bool) -> Result<u64, String> {
        let mode = if call { "call" } else { "plain" };
        self.ask(&format!("add {threads} {times} {mode}"))
            .map(|(_, c)| c)
    }

    /// `sys.getswitchinterval()` in this interpreter.
    pub fn switch_interval(&mut self) -> Result<String, String> {
        self.0.request("switch")
    }
}

// ANCHOR: rust
/// The same spin loop as threads.py's, one step per iteration.
pub fn spin(steps: u64, seed: u64) -> u64 {
    let mut x = seed;
    for _ in 0..steps {
        x = (x.wrapping_mul(1_103_515_245).wrapping_add(12_345)) & 0xFFFF_FFFF;
    }
    x
}

/// `steps` spin steps shared among `threads` Rust threads.
pub fn rust_cpu(threads: u64, steps: u64) -> (Duration, u64) {
    let start = Instant::now();
    let sum = thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|i| s.spawn(move || spin(steps / threads, i)))
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().expect("no panic"))
            .sum::<u64>()
    });
    (start.elapsed(), sum & 0xFFFF_FFFF)
}

/// `waits` sleeps of `ms` shared among `threads` Rust threads.
pub fn rust_io(threads: u64, waits: u64, ms: u64) -> (Duration, u64) {
    let start = Instant::now();
    let done = thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(move || {
                    for _ in 0..waits / threads {
                        thread::sleep(Duration::from_millis(ms));
                    }
                    waits / threads
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().expect("no panic"))
            .sum()
    });
    (start.elapsed(), done)
}
// ANCHOR_END: rust

// ANCHOR: rust-add
/// Python's `counter += 1` written out in Rust: a load, then a store.
/// Each is atomic; the pair is not, and nothing holds other threads off.
pub fn rust_load_then_store(threads: u64, times: u64) -> u64 {
    let counter = AtomicU64::new(0);
    thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                for _ in 0..times {
                    let value = counter.load(Ordering::Relaxed);
                    counter.store(value + 1, Ordering::Relaxed);
                }
            });
        }
    });
    counter.into_inner()
}

/// The fix: one read-modify-write.
pub fn rust_fetch_add(threads: u64, times: u64) -> u64 {
    let counter = AtomicU64::new(0);
    thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                for _ in 0..times {
                    counter.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
    });
    counter.into_inner()
}
// ANCHOR_END: rust-add
