//! The Introduction's password crack, written with rayon: every candidate
//! password has a number, and cracking is finding the number whose password
//! hashes to the target. rayon's `find_any` over the range of numbers is the
//! whole parallel program. The hashing and the numbering come from
//! `intro-crypto-crack`, the hand-made pools it is compared with from the
//! Introduction (`intro-crypto-crack`) and the CSP chapter
//! (`csp-fan-out-fan-in`), so every version does exactly the same work.
#![forbid(unsafe_code)]

use rayon::prelude::*;

pub use csp_fan_out_fan_in::{DEFAULT_BLOCK, crack_pool, crack_prefilled};
pub use intro_crypto_crack::{
    Digest, MAX_LENGTH, Outcome, candidate, candidates, crack as crack_atomic_cursor,
    crack_sequential, parse_password, sha256, write_candidate,
};

// ANCHOR: find_any
/// Cracks the password of `length` letters whose SHA-256 digest is
/// `target`, with every thread of the current rayon pool. Each candidate is
/// written into a small buffer on the stack, so no thread allocates.
pub fn crack_find_any(target: &Digest, length: usize) -> Option<String> {
    assert!(length <= MAX_LENGTH);
    (0..candidates(length))
        .into_par_iter()
        .find_any(|&index| {
            let mut buffer = [0; MAX_LENGTH];
            let guess = &mut buffer[..length];
            write_candidate(index, guess);
            sha256(guess) == *target
        })
        .map(|index| candidate(index, length))
}
// ANCHOR_END: find_any

/// A rayon pool of exactly `workers` threads, for `pool.install(|| ...)`.
pub fn pool(workers: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(workers)
        .build()
        .expect("the operating system refused to start the pool's threads")
}

/// The ways to crack, by the names the CLI and the benches use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Strategy {
    Sequential,
    ThreadsAtomicCursor,
    ChannelPool,
    PrefilledQueue,
    RayonFindAny,
}

impl Strategy {
    pub const ALL: [Strategy; 5] = [
        Strategy::Sequential,
        Strategy::ThreadsAtomicCursor,
        Strategy::ChannelPool,
        Strategy::PrefilledQueue,
        Strategy::RayonFindAny,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Strategy::Sequential => "sequential",
            Strategy::ThreadsAtomicCursor => "threads-atomic-cursor",
            Strategy::ChannelPool => "channel-pool",
            Strategy::PrefilledQueue => "prefilled-queue",
            Strategy::RayonFindAny => "rayon-find-any",
        }
    }

    /// Cracks `target` among passwords of `length` letters. The hand-made
    /// pools start `workers` threads of their own; rayon runs on `pool`.
    pub fn crack(
        self,
        target: &Digest,
        length: usize,
        workers: usize,
        pool: &rayon::ThreadPool,
    ) -> Option<String> {
        match self {
            Strategy::Sequential => crack_sequential(target, length).password,
            Strategy::ThreadsAtomicCursor => crack_atomic_cursor(target, length, workers).password,
            Strategy::ChannelPool => {
                crack_pool(target, length, workers, DEFAULT_BLOCK)
                    .expect("no worker panics")
                    .password
            }
            Strategy::PrefilledQueue => {
                crack_prefilled(target, length, workers, DEFAULT_BLOCK)
                    .expect("no worker panics")
                    .password
            }
            Strategy::RayonFindAny => pool.install(|| crack_find_any(target, length)),
        }
    }
}
