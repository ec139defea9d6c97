#[test]
fn bad_input_gets_one_line_and_exit_code_2() {
    let bad: [&[&str]; 7] = [
        &["table", "--timeouts", "0"],
        &["table", "--timeouts", "1,x"],
        &["table", "--sweep", "0"],
        &["table", "--quick", "-1"],
        &["worker", "--queue-key", ""],
        &["worker", "--queue-key", "has space"],
        &["worker", "--queue-key", "q", "--backend", "perl"],
    ];
    support_kit::assert_rejected(env!("CARGO_BIN_EXE_queues-celery-redis"), &bad);
}

#[test]
fn a_missing_redis_is_one_clear_line() {
    let out = support_kit::testing::run_with_env(
        env!("CARGO_BIN_EXE_queues-celery-redis"),
        &["table", "--timeouts", "1"],
        &[("REDIS_URL", "redis://127.0.0.1:1/0")],
    );
    let line = support_kit::testing::one_error_line(&out, 1);
    assert!(line.contains("cannot reach Redis"), "{line}");
}
