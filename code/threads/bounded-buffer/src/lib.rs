//! A bounded buffer built from a `Mutex` and two `Condvar`s: producers wait
//! while it is full, consumers wait while it is empty. This is the classic
//! monitor (Hoare, Brinch Hansen); Rust's std has the parts but not the
//! assembled queue. The crate holds the right version and two broken ones,
//! all generic over the lock and condition-variable types, so that the tests
//! can plug in loom's and have loom check every interleaving of the very code
//! the program runs.
#![forbid(unsafe_code)]

use std::collections::VecDeque;
use std::ops::DerefMut;
use std::sync::PoisonError;

// ANCHOR: seams
/// The lock and condition variable a buffer is built on: std's here, loom's
/// in the loom tests.
pub trait Primitives {
    type Mutex<T>;
    type Guard<'a, T: 'a>: DerefMut<Target = T>;
    type Condvar;
    fn mutex<T>(value: T) -> Self::Mutex<T>;
    fn lock<T>(mutex: &Self::Mutex<T>) -> Self::Guard<'_, T>;
    fn condvar() -> Self::Condvar;
    /// Unlocks, sleeps until notified (or woken for no reason), locks again.
    fn wait<'a, T>(condvar: &Self::Condvar, guard: Self::Guard<'a, T>) -> Self::Guard<'a, T>;
    fn notify_one(condvar: &Self::Condvar);
}
// ANCHOR_END: seams

/// std's `Mutex` and `Condvar`.
pub struct Std;

impl Primitives for Std {
    type Mutex<T> = std::sync::Mutex<T>;
    type Guard<'a, T: 'a> = std::sync::MutexGuard<'a, T>;
    type Condvar = std::sync::Condvar;
    fn mutex<T>(value: T) -> Self::Mutex<T> {
        std::sync::Mutex::new(value)
    }
    fn lock<T>(mutex: &Self::Mutex<T>) -> Self::Guard<'_, T> {
        // A panic while the lock is held leaves a whole VecDeque behind
        // (push_back and pop_front do not panic half-way), so poison can be
        // ignored.
        mutex.lock().unwrap_or_else(PoisonError::into_inner)
    }
    fn condvar() -> Self::Condvar {
        std::sync::Condvar::new()
    }
    fn wait<'a, T>(condvar: &Self::Condvar, guard: Self::Guard<'a, T>) -> Self::Guard<'a, T> {
        condvar.wait(guard).unwrap_or_else(PoisonError::into_inner)
    }
    fn notify_one(condvar: &Self::Condvar) {
        condvar.notify_one();
    }
}

/// What the command line, the tests and the benchmark need of a buffer.
pub trait Buffer<T>: Sync {
    fn with_capacity(capacity: usize) -> Self;
    /// Waits for room, then adds `item` at the back.
    fn push(&self, item: T);
    /// Waits for an item, then takes it from the front.
    fn pop(&self) -> T;
}

// ANCHOR: buffer
/// A queue of at most `capacity` items. Producers wait on `not_full`,
/// consumers on `not_empty`; each side wakes the other.
pub struct BoundedBuffer<T, P: Primitives = Std> {
    items: P::Mutex<VecDeque<T>>,
    capacity: usize,
    not_full: P::Condvar,
    not_empty: P::Condvar,
}

impl<T: Send, P: Primitives> BoundedBuffer<T, P> {
    pub fn push(&self, item: T) {
        let mut items = P::lock(&self.items);
        while items.len() == self.capacity {
            // Woken does not mean there is room: another producer may have
            // filled it first, or the wake-up was spurious. Look again.
            items = P::wait(&self.not_full, items);
        }
        items.push_back(item);
        drop(items);
        P::notify_one(&self.not_empty); // one item: one consumer can use it
    }

    pub fn pop(&self) -> T {
        let mut items = P::lock(&self.items);
        let item = loop {
            match items.pop_front() {
                Some(item) => break item,
                None => items = P::wait(&self.not_empty, items),
            }
        };
        drop(items);
        P::notify_one(&self.not_full); // one free place: one producer can use it
        item
    }
}
// ANCHOR_END: buffer

// ANCHOR: one-condvar
/// Broken: producers and consumers wait on the same condition variable, and
/// each operation wakes one waiter, which may be of the wrong kind. A consumer
/// that takes the last item may wake another consumer instead of the waiting
/// producer; that consumer finds nothing and sleeps again, and nobody is left
/// to wake anyone.
pub struct OneCondvar<T, P: Primitives = Std> {
    items: P::Mutex<VecDeque<T>>,
    capacity: usize,
    changed: P::Condvar,
}

impl<T: Send, P: Primitives> OneCondvar<T, P> {
    pub fn push(&self, item: T) {
        let mut items = P::lock(&self.items);
        while items.len() == self.capacity {
            items = P::wait(&self.changed, items);
        }
        items.push_back(item);
        drop(items);
        P::notify_one(&self.changed); // wakes one waiter: consumer or producer?
    }

    pub fn pop(&self) -> T {
        let mut items = P::lock(&self.items);
        let item = loop {
            match items.pop_front() {
                Some(item) => break item,
                None => items = P::wait(&self.changed, items),
            }
        };
        drop(items);
        P::notify_one(&self.changed);
        item
    }
}
// ANCHOR_END: one-condvar

// ANCHOR: if-not-while
/// Broken: checks the condition once, with `if`, and trusts the wake-up.
/// Between the notify and the moment this thread holds the lock again, another
/// consumer can take the item; and a wait may also return spuriously.
pub struct IfNotWhile<T, P: Primitives = Std> {
    items: P::Mutex<VecDeque<T>>,
    capacity: usize,
    not_full: P::Condvar,
    not_empty: P::Condvar,
}

impl<T: Send, P: Primitives> IfNotWhile<T, P> {
    pub fn push(&self, item: T) {
        let mut items = P::lock(&self.items);
        if items.len() == self.capacity {
            items = P::wait(&self.not_full, items);
        }
        items.push_back(item); // may push past capacity
        drop(items);
        P::notify_one(&self.not_empty);
    }

    pub fn pop(&self) -> T {
        let mut items = P::lock(&self.items);
        if items.is_empty() {
            items = P::wait(&self.not_empty, items);
        }
        let item = items.pop_front().expect("woke to an empty buffer");
        drop(items);
        P::notify_one(&self.not_full);
        item
    }
}
// ANCHOR_END: if-not-while

/// How many items are in a buffer now (for tests that check the capacity).
pub trait Len {
    fn len(&self) -> usize;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

macro_rules! buffer_impls {
    ($name:ident { $($cv:ident),* }) => {
        impl<T: Send, P: Primitives> $name<T, P> {
            pub fn new(capacity: usize) -> Self {
                assert!(capacity > 0, "a buffer needs room for one item");
                $name {
                    items: P::mutex(VecDeque::with_capacity(capacity)),
                    capacity,
                    $($cv: P::condvar(),)*
                }
            }
        }

        impl<T: Send, P: Primitives> Len for $name<T, P> {
            fn len(&self) -> usize {
                P::lock(&self.items).len()
            }
        }

        impl<T: Send> Buffer<T> for $name<T, Std> {
            fn with_capacity(capacity: usize) -> Self {
                Self::new(capacity)
            }
            fn push(&self, item: T) {
                $name::push(self, item)
            }
            fn pop(&self) -> T {
                $name::pop(self)
            }
        }
    };
}

buffer_impls!(BoundedBuffer {
    not_full,
    not_empty
});
buffer_impls!(OneCondvar { changed });
buffer_impls!(IfNotWhile {
    not_full,
    not_empty
});

/// crossbeam's bounded channel seen as a buffer (both ends kept together).
pub struct Crossbeam<T>(crossbeam_channel::Sender<T>, crossbeam_channel::Receiver<T>);

impl<T: Send> Buffer<T> for Crossbeam<T> {
    fn with_capacity(capacity: usize) -> Self {
        let (tx, rx) = crossbeam_channel::bounded(capacity);
        Crossbeam(tx, rx)
    }
    fn push(&self, item: T) {
        self.0
            .send(item)
            .expect("the receiver lives as long as the buffer");
    }
    fn pop(&self) -> T {
        self.1
            .recv()
            .expect("the sender lives as long as the buffer")
    }
}

/// std's `sync_channel` seen as a buffer. Its `Receiver` is not `Sync`, so
/// it sits behind a lock that only the consumer ever takes.
pub struct StdSyncChannel<T>(
    std::sync::mpsc::SyncSender<T>,
    std::sync::Mutex<std::sync::mpsc::Receiver<T>>,
);

impl<T: Send> Buffer<T> for StdSyncChannel<T> {
    fn with_capacity(capacity: usize) -> Self {
        let (tx, rx) = std::sync::mpsc::sync_channel(capacity);
        StdSyncChannel(tx, std::sync::Mutex::new(rx))
    }
    fn push(&self, item: T) {
        self.0
            .send(item)
            .expect("the receiver lives as long as the buffer");
    }
    fn pop(&self) -> T {
        let rx = self.1.lock().unwrap_or_else(PoisonError::into_inner);
        rx.recv().expect("the sender lives as long as the buffer")
    }
}

/// The shape of [`transfer`] for one buffer type, so that runs can be listed.
pub type Transfer = fn(usize, usize, usize, u64) -> (u64, u64);

// ANCHOR: transfer
/// `producers` threads each push `per_producer` numbers through a buffer of
/// `capacity`, and `consumers` threads pop them all; returns the sum of what
/// the consumers received, with the count, so that a caller can check that
/// nothing was lost or duplicated.
pub fn transfer<B: Buffer<u64>>(
    capacity: usize,
    producers: usize,
    consumers: usize,
    per_producer: u64,
) -> (u64, u64) {
    let buffer = B::with_capacity(capacity);
    let total = producers as u64 * per_producer;
    // Split the items among the consumers: the first few take one extra.
    let share =
        |c: usize| total / consumers as u64 + u64::from((c as u64) < total % consumers as u64);
    std::thread::scope(|s| {
        for p in 0..producers as u64 {
            let buffer = &buffer;
            s.spawn(move || {
                for i in 0..per_producer {
                    buffer.push(p * per_producer + i);
                }
            });
        }
        let takers: Vec<_> = (0..consumers)
            .map(|c| {
                let buffer = &buffer;
                s.spawn(move || {
                    (0..share(c)).fold((0, 0), |(n, sum), _| (n + 1, sum + buffer.pop()))
                })
            })
            .collect();
        takers
            .into_iter()
            .map(|t| t.join().expect("a consumer panicked"))
            .fold((0, 0), |(n, sum), (m, part)| (n + m, sum + part))
    })
}
// ANCHOR_END: transfer

/// The sum of 0..n, what `transfer` must return for `n` items in all.
pub fn expected_sum(n: u64) -> u64 {
    n * n.saturating_sub(1) / 2
}
