//! Properties of the channel pool that hold for every worker count, block
//! size and scheduling of the threads.

use std::time::Duration;

use csp_fan_out_fan_in::{
    BLOCKS_PER_WORKER, Digest, WorkerPanicked, blocks_for, candidate, candidates,
    crack_atomic_cursor, crack_pool, crack_pool_with, crack_prefilled, crack_prefilled_with,
    crack_sequential, sha256,
};

#[test]
fn every_worker_count_cracks_known_passwords() {
    for password in ["a", "q", "zz", "ab", "dog", "zzz"] {
        let target = sha256(password.as_bytes());
        for workers in 1..=8 {
            for block in [1, 7, 1_024] {
                if block == 1 && password.len() == 3 {
                    continue; // 17,576 messages: slow in a debug build
                }
                let pool = crack_pool(&target, password.len(), workers, block).unwrap();
                assert_eq!(
                    pool.password.as_deref(),
                    Some(password),
                    "{workers} workers, blocks of {block}"
                );
                assert!(pool.tried >= 1 && pool.tried <= candidates(password.len()));
            }
        }
    }
}

#[test]
fn absent_passwords_give_none_after_every_candidate_is_hashed_exactly_once() {
    // "abc" has three letters, so no two-letter candidate has its digest.
    let target = sha256(b"abc");
    let total = candidates(2);
    for workers in 1..=8 {
        for block in [1, 5, 100, 676, 1_000_000] {
            let pool = crack_pool(&target, 2, workers, block).unwrap();
            assert_eq!(pool.password, None);
            // Every block was sent once and reported once, and the hashes
            // add up to the number of candidates: none skipped, none twice.
            assert_eq!(pool.blocks_sent, blocks_for(total, block));
            assert_eq!(pool.reports_received, pool.blocks_sent);
            assert_eq!(pool.tried, total, "{workers} workers, blocks of {block}");
        }
    }
    // Digits are not in the alphabet.
    let target = sha256(b"42");
    assert_eq!(crack_pool(&target, 2, 3, 10).unwrap().password, None);
}

#[test]
fn agrees_with_the_introductions_crack_and_the_sequential_loop() {
    for index in [0, 1_023, 1_024, 9_000, candidates(3) - 1] {
        let password = candidate(index, 3);
        let target = sha256(password.as_bytes());
        let sequential = crack_sequential(&target, 3).password;
        assert_eq!(sequential.as_deref(), Some(password.as_str()));
        for workers in [1, 2, 3, 8] {
            let atomic = crack_atomic_cursor(&target, 3, workers).password;
            let pool = crack_pool(&target, 3, workers, 64).unwrap().password;
            assert_eq!(atomic, sequential, "{password}, {workers} workers");
            assert_eq!(pool, sequential, "{password}, {workers} workers");
        }
    }
}

#[test]
fn every_worker_is_joined_and_its_hashes_are_counted() {
    let target = sha256(b"zzz");
    for workers in 1..=8 {
        let pool = crack_pool(&target, 3, workers, 100).unwrap();
        // One entry per worker means every worker's `join` returned: no thread
        // is left running when crack_pool returns.
        assert_eq!(pool.per_worker.len(), workers);
        assert_eq!(pool.tried, pool.per_worker.iter().sum::<u64>());
        // "zzz" is the last candidate, so every candidate was hashed once.
        assert_eq!(pool.password.as_deref(), Some("zzz"));
        assert_eq!(pool.tried, candidates(3));
    }
}

#[test]
fn the_dispatcher_stops_sending_once_the_password_is_found() {
    // "aaaa" is candidate 0, in the first block, so the find comes early and
    // most of the 447 blocks are never sent.
    let target = sha256(b"aaaa");
    let total_blocks = blocks_for(candidates(4), 1_024);
    for workers in 1..=4 {
        let pool = crack_pool(&target, 4, workers, 1_024).unwrap();
        assert_eq!(pool.password.as_deref(), Some("aaaa"));
        // The dispatcher sends `depth` blocks up front and one more for each
        // report that did not find it; after the find it sends nothing. A
        // dispatcher that kept going would have sent one more block per
        // report, the finding one included.
        let depth = (BLOCKS_PER_WORKER * workers) as u64;
        assert_eq!(
            pool.blocks_sent,
            depth.min(total_blocks) + pool.reports_received - 1,
            "{workers} workers"
        );
        assert_eq!(pool.per_worker.len(), workers);
    }
}

#[test]
fn blocks_queued_before_the_sender_is_dropped_are_still_delivered() {
    // The rule the dispatcher's shutdown relies on: dropping the job sender
    // does not throw away what is queued; a receive fails only once the
    // channel is empty and every sender is gone.
    let (jobs, queue) = crossbeam_channel::bounded::<std::ops::Range<u64>>(4);
    for start in [0, 10, 20] {
        jobs.send(start..start + 10).unwrap();
    }
    drop(jobs);
    assert_eq!(queue.recv(), Ok(0..10));
    assert_eq!(queue.iter().collect::<Vec<_>>(), vec![10..20, 20..30]);
    assert!(queue.recv().is_err());
}

/// A hash function that panics on one candidate, as a bug in the work would.
fn panics_on(bad: &'static [u8]) -> impl Fn(&[u8]) -> Digest + Sync {
    move |guess: &[u8]| {
        assert_ne!(guess, bad, "injected failure");
        sha256(guess)
    }
}

/// Runs `search` on its own thread and fails the test, instead of hanging it,
/// if no answer comes within a generous bound. The answer's content is what
/// is asserted, never the time it took.
fn within_a_minute<T: Send + 'static>(search: impl FnOnce() -> T + Send + 'static) -> T {
    let (done, answer) = std::sync::mpsc::channel();
    std::thread::spawn(move || done.send(search()).unwrap());
    answer
        .recv_timeout(Duration::from_secs(60))
        .expect("the search hung or panicked instead of returning an answer")
}

#[test]
fn a_panicking_worker_makes_the_pool_return_err_instead_of_hanging() {
    // "zz" is the last candidate, so "mm" is hashed before any find.
    let target = sha256(b"zz");
    for workers in 1..=4 {
        for block in [1, 7, 1_024] {
            let result = within_a_minute(move || {
                crack_pool_with(&target, 2, workers, block, &panics_on(b"mm"))
            });
            assert_eq!(
                result,
                Err(WorkerPanicked { workers: 1 }),
                "{workers} workers, blocks of {block}"
            );
        }
    }
}

#[test]
fn a_panicking_worker_makes_the_prefilled_queue_return_err() {
    let target = sha256(b"zz");
    for workers in 1..=4 {
        for block in [1, 7, 1_024] {
            let result = within_a_minute(move || {
                crack_prefilled_with(&target, 2, workers, block, &panics_on(b"mm"))
            });
            assert_eq!(result, Err(WorkerPanicked { workers: 1 }));
        }
    }
}

#[test]
fn more_workers_than_blocks_still_work() {
    let target = sha256(b"b");
    for workers in [30, 100] {
        let pool = crack_pool(&target, 1, workers, 1_024).unwrap();
        assert_eq!(pool.password.as_deref(), Some("b"));
        assert_eq!(pool.blocks_sent, 1);
        assert_eq!(pool.per_worker.len(), workers);
    }
}

#[test]
fn the_prefilled_queue_finds_what_the_dispatcher_finds() {
    for password in ["a", "zz", "ab", "dog", "zzz"] {
        let target = sha256(password.as_bytes());
        for workers in 1..=8 {
            for block in [1, 7, 1_024] {
                let queue = crack_prefilled(&target, password.len(), workers, block).unwrap();
                assert_eq!(
                    queue.password.as_deref(),
                    Some(password),
                    "{workers} workers"
                );
                assert_eq!(queue.reports_received, 1);
                assert_eq!(queue.per_worker.len(), workers);
                assert!(queue.tried >= 1 && queue.tried <= candidates(password.len()));
            }
        }
    }
}

#[test]
fn the_prefilled_queue_hashes_every_candidate_once_when_nothing_matches() {
    let target = sha256(b"abc");
    let total = candidates(2);
    for workers in 1..=8 {
        for block in [1, 5, 100, 676, 1_000_000] {
            let queue = crack_prefilled(&target, 2, workers, block).unwrap();
            assert_eq!(queue.password, None);
            assert_eq!(queue.blocks_sent, blocks_for(total, block));
            assert_eq!(queue.reports_received, 0);
            assert_eq!(queue.tried, total, "{workers} workers, blocks of {block}");
        }
    }
}
