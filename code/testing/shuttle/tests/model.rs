//! The shuttle side: the broken versions fail under both schedulers, the fixed ones pass, and a failing
//! schedule replays.

use testing_shuttle::Version;
use testing_shuttle::hunt::{self, Bug, Search, Size};

const PCT: Search = Search::Pct { depth: 2 };
const SIZE: Size = Size {
    threads: 2,
    rounds: 3,
    entries: 10,
};

#[test]
fn every_seed_finds_the_deadlock_and_the_lost_update_under_both_schedulers() {
    for bug in [Bug::Deadlock, Bug::LostUpdate] {
        for search in [Search::Random, PCT] {
            for seed in 0..20 {
                let found =
                    hunt::iterations_to_find(bug, Version::Broken, SIZE, search, seed, 2_000);
                assert!(
                    found.is_some(),
                    "{bug:?} under {search:?}, seed {seed}: not found"
                );
            }
        }
    }
}

#[test]
fn pct_finds_the_early_flag_in_every_seed_and_random_in_fewer() {
    let found = |search| {
        (0..20)
            .filter(|&seed| {
                hunt::iterations_to_find(Bug::EarlyFlag, Version::Broken, SIZE, search, seed, 1_000)
                    .is_some()
            })
            .count()
    };
    let (pct, random) = (found(PCT), found(Search::Random));
    assert_eq!(pct, 20, "PCT missed the early flag in some seeds");
    assert!(random < pct, "random found it in {random} of 20 seeds");
}

#[test]
fn the_fixed_versions_pass_under_both_schedulers() {
    for bug in Bug::ALL {
        for search in [Search::Random, PCT] {
            for seed in 0..5 {
                let found = hunt::iterations_to_find(bug, Version::Fixed, SIZE, search, seed, 300);
                assert_eq!(found, None, "{bug:?} under {search:?}, seed {seed}");
            }
        }
    }
}

#[test]
fn the_fixed_versions_pass_shuttles_own_checks() {
    // The plain public API, exactly as a reader's test would call it; a failure panics here.
    shuttle::check_random(hunt::body(Bug::Deadlock, Version::Fixed, SIZE), 500);
    shuttle::check_pct(hunt::body(Bug::Deadlock, Version::Fixed, SIZE), 500, 3);
    shuttle::check_random(hunt::body(Bug::LostUpdate, Version::Fixed, SIZE), 500);
    shuttle::check_pct(hunt::body(Bug::LostUpdate, Version::Fixed, SIZE), 500, 3);
    shuttle::check_random(hunt::body(Bug::EarlyFlag, Version::Fixed, SIZE), 500);
    shuttle::check_pct(hunt::body(Bug::EarlyFlag, Version::Fixed, SIZE), 500, 3);
}

#[test]
fn a_failing_schedule_replays_to_the_same_failure() {
    for bug in Bug::ALL {
        for search in [Search::Random, PCT] {
            let found = hunt::find(bug, SIZE, search, 7, 20_000).expect("the bug is found");
            assert!(found.iteration >= 1);
            let again = hunt::replay(bug, Version::Broken, SIZE, &found.schedule);
            assert_eq!(
                again.as_deref(),
                Some(found.message.as_str()),
                "{bug:?} {search:?}"
            );
        }
    }
}

#[test]
fn a_seed_finds_the_bug_at_the_same_execution_every_time() {
    for bug in Bug::ALL {
        for search in [Search::Random, PCT] {
            let first = hunt::iterations_to_find(bug, Version::Broken, SIZE, search, 3, 20_000);
            let second = hunt::iterations_to_find(bug, Version::Broken, SIZE, search, 3, 20_000);
            assert_eq!(first, second, "{bug:?} {search:?}");
        }
    }
}

#[test]
fn quantiles_use_the_nearest_rank() {
    let tally = hunt::Tally {
        seeds: 5,
        found: 4,
        iterations: vec![1, 2, 3, 10],
    };
    assert_eq!(tally.quantile(0.5), Some(2));
    assert_eq!(tally.quantile(0.9), Some(10));
    assert_eq!(tally.quantile(1.0), Some(10));
    assert_eq!(tally.quantile(0.0), Some(1));
    let empty = hunt::Tally {
        seeds: 3,
        found: 0,
        iterations: vec![],
    };
    assert_eq!(empty.quantile(0.5), None);
}
