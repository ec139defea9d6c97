//! The fixed ring on real threads: every item arrives, once, in order.

use testing_loom::{Orders, transfer};

#[test]
fn every_item_arrives_once_and_in_order() {
    for capacity in [1, 2, 8] {
        let received = transfer(capacity, 20_000, Orders::ReleaseAcquire);
        let expected: Vec<u64> = (1..=20_000).collect();
        assert_eq!(received, expected, "capacity {capacity}");
    }
}

#[test]
#[should_panic(expected = "a ring needs a slot")]
fn a_ring_without_slots_is_refused() {
    let _ = testing_loom::ring::<std::sync::atomic::AtomicU64>(0, Orders::ReleaseAcquire);
}
