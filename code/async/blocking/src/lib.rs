//! One task that blocks its thread stalls every task that shares the thread.
//! Ticker tasks that want to wake every millisecond measure how late they
//! wake while a neighbour calls `std::thread::sleep` (or spins the CPU) inside
//! a task; then the same blocking call moves to `spawn_blocking`, or to rayon
//! with a oneshot channel carrying the answer back, and the tickers keep time.
//! The second half is about locks: a `std::sync::MutexGuard` held across an
//! `.await` is refused by `tokio::spawn` (see tests/compile-fail), and a
//! counter shows which Mutex to use where.
#![forbid(unsafe_code)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tokio::task::JoinHandle;

/// Where the blocking call runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum How {
    /// No blocking call at all: the tickers alone.
    Nothing,
    /// Inside an ordinary task, on a runtime worker thread: the mistake.
    InTask,
    /// On tokio's blocking pool, through `spawn_blocking`.
    SpawnBlocking,
    /// On rayon's pool; a oneshot channel brings the result back.
    Rayon,
}

/// What the blocking call does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Work {
    /// `std::thread::sleep`, like a synchronous file or network call.
    Sleep(Duration),
    /// A busy loop on the CPU, like hashing or parsing a large input.
    Spin(Duration),
}

/// Which runtime runs the tasks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    /// One thread runs every task (`new_current_thread`).
    CurrentThread,
    /// A work-stealing pool of this many worker threads.
    Workers(usize),
}

/// What one run saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The latest any ticker woke after its deadline.
    pub worst_lateness: Duration,
    /// Time until every ticker had finished all its ticks.
    pub neighbours: Duration,
    /// Ticks all the tickers made while each blocking call was blocking.
    pub ticks_during_block: Vec<usize>,
    /// Ticks made in all (tickers × ticks each).
    pub ticks: usize,
}

// ANCHOR: work
/// Does the blocking work, and reports how many ticks the neighbours made
/// meanwhile (`progress` counts their ticks).
pub fn block(work: Work, progress: &AtomicUsize) -> usize {
    let before = progress.load(Ordering::SeqCst);
    match work {
        Work::Sleep(d) => std::thread::sleep(d),
        Work::Spin(d) => {
            let start = Instant::now();
            while start.elapsed() < d {
                std::hint::spin_loop();
            }
        }
    }
    progress.load(Ordering::SeqCst) - before
}
// ANCHOR_END: work

// ANCHOR: ticker
/// Wakes `ticks` times, a millisecond apart, and returns its worst lateness.
async fn ticker(ticks: usize, progress: Arc<AtomicUsize>) -> Duration {
    let mut worst = Duration::ZERO;
    for _ in 0..ticks {
        let deadline = tokio::time::Instant::now() + Duration::from_millis(1);
        tokio::time::sleep_until(deadline).await;
        worst = worst.max(tokio::time::Instant::now() - deadline);
        progress.fetch_add(1, Ordering::SeqCst);
    }
    worst
}
// ANCHOR_END: ticker

// ANCHOR: offload
/// Starts the blocking work where `how` says, returning a handle to await.
fn start_blocking(how: How, work: Work, progress: Arc<AtomicUsize>) -> JoinHandle<usize> {
    match how {
        How::Nothing => tokio::spawn(async { 0 }),
        How::InTask => tokio::spawn(async move { block(work, &progress) }),
        How::SpawnBlocking => tokio::task::spawn_blocking(move || block(work, &progress)),
        How::Rayon => {
            let (tx, rx) = tokio::sync::oneshot::channel();
            rayon::spawn(move || {
                let _ = tx.send(block(work, &progress)); // the receiver may be gone
            });
            tokio::spawn(async move { rx.await.expect("rayon ran the job") })
        }
    }
}
// ANCHOR_END: offload

// ANCHOR: run-runtime
/// `tickers` ticker tasks, then `blockers` blocking calls beside them, on a
/// fresh runtime of the given flavor.
pub fn run(
    flavor: Flavor,
    how: How,
    work: Work,
    blockers: usize,
    tickers: usize,
    ticks: usize,
) -> Report {
    let runtime = match flavor {
        Flavor::CurrentThread => tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build(),
        Flavor::Workers(n) => tokio::runtime::Builder::new_multi_thread()
            .worker_threads(n)
            .enable_all()
            .build(),
    }
    .expect("a tokio runtime");
    // ANCHOR_END: run-runtime
    // ANCHOR: run-tasks
    runtime.block_on(async {
        let progress = Arc::new(AtomicUsize::new(0));
        let start = Instant::now();
        let ticking: Vec<_> = (0..tickers)
            .map(|_| tokio::spawn(ticker(ticks, progress.clone())))
            .collect();
        tokio::task::yield_now().await; // let the tickers start their first sleep
        let blocking: Vec<_> = (0..blockers)
            .map(|_| start_blocking(how, work, progress.clone()))
            .collect();
        let mut worst_lateness = Duration::ZERO;
        for t in ticking {
            worst_lateness = worst_lateness.max(t.await.expect("a ticker never panics"));
        }
        let neighbours = start.elapsed();
        let mut ticks_during_block = Vec::new();
        for b in blocking {
            ticks_during_block.push(b.await.expect("the blocking call never panics"));
        }
        let ticks = progress.load(Ordering::SeqCst);
        Report {
            worst_lateness,
            neighbours,
            ticks_during_block,
            ticks,
        }
    })
}
// ANCHOR_END: run-tasks

// ANCHOR: std_mutex
/// `tasks` tasks each add 1 `increments` times to one counter behind a
/// `std::sync::Mutex`: the guard lives for one addition and meets no `.await`.
pub async fn count_with_std_mutex(tasks: usize, increments: usize) -> usize {
    let counter = Arc::new(std::sync::Mutex::new(0));
    let mut handles = Vec::new();
    for _ in 0..tasks {
        let counter = counter.clone();
        handles.push(tokio::spawn(async move {
            for _ in 0..increments {
                *counter.lock().unwrap() += 1; // locked for one addition
            }
        }));
    }
    for h in handles {
        h.await.unwrap();
    }
    *counter.lock().unwrap()
}
// ANCHOR_END: std_mutex

// ANCHOR: tokio_mutex
/// The same counter behind a `tokio::sync::Mutex`, whose `lock` is itself
/// a future: an async lock is paid for even when the guard never crosses an
/// `.await`.
pub async fn count_with_tokio_mutex(tasks: usize, increments: usize) -> usize {
    let counter = Arc::new(tokio::sync::Mutex::new(0));
    let mut handles = Vec::new();
    for _ in 0..tasks {
        let counter = counter.clone();
        handles.push(tokio::spawn(async move {
            for _ in 0..increments {
                *counter.lock().await += 1;
            }
        }));
    }
    for h in handles {
        h.await.unwrap();
    }
    *counter.lock().await
}
// ANCHOR_END: tokio_mutex

// ANCHOR: across_await
/// Where tokio's Mutex is the right one: each task holds the guard across an
/// `.await` (a write that takes time), so no other task's lines can land in
/// the middle of its record. Returns the log.
pub async fn write_records(tasks: usize, lines: usize) -> Vec<String> {
    let log = Arc::new(tokio::sync::Mutex::new(Vec::new()));
    let mut handles = Vec::new();
    for task in 0..tasks {
        let log = log.clone();
        handles.push(tokio::spawn(async move {
            let mut guard = log.lock().await; // held across the awaits below
            for line in 0..lines {
                guard.push(format!("task {task} line {line}"));
                tokio::time::sleep(Duration::from_micros(100)).await;
            }
        }));
    }
    for h in handles {
        h.await.unwrap();
    }
    Arc::try_unwrap(log)
        .expect("every task is done")
        .into_inner()
}
// ANCHOR_END: across_await

/// The runtimes and numbers of blocking calls the CLI and the benchmark try,
/// with the names the book's tables use.
pub const SETUPS: [(&str, Flavor, usize); 3] = [
    ("current-thread_1-blocker", Flavor::CurrentThread, 1),
    ("2-workers_1-blocker", Flavor::Workers(2), 1),
    ("2-workers_2-blockers", Flavor::Workers(2), 2),
];

/// Where the blocking call runs, with the names the book's tables use.
pub const HOWS: [(&str, How); 4] = [
    ("no-blocker", How::Nothing),
    ("in-task", How::InTask),
    ("spawn_blocking", How::SpawnBlocking),
    ("rayon-oneshot", How::Rayon),
];
