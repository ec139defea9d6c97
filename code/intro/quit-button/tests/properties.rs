use std::time::Duration;

use intro_quit_button::{
    Outcome, QuitButton, Worker, count_primes, count_primes_cooperatively,
    count_primes_never_checking, is_prime, run_then_quit, start,
};

#[test]
fn prime_counts_match_known_values() {
    for (limit, primes) in [
        (0, 0),
        (1, 0),
        (2, 0),
        (3, 1),
        (10, 4),
        (100, 25),
        (1_000, 168),
        (10_000, 1_229),
    ] {
        assert_eq!(count_primes(limit), primes, "limit {limit}");
    }
    assert!(is_prime(7_919) && !is_prime(7_917));
}

#[test]
fn without_quit_the_cooperative_count_equals_the_plain_count() {
    let button = QuitButton::new();
    for limit in [0, 1, 2, 97, 1_000, 20_000] {
        for check_every in [1, 7, 100, 1_000_000] {
            assert_eq!(
                count_primes_cooperatively(limit, check_every, &button),
                Outcome::Finished(count_primes(limit)),
                "limit {limit}, check every {check_every}"
            );
        }
    }
}

#[test]
fn quit_pressed_before_the_start_stops_before_the_first_stretch() {
    let button = QuitButton::new();
    button.press();
    for check_every in [1, 100, 10_000] {
        match count_primes_cooperatively(1_000_000, check_every, &button) {
            // The worker looks before its first stretch, so it does nothing.
            Outcome::Stopped { done_so_far } => assert_eq!(done_so_far, 0),
            finished => panic!("expected a stop, got {finished:?}"),
        }
    }
}

#[test]
fn the_worker_that_never_checks_finishes_the_job_anyway() {
    let button = QuitButton::new();
    button.press();
    assert_eq!(
        count_primes_never_checking(10_000, &button),
        Outcome::Finished(1_229)
    );
}

#[test]
fn after_quit_the_worker_thread_really_ends() {
    // A job far too long to finish: the test can only end if the quit works.
    let endless = 1_000_000_000_000;
    for check_every in [1, 100, 10_000] {
        for quit_after in [Duration::ZERO, Duration::from_millis(5)] {
            let quit = run_then_quit(Worker::Cooperative { check_every }, endless, quit_after);
            assert!(
                matches!(quit.outcome, Outcome::Stopped { done_so_far } if done_so_far % check_every == 0),
                "{quit:?}"
            );
        }
    }
}

#[test]
fn a_quit_after_the_job_ended_reports_the_full_count() {
    let running = start(Worker::Cooperative { check_every: 10 }, 1_000);
    while !running.is_finished() {
        std::thread::yield_now();
    }
    assert_eq!(running.quit().outcome, Outcome::Finished(168));
    let quit = run_then_quit(Worker::NeverChecks, 10_000, Duration::ZERO);
    assert_eq!(quit.outcome, Outcome::Finished(1_229));
}

#[test]
fn stops_land_on_a_stretch_boundary() {
    let quit = run_then_quit(
        Worker::Cooperative { check_every: 1_000 },
        1_000_000_000_000,
        Duration::from_millis(1),
    );
    match quit.outcome {
        Outcome::Stopped { done_so_far } => assert_eq!(done_so_far % 1_000, 0),
        finished => panic!("expected a stop, got {finished:?}"),
    }
}
