//! Properties of the channel pool that hold for every worker count, block
//! size and scheduling of the threads.

use csp_fan_out_fan_in::{
    blocks_for, candidate, candidates, crack_atomic_cursor, crack_pool, crack_prefilled,
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
                let pool = crack_pool(&target, password.len(), workers, block);
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
            let pool = crack_pool(&target, 2, workers, block);
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
    assert_eq!(crack_pool(&target, 2, 3, 10).password, None);
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
            let pool = crack_pool(&target, 3, workers, 64).password;
            assert_eq!(atomic, sequential, "{password}, {workers} workers");
            assert_eq!(pool, sequential, "{password}, {workers} workers");
        }
    }
}

#[test]
fn every_worker_is_joined_and_its_hashes_are_counted() {
    let target = sha256(b"zzz");
    for workers in 1..=8 {
        let pool = crack_pool(&target, 3, workers, 100);
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
    let target = sha256(b"aaaa");
    for workers in 1..=4 {
        let pool = crack_pool(&target, 4, workers, 1_024);
        assert_eq!(pool.password.as_deref(), Some("aaaa"));
        // No report is expected after the one that found it, and every
        // block sent was either reported or dropped unread.
        assert!(pool.reports_received <= pool.blocks_sent);
        assert!(pool.tried <= pool.blocks_sent * 1_024);
        assert_eq!(pool.per_worker.len(), workers);
    }
}

#[test]
fn more_workers_than_blocks_still_work() {
    let target = sha256(b"b");
    for workers in [30, 100] {
        let pool = crack_pool(&target, 1, workers, 1_024);
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
                let queue = crack_prefilled(&target, password.len(), workers, block);
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
            let queue = crack_prefilled(&target, 2, workers, block);
            assert_eq!(queue.password, None);
            assert_eq!(queue.blocks_sent, blocks_for(total, block));
            assert_eq!(queue.reports_received, 0);
            assert_eq!(queue.tried, total, "{workers} workers, blocks of {block}");
        }
    }
}
