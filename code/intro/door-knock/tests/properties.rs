use std::time::Duration;

use intro_door_knock::{
    Work, busy_knocks_sequentially, busy_knocks_with_threads, every_door_once, knock_sequentially,
    knock_with_tasks, knock_with_threads, runtime,
};

const WAIT: Duration = Duration::from_millis(1);

#[test]
fn sequential_knocks_answer_every_door_once() {
    for n in [0, 1, 7, 50] {
        assert!(every_door_once(&knock_sequentially(n, WAIT), n), "n = {n}");
    }
}

#[test]
fn threads_answer_every_door_once() {
    for n in [0, 1, 7, 500] {
        let answered = knock_with_threads(n, WAIT).expect("500 threads start");
        assert!(every_door_once(&answered, n), "n = {n}");
    }
}

#[test]
fn tasks_answer_every_door_once() {
    // One runtime serves every call, as in the benchmark.
    let runtime = runtime();
    for n in [0, 1, 7, 5_000] {
        assert!(
            every_door_once(&knock_with_tasks(&runtime, n, WAIT), n),
            "n = {n}"
        );
    }
}

#[test]
fn busy_knocks_answer_every_door_once() {
    let work = Work { spins: 10_000 };
    for n in [0, 1, 7, 40] {
        assert!(
            every_door_once(&busy_knocks_sequentially(n, work), n),
            "n = {n}"
        );
        let answered = busy_knocks_with_threads(n, work).expect("40 threads start");
        assert!(every_door_once(&answered, n), "n = {n}");
    }
}

#[test]
fn the_checker_rejects_missing_repeated_and_strange_doors() {
    assert!(every_door_once(&[2, 0, 1], 3));
    assert!(!every_door_once(&[0, 1], 3), "door 2 missing");
    assert!(!every_door_once(&[0, 1, 1], 3), "door 1 twice");
    assert!(!every_door_once(&[0, 1, 3], 3), "no door 3");
    assert!(!every_door_once(&[0, 1, 2, 2], 3), "too many answers");
}

#[test]
fn calibration_scales_the_trial_in_proportion() {
    let trial = Work { spins: 200_000 };
    let ms = Duration::from_millis(1);
    // A trial that took 1 ms, scaled to 10 ms, is ten trials' worth of spins.
    assert_eq!(Work::scaled(trial, ms, ms * 10).spins, 2_000_000);
    // Half the time, half the spins; rounded to the nearest spin.
    assert_eq!(Work::scaled(trial, ms * 2, ms).spins, 100_000);
    assert_eq!(Work::scaled(Work { spins: 3 }, ms * 2, ms).spins, 2);
    // Never less than one spin, and a trial too quick to time does not divide by zero.
    assert_eq!(Work::scaled(trial, ms, Duration::from_nanos(1)).spins, 1);
    assert_eq!(
        Work::scaled(Work { spins: 5 }, Duration::ZERO, Duration::from_nanos(2)).spins,
        10
    );
}
