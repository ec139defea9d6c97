//! Pool.map's promises: the same answers as a plain loop, in the same order,
//! and a task that panics is an error in its own place, not a crash.

use processes_pool::{
    pool_map, pool_map_chunked, rayon_map, sequential_map, square_unless_13, tasks, work,
    work_batch,
};
use procspawn::Pool;

// A worker process is this test program started again; this macro adds the
// entry point procspawn uses to run a task in it.
procspawn::enable_test_support!();

#[test]
fn pool_map_gives_the_loops_results_in_the_loops_order() {
    for workers in [1, 2, 3] {
        let pool = Pool::new(workers).unwrap();
        // More items than the window of tasks in flight (4 per worker), with
        // answers that differ by seed, so a result in the wrong place shows.
        for count in [0, 1, 5, 37] {
            let items = tasks(count, 2_000);
            let expected = sequential_map(items.clone(), work);
            let got: Vec<u64> = pool_map(&pool, items.clone(), work)
                .into_iter()
                .map(|r| r.expect("no task fails"))
                .collect();
            assert_eq!(got, expected, "{workers} workers, {count} items");
            assert_eq!(rayon_map(items, work), expected);
        }
    }
}

#[test]
fn chunked_map_gives_the_same_results_for_every_chunk_count() {
    let pool = Pool::new(2).unwrap();
    let items = tasks(23, 1_000);
    let expected = sequential_map(items.clone(), work);
    for chunks in [1, 2, 3, 7, 23, 100] {
        let got = pool_map_chunked(&pool, items.clone(), chunks, work_batch).unwrap();
        assert_eq!(got, expected, "{chunks} chunks");
    }
    assert_eq!(
        pool_map_chunked(&pool, Vec::new(), 3, work_batch).unwrap(),
        Vec::<u64>::new()
    );
}

#[test]
fn a_panicking_task_is_an_error_in_its_place_and_the_pool_carries_on() {
    let pool = Pool::new(2).unwrap();
    let results = pool_map(&pool, 10..=16u64, square_unless_13);
    assert_eq!(results.len(), 7);
    for (n, result) in (10..=16u64).zip(&results) {
        if n == 13 {
            // procspawn may report the panic with its message, or only that
            // the worker went away: either way it is this task's error.
            let err = result.as_ref().expect_err("13 panics");
            if let Some(panic) = err.panic_info() {
                assert!(panic.message().contains("refuses"), "{panic:?}");
            }
        } else {
            assert_eq!(*result.as_ref().unwrap(), n * n);
        }
    }
    // The parent carries on, and so does the pool: the next map succeeds.
    // (That the dead worker was replaced is checked in tests/orphans.rs,
    // where no other test's processes can be counted by mistake.)
    let again: Vec<u64> = pool_map(&pool, [2u64, 3, 4], square_unless_13)
        .into_iter()
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(again, [4, 9, 16]);
}

#[test]
fn several_panics_in_one_map_each_stay_in_their_place() {
    let pool = Pool::new(2).unwrap();
    let items = [13u64, 1, 13, 2, 13];
    let results = pool_map(&pool, items, square_unless_13);
    let ok: Vec<Option<u64>> = results.into_iter().map(Result::ok).collect();
    assert_eq!(ok, [None, Some(1), None, Some(4), None]);
}
