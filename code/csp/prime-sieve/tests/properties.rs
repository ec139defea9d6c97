use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use csp_prime_sieve::{ChainRun, daisy_chain, messages_needed, sequential_sieve};

const FIRST_TEN: [u64; 10] = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29];

/// Runs the chain on another thread and fails (instead of hanging) if it has
/// not ended, every thread joined, after two minutes: a hang is a bug.
fn chain_or_fail(count: usize, capacity: usize) -> ChainRun {
    let (done, outcome) = mpsc::channel();
    thread::spawn(move || done.send(daisy_chain(count, capacity).unwrap()).unwrap());
    outcome
        .recv_timeout(Duration::from_secs(120))
        .unwrap_or_else(|_| panic!("{count} primes, capacity {capacity}: the chain did not end"))
}

#[test]
fn both_sieves_find_the_first_ten_primes() {
    assert_eq!(sequential_sieve(10), FIRST_TEN);
    for capacity in [0, 1, 16] {
        assert_eq!(chain_or_fail(10, capacity).primes, FIRST_TEN, "{capacity}");
    }
}

#[test]
fn the_sieves_agree_on_the_first_500_primes() {
    let sieve = sequential_sieve(500);
    assert_eq!(sieve.len(), 500);
    assert_eq!(sieve[499], 3_571);
    let chain = chain_or_fail(500, 0);
    assert_eq!(chain.primes, sieve);
}

#[test]
fn the_sequential_sieve_is_right_for_every_count() {
    // Against trial division, for every count up to 300 (the bound on the
    // sieve's size changes formula at 6).
    let mut primes: Vec<u64> = Vec::new();
    let mut n = 2u64;
    while primes.len() < 300 {
        if primes.iter().all(|&p| !n.is_multiple_of(p)) {
            primes.push(n);
        }
        n += 1;
    }
    for count in 0..=300 {
        assert_eq!(sequential_sieve(count), primes[..count], "{count}");
    }
}

#[test]
fn every_thread_of_the_chain_ends_and_is_counted() {
    for capacity in [0, 1, 16] {
        for count in [0, 1, 2, 50, 100] {
            let chain = chain_or_fail(count, capacity);
            assert_eq!(chain.primes, sequential_sieve(count));
            // The generator, and a filter for every prime but the last.
            assert_eq!(chain.threads, count.max(1));
            assert!(chain.messages >= messages_needed(&chain.primes));
        }
    }
}

#[test]
fn messages_needed_counts_the_channels_each_number_crosses() {
    // 2 crosses 1 channel, 3 crosses 2, 4 is dropped by the filter for 2
    // after 1, and 5 crosses 3: 7 in all.
    assert_eq!(messages_needed(&[2, 3, 5]), 7);
    assert_eq!(messages_needed(&[]), 0);
    assert_eq!(messages_needed(&[2]), 1);
}
