//! The concurrent prime sieve: a generator thread sends 2, 3, 4, … down a
//! chain of filter threads, one per prime found so far, each dropping the
//! multiples of its prime. The first number out of the chain is always the next
//! prime. It is a beautiful program and a slow one: almost every comparison
//! costs a message between threads. A plain sieve of Eratosthenes is the
//! measure it is held against.
#![forbid(unsafe_code)]

use std::io;
use std::thread::{self, JoinHandle};

use crossbeam_channel::{Receiver, Sender, bounded};

/// The most primes the command line asks for (one thread per prime).
pub const MAX_PRIMES: usize = 2_000;

/// Stack for each thread of the chain: a filter needs only a few hundred
/// bytes, so the default 2 MiB of address space each would be a waste.
const STACK: usize = 64 * 1024;

// ANCHOR: generate
/// Sends 2, 3, 4, … until nobody is listening; returns how many it sent.
fn generate(output: Sender<u64>) -> u64 {
    let mut sent = 0;
    for number in 2.. {
        if output.send(number).is_err() {
            break; // the first filter has gone: the chain is shutting down
        }
        sent += 1;
    }
    sent
}
// ANCHOR_END: generate

// ANCHOR: filter
/// Passes on every number that `prime` does not divide; returns how many it
/// passed. It ends when its output's receiver is dropped (a send fails) or
/// when its input's sender is (the loop ends).
fn filter(prime: u64, input: Receiver<u64>, output: Sender<u64>) -> u64 {
    let mut sent = 0;
    for number in input {
        if !number.is_multiple_of(prime) {
            if output.send(number).is_err() {
                break;
            }
            sent += 1;
        }
    }
    sent
}
// ANCHOR_END: filter

/// What a run of the daisy chain found and what it cost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainRun {
    /// The primes, in order.
    pub primes: Vec<u64>,
    /// Threads started: the generator and one filter per prime but the last.
    pub threads: usize,
    /// Messages sent over all the channels, counting those sent while the
    /// chain shut down.
    pub messages: u64,
}

fn start(work: impl FnOnce() -> u64 + Send + 'static) -> io::Result<JoinHandle<u64>> {
    thread::Builder::new().stack_size(STACK).spawn(work)
}

// ANCHOR: daisy_chain
/// The first `count` primes from a daisy chain of threads whose channels
/// hold `capacity` numbers each (0 is a rendezvous, as in Hoare's paper).
pub fn daisy_chain(count: usize, capacity: usize) -> io::Result<ChainRun> {
    let (to_chain, mut chain_end) = bounded(capacity);
    let mut threads = vec![start(move || generate(to_chain))?];
    let mut primes = Vec::with_capacity(count);
    let mut failed = None;
    while primes.len() < count {
        // The first number out of the chain has passed every filter: a prime.
        let prime = chain_end
            .recv()
            .expect("the chain runs until its end is dropped");
        primes.push(prime);
        if primes.len() == count {
            break;
        }
        // A new filter for it, inserted between the chain and us.
        let (to_next, from_filter) = bounded(capacity);
        let input = std::mem::replace(&mut chain_end, from_filter);
        match start(move || filter(prime, input, to_next)) {
            Ok(handle) => threads.push(handle),
            Err(error) => {
                failed = Some(error);
                break;
            }
        }
    }
    // Dropping the chain's end makes the last filter's next send fail; it
    // ends and drops its input, so the filter before it fails next, and so
    // on back to the generator.
    drop(chain_end);
    let started = threads.len();
    let messages = threads
        .into_iter()
        .map(|thread| thread.join().expect("a thread of the chain panicked"))
        .sum();
    match failed {
        Some(error) => Err(error),
        None => Ok(ChainRun {
            primes,
            threads: started,
            messages,
        }),
    }
}
// ANCHOR_END: daisy_chain

// ANCHOR: sequential
/// The first `count` primes by the sieve of Eratosthenes, in one thread.
pub fn sequential_sieve(count: usize) -> Vec<u64> {
    let limit = upper_bound(count);
    let mut composite = vec![false; limit + 1];
    let mut primes = Vec::with_capacity(count);
    for number in 2..=limit {
        if primes.len() == count {
            break;
        }
        if composite[number] {
            continue;
        }
        primes.push(number as u64);
        for multiple in (number * number..=limit).step_by(number) {
            composite[multiple] = true;
        }
    }
    primes
}

/// A number at least as big as the `count`-th prime: for n ≥ 6 the n-th
/// prime is below n (ln n + ln ln n) (Rosser's theorem).
fn upper_bound(count: usize) -> usize {
    if count < 6 {
        return 13;
    }
    let n = count as f64;
    (n * (n.ln() + n.ln().ln())).ceil() as usize
}
// ANCHOR_END: sequential

/// The messages the daisy chain must send to find `primes` (the first primes,
/// in order), not counting the shutdown: a number whose smallest prime factor
/// is the k-th prime crosses k channels, the first k - 1 filters' and the
/// generator's, before a filter drops it or, for a prime, the chain's end
/// receives it.
pub fn messages_needed(primes: &[u64]) -> u64 {
    let Some(&last) = primes.last() else {
        return 0;
    };
    (2..=last)
        .map(|number| {
            let index = primes
                .iter()
                .position(|&p| number.is_multiple_of(p))
                .expect("every number up to the last prime has a factor among the primes");
            index as u64 + 1
        })
        .sum()
}
