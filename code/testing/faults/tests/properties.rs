use std::path::Path;
use testing_faults::{
    Order, fetch_once, fetch_resuming, start_cutting_proxy, start_server, supervise,
};

fn exe() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_testing-faults"))
}

// Without a fault, both orders write every job exactly once.
#[test]
fn without_a_kill_every_job_is_written_once() {
    let _one = support_kit::testing::one_at_a_time();
    for order in [Order::AckFirst, Order::WriteFirst] {
        let outcome = supervise(exe(), order, 10, None).unwrap();
        assert_eq!((outcome.acked, outcome.kills), (10, 0));
        assert_eq!((outcome.lost, outcome.duplicated), (vec![], vec![]));
    }
    support_kit::testing::assert_no_children();
}

// Ack before write: killed between the two, job k was acknowledged, so it is
// never resent, and its result was never written. Exactly that job is lost.
#[test]
fn ack_first_loses_the_job_it_was_killed_in() {
    let _one = support_kit::testing::one_at_a_time();
    for k in 0..4 {
        let outcome = supervise(exe(), Order::AckFirst, 4, Some(k)).unwrap();
        assert_eq!(outcome.kills, 1);
        assert_eq!(outcome.lost, vec![k]);
        assert_eq!(outcome.duplicated, vec![]);
    }
    support_kit::testing::assert_no_children();
}

// Write before ack: killed between the two, job k was written but not
// acknowledged, so the new worker does it again. Nothing lost; job k exactly
// twice, which the design allows (at-least-once).
#[test]
fn write_first_loses_nothing_and_may_repeat_the_job_it_was_killed_in() {
    let _one = support_kit::testing::one_at_a_time();
    for k in 0..4 {
        let outcome = supervise(exe(), Order::WriteFirst, 4, Some(k)).unwrap();
        assert_eq!(outcome.kills, 1);
        assert_eq!(outcome.lost, vec![]);
        assert_eq!(outcome.duplicated, vec![k]);
        assert_eq!(outcome.recovery.len(), 1);
    }
    support_kit::testing::assert_no_children();
}

#[test]
fn without_a_cut_both_clients_get_everything() {
    let server = start_server(500).unwrap();
    assert_eq!(fetch_once(server).unwrap(), (0..500).collect::<Vec<_>>());
    let fetched = fetch_resuming(server, 1).unwrap();
    assert_eq!(
        (fetched.items, fetched.connections),
        ((0..500).collect(), 1)
    );
}

// The cut is silent for a client that trusts EOF: it gets a prefix of the
// stream, shorter than the whole, and no error.
#[test]
fn a_cut_stream_leaves_the_trusting_client_with_a_prefix() {
    let proxy = start_cutting_proxy(start_server(500).unwrap(), 1_000).unwrap();
    let got = fetch_once(proxy).unwrap();
    assert!(got.len() < 500);
    assert_eq!(got, (0..got.len() as u32).collect::<Vec<_>>());
}

// The resuming client gets every item once, in order, over several
// connections (each passes at most 1,000 bytes, about 100 items).
#[test]
fn the_resuming_client_gets_every_item_once_in_order() {
    let proxy = start_cutting_proxy(start_server(500).unwrap(), 1_000).unwrap();
    let fetched = fetch_resuming(proxy, 1_000).unwrap();
    assert_eq!(fetched.items, (0..500).collect::<Vec<_>>());
    assert!(fetched.connections > 1);
}

// A cut in the middle of a line, every possible place in the first few
// lines: the half line is never taken for an item.
#[test]
fn a_cut_inside_a_line_is_never_taken_for_an_item() {
    let server = start_server(30).unwrap();
    for cut in 16..40 {
        let proxy = start_cutting_proxy(server, cut).unwrap();
        assert_eq!(
            fetch_resuming(proxy, 1_000).unwrap().items,
            (0..30).collect::<Vec<_>>(),
            "cut after {cut}"
        );
    }
}
