//! A single-producer, single-consumer ring buffer built from atomics, with an ordering bug loom finds.
//!
//! The ring is generic over its atomic word ([`Word`]): the command line and the benchmarks could run it on
//! `std::sync::atomic::AtomicU64`, and [`check`] plugs in loom's atomic, which records every load and store
//! so that a failing execution can be printed step by step. The orderings are a parameter too
//! ([`Orders`]): the broken ring publishes its tail with `Relaxed`; the fixed one with `Release`, read
//! with `Acquire`.
#![forbid(unsafe_code)]

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::Ordering::{self, Acquire, Relaxed, Release};

pub mod check;

/// Which atomic a [`Word`] is, so a trace can name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Name {
    /// The count of items the consumer has taken.
    Head,
    /// The count of items the producer has published.
    Tail,
    /// One slot of the ring.
    Slot(usize),
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Name::Head => write!(f, "head"),
            Name::Tail => write!(f, "tail"),
            Name::Slot(i) => write!(f, "slot[{i}]"),
        }
    }
}

/// A 64-bit atomic word: std's `AtomicU64` in programs, loom's in models.
pub trait Word: Send + Sync + Sized {
    /// A word holding `value`; `name` says which part of the ring it is.
    fn new(name: Name, value: u64) -> Self;
    /// An atomic load.
    fn load(&self, order: Ordering) -> u64;
    /// An atomic store.
    fn store(&self, value: u64, order: Ordering);
    /// Called on every turn of a wait loop: a spin hint on hardware, a yield to loom's scheduler in a model.
    fn pause() {
        std::hint::spin_loop();
    }
}

impl Word for std::sync::atomic::AtomicU64 {
    fn new(_name: Name, value: u64) -> Self {
        std::sync::atomic::AtomicU64::new(value)
    }
    fn load(&self, order: Ordering) -> u64 {
        std::sync::atomic::AtomicU64::load(self, order)
    }
    fn store(&self, value: u64, order: Ordering) {
        std::sync::atomic::AtomicU64::store(self, value, order)
    }
    fn pause() {
        std::thread::yield_now();
    }
}

/// The orderings the ring uses on its two counters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Orders {
    /// The bug: the producer publishes `tail` with `Relaxed` and the consumer reads it with `Relaxed`, so
    /// seeing the new tail says nothing about the slot's contents.
    RelaxedTail,
    /// The fix: `tail` and `head` are both published with `Release` and read with `Acquire`.
    ReleaseAcquire,
    /// Tail done right, head `Relaxed`: the producer may reuse a slot the consumer is still reading. The
    /// C11 model allows the failure only through load buffering, which loom does not explore, so loom
    /// passes this version. See the chapter.
    RelaxedHead,
}

impl Orders {
    /// All three, in the chapter's order.
    pub const ALL: [Orders; 3] = [
        Orders::RelaxedTail,
        Orders::ReleaseAcquire,
        Orders::RelaxedHead,
    ];

    /// A short name for tables and benchmark ids.
    pub fn name(self) -> &'static str {
        match self {
            Orders::RelaxedTail => "relaxed-tail",
            Orders::ReleaseAcquire => "release-acquire",
            Orders::RelaxedHead => "relaxed-head",
        }
    }

    /// (store, load) orderings for `tail`.
    fn tail(self) -> (Ordering, Ordering) {
        match self {
            Orders::RelaxedTail => (Relaxed, Relaxed),
            Orders::ReleaseAcquire | Orders::RelaxedHead => (Release, Acquire),
        }
    }

    /// (store, load) orderings for `head`.
    fn head(self) -> (Ordering, Ordering) {
        match self {
            Orders::RelaxedHead => (Relaxed, Relaxed),
            Orders::ReleaseAcquire | Orders::RelaxedTail => (Release, Acquire),
        }
    }
}

// ANCHOR: ring-shared
/// The shared part of a ring of `capacity` slots: `head` counts items taken and `tail` counts items
/// published; both only grow, and slot `n % capacity` holds item number `n`.
struct Shared<W: Word> {
    slots: Vec<W>,
    head: W,
    tail: W,
    orders: Orders,
}

/// The producer's end. It alone writes `tail`, so it keeps its own copy and never loads it.
pub struct Producer<W: Word> {
    shared: Arc<Shared<W>>,
    tail: u64,
}

/// The consumer's end. It alone writes `head`, so it keeps its own copy and never loads it.
pub struct Consumer<W: Word> {
    shared: Arc<Shared<W>>,
    head: u64,
}

/// A ring of `capacity` slots (at least one) between one producer and one consumer.
pub fn ring<W: Word>(capacity: usize, orders: Orders) -> (Producer<W>, Consumer<W>) {
    assert!(capacity > 0, "a ring needs a slot");
    let shared = Arc::new(Shared {
        slots: (0..capacity).map(|i| W::new(Name::Slot(i), 0)).collect(),
        head: W::new(Name::Head, 0),
        tail: W::new(Name::Tail, 0),
        orders,
    });
    let producer = Producer {
        shared: Arc::clone(&shared),
        tail: 0,
    };
    (producer, Consumer { shared, head: 0 })
}
// ANCHOR_END: ring-shared

// ANCHOR: ring-ends

impl<W: Word> Producer<W> {
    /// Writes `value` into the next free slot and publishes it. False if the ring is full.
    pub fn try_push(&mut self, value: u64) -> bool {
        let ring = &*self.shared;
        let (tail_store, _) = ring.orders.tail();
        let (_, head_load) = ring.orders.head();
        if self.tail - ring.head.load(head_load) == ring.slots.len() as u64 {
            return false; // full: the consumer has not handed back the oldest slot
        }
        ring.slots[self.tail as usize % ring.slots.len()].store(value, Relaxed);
        self.tail += 1;
        ring.tail.store(self.tail, tail_store); // publish: the slot's value must travel with this
        true
    }
}

impl<W: Word> Consumer<W> {
    /// Takes the oldest published value, or `None` if none is published yet.
    pub fn try_pop(&mut self) -> Option<u64> {
        let ring = &*self.shared;
        let (_, tail_load) = ring.orders.tail();
        let (head_store, _) = ring.orders.head();
        if self.head == ring.tail.load(tail_load) {
            return None; // empty
        }
        let value = ring.slots[self.head as usize % ring.slots.len()].load(Relaxed);
        self.head += 1;
        ring.head.store(self.head, head_store); // hand the slot back to the producer
        Some(value)
    }
}
// ANCHOR_END: ring-ends

impl<W: Word> Producer<W> {
    /// Pushes, waiting (with [`Word::pause`]) while the ring is full.
    pub fn push(&mut self, value: u64) {
        while !self.try_push(value) {
            W::pause();
        }
    }
}

impl<W: Word> Consumer<W> {
    /// Pops, waiting (with [`Word::pause`]) while the ring is empty.
    pub fn pop(&mut self) -> u64 {
        loop {
            if let Some(value) = self.try_pop() {
                return value;
            }
            W::pause();
        }
    }
}

/// Sends `1..=items` through a ring of `capacity` slots on two real threads and returns what the consumer
/// received, in order. With correct orderings this is always `1..=items`.
pub fn transfer(capacity: usize, items: u64, orders: Orders) -> Vec<u64> {
    let (mut producer, mut consumer) = ring::<std::sync::atomic::AtomicU64>(capacity, orders);
    std::thread::scope(|scope| {
        scope.spawn(move || {
            for value in 1..=items {
                producer.push(value);
            }
        });
        (0..items).map(|_| consumer.pop()).collect()
    })
}
