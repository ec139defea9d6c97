#[test]
fn bad_input_gets_one_line_and_exit_code_2() {
    let bad: [&[&str]; 10] = [
        &["--jobs", "0"],
        &["--jobs", "lots"],
        &["--jobs", "3", "--kills", "4"],
        &["--kills", "-1"],
        &["--cost-ms", "1"],
        &["--cost-ms", "100000"],
        &["--malformed", "1000"],
        &["--workers", "2"],
        &["consume"],
        &[
            "consume",
            "--queue",
            "q",
            "--store",
            "/tmp",
            "--cost-ms",
            "0",
        ],
    ];
    support_kit::assert_rejected(env!("CARGO_BIN_EXE_queues-redelivery"), &bad);
}

#[test]
fn no_broker_gets_one_clear_line_and_exit_code_1() {
    support_broker::assert_clear_error_without_broker(
        env!("CARGO_BIN_EXE_queues-redelivery"),
        &["--jobs", "1", "--kills", "0"],
    );
}

#[test]
fn a_small_run_reports_every_job_recorded_once() {
    let stdout = support_kit::stdout_of(
        env!("CARGO_BIN_EXE_queues-redelivery"),
        &["--jobs", "3", "--kills", "2", "--cost-ms", "4"],
    );
    assert!(
        stdout.contains("records 3 with 1 duplicates skipped: every job recorded exactly once, right result: yes"),
        "{stdout}"
    );
    assert!(stdout.contains("every job at least once: yes"), "{stdout}");
    assert!(
        stdout.contains("consumer processes reaped 3 of 3; killed 2"),
        "{stdout}"
    );
}
