use std::time::Duration;

use maxims_dining_philosophers::{Outcome, Pace, SEATS, Strategy, Until, dine};

const PACE: Pace = Pace {
    think: Duration::from_micros(20),
    reach: Duration::from_micros(50),
    eat: Duration::from_micros(50),
    backoff: Duration::from_micros(100),
};

/// Long enough that a busy test machine never makes a live table look dead.
const WINDOW: Duration = Duration::from_secs(5);

#[test]
fn every_fix_serves_every_philosopher_exactly_the_meals_asked_for() {
    for strategy in [
        Strategy::Ordered,
        Strategy::Waiter,
        Strategy::TryLockBackoff,
    ] {
        for meals in [0, 1, 30] {
            let dinner = dine(strategy, PACE, Until::Meals(meals), WINDOW);
            assert_eq!(dinner.outcome, Outcome::Served, "{strategy:?}");
            assert_eq!(dinner.meals, [meals; SEATS], "{strategy:?}");
            assert_eq!(dinner.total(), meals * SEATS as u64);
            assert_eq!(dinner.clashes, 0, "{strategy:?}: neighbours ate at once");
        }
    }
}

#[test]
fn starvation_is_not_deadlock_the_greedy_table_still_finishes() {
    let dinner = dine(Strategy::Greedy, PACE, Until::Meals(20), WINDOW);
    assert_eq!(dinner.outcome, Outcome::Served);
    assert_eq!(dinner.meals, [20; SEATS]);
    assert_eq!(dinner.clashes, 0);
}

#[test]
fn the_fixes_work_without_any_pauses_too() {
    let rushed = Pace {
        think: Duration::ZERO,
        reach: Duration::ZERO,
        eat: Duration::ZERO,
        backoff: Duration::from_micros(10),
    };
    for strategy in [
        Strategy::Ordered,
        Strategy::Waiter,
        Strategy::TryLockBackoff,
    ] {
        let dinner = dine(strategy, rushed, Until::Meals(500), WINDOW);
        assert_eq!(dinner.meals, [500; SEATS], "{strategy:?}");
        assert_eq!(dinner.clashes, 0, "{strategy:?}");
    }
}

#[test]
fn every_strategy_but_naive_stops_when_the_time_is_up() {
    // Livelock and starvation included: the dinner ends, and what was eaten
    // was eaten with two forks.
    for strategy in Strategy::ALL.into_iter().filter(|&s| s != Strategy::Naive) {
        let dinner = dine(
            strategy,
            PACE,
            Until::Elapsed(Duration::from_millis(60)),
            WINDOW,
        );
        assert_eq!(dinner.outcome, Outcome::TimeUp, "{strategy:?}");
        assert_eq!(dinner.clashes, 0, "{strategy:?}");
        // The table closes only once the time is up: a lower bound, which a
        // slow machine cannot break.
        assert!(
            dinner.elapsed >= Duration::from_millis(60),
            "{strategy:?} left after {:?}",
            dinner.elapsed
        );
    }
}

#[test]
fn names_round_trip() {
    for strategy in Strategy::ALL {
        assert_eq!(Strategy::from_name(strategy.name()), Some(strategy));
    }
    assert_eq!(Strategy::from_name("telepathy"), None);
}
