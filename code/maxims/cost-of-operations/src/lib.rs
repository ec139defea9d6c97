//! The cost of operations: what one atomic add, one lock, one message, one
//! hand-off to another thread, one thread, one task and one process cost, in
//! nanoseconds. The answers span
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
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, Sender, TryRecvError};
use std::sync::{Condvar, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use crossbeam_utils::CachePadded;
use tokio::runtime::Runtime;

// ANCHOR: operations-one-thread
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
// ANCHOR_END: operations-one-thread

// ANCHOR: operations-spawn
/// Starts an OS thread that returns `value`, and waits for it to finish.
pub fn spawn_thread(value: u64) -> io::Result<u64> {
    let handle = thread::Builder::new().spawn(move || value)?;
    Ok(handle.join().expect("the thread only returns a value"))
}

/// Called from inside a task: starts a tokio task that returns `value`, and
/// waits for it. tokio puts the new task in the spawning worker's own slot,
/// so the same worker thread runs it as soon as the spawner waits.
pub async fn spawn_task(value: u64) -> u64 {
    tokio::spawn(async move { value })
        .await
        .expect("the task only returns a value")
}

/// Called from a thread outside the runtime: the task goes into the
/// runtime's shared queue, a worker thread (never the caller) runs it, and
/// the caller sleeps until the worker wakes it with the result.
pub fn spawn_task_elsewhere(runtime: &Runtime, value: u64) -> u64 {
    let task = runtime.spawn(async move { value });
    runtime
        .block_on(task)
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
// ANCHOR_END: operations-spawn

// ANCHOR: counters
/// Eight counters in one 64-byte cache line. Threads that each add to their
/// own counter share no data, but they do share the line, and a core must
/// own the whole line to write any part of it.
#[repr(align(64))]
pub struct OneLine(pub [AtomicU64; 8]);

/// One counter per cache line: crossbeam's `CachePadded` pads each counter
/// to the line size (128 bytes on x86-64, where the prefetcher fetches
/// lines in pairs), so no two counters share a line.
pub struct Padded(pub Vec<CachePadded<AtomicU64>>);
// ANCHOR_END: counters

// ANCHOR: contended-run
/// `threads` threads share `total` repetitions of `step`, all at once; each
/// thread passes its own index (0, 1, …) to `step`. Returns the time from
/// the first thread's start to the last one's finish: divided by `total`,
/// the cost of one step while the other threads run steps of their own.
pub fn contended<F: Fn(usize) + Sync>(threads: usize, total: u64, step: F) -> Duration {
    let arrived = AtomicUsize::new(0);
    let spans: Vec<(Instant, Instant)> = thread::scope(|scope| {
        let crew: Vec<_> = (0..threads)
            .map(|i| {
                // Share the steps out as evenly as they go.
                let n = threads as u64;
                let mine = total / n + u64::from((i as u64) < total % n);
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
                        step(i);
                    }
                    (start, Instant::now())
                })
            })
            .collect();
        crew.into_iter()
            .map(|worker| worker.join().expect("a worker panicked"))
            .collect()
    });
    // ANCHOR_END: contended-run
    // ANCHOR: contended-span
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
// ANCHOR_END: contended-span

// ANCHOR: relay-choose
/// How the partner thread of a [`relay`] waits for the next value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Waiting {
    /// Busy: it polls its queue in a loop, like a pool worker with work
    /// still coming. It never sleeps, so nobody has to wake it.
    Spin,
    /// Idle: it sleeps on a condition variable until the other thread
    /// wakes it. Each hop puts one thread to sleep and wakes the other.
    Sleep,
}

/// This thread and a partner pass a number back and forth, each adding one,
/// until it has made `hops` one-way trips. Returns the time the hops took
/// (the partner is started, and one round trip made, before the clock
/// starts) and the number of hops the partner made.
pub fn relay(waiting: Waiting, hops: u64) -> (Duration, u64) {
    if hops == 0 {
        return (Duration::ZERO, 0);
    }
    // The hops go in round trips; an odd count gets one more hop, and the
    // time is scaled back to the hops asked for.
    let rounds = hops.div_ceil(2);
    let (elapsed, partner) = match waiting {
        Waiting::Spin => spin_relay(rounds),
        Waiting::Sleep => sleep_relay(rounds),
    };
    (elapsed.mul_f64(hops as f64 / (2 * rounds) as f64), partner)
}
// ANCHOR_END: relay-choose

// ANCHOR: relay-spin
/// Both sides poll a channel with `try_recv` until a value is there.
fn spin_relay(rounds: u64) -> (Duration, u64) {
    let (to_partner, partner_inbox) = mpsc::channel::<u64>();
    let (to_me, my_inbox) = mpsc::channel::<u64>();
    thread::scope(|scope| {
        let partner = scope.spawn(move || {
            let mut hops = 0;
            // One extra round for the warm-up; `None` once the sender is gone.
            while let Some(value) = spin_receive(&partner_inbox) {
                to_me.send(value + 1).expect("the relay waits for this");
                hops += 1;
            }
            hops - 1
        });
        let round_trip = |value: u64| {
            to_partner.send(value).expect("the partner is alive");
            let back = spin_receive(&my_inbox).expect("the partner answers");
            assert_eq!(back, value + 1, "the partner adds one");
            back + 1
        };
        let mut value = round_trip(0); // warm-up: the partner is now running
        let start = Instant::now();
        for _ in 0..rounds {
            value = round_trip(value);
        }
        let elapsed = start.elapsed();
        drop(to_partner);
        let hops = partner.join().expect("the partner does not panic");
        black_box(value);
        (elapsed, hops)
    })
}
// ANCHOR_END: relay-spin

// ANCHOR: relay-spin-receive
/// Waits for a value without sleeping; `None` when the sender is gone.
/// After many empty polls it yields the core, so that a machine with fewer
/// free cores than spinning threads still makes progress.
fn spin_receive(inbox: &Receiver<u64>) -> Option<u64> {
    let mut polls = 0u32;
    loop {
        match inbox.try_recv() {
            Ok(value) => return Some(value),
            Err(TryRecvError::Disconnected) => return None,
            Err(TryRecvError::Empty) => {
                polls = polls.wrapping_add(1);
                if polls.is_multiple_of(1024) {
                    thread::yield_now();
                } else {
                    std::hint::spin_loop();
                }
            }
        }
    }
}
// ANCHOR_END: relay-spin-receive

// ANCHOR: relay-baton
/// The baton of the sleeping relay: the number passed, and whose turn it is.
struct Baton {
    state: Mutex<(u64, Turn)>,
    changed: Condvar,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Turn {
    Mine,
    Partner,
    Done,
}

impl Baton {
    /// Sleeps while the turn is `turn`; returns the value and the new turn.
    fn wait_while(&self, turn: Turn) -> (u64, Turn) {
        let guard = self.state.lock().expect("nobody panics holding it");
        let guard = self
            .changed
            .wait_while(guard, |state| state.1 == turn)
            .expect("nobody panics holding it");
        *guard
    }

    /// Sets the value and the turn, and wakes the thread that waits.
    fn hand_over(&self, value: u64, next: Turn) {
        *self.state.lock().expect("nobody panics holding it") = (value, next);
        self.changed.notify_one();
    }
}
// ANCHOR_END: relay-baton

// ANCHOR: relay-sleep
/// Each side sleeps on a condition variable until the other wakes it.
fn sleep_relay(rounds: u64) -> (Duration, u64) {
    let baton = Baton {
        state: Mutex::new((0, Turn::Mine)),
        changed: Condvar::new(),
    };
    thread::scope(|scope| {
        let partner = scope.spawn(|| {
            let mut hops = 0;
            loop {
                match baton.wait_while(Turn::Mine) {
                    (_, Turn::Done) => return hops - 1, // one was the warm-up
                    (value, _) => baton.hand_over(value + 1, Turn::Mine),
                }
                hops += 1;
            }
        });
        let round_trip = |value: u64| {
            baton.hand_over(value, Turn::Partner);
            let (back, _) = baton.wait_while(Turn::Partner);
            assert_eq!(back, value + 1, "the partner adds one");
            back + 1
        };
        let mut value = round_trip(0); // warm-up: the partner is now running
        let start = Instant::now();
        for _ in 0..rounds {
            value = round_trip(value);
        }
        let elapsed = start.elapsed();
        baton.hand_over(value, Turn::Done);
        let hops = partner.join().expect("the partner does not panic");
        (elapsed, hops)
    })
}
// ANCHOR_END: relay-sleep

/// Every operation the example times, in the order the tables list them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    AtomicAdd,
    AtomicAddContended,
    FalseSharing,
    CachePadded,
    Mutex,
    MutexContended,
    Channel,
    HandoffBusy,
    ContextSwitch,
    Task,
    TaskOtherWorker,
    Thread,
    Process,
}

impl Op {
    /// All of them, in the order the tables list them.
    pub const ALL: [Op; 13] = [
        Op::AtomicAdd,
        Op::AtomicAddContended,
        Op::FalseSharing,
        Op::CachePadded,
        Op::Mutex,
        Op::MutexContended,
        Op::Channel,
        Op::HandoffBusy,
        Op::ContextSwitch,
        Op::Task,
        Op::TaskOtherWorker,
        Op::Thread,
        Op::Process,
    ];

    /// A short name, used as the benchmark's function id.
    pub fn id(self) -> &'static str {
        match self {
            Op::AtomicAdd => "atomic",
            Op::AtomicAddContended => "atomic-contended",
            Op::FalseSharing => "false-sharing",
            Op::CachePadded => "cache-padded",
            Op::Mutex => "mutex",
            Op::MutexContended => "mutex-contended",
            Op::Channel => "channel",
            Op::HandoffBusy => "handoff-busy",
            Op::ContextSwitch => "context-switch",
            Op::Task => "task",
            Op::TaskOtherWorker => "task-other-worker",
            Op::Thread => "thread",
            Op::Process => "process",
        }
    }

    /// What one repetition does, for the command line's table.
    pub fn description(self) -> &'static str {
        match self {
            Op::AtomicAdd => "atomic add, one thread",
            Op::AtomicAddContended => "atomic add, all threads, one counter",
            Op::FalseSharing => "atomic add, own counters, one line",
            Op::CachePadded => "atomic add, own counters, padded",
            Op::Mutex => "mutex lock + add + unlock, one thread",
            Op::MutexContended => "mutex lock + add + unlock, contended",
            Op::Channel => "channel send + receive, one thread",
            Op::HandoffBusy => "hand-off to a busy thread (one way)",
            Op::ContextSwitch => "hand-off to a sleeping thread (one way)",
            Op::Task => "tokio task spawn + await, same worker",
            Op::TaskOtherWorker => "tokio task spawn + await, other thread",
            Op::Thread => "OS thread spawn + join",
            Op::Process => "process spawn + wait (`true`)",
        }
    }
}

// ANCHOR: lab-new
/// Everything the operations need, built once, outside the timed loops: the
/// counters, a channel and a tokio runtime.
pub struct Lab {
    atomic: AtomicU64,
    one_line: OneLine,
    padded: Padded,
    mutex: Mutex<u64>,
    channel: (Sender<u64>, Receiver<u64>),
    runtime: Runtime,
    contenders: usize,
}

impl Lab {
    /// The most threads that can share the contended rows: one line holds
    /// eight counters.
    pub const MAX_CONTENDERS: usize = 8;

    /// Builds the lab; `contenders` threads (2 to 8) share the contended rows.
    pub fn new(contenders: usize) -> io::Result<Lab> {
        let contenders = contenders.clamp(1, Self::MAX_CONTENDERS);
        Ok(Lab {
            atomic: AtomicU64::new(0),
            one_line: OneLine(Default::default()),
            padded: Padded((0..contenders).map(|_| CachePadded::default()).collect()),
            mutex: Mutex::new(0),
            channel: mpsc::channel(),
            runtime: tokio::runtime::Builder::new_multi_thread().build()?,
            contenders,
        })
    }
    // ANCHOR_END: lab-new

    // ANCHOR: lab-time-numbers
    /// Repeats `op` `times` times and returns how long that took.
    pub fn time(&self, op: Op, times: u64) -> io::Result<Duration> {
        let n = self.contenders;
        let start = Instant::now();
        match op {
            Op::AtomicAdd => (0..times).for_each(|_| atomic_add(black_box(&self.atomic))),
            Op::AtomicAddContended => {
                let atomic = &self.atomic;
                return Ok(contended(n, times, |_| atomic_add(black_box(atomic))));
            }
            Op::FalseSharing => {
                let one_line = &self.one_line.0;
                return Ok(contended(n, times, |i| atomic_add(black_box(&one_line[i]))));
            }
            Op::CachePadded => {
                let padded = &self.padded.0;
                return Ok(contended(n, times, |i| atomic_add(black_box(&padded[i]))));
            }
            Op::Mutex => (0..times).for_each(|_| mutex_add(black_box(&self.mutex))),
            Op::MutexContended => {
                let mutex = &self.mutex;
                return Ok(contended(n, times, |_| mutex_add(black_box(mutex))));
            }
            // ANCHOR_END: lab-time-numbers
            // ANCHOR: lab-time-rest
            Op::Channel => {
                let (tx, rx) = &self.channel;
                for i in 0..times {
                    black_box(channel_send_receive(tx, rx, i));
                }
            }
            Op::HandoffBusy => return Ok(relay(Waiting::Spin, times).0),
            Op::ContextSwitch => return Ok(relay(Waiting::Sleep, times).0),
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
            Op::TaskOtherWorker => {
                for i in 0..times {
                    black_box(spawn_task_elsewhere(&self.runtime, i));
                }
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
    // ANCHOR_END: lab-time-rest

    // ANCHOR: lab-counts
    /// What the shared counters hold: the one counter of the plain and
    /// contended rows, the mutex's, and the sums of the one-line and padded
    /// counters. The tests use it to check that every step really ran.
    pub fn counts(&self) -> [u64; 4] {
        let load = |counter: &AtomicU64| counter.load(Ordering::Relaxed);
        [
            load(&self.atomic),
            *self.mutex.lock().expect("poisoned"),
            self.one_line.0.iter().map(load).sum(),
            self.padded.0.iter().map(|c| load(c)).sum(),
        ]
    }
}
// ANCHOR_END: lab-counts

// ANCHOR: measure
/// Nanoseconds per repetition, from a quick measurement taking roughly
/// `budget`. `run(times)` repeats the operation `times` times and returns
/// the elapsed time. First find how many repetitions fill a tenth of the
/// budget, then spend the rest on `batches` equal batches and keep the
/// median. With the command line's default budget a batch lasts tens of
/// milliseconds, long beside the clock's resolution and a scheduler's time
/// slice; the median ignores a batch that something else slowed down.
pub fn nanos_per_rep<R>(mut run: R, budget: Duration, batches: u32) -> io::Result<f64>
where
    R: FnMut(u64) -> io::Result<Duration>,
{
    let slice = budget / 10;
    let mut times = 1;
    let mut elapsed = run(times)?;
    while elapsed < slice && times < 1 << 40 {
        times *= 2;
        elapsed = run(times)?;
    }
    // Whatever is left of the budget goes to the batches.
    let batch_time = budget.saturating_sub(slice * 2) / batches.max(1);
    let rate = times as f64 / elapsed.as_secs_f64().max(1e-9);
    let times = (rate * batch_time.as_secs_f64()).clamp(1.0, 1e12) as u64;
    let mut costs = Vec::new();
    for _ in 0..batches.max(1) {
        let elapsed = run(times)?;
        costs.push(elapsed.as_secs_f64() * 1e9 / times as f64);
    }
    costs.sort_by(f64::total_cmp);
    Ok(costs[costs.len() / 2])
}

/// [`nanos_per_rep`] for one of the lab's operations.
pub fn nanos_per_op(lab: &Lab, op: Op, budget: Duration, batches: u32) -> io::Result<f64> {
    nanos_per_rep(|times| lab.time(op, times), budget, batches)
}
// ANCHOR_END: measure

/// The power of ten just below `nanos`: 37.2 → 1 (10^1 ns is written "10^1").
pub fn order_of_magnitude(nanos: f64) -> i32 {
    if nanos <= 0.0 || !nanos.is_finite() {
        return 0;
    }
    nanos.log10().floor() as i32
}
