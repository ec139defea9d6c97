#[test]
fn bad_input_gets_one_line_and_exit_code_2() {
    let bad: [&[&str]; 9] = [
        &["--max-steps", "999"],
        &["--workers", "0"],
        &["--workers", "65"],
        &["--workers", "two"],
        &["--tasks", "0"],
        &["--tasks", "10001"],
        &["--samples", "0"],
        &["--samples", "-3"],
        &["--speed", "11"],
    ];
    support_kit::assert_rejected(env!("CARGO_BIN_EXE_processes-pool"), &bad);
}

#[test]
fn a_small_run_agrees_and_leaves_no_process_behind() {
    let stdout = support_kit::stdout_of(
        env!("CARGO_BIN_EXE_processes-pool"),
        &[
            "--workers",
            "2",
            "--tasks",
            "4",
            "--samples",
            "1",
            "--max-steps",
            "1000",
        ],
    );
    assert!(
        stdout.contains("same results in the same order every way: yes"),
        "{stdout}"
    );
    assert!(stdout.contains("the pool still answers: yes"), "{stdout}");
    assert!(
        stdout.contains("child processes left after the pool is dropped: 0"),
        "{stdout}"
    );
}
