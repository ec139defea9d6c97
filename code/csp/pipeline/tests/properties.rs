use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use crossbeam_channel::TrySendError;
use csp_pipeline::{BUFFERS, Buffer, STAGES, expected_checksum, run};

/// Runs the pipeline on another thread and fails (instead of hanging) if it
/// has not ended after a minute: a hang is a bug, not a slow machine.
fn run_or_fail(items: u64, buffer: Buffer, rounds: u32) -> csp_pipeline::Run {
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

#[test]
fn bounded_buffers_bound_the_items_in_flight() {
    for capacity in [0, 1, 2, 5, 16] {
        let buffer = Buffer::Bounded(capacity);
        let limit = buffer.in_flight_limit().unwrap();
        assert_eq!(limit, 2 * capacity + STAGES);
        for _ in 0..5 {
            // A slow transform gives the generator every chance to run ahead.
            let outcome = run_or_fail(400, buffer, 2_000);
            assert!(
                (1..=limit).contains(&outcome.peak_in_flight),
                "{buffer}: peak {} > limit {limit}",
                outcome.peak_in_flight
            );
        }
    }
}

#[test]
fn an_unbounded_pipeline_never_has_more_in_flight_than_items() {
    assert_eq!(Buffer::Unbounded.in_flight_limit(), None);
    let outcome = run_or_fail(300, Buffer::Unbounded, 2_000);
    assert!((1..=300).contains(&outcome.peak_in_flight));
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
