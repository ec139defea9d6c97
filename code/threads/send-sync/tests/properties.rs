use threads_send_sync::{arc_to_thread, lock_in_each_thread, mutex_shared, sum_moved, sum_scoped};

#[test]
fn arc_shares_one_vector_between_threads() {
    assert_eq!(arc_to_thread(vec!["a", "b", "c"]), (3, 3));
}

/// Every writer's line is in the log exactly once, and the lock-per-thread
/// total counts every thread: nothing lost, nothing doubled.
#[test]
fn the_shared_log_and_total_miss_nothing() {
    for writers in [1, 2, 8, 32] {
        let lines = mutex_shared(writers);
        let mut expected: Vec<String> = (0..writers).map(|i| format!("from thread {i}")).collect();
        expected.sort();
        assert_eq!(lines, expected);
        assert_eq!(lock_in_each_thread(writers), writers as u64);
    }
}

#[test]
fn moved_and_scoped_sums_agree() {
    let scores = vec![3, 1, 4, 1, 5, 9, 2, 6];
    assert_eq!(sum_scoped(&scores), 31);
    assert_eq!(sum_moved(scores), 31);
}
