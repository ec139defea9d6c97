//! The shootout: every recurring problem of the book, solved by every
//! strategy a chapter has a public function for, through those very
//! functions. Nothing here solves a problem itself; each cell is one call
//! into another chapter's crate (at most a one-line adapter), so what the
//! last chapter compares is what the earlier chapters taught.
//!
//! A cell that no chapter solves stays empty: [`cell`] returns `None` for it
//! and [`CELLS`] does not list it.
#![forbid(unsafe_code)]

use std::time::Duration;

use intro_crypto_crack::{candidate, sha256, to_hex};

/// The recurring problems the shootout runs (book/intro, BOOK.md §3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Problem {
    BuildingSearch,
    CryptoCrack,
    DoorKnock,
    Counter,
    FullyLoaded,
    Shoemaker,
}

impl Problem {
    pub const ALL: [Problem; 6] = [
        Problem::BuildingSearch,
        Problem::CryptoCrack,
        Problem::DoorKnock,
        Problem::Counter,
        Problem::FullyLoaded,
        Problem::Shoemaker,
    ];

    /// The name used in tables and as the bench group's last part.
    pub fn name(self) -> &'static str {
        match self {
            Problem::BuildingSearch => "building-search",
            Problem::CryptoCrack => "crypto-crack",
            Problem::DoorKnock => "door-knock",
            Problem::Counter => "counter",
            Problem::FullyLoaded => "fully-loaded",
            Problem::Shoemaker => "shoemaker",
        }
    }

    /// The problem called `name`, if any.
    pub fn from_name(name: &str) -> Option<Problem> {
        Problem::ALL.into_iter().find(|p| p.name() == name)
    }

    /// What the one size parameter of the problem counts.
    pub fn size_means(self) -> &'static str {
        match self {
            Problem::BuildingSearch => "rooms (the marked one three quarters in)",
            Problem::CryptoCrack => "four-letter passwords tried before the right one",
            Problem::DoorKnock => "doors, each answering after 2 ms",
            Problem::Counter => "increments by each of 4 tasks",
            Problem::FullyLoaded => "SHA-256 rounds per task, one task per core",
            Problem::Shoemaker => "orders through the pizzeria's stages (1, 4, 2 ms)",
        }
    }

    /// The size the benches measure: the sequential run takes a few tens of
    /// milliseconds on the development machine.
    pub fn bench_size(self) -> u64 {
        match self {
            Problem::BuildingSearch => 8_000_000,
            Problem::CryptoCrack => 400_000,
            Problem::DoorKnock => 20,
            Problem::Counter => 1_000_000,
            Problem::FullyLoaded => 400_000,
            Problem::Shoemaker => 20,
        }
    }

    /// A size small enough for the tests. The counter's is large on
    /// purpose: each task must run long enough that the tasks overlap even
    /// where no barrier starts them together (the actor and async cells), so
    /// that a counter that loses updates loses some here. At 5,000
    /// increments a task could finish before the next one started.
    pub fn test_size(self) -> u64 {
        match self {
            Problem::BuildingSearch => 50_000,
            Problem::CryptoCrack => 3_000,
            Problem::DoorKnock => 8,
            Problem::Counter => 500_000,
            Problem::FullyLoaded => 500,
            Problem::Shoemaker => 6,
        }
    }
}

/// The strategies, one per chapter (or family of chapters).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Strategy {
    Sequential,
    Threads,
    Rayon,
    Channels,
    Processes,
    Actors,
    Async,
    PythonRust,
}

impl Strategy {
    pub const ALL: [Strategy; 8] = [
        Strategy::Sequential,
        Strategy::Threads,
        Strategy::Rayon,
        Strategy::Channels,
        Strategy::Processes,
        Strategy::Actors,
        Strategy::Async,
        Strategy::PythonRust,
    ];

    /// The name used in tables and as the bench function.
    pub fn name(self) -> &'static str {
        match self {
            Strategy::Sequential => "sequential",
            Strategy::Threads => "threads",
            Strategy::Rayon => "rayon",
            Strategy::Channels => "channels",
            Strategy::Processes => "processes",
            Strategy::Actors => "actors",
            Strategy::Async => "async",
            Strategy::PythonRust => "python-rust",
        }
    }

    /// The strategy called `name`, if any.
    pub fn from_name(name: &str) -> Option<Strategy> {
        Strategy::ALL.into_iter().find(|s| s.name() == name)
    }

    /// Whether part of the work runs in other processes, whose memory a
    /// peak of this process's resident memory does not count.
    pub fn uses_other_processes(self) -> bool {
        matches!(self, Strategy::Processes | Strategy::PythonRust)
    }
}

// ANCHOR: cells
/// One filled cell of the problem × strategy table: the chapter function
/// that solves it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cell {
    pub problem: Problem,
    pub strategy: Strategy,
    /// `crate::function`, as the chapter's crate spells it.
    pub function: &'static str,
}

const fn cell(problem: Problem, strategy: Strategy, function: &'static str) -> Cell {
    Cell {
        problem,
        strategy,
        function,
    }
}

use Problem::*;
use Strategy::*;

/// Every filled cell; any pair not listed has no chapter function.
pub const CELLS: [Cell; 21] = [
    cell(
        BuildingSearch,
        Sequential,
        "intro_building_search::sequential",
    ),
    cell(BuildingSearch, Threads, "intro_building_search::fixed_pool"),
    cell(BuildingSearch, Rayon, "rayon_building_search::find_any"),
    cell(
        CryptoCrack,
        Sequential,
        "intro_crypto_crack::crack_sequential",
    ),
    cell(CryptoCrack, Threads, "intro_crypto_crack::crack"),
    cell(CryptoCrack, Rayon, "rayon_crypto_crack::crack_find_any"),
    cell(CryptoCrack, Channels, "csp_fan_out_fan_in::crack_pool"),
    cell(
        DoorKnock,
        Sequential,
        "intro_door_knock::knock_sequentially",
    ),
    cell(DoorKnock, Threads, "intro_door_knock::knock_with_threads"),
    cell(DoorKnock, Async, "async_door_knock::knock_with_tasks"),
    cell(Counter, Sequential, "threads_counters::atomic (one thread)"),
    cell(Counter, Threads, "threads_counters::atomic"),
    cell(Counter, Actors, "actors_hand_rolled::count (actor-tell)"),
    cell(Counter, Async, "async_blocking::count_with_std_mutex"),
    cell(
        FullyLoaded,
        Sequential,
        "processes_fully_loaded::sequential",
    ),
    cell(FullyLoaded, Threads, "processes_fully_loaded::threads"),
    cell(FullyLoaded, Rayon, "processes_fully_loaded::rayon"),
    cell(
        FullyLoaded,
        Processes,
        "processes_fully_loaded::process_pool",
    ),
    cell(FullyLoaded, PythonRust, "ffi_fully_loaded (rust-rayon way)"),
    cell(Shoemaker, Channels, "intro_shoemaker_elves::Pipeline::run"),
    cell(Shoemaker, Actors, "actors_pizzeria::run"),
];
// ANCHOR_END: cells

/// The filled cell for `problem` and `strategy`, if a chapter has one.
pub fn find(problem: Problem, strategy: Strategy) -> Option<Cell> {
    CELLS
        .iter()
        .copied()
        .find(|c| c.problem == problem && c.strategy == strategy)
}

/// The filled cells of one problem, in [`Strategy::ALL`]'s order.
pub fn cells_of(problem: Problem) -> Vec<Cell> {
    Strategy::ALL
        .iter()
        .filter_map(|&s| find(problem, s))
        .collect()
}

/// What a cell returns, in one shape per problem so that answers compare.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    /// The marked room, if found.
    Room(Option<u64>),
    /// The cracked password, if found.
    Password(Option<String>),
    /// Every door that answered, sorted.
    Doors(Vec<usize>),
    /// The counter's final value.
    Count(u64),
    /// Each task's digest in hex, in seed order.
    Digests(Vec<String>),
    /// Each order's id and the stages it went through, in order; sorted by id.
    Delivered(Vec<(u64, Vec<usize>)>),
}

impl Answer {
    /// A short form for the CLI's tables.
    pub fn summary(&self) -> String {
        match self {
            Answer::Room(Some(room)) => format!("room {room}"),
            Answer::Password(Some(password)) => format!("password {password}"),
            Answer::Room(None) | Answer::Password(None) => "not found".to_string(),
            Answer::Doors(doors) => format!("{} doors", doors.len()),
            Answer::Count(count) => format!("count {count}"),
            Answer::Digests(digests) => format!(
                "{} digests {}",
                digests.len(),
                digests.first().map_or("", |d| &d[..8])
            ),
            Answer::Delivered(orders) => format!("{} orders, every stage once", orders.len()),
        }
    }
}

/// The answer every strategy must give, computed from the problem's
/// definition rather than by any cell's function, so that a bug the cells
/// share (the sequential one included) cannot agree with itself.
pub fn expected(problem: Problem, size: u64, cores: usize) -> Answer {
    match problem {
        BuildingSearch => Answer::Room(Some(marked_room(size))),
        CryptoCrack => Answer::Password(Some(candidate(size, PASSWORD_LENGTH))),
        DoorKnock => Answer::Doors((0..size as usize).collect()),
        Counter => Answer::Count(COUNTER_TASKS * size),
        FullyLoaded => Answer::Digests(
            (0..cores as u64)
                .map(|seed| chain_hex(seed, size))
                .collect(),
        ),
        Shoemaker => {
            let stages: Vec<usize> = (0..shop().len()).collect();
            Answer::Delivered((0..size).map(|id| (id, stages.clone())).collect())
        }
    }
}

/// Fully loaded's task `seed` of `rounds` rounds, from the problem's
/// definition (book/processes): hash the seed's eight little-endian bytes,
/// then hash each 32-byte digest again, `rounds` hashes in all (at least one).
/// Written out here, hash by hash, so that the expected digests do not come
/// from `processes_fully_loaded::chain`, which every Rust cell calls.
pub fn chain_hex(seed: u64, rounds: u64) -> String {
    let mut digest = sha256(&seed.to_le_bytes());
    for _ in 1..rounds {
        digest = sha256(&digest);
    }
    to_hex(&digest)
}

/// The one-line complaint about a run of `cell` at `size` whose answer is
/// not `want`, or `None` when the answer is right. The benches and the CLI
/// call it on every timed run, after the clock has stopped.
pub fn wrong_answer(
    cell: Cell,
    size: u64,
    got: &Result<Answer, String>,
    want: &Answer,
) -> Option<String> {
    let name = format!("{}/{} at {size}", cell.problem.name(), cell.strategy.name());
    match got {
        Ok(answer) if answer == want => None,
        Ok(answer) if answer.summary() == want.summary() => Some(format!(
            "{name} ({}) gave a wrong answer: {answer:?}, expected {want:?}",
            cell.function
        )),
        Ok(answer) => Some(format!(
            "{name} ({}) gave a wrong answer: {}, expected {}",
            cell.function,
            answer.summary(),
            want.summary()
        )),
        Err(e) => Some(format!("{name} ({}) failed: {e}", cell.function)),
    }
}

/// The shop both pipeline cells run: the actors chapter's pizzeria with two
/// ovens, the bottleneck, and its usual drivers.
pub fn shop() -> Vec<actors_pizzeria::Role> {
    actors_pizzeria::shop(2, actors_pizzeria::DRIVERS)
}

/// Sorts what a pipeline delivered by id: stages running at once deliver
/// in any order.
fn delivered(mut orders: Vec<(u64, Vec<usize>)>) -> Answer {
    orders.sort_unstable();
    Answer::Delivered(orders)
}

/// Password length for the crypto crack: 26⁴ candidates.
pub const PASSWORD_LENGTH: usize = 4;
/// How long each door takes to answer.
pub const DOOR_WAIT: Duration = Duration::from_millis(2);
/// How many tasks share the counter.
pub const COUNTER_TASKS: u64 = 4;
/// The counter actor's mailbox capacity.
pub const MAILBOX: usize = 1_024;

/// The marked room of a building of `rooms` rooms: three quarters of the
/// way in, so a sequential search walks most of the building.
pub fn marked_room(rooms: u64) -> u64 {
    rooms / 4 * 3
}

/// The highest resident memory of this process so far, in KiB
/// (`VmHWM` in `/proc/self/status`; Linux only).
pub fn peak_rss_kib() -> Option<i64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    async_door_knock::kib_field(&status, "VmHWM:").map(|bytes| bytes / 1024)
}

/// What the cells share and should not start inside a timed run: a tokio
/// runtime, and the Python harness when the Python cell is wanted.
pub struct Kit {
    pub cores: usize,
    runtime: tokio::runtime::Runtime,
    python: Option<ffi_fully_loaded::Harness>,
}

impl Kit {
    /// A kit for `cores` workers; starts the Python harness only if
    /// `with_python` (it needs python3 and the built extension).
    pub fn new(cores: usize, with_python: bool) -> Result<Kit, String> {
        let python = if with_python {
            Some(ffi_fully_loaded::Harness::start(cores)?)
        } else {
            None
        };
        Ok(Kit {
            cores,
            runtime: actors_hand_rolled::runtime(),
            python,
        })
    }

    // ANCHOR: solve
    /// The building search's cells, with the mark on any room (`solve`
    /// puts it three quarters in; the tests move it).
    pub fn search_building(strategy: Strategy, rooms: u64, marked: u64, workers: usize) -> Answer {
        let target = intro_building_search::door_code(marked);
        let check = |room| intro_building_search::is_marked(room, target);
        Answer::Room(match strategy {
            Sequential => intro_building_search::sequential(rooms, check),
            Threads => intro_building_search::fixed_pool(rooms, workers, check),
            Rayon => rayon_building_search::find_any(rooms, check),
            _ => unreachable!("listed in CELLS"),
        })
    }

    /// Runs one cell at `size` through its chapter's public function.
    /// `None` for an empty cell, or for the Python cell without Python.
    pub fn solve(
        &mut self,
        problem: Problem,
        strategy: Strategy,
        size: u64,
    ) -> Option<Result<Answer, String>> {
        find(problem, strategy)?;
        let workers = self.cores;
        Some(match problem {
            BuildingSearch => Ok(Kit::search_building(
                strategy,
                size,
                marked_room(size),
                workers,
            )),
            CryptoCrack => {
                let target = sha256(candidate(size, PASSWORD_LENGTH).as_bytes());
                let length = PASSWORD_LENGTH;
                Ok(Answer::Password(match strategy {
                    Sequential => intro_crypto_crack::crack_sequential(&target, length).password,
                    Threads => intro_crypto_crack::crack(&target, length, workers).password,
                    Rayon => rayon_crypto_crack::crack_find_any(&target, length),
                    Channels => {
                        let block = csp_fan_out_fan_in::DEFAULT_BLOCK;
                        match csp_fan_out_fan_in::crack_pool(&target, length, workers, block) {
                            Ok(outcome) => outcome.password,
                            Err(e) => return Some(Err(format!("{e:?}"))),
                        }
                    }
                    _ => unreachable!("listed in CELLS"),
                }))
            }
            DoorKnock => {
                let doors = size as usize;
                let mut answered = match strategy {
                    Sequential => Ok(intro_door_knock::knock_sequentially(doors, DOOR_WAIT)),
                    Threads => intro_door_knock::knock_with_threads(doors, DOOR_WAIT)
                        .map_err(|e| e.to_string()),
                    Async => Ok(self
                        .runtime
                        .block_on(async_door_knock::knock_with_tasks(doors, DOOR_WAIT))),
                    _ => unreachable!("listed in CELLS"),
                };
                if let Ok(doors) = &mut answered {
                    doors.sort_unstable(); // concurrent knocks answer in any order
                }
                answered.map(Answer::Doors)
            }
            Counter => {
                let tasks = COUNTER_TASKS;
                Ok(Answer::Count(match strategy {
                    Sequential => threads_counters::atomic(1, tasks * size),
                    Threads => threads_counters::atomic(tasks as usize, size),
                    Actors => self.runtime.block_on(actors_hand_rolled::count(
                        actors_hand_rolled::Strategy::ActorTell,
                        tasks,
                        size,
                        MAILBOX,
                    )),
                    Async => self.runtime.block_on(async_blocking::count_with_std_mutex(
                        tasks as usize,
                        size as usize,
                    )) as u64,
                    _ => unreachable!("listed in CELLS"),
                }))
            }
            FullyLoaded => {
                let tasks = processes_fully_loaded::tasks(workers as u64, size);
                let hex = |digests: Vec<intro_crypto_crack::Digest>| {
                    Answer::Digests(digests.iter().map(to_hex).collect())
                };
                match strategy {
                    Sequential => Ok(hex(processes_fully_loaded::sequential(&tasks))),
                    Threads => Ok(hex(processes_fully_loaded::threads(&tasks))),
                    Rayon => Ok(hex(processes_fully_loaded::rayon(&tasks))),
                    Processes => processes_fully_loaded::process_pool(&tasks, workers)
                        .map(|(digests, _start_up)| hex(digests))
                        .map_err(|e| e.to_string()),
                    PythonRust => {
                        let python = self.python.as_mut()?;
                        python
                            .run("rust-rayon", workers as u64, size)
                            .map(|run| Answer::Digests(run.digests))
                    }
                    _ => unreachable!("listed in CELLS"),
                }
            }
            Shoemaker => Ok(match strategy {
                Channels => {
                    let pipeline = actors_pizzeria::as_pipeline(&shop());
                    let report = pipeline.run(size);
                    delivered(report.finished.into_iter().map(|s| (s.id, s.log)).collect())
                }
                Actors => {
                    let day = self.runtime.block_on(actors_pizzeria::run(&shop(), size));
                    delivered(day.delivered.into_iter().map(|p| (p.id, p.log)).collect())
                }
                _ => unreachable!("listed in CELLS"),
            }),
        })
    }
    // ANCHOR_END: solve
}
