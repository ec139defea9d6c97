//! Read-mostly data: a configuration that many threads read and few write.
//! Three ways to share it (a `Mutex`, an `RwLock`, and an atomically swapped
//! `Arc` snapshot from arc-swap), one workload of 99 reads to each write,
//! and a look at whether a writer gets its turn while readers keep reading.
#![forbid(unsafe_code)]

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError, RwLock};
use std::thread;
use std::time::{Duration, Instant};

use arc_swap::ArcSwap;

/// How many numbers a configuration holds.
pub const FIELDS: usize = 8;

// ANCHOR: config
/// A configuration whose fields must agree: field `i` of version `v` holds
/// `v * (i + 1)`. A reader that sees fields from two versions has seen a
/// torn write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    version: u64,
    fields: [u64; FIELDS],
}

impl Config {
    /// The configuration of `version`.
    pub fn new(version: u64) -> Config {
        let mut config = Config {
            version: 0,
            fields: [0; FIELDS],
        };
        config.set(version);
        config
    }

    /// Rewrites the configuration in place, one field at a time.
    pub fn set(&mut self, version: u64) {
        self.version = version;
        for (i, field) in (1..).zip(self.fields.iter_mut()) {
            *field = version.wrapping_mul(i);
        }
    }

    /// The version, if every field agrees with it; `None` for a torn read.
    pub fn check(&self) -> Option<u64> {
        (1..)
            .zip(&self.fields)
            .all(|(i, &field)| field == self.version.wrapping_mul(i))
            .then_some(self.version)
    }
}
// ANCHOR_END: config

/// A configuration shared by threads.
pub trait Shared: Send + Sync {
    /// The name in tables and benchmark ids.
    const NAME: &'static str;
    fn new(config: Config) -> Self;
    /// Reads the configuration: its version, or `None` if it was torn.
    fn read(&self) -> Option<u64>;
    /// Replaces the configuration with `version`'s.
    fn write(&self, version: u64);
}

// ANCHOR: shared
impl Shared for Mutex<Config> {
    const NAME: &'static str = "mutex";
    fn new(config: Config) -> Self {
        Mutex::new(config)
    }
    fn read(&self) -> Option<u64> {
        self.lock().unwrap_or_else(PoisonError::into_inner).check()
    }
    fn write(&self, version: u64) {
        self.lock()
            .unwrap_or_else(PoisonError::into_inner)
            .set(version)
    }
}

impl Shared for RwLock<Config> {
    const NAME: &'static str = "rwlock";
    fn new(config: Config) -> Self {
        RwLock::new(config)
    }
    fn read(&self) -> Option<u64> {
        self.read().unwrap_or_else(PoisonError::into_inner).check()
    }
    fn write(&self, version: u64) {
        self.write()
            .unwrap_or_else(PoisonError::into_inner)
            .set(version)
    }
}

impl Shared for ArcSwap<Config> {
    const NAME: &'static str = "arc-swap";
    fn new(config: Config) -> Self {
        ArcSwap::from_pointee(config)
    }
    fn read(&self) -> Option<u64> {
        // A cheap guard on the current snapshot; a writer never touches it.
        self.load().check()
    }
    fn write(&self, version: u64) {
        // Build the new snapshot aside, then swap the pointer in one step.
        self.store(Arc::new(Config::new(version)))
    }
}
// ANCHOR_END: shared

/// What a run of the workload did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    pub reads: u64,
    pub writes: u64,
    /// Reads that saw fields from two versions.
    pub torn: u64,
}

// ANCHOR: workload
/// `threads` threads share `ops` operations; every `write_every`-th
/// operation of each thread writes a new version, the rest read.
pub fn workload<S: Shared>(shared: &S, threads: u64, ops: u64, write_every: u64) -> Outcome {
    let next_version = AtomicU64::new(1);
    let per_thread = ops / threads;
    let outcomes: Vec<Outcome> = thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut outcome = Outcome::default();
                    for op in 1..=per_thread {
                        if op % write_every == 0 {
                            shared.write(next_version.fetch_add(1, Ordering::Relaxed));
                            outcome.writes += 1;
                        } else {
                            outcome.reads += 1;
                            outcome.torn += u64::from(shared.read().is_none());
                        }
                    }
                    outcome
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().expect("no worker panics"))
            .collect()
    });
    outcomes.iter().fold(Outcome::default(), |a, o| Outcome {
        reads: a.reads + o.reads,
        writes: a.writes + o.writes,
        torn: a.torn + o.torn,
    })
}
// ANCHOR_END: workload

// ANCHOR: readers-first
/// A readers-first lock, for contrast: a reader enters whenever no writer
/// holds the lock, even while a writer waits; the writer needs a moment with
/// no reader at all.
#[derive(Default)]
pub struct ReadersFirst {
    state: Mutex<(u64, bool)>, // (readers inside, writer inside)
    changed: Condvar,
}

impl ReadersFirst {
    pub fn read_lock(&self) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        while state.1 {
            state = self
                .changed
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
        state.0 += 1;
    }

    pub fn read_unlock(&self) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.0 -= 1;
        if state.0 == 0 {
            self.changed.notify_all();
        }
    }

    pub fn write_lock(&self) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        while state.0 > 0 || state.1 {
            state = self
                .changed
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
        state.1 = true;
    }

    pub fn write_unlock(&self) {
        self.state.lock().unwrap_or_else(PoisonError::into_inner).1 = false;
        self.changed.notify_all();
    }
}
// ANCHOR_END: readers-first

/// The two locks the starvation run compares, behind one face.
pub trait ReadWrite: Sync {
    const NAME: &'static str;
    fn read_for(&self, hold: Duration);
    fn write_once(&self);
}

impl ReadWrite for RwLock<u64> {
    const NAME: &'static str = "std RwLock";
    fn read_for(&self, hold: Duration) {
        let _guard = self.read().unwrap_or_else(PoisonError::into_inner);
        thread::sleep(hold);
    }
    fn write_once(&self) {
        *self.write().unwrap_or_else(PoisonError::into_inner) += 1;
    }
}

impl ReadWrite for ReadersFirst {
    const NAME: &'static str = "readers-first";
    fn read_for(&self, hold: Duration) {
        self.read_lock();
        thread::sleep(hold);
        self.read_unlock();
    }
    fn write_once(&self) {
        self.write_lock();
        self.write_unlock();
    }
}

/// What the writer managed while the readers kept reading.
#[derive(Clone, Copy, Debug)]
pub struct Starvation {
    pub reads: u64,
    pub writes: u64,
    /// Writes that got in while the readers were still reading (not after
    /// the run ended).
    pub writes_while_reading: u64,
    /// The longest the writer waited for one write, including a write still
    /// waiting when the run ended.
    pub longest_wait: Duration,
}

// ANCHOR: starvation
/// `readers` threads take the read lock over and over, each holding it for
/// `hold`, for `run` in all; one writer tries to write once a millisecond.
pub fn starve<L: ReadWrite>(lock: &L, readers: u64, hold: Duration, run: Duration) -> Starvation {
    let stop = AtomicBool::new(false);
    let reads = AtomicU64::new(0);
    let writes = AtomicU64::new(0);
    let while_reading = AtomicU64::new(0);
    let longest = Mutex::new(Duration::ZERO);
    thread::scope(|s| {
        for _ in 0..readers {
            s.spawn(|| {
                while !stop.load(Ordering::Relaxed) {
                    lock.read_for(hold);
                    reads.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
        let writer = s.spawn(|| {
            while !stop.load(Ordering::Relaxed) {
                let asked = Instant::now();
                lock.write_once();
                let waited = asked.elapsed();
                if !stop.load(Ordering::Relaxed) {
                    while_reading.fetch_add(1, Ordering::Relaxed);
                }
                let mut longest = longest.lock().unwrap_or_else(PoisonError::into_inner);
                *longest = (*longest).max(waited);
                writes.fetch_add(1, Ordering::Relaxed);
                drop(longest);
                thread::sleep(Duration::from_millis(1));
            }
        });
        thread::sleep(run);
        stop.store(true, Ordering::Relaxed);
        // A writer still waiting gets in once the readers stop; its wait
        // counts in full.
        writer.join().expect("the writer does not panic");
    });
    Starvation {
        reads: reads.into_inner(),
        writes: writes.into_inner(),
        writes_while_reading: while_reading.into_inner(),
        longest_wait: longest.into_inner().unwrap_or_else(PoisonError::into_inner),
    }
}
// ANCHOR_END: starvation
