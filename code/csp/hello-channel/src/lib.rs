//! Hello, channel: a producer and a consumer that share nothing and talk only
//! through a `std::sync::mpsc` channel; the receive loop that never ends while a
//! sender lives; and the three kinds of channel (unbounded, bounded, rendezvous).
#![forbid(unsafe_code)]

use std::sync::mpsc::{self, Receiver, Sender};
use std::thread::{self, JoinHandle};

// ANCHOR: received
/// What the consumer saw: how many numbers, their sum, and whether each one
/// was exactly one more than the one before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Received {
    pub count: u64,
    pub sum: u64,
    pub in_order: bool,
}

/// The consumer: takes numbers out of the channel until the channel is
/// closed, that is, until it is empty and every sender has been dropped.
pub fn consume(rx: Receiver<u64>) -> Received {
    let mut seen = Received {
        count: 0,
        sum: 0,
        in_order: true,
    };
    let mut previous = 0;
    for number in rx {
        seen.in_order &= number == previous + 1;
        previous = number;
        seen.count += 1;
        seen.sum += number;
    }
    seen
}
// ANCHOR_END: received

// ANCHOR: hello
/// One producer thread sends `1, 2, …, items` and ends; one consumer thread
/// receives them and returns what it saw through `join`.
pub fn hello(items: u64) -> Received {
    let (tx, rx) = mpsc::channel();
    let producer = thread::spawn(move || {
        for number in 1..=items {
            tx.send(number).expect("the consumer outlives the producer");
        }
        // `tx` is dropped here, which closes the channel.
    });
    let consumer = thread::spawn(move || consume(rx));
    producer.join().expect("the producer panicked");
    consumer.join().expect("the consumer panicked")
}
// ANCHOR_END: hello

// ANCHOR: kinds
/// The three kinds of channel `std::sync::mpsc` offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `mpsc::channel()`: a send never waits; the queue grows as needed.
    Unbounded,
    /// `mpsc::sync_channel(n)` with n > 0: a send waits while n values are queued.
    Bounded(usize),
    /// `mpsc::sync_channel(0)`: nothing is queued; a send waits for a receive.
    Rendezvous,
}

/// Like [`hello`], through the kind of channel asked for.
pub fn hello_through(kind: Kind, items: u64) -> Received {
    match kind {
        Kind::Unbounded => {
            let (tx, rx) = mpsc::channel();
            run(items, move |n| tx.send(n).is_ok(), rx)
        }
        Kind::Bounded(capacity) => {
            let (tx, rx) = mpsc::sync_channel(capacity);
            run(items, move |n| tx.send(n).is_ok(), rx)
        }
        Kind::Rendezvous => {
            let (tx, rx) = mpsc::sync_channel(0);
            run(items, move |n| tx.send(n).is_ok(), rx)
        }
    }
}
// ANCHOR_END: kinds

/// A producer thread calling `send` for `1..=items`, and a consumer thread.
/// `send` owns the channel's only sender, so the channel closes when the
/// producer's loop ends and `send` is dropped.
fn run(items: u64, send: impl FnMut(u64) -> bool + Send + 'static, rx: Receiver<u64>) -> Received {
    let mut send = send;
    let producer = thread::spawn(move || {
        for number in 1..=items {
            if !send(number) {
                break;
            }
        }
    });
    let consumer = thread::spawn(move || consume(rx));
    producer.join().expect("the producer panicked");
    consumer.join().expect("the consumer panicked")
}

// ANCHOR: producers
/// Starts `producers` threads. Each gets its own clone of `tx` and sends
/// `1..=items_each`; its clone is dropped when the thread ends.
pub fn spawn_producers(tx: &Sender<u64>, producers: u64, items_each: u64) -> Vec<JoinHandle<()>> {
    (0..producers)
        .map(|_| {
            let tx = tx.clone();
            thread::spawn(move || {
                for number in 1..=items_each {
                    tx.send(number).expect("the consumer is still there");
                }
            })
        })
        .collect()
}
// ANCHOR_END: producers

// ANCHOR: forgetting
/// THE BUG: never returns. The producers finish and drop their clones, but the
/// original `tx` is still alive in this function, so `consume` keeps waiting
/// for a message that nobody will ever send.
pub fn collect_forgetting_to_drop(producers: u64, items_each: u64) -> u64 {
    let (tx, rx) = mpsc::channel();
    let handles = spawn_producers(&tx, producers, items_each);
    let received = consume(rx); // waits for `tx` too: forever
    for handle in handles {
        handle.join().expect("a producer panicked");
    }
    received.sum
}
// ANCHOR_END: forgetting

// ANCHOR: collect
/// The fix: drop the original sender once the producers have their clones.
/// Now the last producer to finish closes the channel and the loop ends.
pub fn collect(producers: u64, items_each: u64) -> u64 {
    let (tx, rx) = mpsc::channel();
    let handles = spawn_producers(&tx, producers, items_each);
    drop(tx); // the one line that was missing
    let received = consume(rx);
    for handle in handles {
        handle.join().expect("a producer panicked");
    }
    received.sum
}
// ANCHOR_END: collect

/// `1 + 2 + … + n`, the sum every run must arrive at.
pub fn expected_sum(n: u64) -> u64 {
    n * (n + 1) / 2
}
