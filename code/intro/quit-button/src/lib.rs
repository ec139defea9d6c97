//! The quit button: a long CPU-bound job runs on a worker thread while the
//! main thread stays free to notice that the user wants to stop.
//!
//! A thread cannot be killed from outside; it can only be asked to stop. The
//! cooperative worker looks at a shared [`QuitButton`] every `check_every`
//! numbers and gives up when it is pressed. The worker that never checks
//! keeps going to the end of its job, however long that is, and the user's
//! quit waits for it.
#![forbid(unsafe_code)]

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

// ANCHOR: job
/// True when `n` is prime, by trial division: slow on purpose.
pub fn is_prime(n: u64) -> bool {
    if n < 2 {
        return false;
    }
    let mut divisor = 2;
    while divisor * divisor <= n {
        if n.is_multiple_of(divisor) {
            return false;
        }
        divisor += 1;
    }
    true
}

/// Counts the primes below `limit`, one number after another, on this thread.
pub fn count_primes(limit: u64) -> u64 {
    (0..limit).filter(|&n| is_prime(n)).count() as u64
}
// ANCHOR_END: job

// ANCHOR: button
/// A quit button that any number of threads can hold: one presses it, the
/// others look at it. Cloning shares the same button.
#[derive(Clone, Debug, Default)]
pub struct QuitButton(Arc<AtomicBool>);

impl QuitButton {
    pub fn new() -> QuitButton {
        QuitButton::default()
    }

    pub fn press(&self) {
        // Relaxed is enough: the flag guards no other data.
        self.0.store(true, Ordering::Relaxed);
    }

    pub fn is_pressed(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}
// ANCHOR_END: button

// ANCHOR: cooperative
/// How a job ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The job ran to the end and found this many primes.
    Finished(u64),
    /// The job saw the quit button pressed after checking this many numbers.
    Stopped { done_so_far: u64 },
}

/// Counts the primes below `limit`, looking at `button` before each stretch
/// of `check_every` numbers and stopping as soon as it is pressed.
pub fn count_primes_cooperatively(limit: u64, check_every: u64, button: &QuitButton) -> Outcome {
    let check_every = check_every.max(1);
    let mut count = 0;
    let mut next = 0; // every number below `next` has been checked
    while next < limit {
        if button.is_pressed() {
            return Outcome::Stopped { done_so_far: next };
        }
        let end = limit.min(next.saturating_add(check_every));
        count += (next..end).filter(|&n| is_prime(n)).count() as u64;
        next = end;
    }
    Outcome::Finished(count)
}
// ANCHOR_END: cooperative

// ANCHOR: never_checks
/// The broken version: it is handed the button but never looks at it, so a
/// quit waits for the whole job.
pub fn count_primes_never_checking(limit: u64, _button: &QuitButton) -> Outcome {
    Outcome::Finished(count_primes(limit))
}
// ANCHOR_END: never_checks

// ANCHOR: running-start
/// Which worker to run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Worker {
    /// Looks at the button every `check_every` numbers.
    Cooperative { check_every: u64 },
    /// Never looks at the button.
    NeverChecks,
}

/// A job running on its own thread, with the button that asks it to stop.
pub struct Running {
    button: QuitButton,
    worker: JoinHandle<Outcome>,
}

/// What the quit achieved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Quit {
    pub outcome: Outcome,
    /// From pressing the button to the worker's `join` returning.
    pub time_to_quit: Duration,
}

/// Starts counting the primes below `limit` on a new thread and returns at once.
pub fn start(worker: Worker, limit: u64) -> Running {
    let button = QuitButton::new();
    let held = button.clone();
    let worker = thread::spawn(move || match worker {
        Worker::Cooperative { check_every } => {
            count_primes_cooperatively(limit, check_every, &held)
        }
        Worker::NeverChecks => count_primes_never_checking(limit, &held),
    });
    Running { button, worker }
}
// ANCHOR_END: running-start

// ANCHOR: running-quit
impl Running {
    /// True once the worker has returned, pressed or not.
    pub fn is_finished(&self) -> bool {
        self.worker.is_finished()
    }

    /// Presses quit, then waits for the worker's thread to end.
    pub fn quit(self) -> Quit {
        self.button.press();
        let pressed = Instant::now();
        let outcome = self.worker.join().expect("the worker does not panic");
        Quit {
            outcome,
            time_to_quit: pressed.elapsed(),
        }
    }
}

/// Starts `worker`, lets it run for `quit_after`, then quits it.
pub fn run_then_quit(worker: Worker, limit: u64, quit_after: Duration) -> Quit {
    let running = start(worker, limit);
    thread::sleep(quit_after); // the main thread is free: a UI would draw here
    running.quit()
}
// ANCHOR_END: running-quit
