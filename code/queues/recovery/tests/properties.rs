//! Against the real broker, through a proxy each test starts for itself.
use std::time::Duration;

use queues_recovery::{run_stall, run_with_cuts};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Runtime::new().expect("a tokio runtime")
}

#[test]
fn a_consumer_cut_off_three_times_loses_nothing() {
    let run = runtime()
        .block_on(run_with_cuts(
            200,
            &[40, 100, 160],
            Duration::from_millis(1),
        ))
        .unwrap();
    let r = &run.report;
    assert_eq!(r.distinct, 200, "{run:?}");
    assert_eq!(run.left, 0, "every message acked: {run:?}");
    assert!(r.deliveries >= 200, "{run:?}");
    // Repeats are exactly the redelivered ones: the broker flags what it
    // had handed out before.
    assert!(r.deliveries - 200 <= r.redelivered, "{run:?}");
    // The first two cuts leave at least 100 messages to go, so each one
    // lands on a live connection; the last may come after the end.
    assert!(r.reconnects >= 2, "{run:?}");
    assert_eq!(r.losses.len(), r.reconnects, "{run:?}");
}

#[test]
fn without_cuts_there_is_one_connection() {
    let run = runtime()
        .block_on(run_with_cuts(50, &[], Duration::ZERO))
        .unwrap();
    assert_eq!(run.report.distinct, 50);
    assert_eq!(run.report.reconnects, 0);
    assert_eq!(run.report.deliveries, 50, "nothing twice: {run:?}");
    assert_eq!(run.left, 0);
}

#[test]
fn a_stalled_network_is_noticed_by_missed_heartbeats() {
    let (error, _) = runtime().block_on(run_stall(1)).unwrap();
    assert!(error.contains("heartbeat"), "{error}");
}
