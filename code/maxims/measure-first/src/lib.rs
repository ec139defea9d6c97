//! Measure first: a lookup problem where threads can only divide the time by
//! the number of cores, while a better data structure divides it by a number
//! that grows with the size of the problem. Every method answers the same
//! question, how many of the queries are among the items, and returns the
//! same count.
#![forbid(unsafe_code)]

use std::collections::HashSet;
use std::thread;

/// The largest number of workers the threaded scan accepts.
pub const MAX_WORKERS: usize = 1_024;

/// A tiny seeded pseudo-random generator (SplitMix64): the same seed gives the
/// same numbers on every machine, which is all the examples need.
#[derive(Clone, Debug)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        SplitMix64 { state: seed }
    }

    /// The next pseudo-random 64-bit number.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..bound` (`bound` > 0); the tiny bias of the modulo does
    /// not matter here.
    pub fn below(&mut self, bound: u64) -> u64 {
        self.next_u64() % bound
    }
}

/// The input: a list of items in no particular order, and the numbers to look
/// up in it.
#[derive(Clone, Debug)]
pub struct Problem {
    pub items: Vec<u64>,
    pub queries: Vec<u64>,
}

impl Problem {
    /// `items` and `queries` numbers drawn from `0..2 × items`, so that a bit
    /// more than a third of the queries are found and the rest are not.
    pub fn generate(queries: usize, items: usize, seed: u64) -> Self {
        let mut rng = SplitMix64::new(seed);
        let range = 2 * items.max(1) as u64;
        Problem {
            items: (0..items).map(|_| rng.below(range)).collect(),
            queries: (0..queries).map(|_| rng.below(range)).collect(),
        }
    }
}

// ANCHOR: linear_scan
/// For each query, walks the list until it finds the number or reaches the
/// end: N queries × M items comparisons when most queries miss.
pub fn linear_scan(items: &[u64], queries: &[u64]) -> usize {
    queries.iter().filter(|q| items.contains(q)).count()
}
// ANCHOR_END: linear_scan

// ANCHOR: linear_scan_threads
/// The same scan with the queries split into `workers` equal slices, one
/// thread each. Every thread still walks the whole list for every query.
pub fn linear_scan_threads(items: &[u64], queries: &[u64], workers: usize) -> usize {
    assert!((1..=MAX_WORKERS).contains(&workers));
    let slice = queries.len().div_ceil(workers).max(1);
    thread::scope(|scope| {
        let crew: Vec<_> = queries
            .chunks(slice)
            .map(|part| scope.spawn(|| linear_scan(items, part)))
            .collect();
        crew.into_iter()
            .map(|w| w.join().expect("a worker panicked"))
            .sum()
    })
}
// ANCHOR_END: linear_scan_threads

// ANCHOR: sorted_binary_search
/// Sorts a copy of the items once (M log M), then finds each query by halving
/// (log M per query).
pub fn sorted_binary_search(items: &[u64], queries: &[u64]) -> usize {
    let mut sorted = items.to_vec();
    sorted.sort_unstable();
    queries
        .iter()
        .filter(|q| sorted.binary_search(q).is_ok())
        .count()
}
// ANCHOR_END: sorted_binary_search

// ANCHOR: hash_set
/// Puts the items in a hash set once (M inserts), then answers each query
/// with one hash and, usually, one comparison.
pub fn hash_set(items: &[u64], queries: &[u64]) -> usize {
    let set: HashSet<u64> = items.iter().copied().collect();
    queries.iter().filter(|q| set.contains(q)).count()
}
// ANCHOR_END: hash_set

// ANCHOR: hash_set_threads
/// Threads on top of the good data structure: one thread builds the set,
/// then `workers` threads share it (read-only) to answer slices of the
/// queries. Only the lookups are split; the build stays sequential.
pub fn hash_set_threads(items: &[u64], queries: &[u64], workers: usize) -> usize {
    assert!((1..=MAX_WORKERS).contains(&workers));
    let set: HashSet<u64> = items.iter().copied().collect();
    let slice = queries.len().div_ceil(workers).max(1);
    thread::scope(|scope| {
        let crew: Vec<_> = queries
            .chunks(slice)
            .map(|part| scope.spawn(|| part.iter().filter(|q| set.contains(q)).count()))
            .collect();
        crew.into_iter()
            .map(|w| w.join().expect("a worker panicked"))
            .sum()
    })
}
// ANCHOR_END: hash_set_threads

/// One way of answering the question, for tables and command lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    LinearScan,
    LinearScanThreads(usize),
    SortedBinarySearch,
    HashSet,
    HashSetThreads(usize),
}

impl Method {
    /// The name the benchmarks and the command line use.
    pub fn name(self) -> &'static str {
        match self {
            Method::LinearScan => "linear-scan",
            Method::LinearScanThreads(_) => "linear-scan-threads",
            Method::SortedBinarySearch => "sorted-binary-search",
            Method::HashSet => "hash-set",
            Method::HashSetThreads(_) => "hash-set-threads",
        }
    }

    /// How many threads do the lookups.
    pub fn workers(self) -> usize {
        match self {
            Method::LinearScanThreads(w) | Method::HashSetThreads(w) => w,
            _ => 1,
        }
    }

    /// Counts the queries found among the items.
    pub fn hits(self, problem: &Problem) -> usize {
        let (items, queries) = (&problem.items[..], &problem.queries[..]);
        match self {
            Method::LinearScan => linear_scan(items, queries),
            Method::LinearScanThreads(w) => linear_scan_threads(items, queries, w),
            Method::SortedBinarySearch => sorted_binary_search(items, queries),
            Method::HashSet => hash_set(items, queries),
            Method::HashSetThreads(w) => hash_set_threads(items, queries, w),
        }
    }
}
