//! Python's `multiprocessing.Pool.map`, in Rust: procspawn keeps a pool of
//! worker processes (copies of this very program), and `pool_map` hands each
//! item to one of them and collects the answers in the order of the items.
//! Every item crosses a process boundary twice, serialised on the way out and
//! on the way back, so a process pool pays a price per task that a thread pool
//! (rayon) does not. This crate measures that price: what a process costs to
//! start, what a payload costs to cross, and how much work a task must carry
//! before the pool beats a plain loop.
#![forbid(unsafe_code)]

pub use processes_pipes::{children_left, children_of};
use std::collections::VecDeque;
use std::hint::black_box;
use std::io;
use std::process::{Command, ExitStatus};
use std::sync::mpsc;
use std::thread;

use procspawn::{JoinHandle, Pool, SpawnError};
use rayon::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Set in the environment of a process started by [`exec_self_and_wait`]:
/// [`init`] sees it and exits at once, so the run measures an empty process.
pub const EXIT_AT_ONCE: &str = "PROCESSES_POOL_EXIT_AT_ONCE";

// ANCHOR: init
/// The first call in `main`, before anything else happens. procspawn starts a
/// worker by running this program again with a token in its environment;
/// `procspawn::init` notices the token, runs the function it is sent, and
/// never returns to the rest of `main`. Anything `main` did before this call
/// would be done again by every worker.
pub fn init() {
    if std::env::var_os(EXIT_AT_ONCE).is_some() {
        std::process::exit(0);
    }
    // procspawn::init(), plus a one-line panic message in the workers.
    procspawn::ProcConfig::new()
        .config_callback(|| std::panic::set_hook(Box::new(worker_panic_line)))
        .init();
}
// ANCHOR_END: init

/// How a worker reports its own panic on stderr: one line with its pid. The
/// parent gets the failure as an `Err`, but not always the message (the worker
/// may be gone before it is sent), so this line is where the message is sure
/// to appear.
fn worker_panic_line(info: &std::panic::PanicHookInfo<'_>) {
    let payload = info.payload();
    let message = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(no message)");
    eprintln!("worker {}: panicked: {message}", std::process::id());
}

// ANCHOR: work
/// One task: `steps` rounds of an integer mix that the compiler cannot skip,
/// a few instructions each, pure CPU. Different seeds give different answers,
/// so a result that lands in the wrong place is noticed.
pub fn work((seed, steps): (u64, u64)) -> u64 {
    let mut x = seed ^ 0x9e37_79b9_7f4a_7c15;
    for _ in 0..steps {
        x ^= x >> 31;
        x = x.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    }
    x
}
// ANCHOR_END: work

/// The same tasks, a whole batch per call: what one worker does with a chunk.
pub fn work_batch(batch: Vec<(u64, u64)>) -> Vec<u64> {
    batch.into_iter().map(work).collect()
}

/// `count` tasks of `steps` steps each, seeded 0, 1, 2, ...
pub fn tasks(count: u64, steps: u64) -> Vec<(u64, u64)> {
    (0..count).map(|seed| (seed, steps)).collect()
}

// ANCHOR: pool_map
/// Python's `Pool.map`: runs `f` on every item in the pool's worker processes
/// and returns one result per item, in the order of the items, whichever
/// worker finished first. A task that panics, or whose worker dies, gives an
/// `Err` in its own place; the pool replaces the worker and the other items
/// are not disturbed.
///
/// `f` is a plain `fn`, not a closure: the worker finds it by its address in
/// its own copy of the program, and a closure's captured variables would live
/// in this process's memory, which the worker cannot see.
pub fn pool_map<A, R>(
    pool: &Pool,
    items: impl IntoIterator<Item = A>,
    f: fn(A) -> R,
) -> Vec<Result<R, SpawnError>>
where
    A: Serialize + DeserializeOwned,
    R: Serialize + DeserializeOwned + Send + 'static,
{
    // Every task in flight holds two IPC channels (four file descriptors), so
    // only a few tasks per worker are handed out at a time; the rest wait here.
    let window = 4 * pool.size().max(1);
    let mut in_flight: VecDeque<JoinHandle<R>> = VecDeque::with_capacity(window);
    let mut results = Vec::new();
    for item in items {
        if in_flight.len() == window {
            let oldest = in_flight.pop_front().expect("the window is full");
            results.push(oldest.join());
        }
        in_flight.push_back(pool.spawn(item, f));
    }
    results.extend(in_flight.into_iter().map(|handle| handle.join()));
    results
}
// ANCHOR_END: pool_map

// ANCHOR: chunked
/// Python's `chunksize`: the items are cut into `chunks` batches of about the
/// same size, each batch crosses to a worker as one task, and the answers are
/// put back in order. One message now carries many items' work.
pub fn pool_map_chunked<A, R>(
    pool: &Pool,
    items: Vec<A>,
    chunks: usize,
    f: fn(Vec<A>) -> Vec<R>,
) -> Result<Vec<R>, SpawnError>
where
    A: Serialize + DeserializeOwned,
    R: Serialize + DeserializeOwned + Send + 'static,
{
    let size = items.len().div_ceil(chunks.max(1)).max(1);
    let mut batches = Vec::new();
    let mut items = items.into_iter().peekable();
    while items.peek().is_some() {
        batches.push(items.by_ref().take(size).collect::<Vec<A>>());
    }
    let mut results = Vec::new();
    for batch in pool_map(pool, batches, f) {
        results.extend(batch?);
    }
    Ok(results)
}
// ANCHOR_END: chunked

// ANCHOR: others
/// The plain loop every parallel version must beat.
pub fn sequential_map<A, R>(items: Vec<A>, f: fn(A) -> R) -> Vec<R> {
    items.into_iter().map(f).collect()
}

/// The same map on rayon's threads: no processes, no serialisation; items and
/// results move between threads as they are.
pub fn rayon_map<A: Send, R: Send>(items: Vec<A>, f: fn(A) -> R) -> Vec<R> {
    items.into_par_iter().map(f).collect()
}
// ANCHOR_END: others

/// A task that refuses the unlucky number: squares every other one.
pub fn square_unless_13(n: u64) -> u64 {
    if n == 13 {
        panic!("task {n} refuses to run");
    }
    n * n
}

/// Returns its argument: the task of the startup and payload measurements.
pub fn echo<T>(value: T) -> T {
    value
}

// ANCHOR: startup
/// Starts a thread that does nothing and waits for it.
pub fn thread_spawn_join() -> u64 {
    thread::spawn(|| black_box(7u64))
        .join()
        .expect("an empty thread cannot panic")
}

/// Starts this program again as a process that exits at once (see [`init`])
/// and waits for it: the bare cost of a process, with nothing sent to it.
pub fn exec_self_and_wait() -> io::Result<ExitStatus> {
    Command::new(std::env::current_exe()?)
        .env(EXIT_AT_ONCE, "1")
        .status()
}

/// Starts a process with procspawn, sends it a number, and waits for it to
/// send the number back and exit: a process plus procspawn's IPC set-up.
pub fn procspawn_spawn_join() -> Result<u64, SpawnError> {
    procspawn::spawn(7u64, echo).join()
}

/// Sends a number to a warm pool's worker and waits for it back: no process
/// is started, but the task still crosses two process boundaries.
pub fn pool_task_join(pool: &Pool) -> Result<u64, SpawnError> {
    pool.spawn(7u64, echo).join()
}
// ANCHOR_END: startup

/// A long-lived thread that sends back every buffer it receives: the thread
/// side of the payload measurement. Dropping it stops and joins the thread.
pub struct EchoThread {
    to: Option<mpsc::Sender<Vec<u8>>>,
    from: mpsc::Receiver<Vec<u8>>,
    thread: Option<thread::JoinHandle<()>>,
}

impl EchoThread {
    pub fn start() -> EchoThread {
        let (to, inbox) = mpsc::channel::<Vec<u8>>();
        let (outbox, from) = mpsc::channel();
        let thread = thread::spawn(move || {
            for buffer in inbox {
                if outbox.send(buffer).is_err() {
                    break;
                }
            }
        });
        EchoThread {
            to: Some(to),
            from,
            thread: Some(thread),
        }
    }

    /// Sends `payload` to the thread and returns what comes back. The vector
    /// moves: only its pointer, length and capacity travel, whatever its size.
    pub fn round_trip(&self, payload: Vec<u8>) -> Vec<u8> {
        let to = self.to.as_ref().expect("the thread is running");
        to.send(payload).expect("the echo thread is running");
        self.from.recv().expect("the echo thread is running")
    }
}

impl Drop for EchoThread {
    fn drop(&mut self) {
        drop(self.to.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Sends `payload` to a worker of the pool and returns what comes back. The
/// bytes are serialised, copied through a socket, and deserialised, twice.
pub fn pool_round_trip(pool: &Pool, payload: Vec<u8>) -> Result<Vec<u8>, SpawnError> {
    pool.spawn(payload, echo).join()
}

/// A payload of `bytes` bytes that is not all zeros.
pub fn payload(bytes: usize) -> Vec<u8> {
    (0..bytes).map(|i| (i % 251) as u8).collect()
}
