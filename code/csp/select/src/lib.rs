//! Select, quit and timeouts: a worker that waits on a job channel, a quit
//! channel and an idle timer at once with crossbeam-channel's `select!`, and
//! how long a quit takes to land.
#![forbid(unsafe_code)]

use std::hint::black_box;
use std::thread;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, bounded, select, unbounded};

// ANCHOR: work
/// One job: a CPU-bound loop (xorshift steps) that runs for `length`, the way
/// parsing or compressing would keep a core busy. Returns a checksum so the
/// compiler cannot skip the work.
pub fn work(job: u64, length: Duration) -> u64 {
    let start = Instant::now();
    let mut x = job | 1;
    loop {
        for _ in 0..64 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
        }
        if start.elapsed() >= length {
            return black_box(x);
        }
    }
}
// ANCHOR_END: work

// ANCHOR: report
/// Why a worker stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stop {
    /// A message arrived on the quit channel (or every quit sender was dropped).
    Quit,
    /// The job channel is empty and every job sender has been dropped.
    Disconnected,
    /// No job arrived for the whole idle timeout.
    Idle,
}

/// What a worker did: the jobs it finished, in the order it took them, why
/// it stopped, and when it saw the reason to stop.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    pub done: Vec<u64>,
    pub stop: Stop,
    pub stopped_at: Instant,
}
// ANCHOR_END: report

// ANCHOR: worker
/// Takes jobs until told to quit, until the job channel is closed, or until it
/// has waited `idle` without anything to do. It looks at its channels only
/// between jobs: a job, once started, is finished.
pub fn worker(
    jobs: Receiver<u64>,
    quit: Receiver<()>,
    job_length: Duration,
    idle: Duration,
) -> Report {
    let mut done = Vec::new();
    let stop = loop {
        select! {
            recv(quit) -> _ => break Stop::Quit,
            recv(jobs) -> job => match job {
                Ok(job) => {
                    work(job, job_length);
                    done.push(job);
                }
                Err(_) => break Stop::Disconnected,
            },
            default(idle) => break Stop::Idle,
        }
    };
    Report {
        done,
        stop,
        stopped_at: Instant::now(),
    }
}
// ANCHOR_END: worker

/// An idle timeout long enough that it never fires in the measurements.
pub const NEVER_IDLE: Duration = Duration::from_secs(3600);

// ANCHOR: latency
/// Time from sending quit to the worker seeing it: the worker's `stopped_at`
/// minus the moment just before the send. Ending the thread and `join` are
/// not counted. A `busy` worker has just taken a job, with one more waiting,
/// when the quit is sent; an `idle` one has finished its only job and is
/// waiting in `select!`.
pub fn measure_quit_latency(job_length: Duration, busy: bool) -> Duration {
    // One slot: a second send waits until the worker has taken the first job.
    let (job_tx, job_rx) = bounded(1);
    let (quit_tx, quit_rx) = unbounded();
    let handle = thread::spawn(move || worker(job_rx, quit_rx, job_length, NEVER_IDLE));
    job_tx.send(0).expect("the worker holds the receiver");
    if busy {
        // Returns once the worker has taken job 0 and started on it, no polling.
        job_tx.send(1).expect("the worker holds the receiver");
    } else {
        // Give it time to finish that job and go back to waiting.
        thread::sleep(job_length + Duration::from_millis(2));
    }
    let sent = Instant::now();
    quit_tx.send(()).expect("the worker holds the receiver");
    let report = handle.join().expect("the worker panicked");
    assert_eq!(report.stop, Stop::Quit);
    report.stopped_at.saturating_duration_since(sent)
}
// ANCHOR_END: latency
