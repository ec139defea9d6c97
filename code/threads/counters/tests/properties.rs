use threads_counters::{Way, racy, racy_losses};

/// The four fixed ways count exactly N·K, for one thread and for several.
/// The loops are long enough (milliseconds) that the threads overlap even on
/// a busy machine, so that a way that could lose updates would be seen to;
/// with short loops, each thread can finish before the next is scheduled.
#[test]
fn the_fixed_ways_count_exactly_n_times_k() {
    for way in [
        Way::Mutex,
        Way::Atomic,
        Way::ShardedPacked,
        Way::ShardedPadded,
    ] {
        for (threads, k) in [
            (1, 1_000),
            (2, 2_000_000),
            (2, 2_000_000),
            (4, 500_000),
            (8, 3_000),
        ] {
            assert_eq!(
                way.count(threads, k),
                threads as u64 * k,
                "{} with {threads} × {k}",
                way.name()
            );
        }
    }
}

/// The racy way can lose updates but can never invent one: every store
/// writes one more than a value some earlier store wrote, so the count is at
/// most N·K. That, and exactness with one thread, is all that is certain.
#[test]
fn the_racy_way_never_counts_more_than_n_times_k() {
    for (threads, k) in [(2, 100_000), (4, 20_000)] {
        for _ in 0..5 {
            assert!(racy(threads, k) <= threads as u64 * k);
        }
    }
    assert_eq!(racy(1, 100_000), 100_000, "alone, a thread loses nothing");
}

#[test]
fn the_tally_adds_up() {
    let losses = racy_losses(10, 2, 10_000);
    assert_eq!(losses.runs, 10);
    assert!(losses.runs_that_lost <= losses.runs);
    assert!(losses.most_lost <= losses.total_lost);
    assert!(losses.total_lost <= 10 * 20_000);
}
