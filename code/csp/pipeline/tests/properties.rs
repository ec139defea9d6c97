use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use crossbeam_channel::TrySendError;
use csp_pipeline::{BUFFERS, Buffer, InFlight, Run, STAGES, expected_checksum, run, run_with};

/// Runs the pipeline on another thread and fails (instead of hanging) if it
/// has not ended after a minute: a hang is a bug, not a slow machine.
fn run_or_fail(items: u64, buffer: Buffer, rounds: u32) -> Run {
    let (done, outcome) = mpsc::channel();
    thread::spawn(move || done.send(run(items, buffer, rounds)).unwrap());
    outcome
        .recv_timeout(Duration::from_secs(60))
        .unwrap_or_else(|_| panic!("{buffer}: the pipeline did not end"))
}

#[test]
fn every_item_arrives_once_in_order_and_every_thread_ends() {
    for buffer in BUFFERS {
        for items in [1, 2, 7, 300] {
            let outcome = run_or_fail(items, buffer, 50);
            let expected: Vec<u64> = (0..items).collect();
            assert_eq!(outcome.received, expected, "{buffer}, {items} items");
            assert_eq!(outcome.checksum, expected_checksum(items, 50), "{buffer}");
        }
    }
}

/// Waits until `ready()` holds, and fails the test (instead of hanging it) if
/// it has not after a minute. A watchdog, not a timing: a correct pipeline
/// gets there in microseconds, a wrong one never does.
fn wait_until(what: &str, ready: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !ready() {
        assert!(Instant::now() < deadline, "never happened: {what}");
        thread::yield_now();
    }
}

/// Runs the pipeline with a transform that holds item 0 until `ready` says
/// the generator has got far enough, and then passes items through.
fn run_stalled(items: u64, buffer: Buffer, ready_at: usize) -> Run {
    let (done, outcome) = mpsc::channel();
    thread::spawn(move || {
        let in_flight = InFlight::default();
        let transform = |item: u64| {
            if item == 0 {
                wait_until(&format!("{buffer}: {ready_at} items in flight"), || {
                    in_flight.now() >= ready_at
                });
            }
            item
        };
        done.send(run_with(items, buffer, &in_flight, transform))
            .unwrap();
    });
    outcome
        .recv_timeout(Duration::from_secs(120))
        .unwrap_or_else(|_| panic!("{buffer}: the stalled pipeline did not end"))
}

#[test]
fn bounded_buffers_bound_the_items_in_flight() {
    for capacity in [0, 1, 2, 5, 16] {
        let buffer = Buffer::Bounded(capacity);
        let limit = buffer.in_flight_limit().unwrap();
        assert_eq!(limit, 2 * capacity + STAGES);
        // While the transform holds item 0, the generator fills the first
        // channel (`capacity` items) and makes one more that it cannot send:
        // `capacity + 2` in flight. The stall waits for exactly that, so a
        // channel holding fewer than `capacity` fails here. Then the peak
        // must stay within the limit: a channel that held more (an
        // unbounded one) lets the generator make all 400 items at once.
        let outcome = run_stalled(400, buffer, capacity + 2);
        assert_eq!(outcome.received, (0..400).collect::<Vec<u64>>());
        assert!(
            (capacity + 2..=limit).contains(&outcome.peak_in_flight),
            "{buffer}: peak {} outside {}..={limit}",
            outcome.peak_in_flight,
            capacity + 2
        );
    }
}

#[test]
fn an_unbounded_pipeline_lets_every_item_pile_up() {
    assert_eq!(Buffer::Unbounded.in_flight_limit(), None);
    // The transform holds item 0 until all 300 items are in flight. Only a
    // channel with no limit lets the generator get that far; with any bound
    // the wait never ends and the watchdog fails the test.
    let outcome = run_stalled(300, Buffer::Unbounded, 300);
    assert_eq!(outcome.peak_in_flight, 300);
    assert_eq!(outcome.received, (0..300).collect::<Vec<u64>>());
}

#[test]
fn a_full_bounded_channel_refuses_a_send_and_an_unbounded_one_never_does() {
    // No receiver is taking anything: the channel alone decides.
    let (sender, _receiver) = Buffer::Bounded(16).channel::<u64>();
    for item in 0..16 {
        sender.try_send(item).unwrap();
    }
    assert!(matches!(sender.try_send(16), Err(TrySendError::Full(16))));

    let (sender, _receiver) = Buffer::Bounded(0).channel::<u64>();
    assert!(matches!(sender.try_send(0), Err(TrySendError::Full(0))));

    let (sender, receiver) = Buffer::Unbounded.channel::<u64>();
    for item in 0..100_000 {
        sender.try_send(item).unwrap();
    }
    assert_eq!(receiver.len(), 100_000);
}
