//! The counter problem, one of the book's recurring problems (after Bruce
//! Eckel): N threads each add one to a shared count K times, and the answer
//! must be N·K. This crate counts five ways: a racy load-then-store that loses
//! updates, a `Mutex`, an atomic `fetch_add`, and two sharded counters (one
//! slot per thread, summed at the end), packed side by side or padded to a
//! cache line each, so that the cost of false sharing can be measured.
#![forbid(unsafe_code)]

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Barrier, Mutex, PoisonError};
use std::thread;

use crossbeam_utils::CachePadded;

/// The ways to count that this crate compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Way {
    Racy,
    Mutex,
    Atomic,
    ShardedPacked,
    ShardedPadded,
}

impl Way {
    pub const ALL: [Way; 5] = [
        Way::Racy,
        Way::Mutex,
        Way::Atomic,
        Way::ShardedPacked,
        Way::ShardedPadded,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Way::Racy => "racy",
            Way::Mutex => "mutex",
            Way::Atomic => "atomic",
            Way::ShardedPacked => "sharded-packed",
            Way::ShardedPadded => "sharded-padded",
        }
    }

    /// Runs `threads` threads that each count `k` times, and returns the total.
    pub fn count(self, threads: usize, k: u64) -> u64 {
        match self {
            Way::Racy => racy(threads, k),
            Way::Mutex => mutex(threads, k),
            Way::Atomic => atomic(threads, k),
            Way::ShardedPacked => sharded_packed(threads, k),
            Way::ShardedPadded => sharded_padded(threads, k),
        }
    }
}

// ANCHOR: counter
/// What the counting loops need of a counter, always with `Relaxed`
/// ordering. std's `AtomicU64` is the one the program uses; the loom tests
/// plug in loom's, so that loom checks these very loops.
pub trait Counter: Sync {
    fn load(&self) -> u64;
    fn store(&self, value: u64);
    fn fetch_add(&self, value: u64);
}

impl Counter for AtomicU64 {
    fn load(&self) -> u64 {
        AtomicU64::load(self, Relaxed)
    }
    fn store(&self, value: u64) {
        AtomicU64::store(self, value, Relaxed)
    }
    fn fetch_add(&self, value: u64) {
        AtomicU64::fetch_add(self, value, Relaxed);
    }
}
// ANCHOR_END: counter

// ANCHOR: together
/// Runs `work(i)` on `threads` scoped threads, numbered from 0, and returns
/// when all have finished. A barrier holds them until the last one has
/// started, so that they really run at the same time: without it, on a busy
/// machine, the first thread can finish before the second begins.
pub fn together(threads: usize, work: impl Fn(usize) + Sync) {
    let start = Barrier::new(threads);
    thread::scope(|s| {
        for i in 0..threads {
            let (start, work) = (&start, &work);
            s.spawn(move || {
                start.wait();
                work(i);
            });
        }
    });
}
// ANCHOR_END: together

// ANCHOR: racy
/// Each increment is a load and then a separate store. Both are atomic, so
/// there is no undefined behaviour, but another thread's store can land
/// between them and be overwritten: an update lost.
pub fn add_racy<C: Counter>(count: &C, k: u64) {
    for _ in 0..k {
        let seen = count.load();
        count.store(seen + 1); // may overwrite another thread's +1
    }
}

pub fn racy(threads: usize, k: u64) -> u64 {
    let count = AtomicU64::new(0);
    together(threads, |_| add_racy(&count, k));
    count.into_inner()
}
// ANCHOR_END: racy

// ANCHOR: mutex
/// The read and the write happen under one lock, so no other thread can
/// come between them.
pub fn mutex(threads: usize, k: u64) -> u64 {
    let count = Mutex::new(0u64);
    together(threads, |_| {
        for _ in 0..k {
            // No thread panics while holding the lock; if one did,
            // the count inside would still be whole.
            *count.lock().unwrap_or_else(PoisonError::into_inner) += 1;
        }
    });
    count.into_inner().unwrap_or_else(PoisonError::into_inner)
}
// ANCHOR_END: mutex

// ANCHOR: atomic
/// One read-modify-write instruction (`lock inc` on x86-64): indivisible,
/// so nothing is lost. `Relaxed` is enough, because nothing else is published
/// through the count; the scope's join makes every increment visible at the end.
pub fn add_atomic<C: Counter>(count: &C, k: u64) {
    for _ in 0..k {
        count.fetch_add(1);
    }
}

pub fn atomic(threads: usize, k: u64) -> u64 {
    let count = AtomicU64::new(0);
    together(threads, |_| add_atomic(&count, k));
    count.into_inner()
}
// ANCHOR_END: atomic

// ANCHOR: sharded
/// One slot per thread; each thread writes only its own, and the slots are
/// summed once every thread has finished. A slot has a single writer, so
/// `add_racy`, the load-then-store that loses updates on a shared counter, is
/// correct here: no other thread's store can land between the two. The slots are atomics only
/// so that the summing thread may read them (after the join, which orders
/// every store before the reads).
fn sharded<S: Shard>(slots: &[S], k: u64) -> u64 {
    together(slots.len(), |i| add_racy(slots[i].counter(), k));
    slots.iter().map(|slot| slot.counter().load(Relaxed)).sum()
}

/// Slots side by side: eight `AtomicU64`s share one 64-byte cache line.
pub fn sharded_packed(threads: usize, k: u64) -> u64 {
    let slots: Vec<AtomicU64> = (0..threads).map(|_| AtomicU64::new(0)).collect();
    sharded(&slots, k)
}

/// Each slot padded and aligned to 128 bytes: no two share a line.
pub fn sharded_padded(threads: usize, k: u64) -> u64 {
    let slots: Vec<CachePadded<AtomicU64>> = (0..threads)
        .map(|_| CachePadded::new(AtomicU64::new(0)))
        .collect();
    sharded(&slots, k)
}
// ANCHOR_END: sharded

/// A slot of a sharded counter, plain or padded.
pub trait Shard: Sync {
    fn counter(&self) -> &AtomicU64;
}

impl Shard for AtomicU64 {
    fn counter(&self) -> &AtomicU64 {
        self
    }
}

impl Shard for CachePadded<AtomicU64> {
    fn counter(&self) -> &AtomicU64 {
        self
    }
}

/// Size and alignment of a plain slot and of a padded one.
pub fn layout() -> [(&'static str, usize, usize); 2] {
    use std::mem::{align_of, size_of};
    [
        ("AtomicU64", size_of::<AtomicU64>(), align_of::<AtomicU64>()),
        (
            "CachePadded<AtomicU64>",
            size_of::<CachePadded<AtomicU64>>(),
            align_of::<CachePadded<AtomicU64>>(),
        ),
    ]
}

/// What many racy runs lost: the runs that lost anything, and the most and
/// the total lost.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Losses {
    pub runs: u64,
    pub runs_that_lost: u64,
    pub most_lost: u64,
    pub total_lost: u64,
}

/// Runs the racy counter `runs` times and tallies the lost updates.
pub fn racy_losses(runs: u64, threads: usize, k: u64) -> Losses {
    let expected = threads as u64 * k;
    let mut losses = Losses {
        runs,
        ..Losses::default()
    };
    for _ in 0..runs {
        let lost = expected - racy(threads, k);
        losses.runs_that_lost += u64::from(lost > 0);
        losses.most_lost = losses.most_lost.max(lost);
        losses.total_lost += lost;
    }
    losses
}
