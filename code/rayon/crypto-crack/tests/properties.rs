//! rayon's crack finds what the Introduction's and the CSP chapter's find,
//! with every pool size.

use rayon_crypto_crack::{Strategy, candidate, candidates, crack_find_any, pool, sha256};

#[test]
fn every_strategy_cracks_known_passwords_with_every_pool_size() {
    for workers in [1, 2, 3, 8] {
        let pool = pool(workers);
        for password in ["a", "z", "ab", "zz", "dog", "zzz", "aaaa"] {
            let target = sha256(password.as_bytes());
            for strategy in Strategy::ALL {
                let found = strategy.crack(&target, password.len(), workers, &pool);
                assert_eq!(
                    found.as_deref(),
                    Some(password),
                    "{} with {workers} workers",
                    strategy.name()
                );
            }
        }
    }
}

#[test]
fn a_password_that_is_not_a_candidate_is_not_found() {
    let pool = pool(2);
    for absent in [&b"abc"[..], b"42", b"Ab"] {
        let target = sha256(absent);
        assert_eq!(pool.install(|| crack_find_any(&target, 2)), None);
    }
}

#[test]
fn every_candidate_index_round_trips_through_find_any() {
    // Candidates at the edges of blocks and of the range.
    let pool = pool(3);
    for index in [0, 1, 25, 26, 1_023, 1_024, 9_999, candidates(3) - 1] {
        let password = candidate(index, 3);
        let target = sha256(password.as_bytes());
        assert_eq!(pool.install(|| crack_find_any(&target, 3)), Some(password));
    }
}
