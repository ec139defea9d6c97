#[test]
fn bad_input_gets_one_line_and_exit_code_2() {
    let bad: [&[&str]; 6] = [
        &["--before", "0"],
        &["--before", "100001"],
        &["--after", "0"],
        &["--after", "some"],
        &["--n", "3"],
        &["--colour", "red"],
    ];
    support_kit::assert_rejected(env!("CARGO_BIN_EXE_queues-streams"), &bad);
}

#[test]
fn no_broker_gets_one_clear_line_and_exit_code_1() {
    support_broker::assert_clear_error_without_broker(env!("CARGO_BIN_EXE_queues-streams"), &[]);
}
