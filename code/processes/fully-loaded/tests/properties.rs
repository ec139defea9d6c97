//! Every strategy computes the same digests, in the same order.

use intro_crypto_crack::sha256;
use processes_fully_loaded::{Strategy, chain, run, sequential, tasks};

procspawn::enable_test_support!();

#[test]
fn a_chain_is_the_hash_of_the_hash_of_the_seed() {
    let seed = 7u64.to_le_bytes();
    assert_eq!(chain((7, 1)), sha256(&seed));
    assert_eq!(chain((7, 3)), sha256(&sha256(&sha256(&seed))));
    assert_ne!(chain((7, 3)), chain((8, 3)));
}

#[test]
fn every_strategy_gives_the_same_digests_in_the_same_order() {
    for count in [1, 2, 3, 5] {
        for workers in [1, 2, 4] {
            let work = tasks(count, 500);
            let expected = sequential(&work);
            for strategy in Strategy::ALL {
                let got = run(strategy, &work, workers).expect("no task fails");
                assert_eq!(
                    got, expected,
                    "{strategy:?}, {count} tasks, {workers} workers"
                );
            }
        }
    }
}
