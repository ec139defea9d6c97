use std::time::Duration;

use intro_eight_questions::{
    Echo, distinct, fail_and_report, get_results, give_input, scoped_spawn_and_join,
    share_a_counter, spawn_and_join, spawn_returns_at_once, start_tasks, stop_with_a_flag, talk,
    who_runs,
};

#[test]
fn started_tasks_return_their_answers() {
    let (greeting, lengths) = start_tasks(&["knock", "knock", "who"]);
    assert_eq!(greeting, "hello from a spawned thread");
    assert_eq!(lengths, vec![13, 3]);
}

#[test]
fn a_flagged_task_stops() {
    // The test ends only if the task noticed the flag.
    for millis in [0, 1, 5] {
        stop_with_a_flag(Duration::from_millis(millis));
    }
}

#[test]
fn a_flagged_task_counts_the_rounds_it_finished() {
    // Each round sleeps at least 100 µs, so the rounds cannot outnumber the
    // time the call took; in 50 ms a running task finishes more than one.
    let started = std::time::Instant::now();
    let rounds = stop_with_a_flag(Duration::from_millis(50));
    let most = started.elapsed().as_micros() as u64 / 100;
    assert!(
        (2..=most).contains(&rounds),
        "{rounds} rounds, at most {most}"
    );
}

#[test]
fn input_arrives_by_move_and_by_channel() {
    for numbers in [vec![], vec![7], (1..=1_000).collect::<Vec<u64>>()] {
        let expected: u64 = numbers.iter().sum();
        assert_eq!(give_input(numbers), (expected, expected));
    }
}

#[test]
fn join_returns_each_result_in_order() {
    assert_eq!(get_results(0), Vec::<u64>::new());
    assert_eq!(get_results(6), vec![0, 1, 4, 9, 16, 25]);
}

#[test]
fn each_thread_has_its_name_and_its_own_id() {
    let ran = who_runs(5);
    let names: Vec<&str> = ran.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(
        names,
        ["worker-0", "worker-1", "worker-2", "worker-3", "worker-4"]
    );
    assert_eq!(distinct(ran.iter().map(|(_, id)| id)), 5);
    let main_id = format!("{:?}", std::thread::current().id());
    assert!(ran.iter().all(|(_, id)| *id != main_id));
}

#[test]
fn a_panic_is_reported_to_the_joiner_not_propagated() {
    assert_eq!(fail_and_report(13), Err("door 13 is locked".to_string()));
    assert_eq!(fail_and_report(12), Ok(12));
}

#[test]
fn a_channel_delivers_every_message_once() {
    for (senders, messages) in [(1, 0), (1, 10), (3, 1_000), (8, 500)] {
        let expected: Vec<u64> = (0..senders * messages).collect();
        assert_eq!(talk(senders, messages), expected);
    }
}

#[test]
fn shared_counters_count_exactly_n_times_k() {
    for (n, k) in [(1, 1), (2, 1_000), (4, 10_000), (8, 2_500)] {
        assert_eq!(share_a_counter(n, k), (n * k, n * k));
    }
}

#[test]
fn join_returns_only_after_the_work() {
    // The task sleeps 5 ms, so its join cannot return sooner. (That spawn
    // returns before the work is done is a matter of timing, which a test
    // must not assert; the book's output shows it instead.)
    let (_, joined) = spawn_returns_at_once(Duration::from_millis(5));
    assert!(
        joined >= Duration::from_millis(5),
        "join waits for the work"
    );
}

#[test]
fn every_way_to_hand_over_work_answers() {
    assert_eq!(spawn_and_join(41), 42);
    assert_eq!(scoped_spawn_and_join(41), 42);
    let echo = Echo::start();
    for n in 0..100 {
        assert_eq!(echo.ask(n), n + 1);
    }
    echo.stop();
}
