use std::thread;
use std::time::{Duration, Instant};

use crossbeam_channel::{SendError, bounded, unbounded};
use csp_select::{NEVER_IDLE, Stop, measure_quit_latency, work, worker};

const SHORT: Duration = Duration::from_micros(20);

#[test]
fn quit_stops_the_worker_and_no_job_is_lost_or_done_twice() {
    for jobs in [0u64, 1, 100, 2_000] {
        let (job_tx, job_rx) = unbounded();
        let (quit_tx, quit_rx) = unbounded();
        for job in 0..jobs {
            job_tx.send(job).unwrap();
        }
        // crossbeam receivers can be cloned: this one reads what is left.
        let leftovers = job_rx.clone();
        let handle = thread::spawn(move || worker(job_rx, quit_rx, SHORT, NEVER_IDLE));
        quit_tx.send(()).unwrap();
        let report = handle.join().unwrap();
        assert_eq!(report.stop, Stop::Quit);
        // The worker took jobs from the front of the queue; the rest are still there.
        let left: Vec<u64> = leftovers.try_iter().collect();
        let done = report.done.len() as u64;
        assert_eq!(done + left.len() as u64, jobs);
        assert_eq!(report.done, (0..done).collect::<Vec<_>>());
        assert_eq!(left, (done..jobs).collect::<Vec<_>>());
    }
}

#[test]
fn dropping_the_job_sender_ends_the_worker_after_the_last_job() {
    for jobs in [0u64, 1, 500] {
        let (job_tx, job_rx) = unbounded();
        let (_quit_tx, quit_rx) = unbounded::<()>();
        for job in 0..jobs {
            job_tx.send(job).unwrap();
        }
        drop(job_tx);
        let report = worker(job_rx, quit_rx, SHORT, NEVER_IDLE);
        // A receive fails only once the channel is empty: every job was done.
        assert_eq!(report.stop, Stop::Disconnected);
        assert_eq!(report.done, (0..jobs).collect::<Vec<_>>());
    }
}

#[test]
fn a_worker_with_nothing_to_do_stops_by_itself() {
    let (_job_tx, job_rx) = unbounded::<u64>();
    let (_quit_tx, quit_rx) = unbounded::<()>();
    let report = worker(job_rx, quit_rx, SHORT, Duration::from_millis(20));
    assert_eq!(report.stop, Stop::Idle);
    assert!(report.done.is_empty());
}

#[test]
fn the_idle_timeout_comes_after_the_work() {
    let (job_tx, job_rx) = unbounded();
    let (_quit_tx, quit_rx) = unbounded::<()>();
    for job in 0..50 {
        job_tx.send(job).unwrap();
    }
    let report = worker(job_rx, quit_rx, SHORT, Duration::from_millis(20));
    assert_eq!(report.stop, Stop::Idle);
    assert_eq!(report.done, (0..50).collect::<Vec<_>>());
}

#[test]
fn dropping_every_quit_sender_also_stops_the_worker() {
    let (_job_tx, job_rx) = unbounded::<u64>();
    let (quit_tx, quit_rx) = unbounded::<()>();
    drop(quit_tx);
    assert_eq!(worker(job_rx, quit_rx, SHORT, NEVER_IDLE).stop, Stop::Quit);
}

#[test]
fn a_send_fails_once_the_worker_is_gone() {
    let (job_tx, job_rx) = unbounded();
    let (quit_tx, quit_rx) = unbounded();
    let handle = thread::spawn(move || worker(job_rx, quit_rx, SHORT, NEVER_IDLE));
    quit_tx.send(()).unwrap();
    handle.join().unwrap();
    // The worker dropped its receiver when it returned; the job comes back.
    assert_eq!(job_tx.send(7), Err(SendError(7)));
}

#[test]
fn measuring_quit_latency_always_ends_with_a_quit() {
    // measure_quit_latency asserts internally that the worker stopped by quit.
    for busy in [false, true] {
        measure_quit_latency(SHORT, busy);
    }
}

/// The busy measurement's set-up, checked by its outcome: the second send on
/// a one-slot channel returns only after the worker has taken job 0, so the
/// quit always finds it with job 0 started. That job is finished, job 1 may or
/// may not be (select! picks at random between two ready branches), and the
/// worker sees the quit after it was sent.
#[test]
fn a_busy_worker_finishes_the_job_in_hand_and_sees_quit_after_it_was_sent() {
    for _ in 0..200 {
        let (job_tx, job_rx) = bounded(1);
        let (quit_tx, quit_rx) = unbounded();
        let handle = thread::spawn(move || worker(job_rx, quit_rx, SHORT, NEVER_IDLE));
        job_tx.send(0).unwrap();
        job_tx.send(1).unwrap();
        let sent = Instant::now();
        quit_tx.send(()).unwrap();
        let report = handle.join().unwrap();
        assert_eq!(report.stop, Stop::Quit);
        assert!(
            report.done == [0] || report.done == [0, 1],
            "{:?}",
            report.done
        );
        assert!(report.stopped_at >= sent);
    }
}

#[test]
fn work_depends_on_the_job() {
    assert_ne!(work(1, Duration::ZERO), work(2, Duration::ZERO));
}
