#[test]
fn bad_input_gets_one_line_and_exit_code_2() {
    let bad: [&[&str]; 6] = [
        &["--messages", "0"],
        &["--messages", "lots"],
        &["--messages", "2000000"],
        &["--subscribers", "0"],
        &["--subscribers", "65"],
        &["--colour", "red"],
    ];
    support_kit::assert_rejected(env!("CARGO_BIN_EXE_queues-pub-sub"), &bad);
}

#[test]
fn no_broker_gets_one_clear_line_and_exit_code_1() {
    support_broker::assert_clear_error_without_broker(env!("CARGO_BIN_EXE_queues-pub-sub"), &[]);
}

#[test]
fn the_default_run_reports_exact_deliveries() {
    let stdout = support_kit::stdout_of(
        env!("CARGO_BIN_EXE_queues-pub-sub"),
        &["--messages", "120", "--subscribers", "2"],
    );
    assert!(!stdout.contains("NO"), "{stdout}");
    assert_eq!(stdout.matches(" yes").count(), 2 + 4, "{stdout}");
}
