//! Door knock: many tasks that mostly wait.
//!
//! A knock stands for any request whose time is spent waiting on someone else
//! (a server, a disk, a person at the door): it waits `wait`, then answers with
//! the door's number. Waiting costs no core, so a thousand knocks can wait at
//! the same time even on a machine with one core. Spinning the CPU is another
//! matter: [`busy_knocks_with_threads`] shows that work does not overlap past
//! the number of cores.
#![forbid(unsafe_code)]

use std::hint::black_box;
use std::io;
use std::thread;
use std::time::Duration;

use tokio::runtime::Runtime;

// ANCHOR: knock
/// Knocks on door `door`: waits for an answer, then returns the door's number.
/// The sleep stands in for I/O: the thread is blocked and uses no core.
pub fn knock(door: usize, wait: Duration) -> usize {
    thread::sleep(wait);
    door
}
// ANCHOR_END: knock

// ANCHOR: sequential
/// Knocks on doors `0..n` one after another: about `n × wait` in all.
pub fn knock_sequentially(n: usize, wait: Duration) -> Vec<usize> {
    (0..n).map(|door| knock(door, wait)).collect()
}
// ANCHOR_END: sequential

// ANCHOR: threads
/// Knocks on doors `0..n` with one OS thread per knock, all waiting at once.
/// Fails if the operating system refuses to start one more thread.
pub fn knock_with_threads(n: usize, wait: Duration) -> io::Result<Vec<usize>> {
    thread::scope(|scope| {
        let mut knockers = Vec::with_capacity(n);
        for door in 0..n {
            let knocker = thread::Builder::new().spawn_scoped(scope, move || knock(door, wait))?;
            knockers.push(knocker);
        }
        Ok(knockers
            .into_iter()
            .map(|knocker| knocker.join().expect("a knock does not panic"))
            .collect())
    })
}
// ANCHOR_END: threads

// ANCHOR: tasks
/// A tokio runtime with one worker thread per core (tokio's default) and a
/// timer. Build it once and knock with it many times.
pub fn runtime() -> Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_time()
        .build()
        .expect("a tokio runtime starts")
}

/// Knocks on doors `0..n` with one tokio task per knock, on `runtime`. The
/// tasks share the runtime's few threads: a task that sleeps gives its
/// thread back.
pub fn knock_with_tasks(runtime: &Runtime, n: usize, wait: Duration) -> Vec<usize> {
    runtime.block_on(async {
        let knockers: Vec<_> = (0..n)
            .map(|door| {
                tokio::spawn(async move {
                    tokio::time::sleep(wait).await;
                    door
                })
            })
            .collect();
        let mut answered = Vec::with_capacity(n);
        for knocker in knockers {
            answered.push(knocker.await.expect("a knock does not panic"));
        }
        answered
    })
}
// ANCHOR_END: tasks

// ANCHOR: busy
/// A fixed amount of CPU work: `spins` rounds of arithmetic that the
/// optimiser may not remove. The amount is fixed, not a deadline: a thread
/// that spins "until 2 ms have passed" would finish on time even while it
/// waited for a core, and CPU work would seem to overlap for free.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Work {
    pub spins: u64,
}

/// Does `work` on the calling thread and returns the door's number.
pub fn busy_knock(door: usize, work: Work) -> usize {
    let mut x = door as u64;
    for _ in 0..work.spins {
        x = black_box(x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1));
    }
    black_box(x);
    door
}

/// Busy knocks on doors `0..n`, one OS thread per knock.
pub fn busy_knocks_with_threads(n: usize, work: Work) -> io::Result<Vec<usize>> {
    thread::scope(|scope| {
        let mut knockers = Vec::with_capacity(n);
        for door in 0..n {
            let knocker =
                thread::Builder::new().spawn_scoped(scope, move || busy_knock(door, work))?;
            knockers.push(knocker);
        }
        Ok(knockers
            .into_iter()
            .map(|knocker| knocker.join().expect("a knock does not panic"))
            .collect())
    })
}
// ANCHOR_END: busy

/// Busy knocks on doors `0..n`, one after another.
pub fn busy_knocks_sequentially(n: usize, work: Work) -> Vec<usize> {
    (0..n).map(|door| busy_knock(door, work)).collect()
}

impl Work {
    /// Measures on the calling thread how many spins take about `duration`
    /// (the fastest of a few trials, so a busy machine errs on the side of
    /// less work, never more).
    pub fn calibrated(duration: Duration) -> Work {
        let trial = Work { spins: 200_000 };
        let (fastest, _) = support_kit::fastest_of(5, || busy_knock(0, trial));
        Work::scaled(trial, fastest, duration)
    }

    /// The work that takes `wanted` if `trial` took `took`: the spins scale
    /// in proportion, and never fall below one. A trial too quick to measure
    /// counts as one nanosecond.
    pub fn scaled(trial: Work, took: Duration, wanted: Duration) -> Work {
        let took = took.max(Duration::from_nanos(1));
        let spins = trial.spins as f64 * wanted.as_secs_f64() / took.as_secs_f64();
        Work {
            spins: spins.round().max(1.0) as u64,
        }
    }
}

/// True when `answered` holds every door of `0..n` exactly once, in any order.
pub fn every_door_once(answered: &[usize], n: usize) -> bool {
    let mut seen = vec![false; n];
    for &door in answered {
        match seen.get_mut(door) {
            Some(slot) if !*slot => *slot = true,
            _ => return false,
        }
    }
    answered.len() == n
}
