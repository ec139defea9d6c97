//! The same code on real threads: the fixed versions give the exact answer; the broken counter can lose
//! increments but never invent one. (The broken transfer can hang, so it is not run here: part of the
//! chapter's stress tests run it under a watchdog.)

use std::time::Duration;
use testing_shuttle::{OPENING_BALANCE, Version, real};

#[test]
fn fixed_transfers_finish_with_exact_balances() {
    let balances = support_kit::testing::within(Duration::from_secs(60), || {
        real::transfers(Version::Fixed, 20_000)
    });
    assert_eq!(
        balances,
        [OPENING_BALANCE + 20_000, OPENING_BALANCE - 20_000]
    );
}

#[test]
fn the_fixed_counter_counts_every_increment() {
    for threads in [1, 2, 4] {
        assert_eq!(
            real::count(Version::Fixed, threads, 10_000),
            threads as u64 * 10_000
        );
    }
}

#[test]
fn the_broken_counter_never_counts_more_than_it_was_told() {
    for threads in [1, 2, 4] {
        let total = real::count(Version::Broken, threads, 10_000);
        assert!(
            total <= threads as u64 * 10_000,
            "{threads} threads counted {total}"
        );
        // The last write stores a value read plus one, so at least one increment survives.
        assert!(total >= 1, "{threads} threads counted nothing");
    }
}

#[test]
fn one_thread_cannot_lose_an_update() {
    assert_eq!(real::count(Version::Broken, 1, 10_000), 10_000);
}

#[test]
fn the_fixed_filler_never_shows_a_half_filled_table() {
    for _ in 0..200 {
        if let Some(filled) = real::fill_and_peek(Version::Fixed, 10) {
            assert_eq!(filled, 10);
        }
    }
}
