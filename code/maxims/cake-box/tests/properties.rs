use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use maxims_cake_box::{CakeBox, CasBox, MutexBox, RacyBox, bake, fill_many};

/// Every legal outcome of a fixed box: never over capacity, full as soon as
/// the attempts allow it, and the bakers' own counts add up to the box.
fn fills_exactly<B: CakeBox>() {
    for (bakers, attempts, capacity) in
        [(1, 10, 5), (2, 1_000, 1_500), (4, 500, 100), (8, 50, 1_000)]
    {
        let cake_box = B::with_capacity(capacity);
        let put: u64 = bake(&cake_box, bakers, attempts).iter().sum();
        let expected = (bakers as u64 * attempts).min(capacity);
        assert_eq!(
            cake_box.cakes(),
            expected,
            "{bakers} bakers × {attempts} into {capacity}"
        );
        assert_eq!(put, expected);
    }
}

#[test]
fn the_mutex_box_is_never_over_filled() {
    fills_exactly::<MutexBox>();
    assert_eq!(fill_many::<MutexBox>(50, 2, 20).over_filled, 0);
}

#[test]
fn the_compare_exchange_box_is_never_over_filled() {
    fills_exactly::<CasBox>();
    assert_eq!(fill_many::<CasBox>(50, 2, 20).over_filled, 0);
}

#[test]
fn one_baker_alone_fills_even_the_racy_box_exactly() {
    // With nobody to come between the check and the act, the racy box works.
    for (attempts, capacity) in [(10, 5), (5, 10), (1_000, 1_000)] {
        let cake_box = <RacyBox>::with_capacity(capacity);
        let put: u64 = bake(&cake_box, 1, attempts).iter().sum();
        assert_eq!(cake_box.cakes(), attempts.min(capacity));
        assert_eq!(put, cake_box.cakes());
    }
}

#[test]
fn the_racy_box_is_full_and_each_extra_baker_smashes_at_most_one_cake() {
    // What holds in every interleaving: the box ends full, and a baker can
    // over-fill only once (after its own put it sees the box as full).
    for bakers in [2, 3, 8] {
        for _ in 0..20 {
            let capacity = 50;
            let cake_box = <RacyBox>::with_capacity(capacity);
            let put: u64 = bake(&cake_box, bakers, capacity).iter().sum();
            let cakes = cake_box.cakes();
            assert!(cakes >= capacity, "{cakes}");
            assert!(cakes < capacity + bakers as u64, "{cakes}");
            assert_eq!(put, cakes, "every put went in: none lost");
        }
    }
}

/// A box that never checks: every put goes in. Over-fills on every run, with
/// any number of bakers, so it tests the tally rather than a race.
struct Bottomless(AtomicU64, u64);

impl CakeBox for Bottomless {
    fn with_capacity(capacity: u64) -> Self {
        Bottomless(AtomicU64::new(0), capacity)
    }
    fn put(&self) -> bool {
        self.0.fetch_add(1, Relaxed);
        true
    }
    fn cakes(&self) -> u64 {
        self.0.load(Relaxed)
    }
    fn capacity(&self) -> u64 {
        self.1
    }
}

#[test]
fn a_tally_counts_every_over_filled_run_and_the_most_cakes() {
    // The fixed boxes' tallies of 0 would also come from a tally that never
    // counts; a box that always over-fills shows that it does.
    let tally = fill_many::<Bottomless>(10, 3, 7);
    assert_eq!(tally.over_filled, 10);
    assert_eq!(tally.most_cakes, 3 * 7);
    let tally = fill_many::<MutexBox>(10, 3, 7);
    assert_eq!(tally.over_filled, 0);
    assert_eq!(tally.most_cakes, 7);
}
