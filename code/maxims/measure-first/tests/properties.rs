//! Every method counts the same hits, whatever the input and the number of
//! workers, and the count is the right one.

use std::collections::BTreeSet;

use maxims_measure_first::{
    Method, Problem, SplitMix64, hash_set, hash_set_threads, linear_scan, linear_scan_threads,
    sorted_binary_search,
};

fn all_methods() -> Vec<Method> {
    let mut methods = vec![
        Method::LinearScan,
        Method::SortedBinarySearch,
        Method::HashSet,
    ];
    for workers in [1, 2, 3, 4, 7, 16] {
        methods.push(Method::LinearScanThreads(workers));
        methods.push(Method::HashSetThreads(workers));
    }
    methods
}

#[test]
fn the_generator_is_deterministic_and_stays_below_its_bound() {
    let mut a = SplitMix64::new(42);
    let mut b = SplitMix64::new(42);
    let mut c = SplitMix64::new(43);
    let xs: Vec<u64> = (0..100).map(|_| a.next_u64()).collect();
    let ys: Vec<u64> = (0..100).map(|_| b.next_u64()).collect();
    let zs: Vec<u64> = (0..100).map(|_| c.next_u64()).collect();
    assert_eq!(xs, ys);
    assert_ne!(xs, zs);
    let mut d = SplitMix64::new(7);
    assert!((0..10_000).all(|_| d.below(13) < 13));
    let problem = Problem::generate(300, 500, 9);
    assert_eq!(problem.queries.len(), 300);
    assert_eq!(problem.items.len(), 500);
    assert!(
        problem
            .items
            .iter()
            .chain(&problem.queries)
            .all(|&x| x < 1_000)
    );
}

#[test]
fn a_small_example_counts_by_hand() {
    let items = [5, 3, 9, 3, 1];
    // 3 is found once per query even though the list holds it twice.
    let queries = [3, 4, 9, 9, 0, 1];
    assert_eq!(linear_scan(&items, &queries), 4);
    assert_eq!(sorted_binary_search(&items, &queries), 4);
    assert_eq!(hash_set(&items, &queries), 4);
    for workers in 1..=8 {
        assert_eq!(linear_scan_threads(&items, &queries, workers), 4);
        assert_eq!(hash_set_threads(&items, &queries, workers), 4);
    }
}

#[test]
fn every_method_agrees_with_the_linear_scan_on_seeded_inputs() {
    for seed in [1, 2, 3, 99, 12_345] {
        for (queries, items) in [(1, 1), (10, 3), (1_000, 2_000), (2_000, 500), (777, 1)] {
            let problem = Problem::generate(queries, items, seed);
            let expected = linear_scan(&problem.items, &problem.queries);
            for method in all_methods() {
                assert_eq!(
                    method.hits(&problem),
                    expected,
                    "{method:?}, seed {seed}, {queries} queries, {items} items"
                );
            }
        }
    }
}

#[test]
fn the_count_matches_an_independent_check() {
    // Count with a BTreeSet, a structure none of the methods uses.
    let problem = Problem::generate(3_000, 4_000, 5);
    let tree: BTreeSet<u64> = problem.items.iter().copied().collect();
    let expected = problem.queries.iter().filter(|q| tree.contains(q)).count();
    assert!(expected > 0 && expected < problem.queries.len());
    for method in all_methods() {
        assert_eq!(method.hits(&problem), expected, "{method:?}");
    }
}

#[test]
fn empty_inputs_find_nothing() {
    let empty: [u64; 0] = [];
    for workers in [1, 4] {
        assert_eq!(linear_scan_threads(&empty, &[1, 2], workers), 0);
        assert_eq!(linear_scan_threads(&[1, 2], &empty, workers), 0);
        assert_eq!(hash_set_threads(&empty, &empty, workers), 0);
    }
    assert_eq!(linear_scan(&empty, &[1]), 0);
    assert_eq!(sorted_binary_search(&empty, &[1]), 0);
    assert_eq!(hash_set(&[1], &empty), 0);
}

#[test]
fn more_workers_than_queries_still_count_every_query_once() {
    let problem = Problem::generate(5, 50, 8);
    let expected = linear_scan(&problem.items, &problem.queries);
    for workers in [5, 6, 100, 1_024] {
        assert_eq!(
            linear_scan_threads(&problem.items, &problem.queries, workers),
            expected
        );
        assert_eq!(
            hash_set_threads(&problem.items, &problem.queries, workers),
            expected
        );
    }
}
