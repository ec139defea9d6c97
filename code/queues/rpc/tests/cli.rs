#[test]
fn bad_input_gets_one_line_and_exit_code_2() {
    let bad: [&[&str]; 8] = [
        &["--calls", "0"],
        &["--calls", "many"],
        &["--servers", "0"],
        &["--servers", "33"],
        &["--in-flight", "0"],
        &["--in-flight", "70000"],
        &["--timeout-ms", "0"],
        &["--colour", "red"],
    ];
    support_kit::assert_rejected(env!("CARGO_BIN_EXE_queues-rpc"), &bad);
}

#[test]
fn no_broker_gets_one_clear_line_and_exit_code_1() {
    support_broker::assert_clear_error_without_broker(env!("CARGO_BIN_EXE_queues-rpc"), &[]);
}

#[test]
fn a_small_run_answers_every_call_correctly() {
    let stdout = support_kit::stdout_of(
        env!("CARGO_BIN_EXE_queues-rpc"),
        &["--calls", "40", "--servers", "3", "--in-flight", "2"],
    );
    for mode in ["private queue", "direct reply-to"] {
        let row: Vec<&str> = stdout
            .lines()
            .find(|line| line.starts_with(mode))
            .unwrap_or_else(|| panic!("no row for {mode}: {stdout}"))
            .split_whitespace()
            .collect();
        // calls, correct, wrong, timed out, stale after the two words of the name
        assert_eq!(&row[2..7], ["40", "40", "0", "0", "0"], "{stdout}");
    }
}
