//! loom runs a test body once for every way its threads can interleave (and
//! every value a relaxed load may legally return). loom needs its own atomics
//! and locks, so these tests plug loom's types into the boxes through the
//! `Counter` and `Lock` traits: the `put` checked here is the library's own.
use std::ops::DerefMut;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::Ordering;

use loom::sync::Arc;
use loom::sync::atomic::AtomicU64;
use maxims_cake_box::{CakeBox, CasBox, Counter, Lock, MutexBox, RacyBox};

struct LoomCounter(AtomicU64);

impl Counter for LoomCounter {
    fn new(value: u64) -> Self {
        LoomCounter(AtomicU64::new(value))
    }
    fn load(&self, order: Ordering) -> u64 {
        self.0.load(order)
    }
    fn fetch_add(&self, value: u64, order: Ordering) -> u64 {
        self.0.fetch_add(value, order)
    }
    fn compare_exchange(
        &self,
        current: u64,
        new: u64,
        success: Ordering,
        failure: Ordering,
    ) -> Result<u64, u64> {
        self.0.compare_exchange(current, new, success, failure)
    }
}

struct LoomMutex(loom::sync::Mutex<u64>);

impl Lock for LoomMutex {
    fn new(value: u64) -> Self {
        LoomMutex(loom::sync::Mutex::new(value))
    }
    fn lock(&self) -> impl DerefMut<Target = u64> + '_ {
        self.0.lock().unwrap()
    }
}

// ANCHOR: loom-model-property
/// One interleaving: two bakers, each trying `attempts` times to put a cake
/// into a box for `capacity`. Returns the cakes in the box and the cakes the
/// bakers say they put in.
fn two_bakers<B: CakeBox + Send + 'static>(capacity: u64, attempts: u64) -> (u64, u64) {
    let cake_box = Arc::new(B::with_capacity(capacity));
    let bakers: Vec<_> = (0..2)
        .map(|_| {
            let cake_box = Arc::clone(&cake_box);
            loom::thread::spawn(move || (0..attempts).filter(|_| cake_box.put()).count() as u64)
        })
        .collect();
    let put = bakers.into_iter().map(|b| b.join().unwrap()).sum();
    (cake_box.cakes(), put)
}

/// The property every interleaving must have.
fn never_over_filled<B: CakeBox + Send + 'static>(capacity: u64, attempts: u64) {
    let (cakes, put) = two_bakers::<B>(capacity, attempts);
    assert!(
        cakes <= capacity,
        "smashed cakes: {cakes} in a box for {capacity}"
    );
    assert_eq!(
        cakes,
        (2 * attempts).min(capacity),
        "the box is as full as it can be"
    );
    assert_eq!(put, cakes, "every cake a baker put in is in the box");
}
// ANCHOR_END: loom-model-property

// ANCHOR: loom-model-racy
#[test]
fn loom_finds_the_racy_box_over_filled() {
    let found = catch_unwind(AssertUnwindSafe(|| {
        loom::model(|| never_over_filled::<RacyBox<LoomCounter>>(1, 1));
    }));
    // It must fail, and fail on the over-fill: any other panic (a box left
    // emptier than it should be, loom giving up) would be a different bug.
    let panic = found.expect_err("loom must find the interleaving that over-fills the box");
    let message = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or_default();
    assert!(
        message.contains("smashed cakes: 2 in a box for 1"),
        "loom failed for another reason: {message}"
    );
}
// ANCHOR_END: loom-model-racy

// ANCHOR: loom-fixed
#[test]
fn loom_accepts_every_interleaving_of_the_mutex_box() {
    for (capacity, attempts) in [(1, 1), (1, 2), (2, 1), (2, 2), (3, 2)] {
        loom::model(move || never_over_filled::<MutexBox<LoomMutex>>(capacity, attempts));
    }
}

#[test]
fn loom_accepts_every_interleaving_of_the_compare_exchange_box() {
    for (capacity, attempts) in [(1, 1), (1, 2), (2, 1), (2, 2), (3, 2)] {
        loom::model(move || never_over_filled::<CasBox<LoomCounter>>(capacity, attempts));
    }
}
// ANCHOR_END: loom-fixed

#[test]
fn the_racy_box_works_in_some_interleavings_and_over_fills_in_others() {
    // Count the interleavings instead of failing on the first bad one. The
    // counters are std atomics: loom does not look at them.
    use std::sync::atomic::AtomicU64 as Tally;
    let explored = std::sync::Arc::new(Tally::new(0));
    let over_filled = std::sync::Arc::new(Tally::new(0));
    let (e, o) = (explored.clone(), over_filled.clone());
    loom::model(move || {
        let (cakes, put) = two_bakers::<RacyBox<LoomCounter>>(1, 1);
        assert!(cakes <= 2, "each extra baker smashes at most one cake");
        assert_eq!(put, cakes, "no cake is lost, some are smashed");
        e.fetch_add(1, Ordering::Relaxed);
        o.fetch_add(u64::from(cakes > 1), Ordering::Relaxed);
    });
    let (explored, over_filled) = (
        explored.load(Ordering::Relaxed),
        over_filled.load(Ordering::Relaxed),
    );
    assert!(over_filled > 0, "some interleaving over-fills");
    assert!(over_filled < explored, "and some do not: it usually works");
}
