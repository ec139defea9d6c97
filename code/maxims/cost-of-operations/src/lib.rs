//! The cost of operations: what one atomic add, one lock, one message, one
//! thread, one task and one process cost, in nanoseconds. The answers span
//! many orders of magnitude, and they decide how big a piece of work must be
//! before it is worth handing to someone else.
//!
//! Each operation is one small function. [`Lab`] repeats any of them a given
//! number of times and returns the elapsed time, so the benchmark and the
//! command line time exactly the same code.
#![forbid(unsafe_code)]

use std::hint::black_box;
use std::io;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

// ANCHOR: operations
/// One atomic add. `Relaxed`: the add itself is indivisible, and nothing
/// more is promised about the order of other memory operations.
pub fn atomic_add(counter: &AtomicU64) {
    counter.fetch_add(1, Ordering::Relaxed);
}

/// Locks a mutex, adds one to the number inside, unlocks it (when the guard
/// goes out of scope).
pub fn mutex_add(counter: &Mutex<u64>) {
    *counter.lock().expect("poisoned") += 1;
}

/// Sends a message and receives it again, on the same thread.
pub fn channel_send_receive(tx: &Sender<u64>, rx: &Receiver<u64>, value: u64) -> u64 {
    tx.send(value).expect("the receiver is alive");
    rx.recv().expect("the message was just sent")
}

/// Sends a value to a thread that is already running and waits for its
/// answer: two messages, and the other thread woken to handle the first.
pub fn round_trip(echo: &Echo, value: u64) -> u64 {
    echo.ask(value)
}

/// Starts an OS thread that returns `value`, and waits for it to finish.
pub fn spawn_thread(value: u64) -> io::Result<u64> {
    let handle = thread::Builder::new().spawn(move || value)?;
    Ok(handle.join().expect("the thread only returns a value"))
}

/// Starts a tokio task that returns `value`, and waits for it.
pub async fn spawn_task(value: u64) -> u64 {
    tokio::spawn(async move { value })
        .await
        .expect("the task only returns a value")
}

/// Starts a process that does nothing (`true`) and waits for it to exit.
pub fn spawn_process() -> io::Result<ExitStatus> {
    Command::new("true")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
}
// ANCHOR_END: operations

// ANCHOR: contended
/// `threads` threads share `total` repetitions of `step`, all at once.
/// Returns the time from the first thread's start to the last one's finish:
/// divided by `total`, the cost of one step when others want the same data.
pub fn contended<F: Fn() + Sync>(threads: usize, total: u64, step: F) -> Duration {
    let arrived = AtomicUsize::new(0);
    let spans: Vec<(Instant, Instant)> = thread::scope(|scope| {
        let crew: Vec<_> = (0..threads as u64)
            .map(|i| {
                // Share the steps out as evenly as they go.
                let mine = total / threads as u64 + u64::from(i < total % threads as u64);
                let (arrived, step) = (&arrived, &step);
                scope.spawn(move || {
                    // Wait for the others without sleeping: a thread woken
                    // from sleep would start late and find no contention.
                    // Whether they then run on different cores is still
                    // the OS's choice.
                    arrived.fetch_add(1, Ordering::SeqCst);
                    while arrived.load(Ordering::SeqCst) < threads {
                        thread::yield_now();
                    }
                    let start = Instant::now();
                    for _ in 0..mine {
                        step();
                    }
                    (start, Instant::now())
                })
            })
            .collect();
        crew.into_iter()
            .map(|worker| worker.join().expect("a worker panicked"))
            .collect()
    });
    // The workers time themselves: this thread may not even get a core
    // while they run.
    let first = spans
        .iter()
        .map(|s| s.0)
        .min()
        .expect("at least one thread");
    let last = spans
        .iter()
        .map(|s| s.1)
        .max()
        .expect("at least one thread");
    last - first
}
// ANCHOR_END: contended

/// A thread that answers every value it receives with the same value, until
/// the `Echo` is dropped.
pub struct Echo {
    to_echo: Option<Sender<u64>>,
    from_echo: Receiver<u64>,
    thread: Option<JoinHandle<()>>,
}

impl Echo {
    /// Starts the echo thread.
    pub fn start() -> io::Result<Echo> {
        let (to_echo, inbox) = mpsc::channel::<u64>();
        let (outbox, from_echo) = mpsc::channel();
        let thread = thread::Builder::new().name("echo".into()).spawn(move || {
            for value in inbox {
                if outbox.send(value).is_err() {
                    break;
                }
            }
        })?;
        Ok(Echo {
            to_echo: Some(to_echo),
            from_echo,
            thread: Some(thread),
        })
    }

    /// Sends `value` and waits for it to come back.
    pub fn ask(&self, value: u64) -> u64 {
        let to_echo = self.to_echo.as_ref().expect("set until drop");
        to_echo.send(value).expect("the echo thread is alive");
        self.from_echo.recv().expect("the echo thread answers")
    }
}

impl Drop for Echo {
    fn drop(&mut self) {
        // Closing the channel ends the echo thread's loop.
        drop(self.to_echo.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Every operation the example times, cheapest first (on most machines).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    AtomicAdd,
    AtomicAddContended,
    Mutex,
    MutexContended,
    Channel,
    RoundTrip,
    Task,
    Thread,
    Process,
}

impl Op {
    /// All of them, in the order the tables list them.
    pub const ALL: [Op; 9] = [
        Op::AtomicAdd,
        Op::AtomicAddContended,
        Op::Mutex,
        Op::MutexContended,
        Op::Channel,
        Op::RoundTrip,
        Op::Task,
        Op::Thread,
        Op::Process,
    ];

    /// A short name, used as the benchmark's function id.
    pub fn id(self) -> &'static str {
        match self {
            Op::AtomicAdd => "atomic",
            Op::AtomicAddContended => "atomic-contended",
            Op::Mutex => "mutex",
            Op::MutexContended => "mutex-contended",
            Op::Channel => "channel",
            Op::RoundTrip => "round-trip",
            Op::Task => "task",
            Op::Thread => "thread",
            Op::Process => "process",
        }
    }

    /// What one repetition does, for the command line's table.
    pub fn description(self) -> &'static str {
        match self {
            Op::AtomicAdd => "atomic add, one thread",
            Op::AtomicAddContended => "atomic add, contended",
            Op::Mutex => "mutex lock + add + unlock, one thread",
            Op::MutexContended => "mutex lock + add + unlock, contended",
            Op::Channel => "channel send + receive, one thread",
            Op::RoundTrip => "channel round trip to another thread",
            Op::Task => "tokio task spawn + await",
            Op::Thread => "OS thread spawn + join",
            Op::Process => "process spawn + wait (`true`)",
        }
    }
}

// ANCHOR: lab
/// Everything the operations need, built once, outside the timed loops: the
/// counters, a channel, an echo thread and a tokio runtime.
pub struct Lab {
    atomic: AtomicU64,
    mutex: Mutex<u64>,
    channel: (Sender<u64>, Receiver<u64>),
    echo: Echo,
    runtime: tokio::runtime::Runtime,
    contenders: usize,
}

impl Lab {
    /// Builds the lab; `contenders` threads share the contended atomic and mutex.
    pub fn new(contenders: usize) -> io::Result<Lab> {
        Ok(Lab {
            atomic: AtomicU64::new(0),
            mutex: Mutex::new(0),
            channel: mpsc::channel(),
            echo: Echo::start()?,
            runtime: tokio::runtime::Builder::new_multi_thread().build()?,
            contenders: contenders.max(1),
        })
    }

    /// Repeats `op` `times` times and returns how long that took.
    pub fn time(&self, op: Op, times: u64) -> io::Result<Duration> {
        let start = Instant::now();
        match op {
            Op::AtomicAdd => (0..times).for_each(|_| atomic_add(black_box(&self.atomic))),
            Op::AtomicAddContended => {
                let atomic = &self.atomic;
                let step = || atomic_add(black_box(atomic));
                return Ok(contended(self.contenders, times, step));
            }
            Op::Mutex => (0..times).for_each(|_| mutex_add(black_box(&self.mutex))),
            Op::MutexContended => {
                let mutex = &self.mutex;
                let step = || mutex_add(black_box(mutex));
                return Ok(contended(self.contenders, times, step));
            }
            Op::Channel => {
                let (tx, rx) = &self.channel;
                for i in 0..times {
                    black_box(channel_send_receive(tx, rx, i));
                }
            }
            Op::RoundTrip => {
                for i in 0..times {
                    black_box(round_trip(&self.echo, i));
                }
            }
            Op::Task => {
                // The loop runs inside a task, as spawning usually does.
                let timed = self.runtime.spawn(async move {
                    let start = Instant::now();
                    for i in 0..times {
                        black_box(spawn_task(i).await);
                    }
                    start.elapsed()
                });
                return Ok(self.runtime.block_on(timed).expect("the loop only awaits"));
            }
            Op::Thread => {
                for i in 0..times {
                    black_box(spawn_thread(i)?);
                }
            }
            Op::Process => {
                for _ in 0..times {
                    let status = spawn_process()?;
                    if !status.success() {
                        return Err(io::Error::other(format!("`true` failed: {status}")));
                    }
                }
            }
        }
        Ok(start.elapsed())
    }
}
// ANCHOR_END: lab

// ANCHOR: measure
/// Nanoseconds per repetition of `op`, from a quick measurement taking
/// roughly `budget`: find how many repetitions fill a tenth of the budget,
/// then spend the rest on `batches` equal batches and keep the median.
/// With the command line's default budget a batch lasts tens of
/// milliseconds, long beside the clock's resolution and a scheduler's time
/// slice; the median ignores a batch that something else slowed down.
pub fn nanos_per_op(lab: &Lab, op: Op, budget: Duration, batches: u32) -> io::Result<f64> {
    let slice = budget / 10;
    let mut times = 1;
    let mut elapsed = lab.time(op, times)?;
    while elapsed < slice && times < 1 << 40 {
        times *= 2;
        elapsed = lab.time(op, times)?;
    }
    // Whatever is left of the budget goes to the batches.
    let batch_time = budget.saturating_sub(slice * 2) / batches.max(1);
    let rate = times as f64 / elapsed.as_secs_f64().max(1e-9);
    let times = (rate * batch_time.as_secs_f64()).clamp(1.0, 1e12) as u64;
    let mut costs = Vec::new();
    for _ in 0..batches.max(1) {
        let elapsed = lab.time(op, times)?;
        costs.push(elapsed.as_secs_f64() * 1e9 / times as f64);
    }
    costs.sort_by(f64::total_cmp);
    Ok(costs[costs.len() / 2])
}
// ANCHOR_END: measure

/// The power of ten just below `nanos`: 37.2 → 1 (10^1 ns is written "10^1").
pub fn order_of_magnitude(nanos: f64) -> i32 {
    if nanos <= 0.0 || !nanos.is_finite() {
        return 0;
    }
    nanos.log10().floor() as i32
}
