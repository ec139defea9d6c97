//! The thread limit: how many OS threads fit in one process, how many tokio
//! tasks, and what each one costs in memory and in time to start. Every
//! thread and every task started here parks at once, waiting for a release,
//! so what is measured is the cost of existing, not of working.
//!
//! Memory is read from the operating system (`/proc/self/status` on Linux):
//! the resident set is the memory really in use, the address space is what
//! the process has reserved, used or not.
#![forbid(unsafe_code)]

use std::fmt;
use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::{self, JoinHandle};

use tokio::sync::{Notify, watch};

/// The stack std gives a spawned thread unless told otherwise (2 MiB).
pub const DEFAULT_STACK: usize = 2 << 20;

/// What the parked threads share: how many have started, and whether they
/// may finish.
#[derive(Default)]
struct Gate {
    state: Mutex<GateState>,
    all_started: Condvar,
    opened: Condvar,
}

#[derive(Default)]
struct GateState {
    started: usize,
    open: bool,
}

// ANCHOR: threads-spawn
/// Threads that have started and now wait, doing nothing, until
/// [`ParkedThreads::release`] (or drop) lets them finish.
pub struct ParkedThreads {
    gate: Arc<Gate>,
    threads: Vec<JoinHandle<()>>,
}

/// Starts `n` threads with `stack_size`-byte stacks, and returns once every
/// one of them is running and parked. If the OS refuses a thread, the ones
/// already started are released and joined, and the error says how far it got.
pub fn spawn_parked_threads(n: usize, stack_size: usize) -> Result<ParkedThreads, SpawnError> {
    let gate = Arc::new(Gate::default());
    let mut parked = ParkedThreads {
        gate: Arc::clone(&gate),
        threads: Vec::with_capacity(n),
    };
    for _ in 0..n {
        let gate = Arc::clone(&gate);
        let spawned = thread::Builder::new()
            .stack_size(stack_size)
            .spawn(move || park(&gate, n));
        match spawned {
            Ok(thread) => parked.threads.push(thread),
            Err(source) => {
                let started = parked.threads.len();
                parked.release();
                return Err(SpawnError { started, source });
            }
        }
    }
    let mut state = gate.state.lock().expect("no thread panics holding it");
    while state.started < n {
        state = gate.all_started.wait(state).expect("not poisoned");
    }
    drop(state);
    Ok(parked)
}
// ANCHOR_END: threads-spawn

// ANCHOR: threads-park
/// A parked thread's whole life: say it has started, wait for the gate.
fn park(gate: &Gate, n: usize) {
    let mut state = gate.state.lock().expect("no thread panics holding it");
    state.started += 1;
    if state.started == n {
        gate.all_started.notify_one();
    }
    while !state.open {
        state = gate.opened.wait(state).expect("not poisoned");
    }
}

impl ParkedThreads {
    /// How many threads are parked.
    pub fn len(&self) -> usize {
        self.threads.len()
    }

    /// True when no thread is parked.
    pub fn is_empty(&self) -> bool {
        self.threads.is_empty()
    }

    /// Opens the gate, joins every thread, and returns how many finished.
    pub fn release(&mut self) -> usize {
        self.gate.state.lock().expect("not poisoned").open = true;
        self.gate.opened.notify_all();
        self.threads
            .drain(..)
            .map(JoinHandle::join)
            .filter(Result::is_ok)
            .count()
    }
}

impl Drop for ParkedThreads {
    fn drop(&mut self) {
        self.release();
    }
}
// ANCHOR_END: threads-park

/// The OS refused to start a thread.
#[derive(Debug)]
pub struct SpawnError {
    /// Threads that had started before the refusal (all released since).
    pub started: usize,
    /// What the OS said.
    pub source: io::Error,
}

impl fmt::Display for SpawnError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the OS refused thread number {} ({})",
            self.started + 1,
            self.source
        )
    }
}

impl std::error::Error for SpawnError {}

// ANCHOR: tasks-spawn
/// Tokio tasks that have started and now wait until
/// [`ParkedTasks::release`] lets them finish.
pub struct ParkedTasks {
    open: watch::Sender<bool>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

/// Starts `n` tasks on the current tokio runtime, and returns once every one
/// of them has run up to its wait.
pub async fn spawn_parked_tasks(n: usize) -> ParkedTasks {
    let (open, gate) = watch::channel(false);
    let started = Arc::new(AtomicUsize::new(0));
    let all_started = Arc::new(Notify::new());
    let mut tasks = Vec::with_capacity(n);
    for _ in 0..n {
        let (mut gate, started, all_started) =
            (gate.clone(), Arc::clone(&started), Arc::clone(&all_started));
        tasks.push(tokio::spawn(async move {
            if started.fetch_add(1, Ordering::Relaxed) + 1 == n {
                all_started.notify_one();
            }
            // An error means the sender is gone: nobody is left to wait for.
            let _ = gate.wait_for(|&open| open).await;
        }));
    }
    if n > 0 {
        // notify_one keeps its wake-up for us even if it came first.
        all_started.notified().await;
    }
    ParkedTasks { open, tasks }
}
// ANCHOR_END: tasks-spawn

// ANCHOR: tasks-release
impl ParkedTasks {
    /// How many tasks are parked.
    pub fn len(&self) -> usize {
        self.tasks.len()
    }

    /// True when no task is parked.
    pub fn is_empty(&self) -> bool {
        self.tasks.is_empty()
    }

    /// Opens the gate, waits for every task, and returns how many finished.
    pub async fn release(mut self) -> usize {
        self.open.send_replace(true);
        let mut finished = 0;
        for task in self.tasks.drain(..) {
            finished += usize::from(task.await.is_ok());
        }
        finished
    }
}

impl Drop for ParkedTasks {
    fn drop(&mut self) {
        // Tasks not awaited still finish: the gate opens for them too.
        self.open.send_replace(true);
    }
}
// ANCHOR_END: tasks-release

// ANCHOR: memory
/// The process's resident set (memory in RAM now), in bytes, from
/// `/proc/self/status`. `None` where there is no such file (not Linux).
pub fn resident_bytes() -> Option<u64> {
    status_field("VmRSS")
}

/// The process's address space (everything reserved, touched or not).
pub fn address_space_bytes() -> Option<u64> {
    status_field("VmSize")
}

/// How many memory mappings the process has (lines of `/proc/self/maps`).
pub fn memory_maps() -> Option<u64> {
    let maps = std::fs::read_to_string("/proc/self/maps").ok()?;
    Some(maps.lines().count() as u64)
}

fn status_field(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    parse_status_kib(&status, field)
}

/// Finds a line such as `VmRSS:     1234 kB` and returns the size in bytes.
pub fn parse_status_kib(status: &str, field: &str) -> Option<u64> {
    let line = status
        .lines()
        .find(|line| line.split(':').next() == Some(field))?;
    let mut words = line.split_whitespace().skip(1);
    let kib: u64 = words.next()?.parse().ok()?;
    (words.next() == Some("kB")).then_some(kib * 1024)
}
// ANCHOR_END: memory

/// The system limits that cap the number of threads, where Linux says them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Limits {
    /// `kernel.threads-max`: threads in the whole system.
    pub threads_max: Option<u64>,
    /// `kernel.pid_max`: every thread needs an id below it.
    pub pid_max: Option<u64>,
    /// `vm.max_map_count`: memory mappings per process; each thread takes some.
    pub max_map_count: Option<u64>,
    /// The soft limit on processes (threads included) for this user.
    pub max_user_processes: Option<u64>,
}

/// Reads [`Limits`] from `/proc`.
pub fn limits() -> Limits {
    let number =
        |path: &str| -> Option<u64> { std::fs::read_to_string(path).ok()?.trim().parse().ok() };
    let max_user_processes = std::fs::read_to_string("/proc/self/limits")
        .ok()
        .and_then(|text| parse_limit(&text, "Max processes"));
    Limits {
        threads_max: number("/proc/sys/kernel/threads-max"),
        pid_max: number("/proc/sys/kernel/pid_max"),
        max_map_count: number("/proc/sys/vm/max_map_count"),
        max_user_processes,
    }
}

/// The soft limit in a `/proc/self/limits` line; `None` for "unlimited".
pub fn parse_limit(limits: &str, name: &str) -> Option<u64> {
    let line = limits.lines().find(|line| line.starts_with(name))?;
    line[name.len()..].split_whitespace().next()?.parse().ok()
}
