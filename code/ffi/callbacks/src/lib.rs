//! A C library that starts its own threads (pthreads) and calls back into a
//! Rust closure from each of them. The closure reaches C as an `extern "C"`
//! function and a `void *` context; the context's lifetime and the closure's
//! `Sync` are what make that sound. A panic in the closure is caught at the
//! boundary and comes back as an error; without the catch, the process aborts.
//!
//! All the `unsafe` is in [`c`]; this file has none.
#![deny(unsafe_code)]

pub mod c;

pub use c::{CallbackError, on_c_threads, on_c_threads_unguarded};
use crossbeam_utils::CachePadded;
use std::sync::atomic::{AtomicU64, Ordering};

/// The work done for one item: `rounds` steps of SplitMix64's mixer.
pub fn mix(item: u64, rounds: u32) -> u64 {
    let mut z = item;
    for _ in 0..rounds {
        z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
    }
    z
}

/// Which threads run the closure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Runner {
    /// Threads the C library starts, calling back through `catch_unwind`.
    CThreads,
    /// The same, through the callback without `catch_unwind`.
    CThreadsUnguarded,
    /// Threads Rust starts itself (`std::thread::scope`), for comparison.
    RustThreads,
}

// ANCHOR: sum
/// Mixes the items 0..total, split into `threads` runs of `total / threads`,
/// and adds up the results. Each thread adds into a slot of its own, padded to
/// a cache line, so the threads share nothing they write.
pub fn mixed_sum(runner: Runner, threads: u32, total: u64, rounds: u32) -> u64 {
    let per_thread = total / u64::from(threads);
    let slots: Vec<CachePadded<AtomicU64>> = (0..threads).map(|_| Default::default()).collect();
    let work = |thread: u32, item: u64| {
        let global = u64::from(thread) * per_thread + item;
        slots[thread as usize].fetch_add(mix(global, rounds), Ordering::Relaxed);
    };
    match runner {
        Runner::CThreads => on_c_threads(threads, per_thread, &work).expect("no panic here"),
        Runner::CThreadsUnguarded => {
            on_c_threads_unguarded(threads, per_thread, &work).expect("threads start")
        }
        Runner::RustThreads => std::thread::scope(|s| {
            for thread in 0..threads {
                s.spawn(move || (0..per_thread).for_each(|item| work(thread, item)));
            }
        }),
    }
    // Wrapping, like the atomic adds, so every order of adding agrees.
    slots.iter().fold(0u64, |acc, slot| {
        acc.wrapping_add(slot.load(Ordering::Relaxed))
    })
}
// ANCHOR_END: sum

/// The same sum on the calling thread, as the answer to check against.
pub fn expected_sum(threads: u32, total: u64, rounds: u32) -> u64 {
    let items = total / u64::from(threads) * u64::from(threads);
    (0..items).fold(0u64, |acc, i| acc.wrapping_add(mix(i, rounds)))
}
