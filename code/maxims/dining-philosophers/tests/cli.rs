use std::time::Duration;

use support_kit::testing::run_within;

const BIN: &str = env!("CARGO_BIN_EXE_maxims-dining-philosophers");

#[test]
fn bad_input_gets_one_line_and_exit_code_2() {
    let bad_inputs: [&[&str]; 7] = [
        &["--millis", "0"],
        &["--millis", "ten"],
        &["--think-us", "1000000000"],
        &["--eat-us", "-5"],
        &["--watchdog-ms", "0"],
        &["--strategy", "telepathy"],
        &["--forks", "6"],
    ];
    support_kit::assert_rejected(
        env!("CARGO_BIN_EXE_maxims-dining-philosophers"),
        &bad_inputs,
    );
}

#[test]
fn the_naive_table_deadlocks_and_the_watchdog_ends_it_with_exit_code_1() {
    // A 10 ms pause between the forks: everyone holds a left fork by then.
    // A table that hangs fails the test instead of hanging it.
    let out = run_within(
        Duration::from_secs(60),
        BIN,
        &[
            "--strategy",
            "naive",
            "--reach-us",
            "10000",
            "--watchdog-ms",
            "200",
            "--millis",
            "10000",
        ],
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    assert!(stdout.contains("deadlock detected after"), "{stdout}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("deadlock: "), "{stderr}");
}

#[test]
fn the_tour_of_all_strategies_ends_and_exits_0() {
    let out = run_within(
        Duration::from_secs(60),
        BIN,
        &[
            "--millis",
            "40",
            "--reach-us",
            "10000",
            "--watchdog-ms",
            "200",
        ],
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines[3].starts_with("strategy"), "{stdout}");
    let names = [
        "naive",
        "ordered",
        "waiter",
        "try-lock-backoff",
        "polite",
        "greedy",
    ];
    assert_eq!(lines.len(), 4 + names.len(), "{stdout}");
    for (line, name) in lines[4..].iter().zip(names) {
        assert!(line.starts_with(name), "{line}");
    }
    assert!(lines[4].contains("deadlock detected after"), "{}", lines[4]);
}
