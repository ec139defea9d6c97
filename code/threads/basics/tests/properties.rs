use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;

use threads_basics::{
    CONFIG_BUILDS, TABLE_BUILDS, join_a_panicking_thread, named_with_stack,
    parking_lot_mutex_after_a_panic, race_for_init, scope_with_a_panicking_thread,
    std_mutex_after_a_panic, sum_scoped, sum_spawned,
};

#[test]
fn spawned_and_scoped_sums_agree_with_the_formula() {
    for (n, parts) in [
        (0u64, 3),
        (1, 1),
        (10, 3),
        (1_000, 7),
        (100_000, 8),
        (5, 16),
    ] {
        let numbers: Vec<u64> = (1..=n).collect();
        let expected = n * (n + 1) / 2;
        assert_eq!(
            sum_scoped(&numbers, parts),
            expected,
            "scoped {n} / {parts}"
        );
        assert_eq!(
            sum_spawned(Arc::new(numbers), parts),
            expected,
            "spawned {n} / {parts}"
        );
    }
}

#[test]
fn a_thread_knows_its_name_and_uses_its_stack() {
    let (name, depth) = named_with_stack("checker", 64 * 1024, 100);
    assert_eq!(name.as_deref(), Some("checker"));
    assert_eq!(depth, 100);
}

/// `join` hands back the payload of the panic, and only the panicking
/// thread ended: this test's thread runs on to check it.
#[test]
fn join_returns_the_panic_payload() {
    assert_eq!(join_a_panicking_thread("boom"), Err("boom".to_owned()));
    let message = scope_with_a_panicking_thread();
    assert!(message.contains("panicked"), "{message}");
}

/// Sixteen threads released together by a barrier all ask for the same
/// lazily built values: each initialiser runs exactly once, and everyone
/// sees the one value it built. (This is the only test in this binary that
/// touches the statics, so the counts are this test's alone.)
#[test]
fn once_lock_and_lazy_lock_initialise_exactly_once() {
    for _ in 0..3 {
        let seen = race_for_init(16);
        assert_eq!(seen.len(), 16);
        let addresses: BTreeSet<usize> = seen.iter().map(|&(a, _)| a).collect();
        assert_eq!(addresses.len(), 1, "one config value for everyone");
        let expected: u64 = (0..1_000u64).map(|i| i * i).sum();
        assert!(seen.iter().all(|&(_, sum)| sum == expected));
    }
    assert_eq!(CONFIG_BUILDS.load(Relaxed), 1);
    assert_eq!(TABLE_BUILDS.load(Relaxed), 1);
}

/// A panic while a std Mutex is held poisons it, and the update made before
/// the panic is still there for whoever looks; parking_lot's Mutex does not
/// poison.
#[test]
fn a_panic_poisons_a_std_mutex_but_not_a_parking_lot_one() {
    assert_eq!(std_mutex_after_a_panic(), (true, 1));
    assert_eq!(parking_lot_mutex_after_a_panic(), 1);
}
