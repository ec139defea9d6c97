//! Five ways to get rayon wrong, each reproduced and fixed: a lock held
//! across a nested parallel call (a deadlock), a reduce whose operation is
//! not associative (answers that depend on the split), side effects inside
//! `map` (they happen in any order), parallel calls on work too small to pay
//! for them, and a rayon call made straight from async code (it blocks the
//! runtime's thread).
#![forbid(unsafe_code)]

use std::io;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use rayon::prelude::*;

/// A rayon pool of exactly `workers` threads, for `pool.install(|| ...)`.
pub fn pool(workers: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(workers)
        .build()
        .expect("the operating system refused to start the pool's threads")
}

/// Spins (yielding the core) until `flag` is raised.
fn wait_for(flag: &AtomicBool) {
    while !flag.load(Ordering::Acquire) {
        thread::yield_now();
    }
}

// ---------------------------------------------------------------------------
// 1. A lock held across a nested parallel call.

// ANCHOR: nested_lock
/// Adds the sum of `batch` to `total`, holding the lock while rayon sums
/// the batch: the trap.
pub fn add_holding_lock(total: &Mutex<u64>, batch: &[u64], stage: Option<&Stage<'_>>) {
    let mut guard = total.lock().expect("no panic while holding the lock");
    *guard += parallel_sum(batch, stage);
}

/// The fix: do the parallel work first, and take the lock only to add.
pub fn add_then_lock(total: &Mutex<u64>, batch: &[u64], stage: Option<&Stage<'_>>) {
    let sum = parallel_sum(batch, stage);
    *total.lock().expect("no panic while holding the lock") += sum;
}
// ANCHOR_END: nested_lock

/// The moment the staged schedule needs: a thread has stolen the second half
/// of a sum, and a task that wants the lock is queued where the first thread
/// will look for work while it waits for that half.
pub struct Stage<'a> {
    /// Called by the thread that stole the second half, as it starts it.
    pub on_steal: &'a (dyn Fn() + Sync),
}

/// Sums `batch` in two halves with `rayon::join`. With a stage, the first
/// half waits until another thread has stolen the second, and the thief
/// calls the stage's hook: the unlucky timing, made certain.
pub fn parallel_sum(batch: &[u64], stage: Option<&Stage<'_>>) -> u64 {
    let (left, right) = batch.split_at(batch.len() / 2);
    let stolen = AtomicBool::new(false);
    let (a, b) = rayon::join(
        || {
            if stage.is_some() {
                wait_for(&stolen);
            }
            left.iter().sum::<u64>()
        },
        || {
            stolen.store(true, Ordering::Release);
            if let Some(stage) = stage {
                (stage.on_steal)();
            }
            right.iter().sum::<u64>()
        },
    );
    a + b
}

// ANCHOR: staged
/// Two batches added to one total on a pool of two threads, on the schedule
/// of rayon issue #592. Thread A takes the lock for batch one and splits its
/// sum; thread B steals the second half and, while it works on it, batch two
/// arrives in B's queue. A finishes its half and, waiting for B's, does what
/// every rayon thread does while it waits: it steals work. It finds batch
/// two, which needs the lock that A itself is holding further up its stack.
pub fn two_batches(hold_lock: bool) -> u64 {
    let add = if hold_lock {
        add_holding_lock
    } else {
        add_then_lock
    };
    let (one, two) = batches();
    let total = Mutex::new(0);
    let two_started = AtomicBool::new(false);
    pool(2).install(|| {
        rayon::scope(|scope| {
            let arrive = || {
                // Batch two arrives: queued on this thread (B), where A will find it.
                scope.spawn(|_| {
                    two_started.store(true, Ordering::Release);
                    add(&total, &two, None);
                });
                wait_for(&two_started);
            };
            add(&total, &one, Some(&Stage { on_steal: &arrive }));
        })
    });
    total.into_inner().expect("no panic while holding the lock")
}
// ANCHOR_END: staged

/// The two batches of [`two_batches`]: 1 to 1,000 and 1,001 to 3,000.
pub fn batches() -> (Vec<u64>, Vec<u64>) {
    ((1..=1_000).collect(), (1_001..=3_000).collect())
}

/// What [`two_batches`] must return: 1 + 2 + ... + 3,000.
pub const TWO_BATCHES_TOTAL: u64 = 3_000 * 3_001 / 2;

/// How a child process run under [`watch`] ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// It exited with success and printed this.
    Finished(String),
    /// It was still running at the deadline and was killed.
    Deadlocked,
    /// It exited with a failure: its exit status, as text.
    Failed(String),
}

// ANCHOR: watchdog
/// Runs `program` with `args` as a child process and waits for it at most
/// `patience`. A child still running then is taken to be deadlocked: it is
/// killed and reaped. A deadlocked thread cannot be stopped from inside its
/// own process; a whole process can be, from outside.
pub fn watch(program: &Path, args: &[&str], patience: Duration) -> io::Result<Verdict> {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()?;
    let deadline = Instant::now() + patience;
    loop {
        if let Some(status) = child.try_wait()? {
            let mut out = String::new();
            if let Some(mut stdout) = child.stdout.take() {
                io::Read::read_to_string(&mut stdout, &mut out)?;
            }
            return Ok(if status.success() {
                Verdict::Finished(out)
            } else {
                Verdict::Failed(status.to_string())
            });
        }
        if Instant::now() >= deadline {
            child.kill()?;
            child.wait()?;
            return Ok(Verdict::Deadlocked);
        }
        thread::sleep(Duration::from_millis(5));
    }
}
// ANCHOR_END: watchdog

// ---------------------------------------------------------------------------
// 2. A reduce whose operation is not associative.

// ANCHOR: not_associative
/// 0 − x₁ − x₂ − … − xₙ, one subtraction after another.
pub fn difference_sequential(xs: &[i64]) -> i64 {
    xs.iter().fold(0, |acc, &x| acc - x)
}

/// The same subtraction as a rayon reduce. rayon combines the results of
/// its pieces as `left − right`, and (a − b) − c is not a − (b − c): the
/// answer depends on where the pieces were cut, and so on the pool and on
/// which thread stole what.
pub fn difference_parallel(xs: &[i64]) -> i64 {
    xs.par_iter().copied().reduce(|| 0, |a, b| a - b)
}

/// Floating-point addition is not associative either: rounding depends on
/// the order, so a parallel sum may differ from the sequential one in its
/// last digits, and from itself between runs.
pub fn float_sum_parallel(xs: &[f64]) -> f64 {
    xs.par_iter().sum()
}
// ANCHOR_END: not_associative

/// [`difference_parallel`] with every item in a piece of its own: the cuts
/// are always at the midpoints, so the answer is the same on every run
/// (and still not the sequential one).
pub fn difference_balanced(xs: &[i64]) -> i64 {
    xs.par_iter()
        .with_max_len(1)
        .copied()
        .reduce(|| 0, |a, b| a - b)
}

// ANCHOR: associative
/// The fix for the subtraction: say what is meant. 0 − x₁ − … − xₙ is
/// −(x₁ + … + xₙ), and addition of integers is associative with 0 as its
/// identity, so any split gives the same sum.
pub fn difference_fixed(xs: &[i64]) -> i64 {
    -xs.par_iter().sum::<i64>()
}

/// The fix for floating point: fix the grouping. Each block of BLOCK values
/// is summed in order, and the block sums are added in order, so the answer
/// depends on the data alone, not on the threads.
pub fn float_sum_fixed(xs: &[f64]) -> f64 {
    const BLOCK: usize = 4_096;
    let partial: Vec<f64> = xs
        .par_chunks(BLOCK)
        .map(|block| block.iter().sum::<f64>())
        .collect();
    partial.iter().sum()
}
// ANCHOR_END: associative

/// Floating-point values of very different sizes, from 10⁻⁸ to 10⁸, both
/// signs: the kind of data whose sum depends on its order.
pub fn mixed_floats(n: usize, seed: u64) -> Vec<f64> {
    let mut state = seed;
    (0..n)
        .map(|_| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let mantissa = (state >> 11) as f64 / (1u64 << 53) as f64;
            let exponent = ((state >> 3) % 17) as i32 - 8;
            let sign = if state & 1 == 0 { 1.0 } else { -1.0 };
            sign * mantissa * 10f64.powi(exponent)
        })
        .collect()
}

// ---------------------------------------------------------------------------
// 3. Side effects in `map`.

// ANCHOR: side_effects
/// Squares every number and, as a side effect, writes each number it
/// squares into `log`. The squares come back in input order (`collect`
/// keeps it); the log is in whatever order the threads got there.
pub fn squares_with_log(xs: &[u64], log: &Mutex<Vec<u64>>) -> Vec<u64> {
    xs.par_iter()
        .map(|&x| {
            log.lock().expect("no panic while holding the lock").push(x);
            x * x
        })
        .collect()
}
// ANCHOR_END: side_effects

/// How many entries of `log` are not where the input order would put them.
pub fn out_of_order(log: &[u64], xs: &[u64]) -> usize {
    log.iter().zip(xs).filter(|(a, b)| a != b).count()
}

// ---------------------------------------------------------------------------
// 4. Parallel calls on tiny work.

// ANCHOR: tiny
/// A sum of squares: a few nanoseconds an item.
pub fn sum_of_squares(xs: &[u64]) -> u64 {
    xs.iter()
        .map(|&x| x.wrapping_mul(x))
        .fold(0, u64::wrapping_add)
}

/// The same with rayon, whatever the size.
pub fn sum_of_squares_parallel(xs: &[u64]) -> u64 {
    xs.par_iter()
        .map(|&x| x.wrapping_mul(x))
        .reduce(|| 0, u64::wrapping_add)
}

/// The fix: below a size where the parallel call costs more than the work,
/// do not make it.
pub fn sum_of_squares_cutoff(xs: &[u64]) -> u64 {
    if xs.len() < CUTOFF {
        sum_of_squares(xs)
    } else {
        sum_of_squares_parallel(xs)
    }
}
// ANCHOR_END: tiny

/// Below this many items [`sum_of_squares_cutoff`] stays sequential. It
/// comes from the chapter's benchmark on a 2-core machine: measure yours.
pub const CUTOFF: usize = 500_000;

// ---------------------------------------------------------------------------
// 5. rayon called from async code.

/// How the async task runs its rayon work.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FromAsync {
    /// Straight from the task: the runtime's thread waits inside rayon.
    Direct,
    /// Through `tokio::task::spawn_blocking`.
    SpawnBlocking,
    /// With `rayon::spawn`, the answer coming back over a oneshot channel.
    RayonSpawn,
}

impl FromAsync {
    pub const ALL: [FromAsync; 3] = [
        FromAsync::Direct,
        FromAsync::SpawnBlocking,
        FromAsync::RayonSpawn,
    ];

    pub fn name(self) -> &'static str {
        match self {
            FromAsync::Direct => "called directly",
            FromAsync::SpawnBlocking => "spawn_blocking",
            FromAsync::RayonSpawn => "rayon::spawn + oneshot",
        }
    }
}

// ANCHOR: from_async
/// Runs `work` on rayon's global pool from an async task, the way `how`
/// says, and returns what it returned.
pub async fn run_from_async<T: Send + 'static>(
    how: FromAsync,
    work: impl FnOnce() -> T + Send + 'static,
) -> T {
    match how {
        // The trap: this thread is the runtime's; while it waits here,
        // none of the runtime's other tasks can run on it.
        FromAsync::Direct => rayon::scope(|_| work()),
        // The fix: a thread meant for blocking waits instead.
        FromAsync::SpawnBlocking => tokio::task::spawn_blocking(move || rayon::scope(|_| work()))
            .await
            .expect("the work does not panic"),
        // Or: rayon runs it, and the task awaits the answer without blocking.
        FromAsync::RayonSpawn => {
            let (answer, answered) = tokio::sync::oneshot::channel();
            rayon::spawn(move || {
                let _ = answer.send(work());
            });
            answered.await.expect("the work does not panic")
        }
    }
}
// ANCHOR_END: from_async

// ANCHOR: heartbeat
/// On a runtime with one thread, a heartbeat task ticks every millisecond
/// while another task runs rayon work the way `how` says. The work stands in
/// for any parallel computation that takes a while: it runs until it has
/// seen three heartbeats or `patience` has passed, and returns how many it
/// saw. A blocked runtime cannot tick, so it sees none.
pub fn heartbeats_during(how: FromAsync, patience: Duration) -> u64 {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a current-thread runtime starts");
    runtime.block_on(async {
        let beats = Arc::new(AtomicU64::new(0));
        let heart = tokio::spawn({
            let beats = Arc::clone(&beats);
            async move {
                loop {
                    tokio::time::sleep(Duration::from_millis(1)).await;
                    beats.fetch_add(1, Ordering::Relaxed);
                }
            }
        });
        tokio::task::yield_now().await; // let the heart start beating
        let work = move || {
            let first = beats.load(Ordering::Relaxed);
            let deadline = Instant::now() + patience;
            while beats.load(Ordering::Relaxed) < first + 3 && Instant::now() < deadline {
                thread::sleep(Duration::from_micros(200));
            }
            beats.load(Ordering::Relaxed) - first
        };
        let seen = run_from_async(how, work).await;
        heart.abort();
        seen
    })
}
// ANCHOR_END: heartbeat
