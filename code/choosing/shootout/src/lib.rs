//! The shootout: every recurring problem of the book, solved by every
//! strategy a chapter has a public function for, through those very
//! functions. Nothing here solves a problem itself; each cell is one call
//! into another chapter's crate (at most a one-line adapter), so what the
//! last chapter compares is what the earlier chapters taught.
//!
//! One cell per problem and strategy: where a chapter has several
//! functions for one problem, the cell is the one its chapter recommends.
//! A pair that [`CELLS`] does not list has no chapter function this harness
//! can call as it is; [`Kit::solve`] returns `None` for it.
//!
//! # What each counter cell is
//!
//! - sequential: `threads_counters::sharded_padded` on one thread, all
//!   `4 × n` increments as a load and a store on a slot no other thread
//!   touches: the plain count, on the spawned thread the chapter's function
//!   uses. (A plain `+= 1` loop would fold into one addition and time
//!   nothing.) The table calls it "one thread".
//! - threads: `threads_counters::sharded_padded` on 4 threads, one padded
//!   slot each, summed at the end: the threads chapter's fix.
//! - actors: `actors_hand_rolled::count` with `ActorTell`, one message per
//!   increment to the counter actor.
//! - async: `actors_hand_rolled::count` with `Atomic`: 4 tokio tasks and one
//!   shared `AtomicU64`. No chapter has a sharded counter on tokio tasks.
//!
//! # Left out on purpose
//!
//! - `threads_counters::racy` (loses updates), `mutex`, `atomic` and
//!   `sharded_packed`: the threads chapter's steps towards `sharded_padded`,
//!   the one it recommends; `actors_hand_rolled::count` with `Mutex` or
//!   `ActorAsk`, and `async_blocking::count_with_std_mutex`: the same
//!   tasks with a lock, or a slower actor, where an atomic or a told actor is
//!   the chapter's choice.
//! - `processes_shared_memory::count_in_processes`: it needs the path of a
//!   worker executable of its own crate, which this harness does not build.
//! - `csp_fan_out_fan_in::crack_prefilled`: the channels chapter's second
//!   pool, a queue filled before the workers start; the crack's channels
//!   cell is its first, `crack_pool`, where a dispatcher feeds the workers.
//! - The call center: only the Introduction (`intro_call_center`) has a
//!   function for it, so it would be a problem with one cell.
//! - The broker for any problem but the door knock: the queues chapter's
//!   worker only sleeps a task's cost, which is a door's wait and no other
//!   problem's work.
//!
//! # What the tests and the CLI need
//!
//! python3 with the ffi chapter's extension built (the Python + Rust cell),
//! and a RabbitMQ at `AMQP_URL` or `support_broker`'s default URL (the
//! broker cell). Without either, [`Kit::new`] fails with one line naming
//! what is missing, and so do the tests that need it; the CLI's
//! `--no-python` and `--no-broker` leave those cells out.
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
    /// milliseconds on the development machine, except the counter's, about
    /// one millisecond: at ten times the size its actor cell would take
    /// several seconds a run.
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
    Broker,
    PythonRust,
}

impl Strategy {
    pub const ALL: [Strategy; 9] = [
        Strategy::Sequential,
        Strategy::Threads,
        Strategy::Rayon,
        Strategy::Channels,
        Strategy::Processes,
        Strategy::Actors,
        Strategy::Async,
        Strategy::Broker,
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
            Strategy::Broker => "broker",
            Strategy::PythonRust => "python-rust",
        }
    }

    /// The strategy called `name`, if any.
    pub fn from_name(name: &str) -> Option<Strategy> {
        Strategy::ALL.into_iter().find(|s| s.name() == name)
    }

    /// Whether part of the work runs in worker processes this process
    /// starts, whose memory its own peak does not count.
    pub fn uses_other_processes(self) -> bool {
        matches!(self, Strategy::Processes | Strategy::PythonRust)
    }
}

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

// ANCHOR: cells
/// Every filled cell, one chapter function each. A pair not listed has no
/// chapter function this harness can call as it is, or one left out on
/// purpose (the crate's documentation says which, and why).
#[rustfmt::skip]
pub const CELLS: [Cell; 22] = [
    cell(BuildingSearch, Sequential, "intro_building_search::sequential"),
    cell(BuildingSearch, Threads, "intro_building_search::fixed_pool"),
    cell(BuildingSearch, Rayon, "rayon_building_search::find_any"),
    cell(CryptoCrack, Sequential, "intro_crypto_crack::crack_sequential"),
    cell(CryptoCrack, Threads, "intro_crypto_crack::crack"),
    cell(CryptoCrack, Rayon, "rayon_crypto_crack::crack_find_any"),
    cell(CryptoCrack, Channels, "csp_fan_out_fan_in::crack_pool"),
    cell(DoorKnock, Sequential, "intro_door_knock::knock_sequentially"),
    cell(DoorKnock, Threads, "intro_door_knock::knock_with_threads"),
    cell(DoorKnock, Async, "async_door_knock::knock_with_tasks"),
    cell(DoorKnock, Broker, "queues_work_queue::run"),
    cell(Counter, Sequential, "threads_counters::sharded_padded, one thread"),
    cell(Counter, Threads, "threads_counters::sharded_padded"),
    cell(Counter, Actors, "actors_hand_rolled::count (actor-tell)"),
    cell(Counter, Async, "actors_hand_rolled::count (atomic)"),
    cell(FullyLoaded, Sequential, "processes_fully_loaded::sequential"),
    cell(FullyLoaded, Threads, "processes_fully_loaded::threads"),
    cell(FullyLoaded, Rayon, "processes_fully_loaded::rayon"),
    cell(FullyLoaded, Processes, "processes_fully_loaded::process_pool"),
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
    peak_rss_kib_of("self")
}

/// The highest resident memory so far of process `pid` (a number, or
/// `self`), in KiB; `None` once it has exited, or off Linux.
pub fn peak_rss_kib_of(pid: &str) -> Option<i64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    async_door_knock::kib_field(&status, "VmHWM:").map(|bytes| bytes / 1024)
}

/// The ids of this process's live child processes, from the parent id in
/// each `/proc/<pid>/stat` (Linux only; empty elsewhere).
pub fn child_pids() -> Vec<u32> {
    let me = std::process::id();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    let parent_of = |pid: u32| {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        // After the command name in parentheses: the state, then the parent's id.
        let (_, rest) = stat.rsplit_once(')')?;
        rest.split_whitespace().nth(1)?.parse::<u32>().ok()
    };
    entries
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|&pid| parent_of(pid) == Some(me))
        .collect()
}

/// Watches this process's children while `work` runs, reading each one's
/// peak resident memory every millisecond and once more when `work` is
/// done, and returns `work`'s result with the children's peaks summed in
/// KiB (`None` if no child was seen). A lower bound: a child that grew in
/// its last millisecond before exiting is counted a little low, and one that
/// lived less than a millisecond may not be seen at all.
pub fn with_children_peak<T>(work: impl FnOnce() -> T) -> (T, Option<i64>) {
    use std::collections::HashMap;
    use std::sync::atomic::{AtomicBool, Ordering};
    let done = AtomicBool::new(false);
    let mut peaks: HashMap<u32, i64> = HashMap::new();
    let sample = |peaks: &mut HashMap<u32, i64>| {
        for pid in child_pids() {
            if let Some(kib) = peak_rss_kib_of(&pid.to_string()) {
                let peak = peaks.entry(pid).or_insert(0);
                *peak = (*peak).max(kib);
            }
        }
    };
    let result = std::thread::scope(|scope| {
        let watcher = scope.spawn(|| {
            let mut peaks = HashMap::new();
            while !done.load(Ordering::Acquire) {
                sample(&mut peaks);
                std::thread::sleep(Duration::from_millis(1));
            }
            peaks
        });
        let result = work();
        done.store(true, Ordering::Release);
        (result, watcher.join().expect("the watcher does not panic"))
    });
    let (result, seen) = result;
    peaks.extend(seen);
    sample(&mut peaks); // children still alive now, such as Python's
    let total = (!peaks.is_empty()).then(|| peaks.values().sum());
    (result, total)
}

/// What the services a kit starts are: the Python harness, the broker's
/// connections, both or neither.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Needs {
    /// python3 with the ffi chapter's extension, for the Python + Rust cell.
    pub python: bool,
    /// A RabbitMQ, for the broker cell.
    pub broker: bool,
}

impl Needs {
    pub const ALL: Needs = Needs {
        python: true,
        broker: true,
    };
    pub const NONE: Needs = Needs {
        python: false,
        broker: false,
    };

    /// What the one cell of `strategy` needs.
    pub fn of(strategy: Strategy) -> Needs {
        Needs {
            python: strategy == PythonRust,
            broker: strategy == Broker,
        }
    }
}

/// The broker cell's connections, opened once: one producer, and one
/// consumer connection per door of the largest door knock the kit runs
/// ([`BROKER_CONSUMERS`]).
struct BrokerLink {
    producer: lapin::Connection,
    consumers: Vec<lapin::Connection>,
}

/// How many consumer connections the kit opens: one per door of the
/// benches' door knock, as the threads cell starts one thread per door and
/// the async cell one task per door. Each door's 2 ms wait then has a
/// consumer of its own, so the cell measures what the broker adds to a job
/// that only waits (a publish, a delivery and an ack per door), not a
/// shortage of workers; with one consumer per core, two cores would knock
/// two doors at a time, as slowly as a pool of two threads.
pub const BROKER_CONSUMERS: usize = 20;

/// What the cells share and should not start inside a timed run: a tokio
/// runtime, the Python harness and the broker's connections when wanted.
pub struct Kit {
    pub cores: usize,
    runtime: tokio::runtime::Runtime,
    python: Option<ffi_fully_loaded::Harness>,
    broker: Option<BrokerLink>,
}

impl Kit {
    /// A kit for `cores` workers, with the services `needs` asks for:
    /// fails with one line naming what is missing (python3 and the built
    /// extension; a RabbitMQ at `AMQP_URL` or the default URL).
    pub fn new(cores: usize, needs: Needs) -> Result<Kit, String> {
        let python = if needs.python {
            let harness = ffi_fully_loaded::Harness::start(cores);
            let why =
                |e| format!("the Python + Rust cell needs python3 and the built extension: {e}");
            Some(harness.map_err(why)?)
        } else {
            None
        };
        let runtime = actors_hand_rolled::runtime();
        let broker = if needs.broker {
            Some(runtime.block_on(async {
                let producer = support_broker::connect("choosing-shootout-producer").await;
                let consumers = queues_work_queue::connect_consumers(BROKER_CONSUMERS).await;
                // The error names RabbitMQ, where it was looked for and what to do.
                Ok::<_, String>(BrokerLink {
                    producer: producer.map_err(|e| e.to_string())?,
                    consumers: consumers.map_err(|e| e.to_string())?,
                })
            })?)
        } else {
            None
        };
        Ok(Kit {
            cores,
            runtime,
            python,
            broker,
        })
    }

    // ANCHOR: solve
    /// Runs one cell at `size` through its chapter's public function.
    /// `None` for an empty cell, or for a cell whose service (Python, the
    /// broker) this kit did not start.
    pub fn solve(
        &mut self,
        problem: Problem,
        strategy: Strategy,
        size: u64,
    ) -> Option<Result<Answer, String>> {
        find(problem, strategy)?;
        match problem {
            BuildingSearch => Some(Ok(Kit::search_building(
                strategy,
                size,
                marked_room(size),
                self.cores,
            ))),
            CryptoCrack => Some(self.crack(strategy, size)),
            DoorKnock => self.knock(strategy, size as usize),
            Counter => Some(Ok(self.count(strategy, size))),
            FullyLoaded => self.load_fully(strategy, size),
            Shoemaker => Some(Ok(self.make_shoes(strategy, size))),
        }
    }

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
    // ANCHOR_END: solve

    /// The crypto crack's cells: password number `index` of four letters.
    fn crack(&self, strategy: Strategy, index: u64) -> Result<Answer, String> {
        let target = sha256(candidate(index, PASSWORD_LENGTH).as_bytes());
        let (length, workers) = (PASSWORD_LENGTH, self.cores);
        Ok(Answer::Password(match strategy {
            Sequential => intro_crypto_crack::crack_sequential(&target, length).password,
            Threads => intro_crypto_crack::crack(&target, length, workers).password,
            Rayon => rayon_crypto_crack::crack_find_any(&target, length),
            Channels => {
                let block = csp_fan_out_fan_in::DEFAULT_BLOCK;
                csp_fan_out_fan_in::crack_pool(&target, length, workers, block)
                    .map_err(|e| format!("{e:?}"))?
                    .password
            }
            _ => unreachable!("listed in CELLS"),
        }))
    }

    /// The door knock's cells; `None` for the broker's without a broker.
    fn knock(&self, strategy: Strategy, doors: usize) -> Option<Result<Answer, String>> {
        let answered = match strategy {
            Sequential => Ok(intro_door_knock::knock_sequentially(doors, DOOR_WAIT)),
            Threads => {
                intro_door_knock::knock_with_threads(doors, DOOR_WAIT).map_err(|e| e.to_string())
            }
            Async => Ok(self
                .runtime
                .block_on(async_door_knock::knock_with_tasks(doors, DOOR_WAIT))),
            Broker => self.knock_through_broker(doors)?,
            _ => unreachable!("listed in CELLS"),
        };
        Some(answered.map(|mut doors| {
            doors.sort_unstable(); // concurrent knocks answer in any order
            Answer::Doors(doors)
        }))
    }

    /// Each door a task of the queues chapter's work queue that costs the
    /// door's wait, one consumer connection per door, a prefetch of one; the
    /// doors that answered are the task ids the workers report done.
    fn knock_through_broker(&self, doors: usize) -> Option<Result<Vec<usize>, String>> {
        let link = self.broker.as_ref()?;
        let Some(consumers) = link.consumers.get(..doors) else {
            let opened = link.consumers.len();
            return Some(Err(format!(
                "{doors} doors need {doors} consumers; the kit opened {opened}"
            )));
        };
        let cost_ms = DOOR_WAIT.as_millis() as u64;
        let tasks: Vec<_> = (0..doors as u64)
            .map(|id| queues_work_queue::Task { id, cost_ms })
            .collect();
        let prefetch = queues_work_queue::Prefetch::Limit(1);
        let run = queues_work_queue::run(&link.producer, consumers, prefetch, &tasks, &[]);
        Some(match self.runtime.block_on(run) {
            Err(e) => Err(format!("the work queue failed: {e}")),
            Ok(report) if report.left_in_work_queue > 0 || !report.dead.is_empty() => Err(format!(
                "{} tasks left in the queue, {} dead-lettered",
                report.left_in_work_queue,
                report.dead.len()
            )),
            Ok(report) => Ok(report
                .workers
                .iter()
                .flat_map(|worker| worker.done.iter().map(|&id| id as usize))
                .collect()),
        })
    }

    /// The counter's cells: 4 tasks each add 1 `increments` times (the
    /// crate's documentation says what each cell is).
    fn count(&self, strategy: Strategy, increments: u64) -> Answer {
        let tasks = COUNTER_TASKS;
        let on_tokio = |way| {
            let counting = actors_hand_rolled::count(way, tasks, increments, MAILBOX);
            self.runtime.block_on(counting)
        };
        Answer::Count(match strategy {
            Sequential => threads_counters::sharded_padded(1, tasks * increments),
            Threads => threads_counters::sharded_padded(tasks as usize, increments),
            Actors => on_tokio(actors_hand_rolled::Strategy::ActorTell),
            Async => on_tokio(actors_hand_rolled::Strategy::Atomic),
            _ => unreachable!("listed in CELLS"),
        })
    }

    /// Fully loaded's cells: one chain of `rounds` per core; `None` for the
    /// Python cell without the harness.
    fn load_fully(&mut self, strategy: Strategy, rounds: u64) -> Option<Result<Answer, String>> {
        let workers = self.cores;
        let tasks = processes_fully_loaded::tasks(workers as u64, rounds);
        let hex = |digests: Vec<intro_crypto_crack::Digest>| {
            Answer::Digests(digests.iter().map(to_hex).collect())
        };
        Some(match strategy {
            Sequential => Ok(hex(processes_fully_loaded::sequential(&tasks))),
            Threads => Ok(hex(processes_fully_loaded::threads(&tasks))),
            Rayon => Ok(hex(processes_fully_loaded::rayon(&tasks))),
            Processes => processes_fully_loaded::process_pool(&tasks, workers)
                .map(|(digests, _start_up)| hex(digests))
                .map_err(|e| e.to_string()),
            PythonRust => {
                let python = self.python.as_mut()?;
                python
                    .run("rust-rayon", workers as u64, rounds)
                    .map(|run| Answer::Digests(run.digests))
            }
            _ => unreachable!("listed in CELLS"),
        })
    }

    /// The shoemaker's cells: `orders` through the same shop.
    fn make_shoes(&self, strategy: Strategy, orders: u64) -> Answer {
        match strategy {
            Channels => {
                let pipeline = actors_pizzeria::as_pipeline(&shop());
                let report = pipeline.run(orders);
                delivered(report.finished.into_iter().map(|s| (s.id, s.log)).collect())
            }
            Actors => {
                let day = self.runtime.block_on(actors_pizzeria::run(&shop(), orders));
                delivered(day.delivered.into_iter().map(|p| (p.id, p.log)).collect())
            }
            _ => unreachable!("listed in CELLS"),
        }
    }
}

impl Drop for Kit {
    /// Closes the broker's connections politely, so that RabbitMQ does not
    /// log them as lost.
    fn drop(&mut self) {
        if let Some(link) = self.broker.take() {
            self.runtime.block_on(async {
                for connection in link.consumers.iter().chain([&link.producer]) {
                    support_broker::close(connection).await;
                }
            });
        }
    }
}
