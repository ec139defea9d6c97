//! The cake box: bakers share one box of fixed capacity, and each asks "is
//! there room?" before putting a cake in. Asked and done as two separate
//! steps, the question can be out of date by the time the cake goes in, and
//! two bakers who both saw the last free place both fill it. This crate holds
//! that racy box and the two ways to fix it, behind one trait, so that the
//! tests, the loom models, the benchmark and the command line all run the
//! same `put`.
#![forbid(unsafe_code)]

use std::ops::DerefMut;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering, Ordering::Relaxed};
use std::sync::{Mutex, PoisonError};
use std::thread;

/// A box of cakes shared by several bakers.
pub trait CakeBox: Sync {
    /// An empty box with room for `capacity` cakes.
    fn with_capacity(capacity: u64) -> Self;
    /// Puts one cake in if there is room, and says whether it did.
    fn put(&self) -> bool;
    /// How many cakes are in the box.
    fn cakes(&self) -> u64;
    /// How many cakes fit.
    fn capacity(&self) -> u64;
}

// ANCHOR: seams
/// The shared counter an atomic box is built on. std's `AtomicU64` is the one
/// the program uses; the loom tests plug in loom's own atomic, so that loom
/// checks the very same `put` code.
pub trait Counter: Send + Sync {
    fn new(value: u64) -> Self;
    fn load(&self, order: Ordering) -> u64;
    fn fetch_add(&self, value: u64, order: Ordering) -> u64;
    fn compare_exchange(
        &self,
        current: u64,
        new: u64,
        success: Ordering,
        failure: Ordering,
    ) -> Result<u64, u64>;
}

/// The lock a locked box is built on: std's `Mutex<u64>` here, loom's in
/// the loom tests.
pub trait Lock: Send + Sync {
    fn new(value: u64) -> Self;
    fn lock(&self) -> impl DerefMut<Target = u64> + '_;
}
// ANCHOR_END: seams

impl Counter for AtomicU64 {
    fn new(value: u64) -> Self {
        AtomicU64::new(value)
    }
    fn load(&self, order: Ordering) -> u64 {
        AtomicU64::load(self, order)
    }
    fn fetch_add(&self, value: u64, order: Ordering) -> u64 {
        AtomicU64::fetch_add(self, value, order)
    }
    fn compare_exchange(
        &self,
        current: u64,
        new: u64,
        success: Ordering,
        failure: Ordering,
    ) -> Result<u64, u64> {
        AtomicU64::compare_exchange(self, current, new, success, failure)
    }
}

impl Lock for Mutex<u64> {
    fn new(value: u64) -> Self {
        Mutex::new(value)
    }
    fn lock(&self) -> impl DerefMut<Target = u64> + '_ {
        // No baker panics while holding the lock, so poison cannot happen;
        // if it did, the count inside would still be right.
        Mutex::lock(self).unwrap_or_else(PoisonError::into_inner)
    }
}

// ANCHOR: racy
/// Looks, then puts: two steps, each atomic, the pair not.
pub struct RacyBox<C = AtomicU64> {
    cakes: C,
    capacity: u64,
}

impl<C: Counter> RacyBox<C> {
    /// Puts one cake in if there is room, and says whether it did.
    pub fn put(&self) -> bool {
        let cakes = self.cakes.load(Relaxed); // is there room?
        if cakes < self.capacity {
            // Another baker may put a cake in right here.
            self.cakes.fetch_add(1, Relaxed); // put a cake in
            true
        } else {
            false
        }
    }
}
// ANCHOR_END: racy

impl<C: Counter> CakeBox for RacyBox<C> {
    fn put(&self) -> bool {
        RacyBox::put(self)
    }
    fn with_capacity(capacity: u64) -> Self {
        RacyBox {
            cakes: C::new(0),
            capacity,
        }
    }
    fn cakes(&self) -> u64 {
        self.cakes.load(Relaxed)
    }
    fn capacity(&self) -> u64 {
        self.capacity
    }
}

// ANCHOR: mutex
/// Looks and puts while holding one lock: no baker can come between.
pub struct MutexBox<L = Mutex<u64>> {
    cakes: L,
    capacity: u64,
}

impl<L: Lock> MutexBox<L> {
    /// Puts one cake in if there is room, and says whether it did.
    pub fn put(&self) -> bool {
        let mut cakes = self.cakes.lock();
        if *cakes < self.capacity {
            *cakes += 1;
            true
        } else {
            false
        }
    } // the lock is released here, after the cake is in
}
// ANCHOR_END: mutex

impl<L: Lock> CakeBox for MutexBox<L> {
    fn put(&self) -> bool {
        MutexBox::put(self)
    }
    fn with_capacity(capacity: u64) -> Self {
        MutexBox {
            cakes: L::new(0),
            capacity,
        }
    }
    fn cakes(&self) -> u64 {
        *self.cakes.lock()
    }
    fn capacity(&self) -> u64 {
        self.capacity
    }
}

// ANCHOR: cas
/// Puts a cake in only if the count is still the one it looked at; if
/// another baker got there first, looks again.
pub struct CasBox<C = AtomicU64> {
    cakes: C,
    capacity: u64,
}

impl<C: Counter> CasBox<C> {
    /// Puts one cake in if there is room, and says whether it did.
    pub fn put(&self) -> bool {
        let mut cakes = self.cakes.load(Relaxed);
        loop {
            if cakes >= self.capacity {
                return false;
            }
            match self
                .cakes
                .compare_exchange(cakes, cakes + 1, Relaxed, Relaxed)
            {
                Ok(_) => return true,
                Err(now) => cakes = now, // someone else was quicker: look again
            }
        }
    }
}
// ANCHOR_END: cas

impl<C: Counter> CakeBox for CasBox<C> {
    fn put(&self) -> bool {
        CasBox::put(self)
    }
    fn with_capacity(capacity: u64) -> Self {
        CasBox {
            cakes: C::new(0),
            capacity,
        }
    }
    fn cakes(&self) -> u64 {
        self.cakes.load(Relaxed)
    }
    fn capacity(&self) -> u64 {
        self.capacity
    }
}

// ANCHOR: bake
/// Starts `bakers` threads that each try `attempts` times to put a cake into
/// `cake_box`. They wait for one another before the first attempt, so that
/// they really bake at the same time. Returns how many cakes each baker put in.
pub fn bake<B: CakeBox>(cake_box: &B, bakers: usize, attempts: u64) -> Vec<u64> {
    let ready = AtomicUsize::new(0);
    thread::scope(|scope| {
        let bakers: Vec<_> = (0..bakers)
            .map(|_| {
                scope.spawn(|| {
                    ready.fetch_add(1, Relaxed);
                    while ready.load(Relaxed) < bakers {
                        thread::yield_now(); // until every baker is at the table
                    }
                    (0..attempts).filter(|_| cake_box.put()).count() as u64
                })
            })
            .collect();
        bakers
            .into_iter()
            .map(|baker| baker.join().expect("a baker does not panic"))
            .collect()
    })
}
// ANCHOR_END: bake

/// What many runs of one kind of box did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tally {
    /// Runs that ended with more cakes than the box holds.
    pub over_filled: u64,
    /// The most cakes any run ended with.
    pub most_cakes: u64,
}

// ANCHOR: runs
/// Fills a fresh box `runs` times: `bakers` bakers each try to fill it alone
/// (`capacity` attempts each), so together they always reach the top and
/// race for the last places. Counts the runs that over-filled the box.
pub fn fill_many<B: CakeBox>(runs: u64, bakers: usize, capacity: u64) -> Tally {
    let mut tally = Tally {
        over_filled: 0,
        most_cakes: 0,
    };
    for _ in 0..runs {
        let cake_box = B::with_capacity(capacity);
        bake(&cake_box, bakers, capacity);
        let cakes = cake_box.cakes();
        tally.over_filled += u64::from(cakes > capacity);
        tally.most_cakes = tally.most_cakes.max(cakes);
    }
    tally
}
// ANCHOR_END: runs
