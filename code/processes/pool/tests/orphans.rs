//! No process outlives its pool. Alone in its own test program, so that the
//! only children this process can have are the ones this test starts.

use std::time::Duration;

use processes_pool::{
    children_left, children_of, pool_map, procspawn_spawn_join, square_unless_13,
};
use procspawn::Pool;

procspawn::enable_test_support!();

#[test]
fn no_child_process_is_left_after_the_pool_is_dropped() {
    let me = std::process::id();
    for _ in 0..3 {
        let pool = Pool::new(3).unwrap();
        // The pool's workers are our children while it lives.
        assert_eq!(children_of(me).len(), 3, "{:?}", children_of(me));
        // A panicking task makes the pool replace a worker.
        let results = pool_map(&pool, 11..=15u64, square_unless_13);
        assert_eq!(results.iter().filter(|r| r.is_err()).count(), 1);
        drop(pool);
        // Dropping the pool kills and reaps its workers; a replacement being
        // started right then is reaped by its monitor thread soon after.
        let left = children_left(Duration::from_secs(10));
        assert!(left.is_empty(), "children left behind: {left:?}");
    }
    // A single procspawn process is waited for by join.
    assert_eq!(procspawn_spawn_join().unwrap(), 7);
    let left = children_left(Duration::from_secs(10));
    assert!(left.is_empty(), "children left behind: {left:?}");
}
