#[test]
fn bad_input_gets_one_line_and_exit_code_2() {
    let bad: [&[&str]; 8] = [
        &["--messages", "0"],
        &["--messages", "many"],
        &["--batch", "1"],
        &["--batch", "100001"],
        &["--work-ms", "0"],
        &["--work-ms", "1001"],
        &["--work-messages", "0"],
        &["--colour", "red"],
    ];
    support_kit::assert_rejected(env!("CARGO_BIN_EXE_queues-throughput"), &bad);
}

#[test]
fn no_broker_gets_one_clear_line_and_exit_code_1() {
    support_broker::assert_clear_error_without_broker(env!("CARGO_BIN_EXE_queues-throughput"), &[]);
}

#[test]
fn a_small_run_confirms_and_consumes_everything() {
    let stdout = support_kit::stdout_of(
        env!("CARGO_BIN_EXE_queues-throughput"),
        &["--messages", "60", "--batch", "7", "--work-messages", "12"],
    );
    assert!(!stdout.contains("NO"), "{stdout}");
    // Every confirmed row says all 60 were acked; every draining row, "yes".
    let confirmed = stdout.lines().filter(|l| l.contains("after every")).count();
    assert_eq!(confirmed, 4, "{stdout}");
    for line in stdout.lines().filter(|l| l.contains("after every")) {
        assert!(line.trim_end().ends_with(" 60"), "{line}");
    }
    assert_eq!(
        stdout
            .lines()
            .filter(|l| l.trim_end().ends_with("yes"))
            .count(),
        12,
        "{stdout}"
    );
}
