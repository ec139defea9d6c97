//! Fully loaded: one CPU-heavy task per core, and nothing else to do. It is
//! the case every parallel strategy was built for, so it is where they can
//! be compared on equal terms: a plain loop, a pool of worker processes,
//! scoped threads and rayon all run the same tasks and must return the same
//! digests. The processes pay for starting and for sending each task and
//! result across; with tasks this large, that price is small but visible.
#![forbid(unsafe_code)]

use std::thread;
use std::time::{Duration, Instant};

use intro_crypto_crack::{Digest, sha256};
use procspawn::{Pool, SpawnError};
use rayon::prelude::*;

/// Rounds of hashing per task: enough work that starting a few processes is
/// small next to it (the sequential row of the output says how long it takes).
pub const DEFAULT_ROUNDS: u64 = 2_000_000;

// ANCHOR: task
/// One task: a chain of `rounds` SHA-256 hashes, each of the digest before,
/// starting from the seed. Nothing can be skipped or done out of order, so a
/// task is pure CPU for as long as it runs, and it fits in the cache.
pub fn chain((seed, rounds): (u64, u64)) -> Digest {
    let mut digest = sha256(&seed.to_le_bytes());
    for _ in 1..rounds {
        digest = sha256(&digest);
    }
    digest
}
// ANCHOR_END: task

/// `tasks` tasks of `rounds` rounds, seeded 0, 1, 2, ...
pub fn tasks(tasks: u64, rounds: u64) -> Vec<(u64, u64)> {
    (0..tasks).map(|seed| (seed, rounds)).collect()
}

/// The four ways to run the tasks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Strategy {
    Sequential,
    ProcessPool,
    Threads,
    Rayon,
}

impl Strategy {
    pub const ALL: [Strategy; 4] = [
        Strategy::Sequential,
        Strategy::ProcessPool,
        Strategy::Threads,
        Strategy::Rayon,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Strategy::Sequential => "sequential",
            Strategy::ProcessPool => "process-pool",
            Strategy::Threads => "threads",
            Strategy::Rayon => "rayon",
        }
    }
}

// ANCHOR: strategies
/// One task after another on this thread.
pub fn sequential(tasks: &[(u64, u64)]) -> Vec<Digest> {
    tasks.iter().copied().map(chain).collect()
}

/// A pool of `workers` processes, started for this call and shut down after
/// it: the start is part of the price. Also returns how long the start took.
pub fn process_pool(
    tasks: &[(u64, u64)],
    workers: usize,
) -> Result<(Vec<Digest>, Duration), SpawnError> {
    let started = Instant::now();
    let pool = Pool::new(workers)?;
    let start_up = started.elapsed();
    let digests = processes_pool::pool_map(&pool, tasks.iter().copied(), chain)
        .into_iter()
        .collect::<Result<Vec<Digest>, SpawnError>>()?;
    pool.shutdown();
    Ok((digests, start_up))
}

/// One scoped thread per task; the scope joins them all.
pub fn threads(tasks: &[(u64, u64)]) -> Vec<Digest> {
    thread::scope(|scope| {
        let handles: Vec<_> = tasks
            .iter()
            .map(|&task| scope.spawn(move || chain(task)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a chain cannot panic"))
            .collect()
    })
}

/// rayon's global pool, one thread per core.
pub fn rayon(tasks: &[(u64, u64)]) -> Vec<Digest> {
    tasks.par_iter().copied().map(chain).collect()
}
// ANCHOR_END: strategies

/// Runs `tasks` with `strategy`; the process pool gets `workers` processes.
pub fn run(
    strategy: Strategy,
    tasks: &[(u64, u64)],
    workers: usize,
) -> Result<Vec<Digest>, SpawnError> {
    Ok(match strategy {
        Strategy::Sequential => sequential(tasks),
        Strategy::ProcessPool => process_pool(tasks, workers)?.0,
        Strategy::Threads => threads(tasks),
        Strategy::Rayon => rayon(tasks),
    })
}
