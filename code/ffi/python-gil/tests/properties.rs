//! Real CPython against the built extension: the counts agree everywhere,
//! and the deadlock hangs where it should and only there.
use std::time::Duration;

use ffi_python_gil::{Ending, Harness, WAYS, count_primes, run_deadlock};

/// The primes below `below` by a sieve: a second opinion, not trial division.
fn sieve(below: u32) -> u32 {
    let below = below as usize;
    let mut composite = vec![false; below.max(2)];
    let mut count = 0;
    for n in 2..below {
        if !composite[n] {
            count += 1;
            (n * n..below).step_by(n).for_each(|m| composite[m] = true);
        }
    }
    count
}

#[test]
fn trial_division_counts_what_a_sieve_counts() {
    for below in [0, 1, 2, 3, 4, 10, 100, 1_000, 7_919, 7_920, 50_000] {
        assert_eq!(count_primes(below), sieve(below), "below {below}");
    }
    assert_eq!(count_primes(100), 25);
}

#[test]
fn python_and_rust_agree_every_way() {
    let mut python = Harness::start().unwrap_or_else(|e| panic!("{e}"));
    for below in [2, 3, 100, 10_007] {
        let expected = u64::from(count_primes(below));
        for way in WAYS {
            for tasks in [1, 2] {
                let run = python
                    .run(way, tasks, below)
                    .unwrap_or_else(|e| panic!("{e}"));
                assert_eq!(
                    run.counts,
                    vec![expected; tasks],
                    "{way} x{tasks} below {below}"
                );
            }
        }
    }
}

#[test]
fn waiting_for_the_rust_lock_while_holding_the_gil_hangs() {
    let ending =
        run_deadlock("holding-gil", Duration::from_secs(3)).unwrap_or_else(|e| panic!("{e}"));
    let Ending::Hung(printed) = ending else {
        panic!("expected a hang, got {ending:?}");
    };
    // It got as far as the meeting point, and no further.
    assert!(printed.contains("holds the Rust lock"), "{printed:?}");
    assert!(!printed.contains("both updates done"), "{printed:?}");
}

#[test]
fn letting_go_of_the_gil_before_waiting_finishes() {
    let ending =
        run_deadlock("detached", Duration::from_secs(60)).unwrap_or_else(|e| panic!("{e}"));
    let Ending::Finished(printed) = ending else {
        panic!("expected the run to finish, got {ending:?}");
    };
    assert!(printed.contains("holds the Rust lock"), "{printed:?}");
    assert!(
        printed.contains("both updates done: total 2"),
        "{printed:?}"
    );
}
