//! No process outlives its pool. Alone in its own test program, so that the
//! only children this process can have are the ones this test starts.

use std::time::{Duration, Instant};

use processes_pool::{pool_map, procspawn_spawn_join, square_unless_13};
use procspawn::Pool;
use support_kit::testing::{children_left, children_of};

procspawn::enable_test_support!();

#[test]
fn no_child_process_is_left_after_the_pool_is_dropped() {
    let me = std::process::id();
    for _ in 0..3 {
        let pool = Pool::new(3).unwrap();
        // The pool's workers are our children while it lives.
        let before = children_of(me);
        assert_eq!(before.len(), 3, "{before:?}");
        // A panicking task kills its worker, and the pool replaces it: soon
        // there are three workers again, and one of them is new.
        let results = pool_map(&pool, 11..=15u64, square_unless_13);
        assert_eq!(results.iter().filter(|r| r.is_err()).count(), 1);
        let deadline = Instant::now() + Duration::from_secs(10);
        let replaced = loop {
            let now = children_of(me);
            let new = now.iter().filter(|pid| !before.contains(pid)).count();
            if (now.len() == 3 && new == 1) || Instant::now() > deadline {
                break now;
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let new = replaced.iter().filter(|pid| !before.contains(pid)).count();
        assert_eq!(
            (replaced.len(), new),
            (3, 1),
            "before {before:?}, after {replaced:?}"
        );
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
