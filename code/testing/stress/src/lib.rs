//! Stress testing with real threads: run a racy program many times and count
//! how many runs it takes before the bug shows, with and without "noise" (a
//! `yield_now` or a short sleep injected at the racy spot). Two bugs: a lost
//! update (load, then store) and a lock-ordering deadlock, which a watchdog
//! detects without hanging. Then property tests: a parallel sum must equal the
//! sequential one for any input and any worker count, and proptest shrinks a
//! broken version's failure to a minimal case.
#![forbid(unsafe_code)]

use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::{Barrier, Mutex, MutexGuard, TryLockError};
use std::thread;
use std::time::{Duration, Instant};

// ANCHOR: noise
/// What a run does at its racy spot, to widen the window in which another
/// thread can get in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Noise {
    /// Nothing: the window is a few instructions wide.
    None,
    /// `thread::yield_now()`: offer the core to another thread.
    Yield,
    /// `thread::sleep` for 50 µs: certainly let others run.
    Sleep,
}

impl Noise {
    /// Makes the noise.
    pub fn make(self) {
        match self {
            Noise::None => {}
            Noise::Yield => thread::yield_now(),
            Noise::Sleep => thread::sleep(Duration::from_micros(50)),
        }
    }

    /// The name the CLI and the benchmarks use.
    pub fn name(self) -> &'static str {
        match self {
            Noise::None => "none",
            Noise::Yield => "yield",
            Noise::Sleep => "sleep",
        }
    }
}
// ANCHOR_END: noise

/// Every noise, in the order tables show them.
pub const NOISES: [Noise; 3] = [Noise::None, Noise::Yield, Noise::Sleep];

// ANCHOR: lost_update
/// One run of the lost-update bug: two threads each add one to a counter by
/// loading it and storing the value plus one, two steps that another thread
/// can come between. Returns the final count: 2 when nothing was lost.
pub fn lost_update_run(noise: Noise) -> u64 {
    let counter = AtomicU64::new(0);
    let start = Barrier::new(2);
    thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                start.wait();
                let seen = counter.load(Ordering::SeqCst);
                noise.make(); // the racy spot: between the read and the write
                counter.store(seen + 1, Ordering::SeqCst);
            });
        }
    });
    counter.load(Ordering::SeqCst)
}
// ANCHOR_END: lost_update

/// How a run of the two-lock program ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ending {
    /// Both threads took both locks and finished.
    Finished,
    /// The watchdog saw each thread holding one lock and wanting the other.
    Deadlocked,
}

// ANCHOR: lock_or_give_up
/// Takes `lock` like `Mutex::lock`, except that it gives up (returns `None`)
/// once the watchdog raises `give_up`. A plain `lock()` would wait for ever
/// in a deadlock; this one lets the test end and the threads be joined.
fn lock_or_give_up<'a, T>(lock: &'a Mutex<T>, give_up: &AtomicBool) -> Option<MutexGuard<'a, T>> {
    loop {
        match lock.try_lock() {
            Ok(guard) => return Some(guard),
            Err(TryLockError::WouldBlock) if give_up.load(Ordering::SeqCst) => return None,
            Err(TryLockError::WouldBlock) => thread::yield_now(),
            Err(TryLockError::Poisoned(e)) => return Some(e.into_inner()),
        }
    }
}
// ANCHOR_END: lock_or_give_up

// ANCHOR: deadlock-run
/// One run of the lock-ordering bug: thread 0 takes lock A then B, thread 1
/// takes B then A. Each sets its bit in `holding` once it has its first lock
/// and clears it before letting go. Both bits set at once means thread 0 holds
/// A and thread 1 holds B, and each waits for the other: a deadlock, for
/// certain, which the watchdog (the calling thread) reports.
pub fn deadlock_run(noise: Noise, patience: Duration) -> Ending {
    let locks = [Mutex::new(()), Mutex::new(())];
    let holding = AtomicU8::new(0);
    let give_up = AtomicBool::new(false);
    let start = Barrier::new(2);
    let (done_tx, done) = mpsc::channel();
    thread::scope(|s| {
        for me in 0..2usize {
            let (first, second) = (&locks[me], &locks[1 - me]);
            let (holding, give_up, start, done_tx) = (&holding, &give_up, &start, done_tx.clone());
            s.spawn(move || {
                start.wait();
                let _a = first.lock().unwrap();
                holding.fetch_or(1 << me, Ordering::SeqCst);
                noise.make(); // the racy spot: between the first lock and the second
                let second = lock_or_give_up(second, give_up);
                holding.fetch_and(!(1 << me), Ordering::SeqCst);
                drop(second);
                let _ = done_tx.send(());
            });
        }
        drop(done_tx);
        watchdog(&done, &holding, &give_up, patience)
    })
}
// ANCHOR_END: deadlock-run

// ANCHOR: deadlock-watchdog

/// Waits for both threads to finish; every millisecond, looks for the
/// deadlock; after `patience` with neither, panics: a hang that is not the
/// known deadlock is a new bug.
fn watchdog(
    done: &mpsc::Receiver<()>,
    holding: &AtomicU8,
    give_up: &AtomicBool,
    patience: Duration,
) -> Ending {
    let deadline = Instant::now() + patience;
    let mut finished = 0;
    while finished < 2 {
        match done.recv_timeout(Duration::from_millis(1)) {
            Ok(()) => finished += 1,
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
            Err(mpsc::RecvTimeoutError::Timeout) if holding.load(Ordering::SeqCst) == 0b11 => {
                give_up.store(true, Ordering::SeqCst);
                return Ending::Deadlocked;
            }
            Err(mpsc::RecvTimeoutError::Timeout) if Instant::now() > deadline => {
                give_up.store(true, Ordering::SeqCst);
                panic!("the two threads neither finished nor deadlocked within {patience:?}");
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
        }
    }
    Ending::Finished
}
// ANCHOR_END: deadlock-watchdog

/// The two bugs a stress loop hunts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bug {
    /// [`lost_update_run`] ends with 1, not 2.
    LostUpdate,
    /// [`deadlock_run`] ends [`Ending::Deadlocked`].
    Deadlock,
}

impl Bug {
    /// The name the CLI and the benchmarks use.
    pub fn name(self) -> &'static str {
        match self {
            Bug::LostUpdate => "lost-update",
            Bug::Deadlock => "deadlock",
        }
    }

    /// Runs the buggy program once; true if the bug showed.
    pub fn shows(self, noise: Noise) -> bool {
        match self {
            Bug::LostUpdate => lost_update_run(noise) != 2,
            Bug::Deadlock => deadlock_run(noise, Duration::from_secs(10)) == Ending::Deadlocked,
        }
    }
}

// ANCHOR: stress
/// A stress loop: runs the program up to `cap` times and returns the number
/// of the run in which the bug first showed, or `None` if it never did.
pub fn runs_to_failure(bug: Bug, noise: Noise, cap: u32) -> Option<u32> {
    (1..=cap).find(|_| bug.shows(noise))
}
// ANCHOR_END: stress

/// Runs-to-failure over many trials of a stress loop.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Distribution {
    /// Trials that found the bug, with the run that found it, sorted.
    pub found: Vec<u32>,
    /// Trials that reached the cap without finding it.
    pub missed: usize,
}

impl Distribution {
    /// Runs `trials` stress loops of at most `cap` runs each.
    pub fn measure(bug: Bug, noise: Noise, trials: usize, cap: u32) -> Self {
        let mut found = Vec::new();
        let mut missed = 0;
        for _ in 0..trials {
            match runs_to_failure(bug, noise, cap) {
                Some(n) => found.push(n),
                None => missed += 1,
            }
        }
        found.sort_unstable();
        Distribution { found, missed }
    }

    /// The `q`-quantile (0.0 to 1.0) of runs-to-failure over all trials,
    /// counting a missed trial as "more than the cap": `None` when the
    /// quantile falls among the missed ones.
    pub fn quantile(&self, q: f64) -> Option<u32> {
        let trials = self.found.len() + self.missed;
        let rank = ((q * trials as f64).ceil() as usize).clamp(1, trials.max(1));
        self.found.get(rank - 1).copied()
    }
}

// ANCHOR: same_code
/// One run of the testing-shuttle chapter's own broken code on std threads
/// (`testing_shuttle::real`, the very source shuttle explores): two threads,
/// three increments or three opposite transfers each. True if the bug showed.
/// Here the deadlock cannot be watched from inside, so the watchdog is a plain
/// timeout: a run still going after `patience` counts as deadlocked, and its
/// threads, which wait for ever, are left behind.
pub fn shuttle_code_shows(bug: Bug, patience: Duration) -> bool {
    use testing_shuttle::{OPENING_BALANCE, Version, real};
    match bug {
        Bug::LostUpdate => real::count(Version::Broken, 2, 3) != 6,
        Bug::Deadlock => {
            let (done, finished) = mpsc::channel();
            thread::spawn(move || {
                let _ = done.send(real::transfers(Version::Broken, 3));
            });
            match finished.recv_timeout(patience) {
                Ok(balances) => {
                    assert_eq!(balances, [OPENING_BALANCE + 3, OPENING_BALANCE - 3]);
                    false
                }
                Err(_) => true,
            }
        }
    }
}
// ANCHOR_END: same_code

// ANCHOR: sums
/// The sequential answer.
pub fn sum(data: &[u32]) -> u64 {
    data.iter().map(|&x| u64::from(x)).sum()
}

/// Splits `data` into `workers` nearly equal slices, sums each on a scoped
/// thread and adds the partial sums.
pub fn parallel_sum(data: &[u32], workers: usize) -> u64 {
    let chunk = data.len().div_ceil(workers).max(1);
    thread::scope(|s| {
        let parts: Vec<_> = data
            .chunks(chunk)
            .map(|part| s.spawn(move || sum(part)))
            .collect();
        parts.into_iter().map(|h| h.join().unwrap()).sum()
    })
}

/// The broken version: `len / workers` rounds down, so the last
/// `len % workers` items belong to no worker.
pub fn parallel_sum_broken(data: &[u32], workers: usize) -> u64 {
    let chunk = data.len() / workers;
    thread::scope(|s| {
        let parts: Vec<_> = (0..workers)
            .map(|w| {
                let part = &data[w * chunk..(w + 1) * chunk];
                s.spawn(move || sum(part))
            })
            .collect();
        parts.into_iter().map(|h| h.join().unwrap()).sum()
    })
}
// ANCHOR_END: sums

/// A sum to check: the data, and the number of workers.
pub type SumFn = fn(&[u32], usize) -> u64;

// ANCHOR: property-inputs
/// How proptest makes inputs for the sums.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Inputs {
    /// Any vector of up to 99 numbers. Proptest shrinks a vector by
    /// dropping one item at a time and by shrinking items.
    AnyVec,
    /// The numbers `offset, offset + 1, ...`, `len` of them (up to 99).
    /// Proptest shrinks `len` and `offset` as integers, by bisection.
    Run,
}
// ANCHOR_END: property-inputs

// ANCHOR: property-search
/// Checks `candidate` against [`sum`] with proptest, on 1 to 8 workers, from
/// a fixed seed so that every run finds (and shrinks to) the same case.
/// Returns the input it shrank a failure to, if any case failed.
pub fn find_counterexample(
    candidate: SumFn,
    inputs: Inputs,
    cases: u32,
) -> Option<(Vec<u32>, usize)> {
    use proptest::prelude::*;
    use proptest::test_runner::{Config, RngAlgorithm, TestError, TestRng, TestRunner};

    let config = Config {
        cases,
        failure_persistence: None,
        max_shrink_iters: 100_000,
        ..Config::default()
    };
    let mut runner =
        TestRunner::new_with_rng(config, TestRng::deterministic_rng(RngAlgorithm::ChaCha));
    let data = match inputs {
        Inputs::AnyVec => prop::collection::vec(any::<u32>(), 0..100).boxed(),
        Inputs::Run => (0u32..100, 0u32..1_000_000)
            .prop_map(|(len, offset)| (offset..offset + len).collect::<Vec<u32>>())
            .boxed(),
    };
    let outcome = runner.run(&(data, 1usize..=8), |(data, workers)| {
        prop_assert_eq!(candidate(&data, workers), sum(&data));
        Ok(())
    });
    match outcome {
        Ok(()) => None,
        Err(TestError::Fail(_, minimal)) => Some(minimal),
        Err(TestError::Abort(why)) => panic!("proptest gave up: {why}"),
    }
}
// ANCHOR_END: property-search
