#[test]
fn bad_input_gets_one_line_and_exit_code_2() {
    let bad: [&[&str]; 10] = [
        &["--tasks", "0"],
        &["--tasks", "many"],
        &["--consumers", "0"],
        &["--consumers", "1000"],
        &["--heavy-ms", "999999"],
        &["--light-ms", "-1"],
        &["--prefetch", "0"],
        &["--prefetch", "1,lots"],
        &["--prefetch", "70000"],
        &["--workers", "2"],
    ];
    support_kit::assert_rejected(env!("CARGO_BIN_EXE_queues-work-queue"), &bad);
}

#[test]
fn no_broker_gets_one_clear_line_and_exit_code_1() {
    support_broker::assert_clear_error_without_broker(
        env!("CARGO_BIN_EXE_queues-work-queue"),
        &["--tasks", "2"],
    );
}

#[test]
fn a_small_run_does_every_task_once() {
    let stdout = support_kit::stdout_of(
        env!("CARGO_BIN_EXE_queues-work-queue"),
        &[
            "--tasks",
            "6",
            "--heavy-ms",
            "2",
            "--light-ms",
            "1",
            "--prefetch",
            "unlimited,1",
        ],
    );
    let rows: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("1 ") || l.starts_with("unlimited "))
        .collect();
    assert_eq!(rows.len(), 2, "{stdout}");
    assert!(rows.iter().all(|row| row.ends_with(" yes")), "{stdout}");
    assert!(
        stdout.contains("5 messages, the same every run: yes"),
        "{stdout}"
    );
}
