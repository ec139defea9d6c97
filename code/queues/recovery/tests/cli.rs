#[test]
fn bad_input_gets_one_line_and_exit_code_2() {
    let bad: [&[&str]; 7] = [
        &["sideways"],
        &["--messages", "9"],
        &["--messages", "lots"],
        &["--cuts", "21"],
        &["heartbeat", "--heartbeat", "0"],
        &["heartbeat", "--heartbeat", "31"],
        &["--colour", "red"],
    ];
    support_kit::assert_rejected(env!("CARGO_BIN_EXE_queues-recovery"), &bad);
}

#[test]
fn no_broker_gets_one_clear_line_and_exit_code_1() {
    support_broker::assert_clear_error_without_broker(env!("CARGO_BIN_EXE_queues-recovery"), &[]);
}
