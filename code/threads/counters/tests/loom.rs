//! loom runs a test body once for every way its threads can interleave. The
//! counting loops here are the library's own, with loom's atomic plugged in
//! through the `Counter` trait.
use std::sync::atomic::Ordering::Relaxed;

use loom::sync::Arc;
use loom::sync::atomic::AtomicU64;
use threads_counters::{Counter, add_atomic, add_racy};

struct LoomCounter(AtomicU64);

impl Counter for LoomCounter {
    fn load(&self) -> u64 {
        self.0.load(Relaxed)
    }
    fn store(&self, value: u64) {
        self.0.store(value, Relaxed)
    }
    fn fetch_add(&self, value: u64) {
        self.0.fetch_add(value, Relaxed);
    }
}

// ANCHOR: model
/// Two threads each add `k` with `add`; returns the final count.
fn two_threads(add: fn(&LoomCounter, u64), k: u64) -> u64 {
    let count = Arc::new(LoomCounter(AtomicU64::new(0)));
    let other = {
        let count = Arc::clone(&count);
        loom::thread::spawn(move || add(&count, k))
    };
    add(&count, k);
    other.join().unwrap();
    count.load()
}

#[test]
fn loom_finds_the_racy_counter_losing_an_update() {
    // Tally the interleavings instead of failing on the first bad one. The
    // tallies are std atomics, which loom does not look at.
    use std::sync::atomic::AtomicU64 as Tally;
    let (explored, lost) = (
        std::sync::Arc::new(Tally::new(0)),
        std::sync::Arc::new(Tally::new(0)),
    );
    let (e, l) = (explored.clone(), lost.clone());
    loom::model(move || {
        let total = two_threads(add_racy::<LoomCounter>, 1);
        assert!(
            (1..=2).contains(&total),
            "one +1 can be lost, never more, never invented"
        );
        e.fetch_add(1, Relaxed);
        l.fetch_add(u64::from(total < 2), Relaxed);
    });
    let (explored, lost) = (explored.load(Relaxed), lost.load(Relaxed));
    assert!(lost > 0, "some interleaving loses an update");
    assert!(lost < explored, "and some do not: it usually works");
}

#[test]
fn loom_accepts_every_interleaving_of_fetch_add() {
    loom::model(|| assert_eq!(two_threads(add_atomic::<LoomCounter>, 2), 4));
}
// ANCHOR_END: model
