//! Measuring how many iterations a shuttle scheduler needs to find each bug, seed by seed.

use std::panic::{self, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Once};

use shuttle::scheduler::{PctScheduler, RandomScheduler, ReplayScheduler, Scheduler};
use shuttle::{Config, FailurePersistence, Runner};

use crate::{OPENING_BALANCE, Version, model};

/// One of the three bugs, as a shuttle test body.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Bug {
    /// [`model::transfers`]: two threads take the same two locks in opposite orders.
    Deadlock,
    /// [`model::count`]: read, unlock, lock, write; an increment is lost.
    LostUpdate,
    /// [`model::fill_and_peek`]: `ready` raised one entry early; only a reader that looks in that one
    /// step's window sees a half-filled table.
    EarlyFlag,
}

impl Bug {
    /// All three bugs, in table order.
    pub const ALL: [Bug; 3] = [Bug::Deadlock, Bug::LostUpdate, Bug::EarlyFlag];

    /// A short name for tables and benchmark ids.
    pub fn name(self) -> &'static str {
        match self {
            Bug::Deadlock => "deadlock",
            Bug::LostUpdate => "lost-update",
            Bug::EarlyFlag => "early-flag",
        }
    }
}

/// How big each scenario is inside shuttle: small, because shuttle runs it once per iteration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Size {
    /// Threads in the lost-update counter (the deadlock always has two).
    pub threads: usize,
    /// Transfers per thread, or increments per thread.
    pub rounds: usize,
    /// Entries the filler writes in the early-flag scenario.
    pub entries: usize,
}

impl Default for Size {
    fn default() -> Self {
        Size {
            threads: 2,
            rounds: 3,
            entries: 10,
        }
    }
}

// ANCHOR: body
/// The shuttle test body for `bug`: run the scenario and assert what the fixed code guarantees.
/// For the deadlock there is nothing to assert: shuttle itself fails an execution in which every
/// thread is blocked.
pub fn body(bug: Bug, version: Version, size: Size) -> impl Fn() + Send + Sync + 'static {
    move || match bug {
        Bug::Deadlock => {
            let rounds = size.rounds as i64;
            let balances = model::transfers(version, size.rounds);
            assert_eq!(
                balances,
                [OPENING_BALANCE + rounds, OPENING_BALANCE - rounds]
            );
        }
        Bug::LostUpdate => {
            let total = model::count(version, size.threads, size.rounds);
            assert_eq!(
                total,
                (size.threads * size.rounds) as u64,
                "an increment was lost"
            );
        }
        Bug::EarlyFlag => {
            if let Some(filled) = model::fill_and_peek(version, size.entries) {
                assert_eq!(filled, size.entries, "saw ready on a half-filled table");
            }
        }
    }
}
// ANCHOR_END: body

/// Which shuttle scheduler explores the interleavings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Search {
    /// `RandomScheduler`: at every scheduling point, pick a runnable thread uniformly at random.
    Random,
    /// `PctScheduler` with this depth (the number of priority change points is depth - 1).
    Pct {
        /// The bug depth PCT aims at.
        depth: usize,
    },
}

impl Search {
    /// A short name for tables and benchmark ids.
    pub fn name(self) -> String {
        match self {
            Search::Random => "random".to_string(),
            Search::Pct { depth } => format!("pct-d{depth}"),
        }
    }

    fn scheduler(self, seed: u64, max_iterations: usize) -> Box<dyn Scheduler + Send> {
        match self {
            Search::Random => Box::new(RandomScheduler::new_from_seed(seed, max_iterations)),
            Search::Pct { depth } => {
                Box::new(PctScheduler::new_from_seed(seed, depth, max_iterations))
            }
        }
    }
}

/// Replaces the panic hook with a silent one, once per process, after shuttle has installed its own
/// (which prints the schedule of every failing execution). Searching over many seeds fails thousands of
/// executions on purpose; their messages would bury the results.
pub fn silence_panics() {
    static SILENCE: Once = Once::new();
    SILENCE.call_once(|| {
        // One trivial execution makes shuttle install its hook first, so ours replaces it.
        shuttle::check_random(|| {}, 1);
        panic::set_hook(Box::new(|_| {}));
    });
}

fn quiet_config(persistence: FailurePersistence) -> Config {
    let mut config = Config::new();
    config.failure_persistence = persistence;
    config.silence_warnings = true;
    config
}

fn run_counted(
    scheduler: Box<dyn Scheduler + Send>,
    config: Config,
    test: impl Fn() + Send + Sync + 'static,
) -> Option<usize> {
    let iterations = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&iterations);
    let runner = Runner::new(scheduler, config);
    let outcome = panic::catch_unwind(AssertUnwindSafe(move || {
        runner.run(move || {
            counter.fetch_add(1, Ordering::Relaxed);
            test()
        })
    }));
    outcome.err().map(|_| iterations.load(Ordering::Relaxed))
}

// ANCHOR: hunt
/// Runs `version` of `bug` under `search`, seeded with `seed`, for at most `max_iterations` executions.
/// Returns the 1-based number of the first failing execution, or `None` if every execution passed.
pub fn iterations_to_find(
    bug: Bug,
    version: Version,
    size: Size,
    search: Search,
    seed: u64,
    max_iterations: usize,
) -> Option<usize> {
    let scheduler = search.scheduler(seed, max_iterations);
    run_counted(
        scheduler,
        quiet_config(FailurePersistence::None),
        body(bug, version, size),
    )
}
// ANCHOR_END: hunt

/// A failing execution, found and then replayed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    /// The 1-based number of the failing execution.
    pub iteration: usize,
    /// Shuttle's encoded schedule, as `shuttle::replay` takes it.
    pub schedule: String,
    /// The panic message of the failing execution.
    pub message: String,
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_string()
    } else {
        "(a panic without a message)".to_string()
    }
}

/// Like [`iterations_to_find`], but also keeps the failing schedule (shuttle writes it to a file in a
/// fresh directory under `std::env::temp_dir()`, which is removed again) and the panic message.
pub fn find(
    bug: Bug,
    size: Size,
    search: Search,
    seed: u64,
    max_iterations: usize,
) -> Option<Found> {
    // shuttle's panic hook persists schedules with the configuration of the first execution in the
    // process. One trivial execution first makes sure that is not this search's (so the hook never writes
    // into this search's directory), and a directory of its own per call keeps searches apart.
    shuttle::check_random(|| {}, 1);
    static CALLS: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "testing-shuttle-{}-{}-{}-{}",
        std::process::id(),
        CALLS.fetch_add(1, Ordering::Relaxed),
        bug.name(),
        search.name()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).ok()?;
    let iterations = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&iterations);
    let config = quiet_config(FailurePersistence::File(Some(dir.clone())));
    let test = body(bug, Version::Broken, size);
    // With shuttle's hook out of the way, the failing execution persists its schedule with this runner's
    // configuration. The previous hook is put back afterwards.
    // shuttle also skips persisting a schedule as long as the last one persisted on this OS thread, so
    // the search runs on a fresh thread of its own.
    let previous = panic::take_hook();
    panic::set_hook(Box::new(|_| {}));
    let outcome = std::thread::scope(|scope| {
        scope
            .spawn(move || {
                let runner = Runner::new(search.scheduler(seed, max_iterations), config);
                panic::catch_unwind(AssertUnwindSafe(move || {
                    runner.run(move || {
                        counter.fetch_add(1, Ordering::Relaxed);
                        test()
                    })
                }))
            })
            .join()
            .expect("the search thread catches its panics")
    });
    panic::set_hook(previous);
    let found = match outcome {
        Ok(_) => None,
        Err(payload) => schedule_file(&dir).map(|schedule| Found {
            iteration: iterations.load(Ordering::Relaxed),
            schedule,
            message: panic_message(&*payload),
        }),
    };
    let _ = std::fs::remove_dir_all(&dir);
    found
}

fn schedule_file(dir: &PathBuf) -> Option<String> {
    let entry = std::fs::read_dir(dir).ok()?.flatten().next()?;
    let text = std::fs::read_to_string(entry.path()).ok()?;
    Some(text.trim().to_string())
}

// ANCHOR: replay
/// Replays an encoded schedule (as [`find`] returned it) against `version` of `bug`. Returns the panic
/// message if the replayed execution fails, `None` if it passes.
pub fn replay(bug: Bug, version: Version, size: Size, schedule: &str) -> Option<String> {
    let scheduler = ReplayScheduler::new_from_encoded(schedule);
    let runner = Runner::new(scheduler, quiet_config(FailurePersistence::None));
    let test = body(bug, version, size);
    panic::catch_unwind(AssertUnwindSafe(move || runner.run(test)))
        .err()
        .map(|payload| panic_message(&*payload))
}
// ANCHOR_END: replay

/// Iterations-to-find over many seeds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tally {
    /// Seeds tried.
    pub seeds: usize,
    /// Seeds whose search found the bug within the iteration budget.
    pub found: usize,
    /// The iteration counts of the seeds that found it, sorted.
    pub iterations: Vec<usize>,
}

impl Tally {
    /// The `q`-quantile (0.0 to 1.0, nearest rank) of the iterations needed, among seeds that found it.
    pub fn quantile(&self, q: f64) -> Option<usize> {
        if self.iterations.is_empty() {
            return None;
        }
        let rank = (q * self.iterations.len() as f64).ceil() as usize;
        Some(self.iterations[rank.clamp(1, self.iterations.len()) - 1])
    }
}

/// Runs [`iterations_to_find`] for the broken version with seeds `0..seeds`.
pub fn survey(bug: Bug, size: Size, search: Search, seeds: u64, max_iterations: usize) -> Tally {
    let mut iterations: Vec<usize> = (0..seeds)
        .filter_map(|seed| {
            iterations_to_find(bug, Version::Broken, size, search, seed, max_iterations)
        })
        .collect();
    iterations.sort_unstable();
    Tally {
        seeds: seeds as usize,
        found: iterations.len(),
        iterations,
    }
}
