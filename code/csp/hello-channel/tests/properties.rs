use std::sync::mpsc::{self, RecvTimeoutError, TrySendError};
use std::thread;
use std::time::{Duration, Instant};

use csp_hello_channel::{
    Kind, Received, collect, consume, expected_sum, hello, hello_through, spawn_producers,
};

fn all_arrived(items: u64) -> Received {
    Received {
        count: items,
        sum: expected_sum(items),
        in_order: true,
    }
}

#[test]
fn every_number_arrives_once_and_in_order() {
    for items in [1, 2, 1_000, 20_000] {
        assert_eq!(hello(items), all_arrived(items));
    }
}

#[test]
fn every_kind_of_channel_delivers_everything_in_order() {
    let kinds = [
        Kind::Rendezvous,
        Kind::Bounded(1),
        Kind::Bounded(16),
        Kind::Bounded(1024),
        Kind::Unbounded,
    ];
    for kind in kinds {
        for items in [1, 777, 5_000] {
            assert_eq!(hello_through(kind, items), all_arrived(items), "{kind:?}");
        }
    }
}

#[test]
fn the_fixed_collect_ends_with_every_producers_numbers() {
    for (producers, items_each) in [(1, 10), (2, 1_000), (4, 500)] {
        assert_eq!(
            collect(producers, items_each),
            producers * expected_sum(items_each)
        );
    }
}

/// The mechanism behind the hang, with this test as the main thread that
/// keeps its sender: the consumer cannot finish while `tx` lives, and
/// finishes as soon as it is dropped. Nothing is leaked and nothing can hang.
#[test]
fn a_live_sender_keeps_the_receive_loop_waiting() {
    let (tx, rx) = mpsc::channel();
    let producers = spawn_producers(&tx, 2, 100);
    let (done_tx, done_rx) = mpsc::channel();
    let consumer = thread::spawn(move || {
        let seen = consume(rx);
        done_tx.send(()).unwrap();
        seen
    });
    for producer in producers {
        producer.join().unwrap();
    }
    // Every producer has ended; only `tx` holds the channel open.
    assert_eq!(
        done_rx.recv_timeout(Duration::from_millis(300)),
        Err(RecvTimeoutError::Timeout)
    );
    assert!(!consumer.is_finished());
    drop(tx);
    let seen = consumer.join().unwrap();
    assert_eq!(seen.count, 200);
    assert_eq!(seen.sum, 2 * expected_sum(100));
}

#[test]
fn a_rendezvous_channel_holds_nothing() {
    let (tx, rx) = mpsc::sync_channel::<u64>(0);
    // No receiver is waiting, so there is nowhere to put the value.
    assert_eq!(tx.try_send(1), Err(TrySendError::Full(1)));
    drop(rx);
    assert_eq!(tx.try_send(2), Err(TrySendError::Disconnected(2)));
}

#[test]
fn a_rendezvous_send_waits_for_the_receive() {
    let (tx, rx) = mpsc::sync_channel::<u64>(0);
    let (sent_tx, sent_rx) = mpsc::channel();
    let sender = thread::spawn(move || {
        tx.send(42).unwrap();
        sent_tx.send(Instant::now()).unwrap();
    });
    // Nobody has received yet, so the send cannot have completed.
    assert_eq!(
        sent_rx.recv_timeout(Duration::from_millis(200)),
        Err(RecvTimeoutError::Timeout)
    );
    let received_at = Instant::now();
    assert_eq!(rx.recv(), Ok(42));
    let sent_at = sent_rx.recv().unwrap();
    assert!(sent_at >= received_at);
    sender.join().unwrap();
}

#[test]
fn a_bounded_channel_fills_up_and_an_unbounded_one_does_not() {
    let (tx, _rx) = mpsc::sync_channel::<u64>(3);
    for n in 0..3 {
        assert_eq!(tx.try_send(n), Ok(()));
    }
    assert_eq!(tx.try_send(3), Err(TrySendError::Full(3)));

    let (tx, rx) = mpsc::channel::<u64>();
    for n in 0..10_000 {
        tx.send(n).unwrap();
    }
    drop(tx);
    assert_eq!(rx.iter().count(), 10_000);
}

#[test]
fn a_send_fails_once_the_receiver_is_gone() {
    let (tx, rx) = mpsc::channel::<u64>();
    drop(rx);
    // The value comes back inside the error.
    assert_eq!(tx.send(7).unwrap_err().0, 7);
}
