//! Each trap, reproduced, and its fix, shown to hold on every pool.

use std::sync::Mutex;
use std::time::Duration;

use rayon_pitfalls::{
    FromAsync, TWO_BATCHES_TOTAL, Verdict, difference_balanced, difference_fixed,
    difference_parallel, difference_sequential, float_sum_fixed, heartbeats_during, mixed_floats,
    pool, squares_with_log, sum_of_squares, sum_of_squares_cutoff, sum_of_squares_parallel,
    two_batches, watch,
};
use support_kit::testing::{assert_no_children, one_at_a_time, within};

fn binary() -> &'static std::path::Path {
    std::path::Path::new(env!("CARGO_BIN_EXE_rayon-pitfalls"))
}

#[test]
fn holding_the_lock_across_the_nested_sum_deadlocks_and_the_watchdog_says_so() {
    let _serial = one_at_a_time();
    for _ in 0..3 {
        let verdict = watch(
            binary(),
            &["nested-lock", "--hold-lock"],
            Duration::from_secs(2),
        );
        assert_eq!(verdict.unwrap(), Verdict::Deadlocked);
    }
    assert_no_children();
}

#[test]
fn summing_before_locking_finishes_with_the_right_total() {
    let _serial = one_at_a_time();
    for _ in 0..3 {
        let verdict = watch(binary(), &["nested-lock"], Duration::from_secs(60)).unwrap();
        assert_eq!(verdict, Verdict::Finished(format!("{TWO_BATCHES_TOTAL}\n")));
    }
    assert_no_children();
    // And in this process, under a deadline instead of a watchdog.
    for _ in 0..20 {
        assert_eq!(
            within(Duration::from_secs(60), || two_batches(false)),
            TWO_BATCHES_TOTAL
        );
    }
}

#[test]
fn the_watchdog_reports_a_failed_child() {
    let _serial = one_at_a_time();
    let verdict = watch(binary(), &["--runs", "0"], Duration::from_secs(60)).unwrap();
    assert!(matches!(verdict, Verdict::Failed(_)), "{verdict:?}");
    assert_no_children();
}

#[test]
fn subtraction_in_a_reduce_depends_on_the_split_and_the_fix_does_not() {
    let xs: Vec<i64> = (1..=1_000).collect();
    let sequential = difference_sequential(&xs);
    assert_eq!(sequential, -500_500);
    // Cut at every midpoint, the subtraction gives another answer every time.
    for threads in [1, 2, 4] {
        let balanced = pool(threads).install(|| difference_balanced(&xs));
        assert_ne!(balanced, sequential);
        assert_eq!(
            balanced,
            difference_balanced(&xs),
            "the same cuts, the same answer"
        );
    }
    // [1, 2, 3, 4] cut into single items: (0-1 - (0-2)) - ((0-3) - (0-4)) = 1 - 1 = 0.
    assert_eq!(difference_balanced(&[1, 2, 3, 4]), 0);
    assert_eq!(difference_sequential(&[1, 2, 3, 4]), -10);
    // The fix agrees with the sequential fold on every pool, every run.
    for threads in [1, 2, 3, 8] {
        let pool = pool(threads);
        for _ in 0..10 {
            assert_eq!(pool.install(|| difference_fixed(&xs)), sequential);
        }
    }
    // One item: no cut, no difference.
    assert_eq!(difference_parallel(&[5]), -5);
}

#[test]
fn float_addition_depends_on_the_order_and_fixed_blocks_do_not() {
    // 1e16 + 1 rounds back to 1e16, so the order decides what survives.
    let xs = [1e16, 1.0, -1e16, 1.0];
    let sequential: f64 = xs.iter().sum();
    let paired = (xs[0] + xs[1]) + (xs[2] + xs[3]);
    assert_eq!(sequential, 1.0);
    assert_eq!(paired, 0.0);
    // Fixed blocks give the same bits on every pool and every run.
    let floats = mixed_floats(200_000, 3);
    let reference = float_sum_fixed(&floats).to_bits();
    for threads in [1, 2, 3, 8] {
        let pool = pool(threads);
        for _ in 0..5 {
            assert_eq!(
                pool.install(|| float_sum_fixed(&floats)).to_bits(),
                reference
            );
        }
    }
}

#[test]
fn side_effects_in_map_happen_once_each_in_some_order_and_collect_keeps_the_order() {
    let xs: Vec<u64> = (0..50_000).collect();
    for threads in [1, 2, 4] {
        let log = Mutex::new(Vec::new());
        let squares = pool(threads).install(|| squares_with_log(&xs, &log));
        let expected: Vec<u64> = xs.iter().map(|x| x * x).collect();
        assert_eq!(squares, expected);
        // Every legal interleaving is a permutation of the input: sort it.
        let mut log = log.into_inner().unwrap();
        log.sort_unstable();
        assert_eq!(log, xs);
    }
}

#[test]
fn the_three_sums_of_squares_agree_at_every_size() {
    for n in [0, 1, 99, 100_000, 250_001] {
        let xs: Vec<u64> = (0..n).map(|i| i * 2_654_435_761).collect();
        let expected = sum_of_squares(&xs);
        assert_eq!(sum_of_squares_parallel(&xs), expected, "{n}");
        assert_eq!(sum_of_squares_cutoff(&xs), expected, "{n}");
    }
}

#[test]
fn rayon_called_directly_starves_the_runtime_and_the_fixes_do_not() {
    // Directly: the runtime's only thread is inside rayon, so no heartbeat
    // can happen however long the work waits for one.
    assert_eq!(
        heartbeats_during(FromAsync::Direct, Duration::from_millis(100)),
        0
    );
    // Moved off the runtime's thread, the heart beats while rayon works; the
    // work returns once it has seen three beats (the patience is only a
    // bound for a machine that stalls).
    for how in [FromAsync::SpawnBlocking, FromAsync::RayonSpawn] {
        for _ in 0..5 {
            assert!(
                heartbeats_during(how, Duration::from_secs(30)) >= 3,
                "{how:?}"
            );
        }
    }
}
