use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, TryRecvError, TrySendError};
use std::thread;

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
/// keeps its sender. A receive loop waits when the channel is empty and still
/// connected (`Empty`), and ends when it is empty and disconnected
/// (`Disconnected`). After every producer has ended and every number has been
/// taken, the channel reports `Empty`, not `Disconnected`: a `for` loop would
/// wait. Dropping `tx` turns it into `Disconnected`. No clock is involved.
#[test]
fn a_live_sender_keeps_the_receive_loop_waiting() {
    let (tx, rx) = mpsc::channel();
    let producers = spawn_producers(&tx, 2, 100);
    for producer in producers {
        producer.join().unwrap();
    }
    // Every producer has ended and dropped its clone; only `tx` is left.
    let taken: Vec<u64> = rx.try_iter().collect();
    assert_eq!(taken.len(), 200);
    assert_eq!(taken.iter().sum::<u64>(), 2 * expected_sum(100));
    assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    drop(tx);
    assert_eq!(rx.try_recv(), Err(TryRecvError::Disconnected));
    // And the receive loop itself now ends at once, having nothing left.
    assert_eq!(consume(rx).count, 0);
}

#[test]
fn a_rendezvous_channel_holds_nothing() {
    let (tx, rx) = mpsc::sync_channel::<u64>(0);
    // No receiver is waiting, so there is nowhere to put the value.
    assert_eq!(tx.try_send(1), Err(TrySendError::Full(1)));
    drop(rx);
    assert_eq!(tx.try_send(2), Err(TrySendError::Disconnected(2)));
}

/// A rendezvous send returns only after a receiver has taken the value. The
/// main thread raises `receiving` before it calls `recv`; the sender checks
/// the flag right after its `send` returns. With a rendezvous the flag is
/// always up, whatever the scheduling. With a buffer (change the 0 to 1), the
/// send returns at once, long before the main thread, still waking from the
/// handshake, raises the flag.
#[test]
fn a_rendezvous_send_returns_only_after_the_receive_began() {
    for _ in 0..200 {
        let (tx, rx) = mpsc::sync_channel::<u64>(0);
        let (about_to_send, handshake) = mpsc::channel();
        let receiving = Arc::new(AtomicBool::new(false));
        let sender = thread::spawn({
            let receiving = Arc::clone(&receiving);
            move || {
                about_to_send.send(()).unwrap();
                tx.send(42).unwrap();
                receiving.load(Ordering::SeqCst)
            }
        });
        handshake.recv().unwrap();
        receiving.store(true, Ordering::SeqCst);
        assert_eq!(rx.recv(), Ok(42));
        assert!(
            sender.join().unwrap(),
            "the send returned before anyone received"
        );
    }
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
