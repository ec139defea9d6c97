//! Memory orderings, shown on two small protocols.
//!
//! *Message passing*: one thread writes a value, then raises a flag; another
//! sees the flag and reads the value. With `Relaxed` on the flag the reader
//! may see the flag and still read the old value; `Release` on the store and
//! `Acquire` on the load forbid that.
//!
//! *Store buffering*: two threads each store to their own variable, then load
//! the other's. With `Release`/`Acquire` both may load zero; only `SeqCst`
//! forbids it.
//!
//! The code is generic over the atomic type, so the loom tests run this very
//! code with loom's atomics, and the command line runs it on the hardware.
#![forbid(unsafe_code)]

use std::hint;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;

/// The atomic the protocols are built on: std's `AtomicU64` for real runs,
/// loom's in the loom tests.
pub trait Atomic: Send + Sync {
    fn new(value: u64) -> Self;
    fn load(&self, order: Ordering) -> u64;
    fn store(&self, value: u64, order: Ordering);
}

impl Atomic for AtomicU64 {
    fn new(value: u64) -> Self {
        AtomicU64::new(value)
    }
    fn load(&self, order: Ordering) -> u64 {
        AtomicU64::load(self, order)
    }
    fn store(&self, value: u64, order: Ordering) {
        AtomicU64::store(self, value, order)
    }
}

/// Which orderings a protocol's stores and loads use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Orders {
    /// `Relaxed` everywhere: atomic, but no ordering between variables.
    Relaxed,
    /// `Release` on stores, `Acquire` on loads.
    ReleaseAcquire,
    /// `SeqCst` everywhere: one total order of all these operations.
    SeqCst,
}

impl Orders {
    /// All three, weakest first.
    pub const ALL: [Orders; 3] = [Orders::Relaxed, Orders::ReleaseAcquire, Orders::SeqCst];

    /// The ordering for a store.
    pub fn store(self) -> Ordering {
        match self {
            Orders::Relaxed => Ordering::Relaxed,
            Orders::ReleaseAcquire => Ordering::Release,
            Orders::SeqCst => Ordering::SeqCst,
        }
    }

    /// The ordering for a load.
    pub fn load(self) -> Ordering {
        match self {
            Orders::Relaxed => Ordering::Relaxed,
            Orders::ReleaseAcquire => Ordering::Acquire,
            Orders::SeqCst => Ordering::SeqCst,
        }
    }

    /// The name used in tables and benchmark ids.
    pub fn name(self) -> &'static str {
        match self {
            Orders::Relaxed => "relaxed",
            Orders::ReleaseAcquire => "release-acquire",
            Orders::SeqCst => "seqcst",
        }
    }
}

// ANCHOR: mailbox
/// A one-slot mailbox: the sender writes the letter, then raises the flag.
pub struct Mailbox<A = AtomicU64> {
    letter: A,
    flag: A,
}

impl<A: Atomic> Default for Mailbox<A> {
    fn default() -> Self {
        Mailbox {
            letter: A::new(0),
            flag: A::new(0),
        }
    }
}

impl<A: Atomic> Mailbox<A> {
    /// Writes the letter, then raises the flag with `orders`' store ordering.
    pub fn send(&self, letter: u64, orders: Orders) {
        self.letter.store(letter, Ordering::Relaxed);
        self.flag.store(1, orders.store());
    }

    /// If the flag is up (loaded with `orders`' load ordering), reads the
    /// letter. `Some(0)` means the flag was seen but the letter was not.
    pub fn receive(&self, orders: Orders) -> Option<u64> {
        if self.flag.load(orders.load()) == 1 {
            Some(self.letter.load(Ordering::Relaxed))
        } else {
            None
        }
    }
}
// ANCHOR_END: mailbox

// ANCHOR: store-buffer
/// Two variables, both zero. Each side stores 1 to its own, then loads the
/// other's. `Relaxed` and `Release`/`Acquire` allow both loads to see zero.
pub struct StoreBuffer<A = AtomicU64> {
    x: A,
    y: A,
}

impl<A: Atomic> Default for StoreBuffer<A> {
    fn default() -> Self {
        StoreBuffer {
            x: A::new(0),
            y: A::new(0),
        }
    }
}

impl<A: Atomic> StoreBuffer<A> {
    /// One side: store to x, load y.
    pub fn left(&self, orders: Orders) -> u64 {
        self.x.store(1, orders.store());
        self.y.load(orders.load())
    }

    /// The other side: store to y, load x.
    pub fn right(&self, orders: Orders) -> u64 {
        self.y.store(1, orders.store());
        self.x.load(orders.load())
    }
}
// ANCHOR_END: store-buffer

/// What the hardware did in a stress run of many rounds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// Rounds run.
    pub rounds: u64,
    /// Message passing: the flag seen, the letter not. Store buffering: both
    /// loads saw zero. The outcome the orderings are meant to forbid.
    pub forbidden: u64,
}

/// A two-thread spin barrier: both sides call `wait(round)` with the same
/// round numbers, and neither leaves until both have arrived.
struct Barrier(AtomicU64);

impl Barrier {
    fn wait(&self, round: u64) {
        self.0.fetch_add(1, Ordering::AcqRel);
        let mut spins = 0u32;
        while self.0.load(Ordering::Acquire) < 2 * (round + 1) {
            spins += 1;
            if spins < 10_000 {
                hint::spin_loop();
            } else {
                thread::yield_now(); // more threads than cores: let the other side run
            }
        }
    }
}

// ANCHOR: stress
/// Runs `rounds` rounds of message passing on real threads, each round on
/// a fresh mailbox, both threads released together by a spin barrier, and
/// counts the rounds where the receiver saw the flag but not the letter.
pub fn stress_mailbox(rounds: u64, orders: Orders) -> Tally {
    let boxes: Vec<Mailbox> = (0..rounds).map(|_| Mailbox::default()).collect();
    let barrier = Barrier(AtomicU64::new(0));
    let forbidden = thread::scope(|s| {
        s.spawn(|| {
            for (round, mailbox) in (0..).zip(&boxes) {
                barrier.wait(round);
                mailbox.send(42, orders);
            }
        });
        let receiver = s.spawn(|| {
            let mut forbidden = 0;
            for (round, mailbox) in (0..).zip(&boxes) {
                barrier.wait(round);
                if mailbox.receive(orders) == Some(0) {
                    forbidden += 1;
                }
            }
            forbidden
        });
        receiver.join().expect("the receiver does not panic")
    });
    Tally { rounds, forbidden }
}
// ANCHOR_END: stress

/// Runs `rounds` rounds of store buffering on real threads and counts the
/// rounds where both loads saw zero.
pub fn stress_store_buffer(rounds: u64, orders: Orders) -> Tally {
    let pairs: Vec<StoreBuffer> = (0..rounds).map(|_| StoreBuffer::default()).collect();
    let barrier = Barrier(AtomicU64::new(0));
    let (lefts, rights) = thread::scope(|s| {
        let left = s.spawn(|| {
            (0..)
                .zip(&pairs)
                .map(|(round, pair)| {
                    barrier.wait(round);
                    pair.left(orders)
                })
                .collect::<Vec<u64>>()
        });
        let right = s.spawn(|| {
            (0..)
                .zip(&pairs)
                .map(|(round, pair)| {
                    barrier.wait(round);
                    pair.right(orders)
                })
                .collect::<Vec<u64>>()
        });
        (
            left.join().expect("no panic"),
            right.join().expect("no panic"),
        )
    });
    let forbidden = lefts
        .iter()
        .zip(&rights)
        .filter(|&(&l, &r)| l == 0 && r == 0)
        .count() as u64;
    Tally { rounds, forbidden }
}

// ANCHOR: cost
/// One thread sends `n` letters through one mailbox, reading each back: the
/// cost of the orderings alone, with no other thread to wait for.
pub fn send_and_receive(mailbox: &Mailbox, n: u64, orders: Orders) -> u64 {
    let mut sum = 0;
    for i in 0..n {
        mailbox.send(i, orders);
        sum += mailbox.receive(orders).unwrap_or(0);
    }
    sum
}
// ANCHOR_END: cost
