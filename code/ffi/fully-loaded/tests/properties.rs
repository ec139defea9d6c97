//! Real CPython against the built extension: every way returns the digests
//! that processes-fully-loaded (and so intro-crypto-crack) computes.
use ffi_fully_loaded::{Harness, WAYS, chain};
use intro_crypto_crack::{sha256, to_hex};

#[test]
fn the_chain_is_processes_fully_loaded_s_chain() {
    for (seed, rounds) in [(0, 1), (1, 2), (7, 1_000)] {
        assert_eq!(
            chain(seed, rounds),
            processes_fully_loaded::chain((seed, rounds))
        );
    }
    assert_eq!(chain(3, 2), sha256(&sha256(&3u64.to_le_bytes())));
}

#[test]
fn every_way_returns_the_same_digests_in_seed_order() {
    let (tasks, rounds) = (3, 2_000);
    let expected: Vec<String> =
        processes_fully_loaded::sequential(&processes_fully_loaded::tasks(tasks, rounds))
            .iter()
            .map(to_hex)
            .collect();
    let mut python = Harness::start(2).unwrap_or_else(|e| panic!("{e}"));
    for way in WAYS {
        let run = python
            .run(way, tasks, rounds)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(run.digests, expected, "{way}");
    }
}

#[test]
fn one_round_is_one_hash_of_the_seed_everywhere() {
    let expected = vec![to_hex(&sha256(&0u64.to_le_bytes()))];
    let mut python = Harness::start(1).unwrap_or_else(|e| panic!("{e}"));
    for way in WAYS {
        assert_eq!(
            python
                .run(way, 1, 1)
                .unwrap_or_else(|e| panic!("{e}"))
                .digests,
            expected,
            "{way}"
        );
    }
}
