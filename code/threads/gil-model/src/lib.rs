//! A model of CPython's global interpreter lock (the "new GIL" of CPython
//! 3.2 and later), small enough to read in one sitting.
//!
//! A model thread must hold the GIL to run "bytecode", here a CPU loop cut
//! into short slices. Between slices it looks at a drop request, as
//! CPython's eval loop looks at its eval breaker. A thread that waits for
//! the GIL longer than the switch interval sets the drop request; the holder
//! lets go and waits until the waiter has taken it (CPython's "forced
//! switching"). A thread that does "I/O" (here, sleeps) lets go of the GIL
//! for the whole wait. Run without a GIL, the same threads are plain Rust
//! threads.
#![forbid(unsafe_code)]

use std::hint::black_box;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::thread;
use std::time::Duration;

/// CPython's default switch interval (`sys.getswitchinterval()`).
pub const SWITCH_INTERVAL: Duration = Duration::from_millis(5);

/// Loop steps in one slice of "bytecode": a few microseconds.
pub const SLICE_STEPS: u64 = 2_000;

// ANCHOR: gil
/// The global interpreter lock.
pub struct Gil {
    state: Mutex<State>,
    changed: Condvar,
    /// Set by a thread that has waited a whole interval; read by the holder
    /// between slices.
    drop_request: AtomicBool,
    interval: Duration,
}

struct State {
    held: bool,
    /// How many times the GIL has been taken: a holder that was asked to
    /// let go waits for this to change.
    takes: u64,
    forced: u64,
}
// ANCHOR_END: gil

impl Gil {
    pub fn new(interval: Duration) -> Gil {
        Gil {
            state: Mutex::new(State {
                held: false,
                takes: 0,
                forced: 0,
            }),
            changed: Condvar::new(),
            drop_request: AtomicBool::new(false),
            interval,
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

// ANCHOR: gil-take
impl Gil {
    /// Waits for the GIL. After each interval spent waiting with no switch
    /// in between, asks the holder to let go.
    pub fn take(&self) {
        let mut state = self.state();
        while state.held {
            let seen = state.takes;
            let (next, waited) = self
                .changed
                .wait_timeout(state, self.interval)
                .unwrap_or_else(PoisonError::into_inner);
            state = next;
            if waited.timed_out() && state.held && state.takes == seen {
                self.drop_request.store(true, Ordering::Relaxed);
            }
        }
        state.held = true;
        state.takes += 1;
        self.drop_request.store(false, Ordering::Relaxed);
        self.changed.notify_all(); // a holder that was asked to let go waits for this
    }

    /// Lets go of the GIL (before blocking I/O, or at the thread's end).
    pub fn release(&self) {
        self.state().held = false;
        self.changed.notify_all();
    }
}
// ANCHOR_END: gil-take

// ANCHOR: gil-switch
impl Gil {
    /// Called by the holder between slices: if another thread asked, let go,
    /// wait until some other thread has taken the GIL, then queue for it.
    pub fn between_slices(&self) {
        if !self.drop_request.load(Ordering::Relaxed) {
            return;
        }
        let mut state = self.state();
        state.held = false;
        state.forced += 1;
        let seen = state.takes;
        self.changed.notify_all();
        while state.takes == seen {
            state = self
                .changed
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
        drop(state);
        self.take();
    }
}
// ANCHOR_END: gil-switch

impl Gil {
    /// How many times a holder was made to let go.
    pub fn forced_switches(&self) -> u64 {
        self.state().forced
    }
}

/// What a run did, for the tests and the command line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Report {
    pub slices: u64,
    pub waits: u64,
    /// The most threads seen running bytecode at one moment.
    pub most_running: usize,
    pub forced_switches: u64,
}

/// An interpreter: threads, with or without a GIL.
pub struct Interpreter {
    gil: Option<Gil>,
    running: AtomicUsize,
    most_running: AtomicUsize,
    slices: AtomicU64,
    waits: AtomicU64,
}

/// One slice of "bytecode": a short CPU loop whose result cannot be skipped.
pub fn slice_of_work(seed: u64) -> u64 {
    let mut x = seed | 1;
    for _ in 0..SLICE_STEPS {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
    }
    black_box(x)
}

impl Interpreter {
    /// With a GIL switched every `interval`, or without one (`None`).
    pub fn new(interval: Option<Duration>) -> Interpreter {
        Interpreter {
            gil: interval.map(Gil::new),
            running: AtomicUsize::new(0),
            most_running: AtomicUsize::new(0),
            slices: AtomicU64::new(0),
            waits: AtomicU64::new(0),
        }
    }
}

// ANCHOR: interpreter-work
impl Interpreter {
    /// Runs `slices` slices of bytecode, looking for a drop request between
    /// them.
    pub fn compute(&self, slices: u64) -> u64 {
        let mut x = 0;
        for i in 0..slices {
            let now = self.running.fetch_add(1, Ordering::SeqCst) + 1;
            self.most_running.fetch_max(now, Ordering::SeqCst);
            x ^= slice_of_work(i ^ x);
            self.running.fetch_sub(1, Ordering::SeqCst);
            if let Some(gil) = &self.gil {
                gil.between_slices();
            }
        }
        self.slices.fetch_add(slices, Ordering::Relaxed);
        x
    }

    /// Blocking I/O: lets go of the GIL for the wait, as CPython's
    /// `time.sleep` and socket calls do.
    pub fn wait(&self, how_long: Duration) {
        if let Some(gil) = &self.gil {
            gil.release();
        }
        thread::sleep(how_long);
        if let Some(gil) = &self.gil {
            gil.take();
        }
        self.waits.fetch_add(1, Ordering::Relaxed);
    }
    // ANCHOR_END: interpreter-work

    // ANCHOR: interpreter-run
    /// Starts `threads` threads, each holding the GIL while it runs `body`
    /// (given its index), and waits for them all.
    pub fn run(&self, threads: usize, body: impl Fn(usize) + Sync) {
        thread::scope(|s| {
            for index in 0..threads {
                let body = &body;
                s.spawn(move || {
                    if let Some(gil) = &self.gil {
                        gil.take();
                    }
                    body(index);
                    if let Some(gil) = &self.gil {
                        gil.release();
                    }
                });
            }
        });
    }
    // ANCHOR_END: interpreter-run

    /// What has run so far.
    pub fn report(&self) -> Report {
        Report {
            slices: self.slices.load(Ordering::Relaxed),
            waits: self.waits.load(Ordering::Relaxed),
            most_running: self.most_running.load(Ordering::SeqCst),
            forced_switches: self.gil.as_ref().map_or(0, Gil::forced_switches),
        }
    }

    // ANCHOR: plus-equals
    /// `counter += 1`, `times` times: a load and a store with no chance to
    /// switch between them, as in CPython 3.10 and later when nothing
    /// between the two is a call or a backward jump.
    pub fn add_plain(&self, counter: &AtomicU64, times: u64) {
        for _ in 0..times {
            let value = counter.load(Ordering::Relaxed);
            counter.store(value + 1, Ordering::Relaxed);
            if let Some(gil) = &self.gil {
                gil.between_slices(); // the loop's backward jump
            }
        }
    }

    /// `counter += one()`: the call between the load and the store is a
    /// place where the holder may be asked to let go.
    pub fn add_with_call(&self, counter: &AtomicU64, times: u64) {
        for _ in 0..times {
            let value = counter.load(Ordering::Relaxed);
            if let Some(gil) = &self.gil {
                gil.between_slices(); // entering one()
            }
            counter.store(value + 1, Ordering::Relaxed);
            if let Some(gil) = &self.gil {
                gil.between_slices();
            }
        }
    }
    // ANCHOR_END: plus-equals
}

// ANCHOR: workloads
/// CPU-bound: `total` slices shared among `threads`.
pub fn cpu_bound(interpreter: &Interpreter, threads: usize, total: u64) {
    let each = total / threads as u64;
    interpreter.run(threads, |_| {
        interpreter.compute(each);
    });
}

/// I/O-bound: `requests` requests shared among `threads`, each a few slices
/// of work and then a wait.
pub fn io_bound(interpreter: &Interpreter, threads: usize, requests: u64, wait: Duration) {
    let each = requests / threads as u64;
    interpreter.run(threads, |_| {
        for _ in 0..each {
            interpreter.compute(10);
            interpreter.wait(wait);
        }
    });
}
// ANCHOR_END: workloads
