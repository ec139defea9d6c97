use std::time::Duration;
use support_kit::testing::within;
use testing_stress::{
    Bug, Distribution, Ending, Inputs, Noise, deadlock_run, find_counterexample, lost_update_run,
    parallel_sum, parallel_sum_broken, sum,
};

// Either ending is legal for one run; what must hold is that the count is
// one of the two possible values, and that the watchdog always returns.
#[test]
fn a_lost_update_run_ends_with_one_or_two() {
    for noise in testing_stress::NOISES {
        for _ in 0..200 {
            let count = lost_update_run(noise);
            assert!(count == 1 || count == 2, "impossible count {count}");
        }
    }
}

// With a 50 µs sleep between load and store, both threads load before either
// stores on almost every run. A stress loop of 200 runs that never once lost
// the update would mean the bug (or the noise) is gone.
#[test]
fn noise_exposes_the_lost_update() {
    assert!(testing_stress::runs_to_failure(Bug::LostUpdate, Noise::Sleep, 200).is_some());
}

// The watchdog detects the deadlock rather than hanging: every run ends,
// within a deadline, either finished or deadlocked.
#[test]
fn the_watchdog_ends_every_deadlock_run() {
    let endings = within(Duration::from_secs(60), || {
        (0..200)
            .map(|_| deadlock_run(Noise::Yield, Duration::from_secs(10)))
            .collect::<Vec<_>>()
    });
    assert!(
        endings.contains(&Ending::Deadlocked),
        "200 runs with yield noise never deadlocked"
    );
}

#[test]
fn noise_exposes_the_deadlock() {
    let found = within(Duration::from_secs(60), || {
        testing_stress::runs_to_failure(Bug::Deadlock, Noise::Sleep, 200)
    });
    assert!(found.is_some());
}

#[test]
fn distribution_counts_every_trial() {
    let d = Distribution::measure(Bug::LostUpdate, Noise::Sleep, 5, 50);
    assert_eq!(d.found.len() + d.missed, 5);
    assert!(d.found.windows(2).all(|w| w[0] <= w[1]));
}

#[test]
fn quantiles_treat_missed_trials_as_beyond_the_cap() {
    let d = Distribution {
        found: vec![1, 2, 3],
        missed: 1,
    };
    assert_eq!(d.quantile(0.0), Some(1));
    assert_eq!(d.quantile(0.5), Some(2));
    assert_eq!(d.quantile(0.75), Some(3));
    assert_eq!(d.quantile(1.0), None);
}

#[test]
fn parallel_sum_equals_sum_for_edge_cases() {
    for len in 0..20u32 {
        let data: Vec<u32> = (0..len).map(|x| x * 7 + u32::MAX - 100).collect();
        for workers in 1..=8 {
            assert_eq!(
                parallel_sum(&data, workers),
                sum(&data),
                "len {len}, workers {workers}"
            );
        }
    }
}

#[test]
fn proptest_finds_no_counterexample_for_the_fixed_sum() {
    for inputs in [Inputs::AnyVec, Inputs::Run] {
        assert_eq!(find_counterexample(parallel_sum, inputs, 256), None);
    }
}

// The broken sum drops the last len % workers items. Shrinking the length
// as an integer reaches the smallest case: one non-zero item, two workers.
#[test]
fn proptest_shrinks_the_broken_sum_to_one_item_and_two_workers() {
    assert_eq!(
        find_counterexample(parallel_sum_broken, Inputs::Run, 256),
        Some((vec![1], 2))
    );
}

// Shrinking a vector one item at a time stalls: from an odd length, any one
// removal makes the length even and the case pass. What it returns still
// fails, with a single non-zero item left at the end, the one dropped.
#[test]
fn shrinking_any_vector_stops_at_a_failing_local_minimum() {
    let (data, workers) = find_counterexample(parallel_sum_broken, Inputs::AnyVec, 256).unwrap();
    assert_ne!(parallel_sum_broken(&data, workers), sum(&data));
    assert_ne!(data.len() % workers, 0);
    assert_eq!(data.iter().filter(|&&x| x != 0).count(), 1);
}

mod with_the_proptest_macro {
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]
        #[test]
        fn parallel_sum_equals_sum(data in prop::collection::vec(any::<u32>(), 0..200), workers in 1usize..=8) {
            prop_assert_eq!(testing_stress::parallel_sum(&data, workers), testing_stress::sum(&data));
        }
    }
}
