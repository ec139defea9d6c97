#[test]
fn bad_input_gets_one_line_and_exit_code_2() {
    let bad: [&[&str]; 9] = [
        &["--requests", "0"],
        &["--requests", "lots"],
        &["--requests", "1000001"],
        &["--patience-ms", "1"],
        &["--patience-ms", "soon"],
        &["--requests", "5", "worker", "--server", "x"],
        &["worker"],
        &["worker", "--server", "/no/such/server/socket"],
        &["manager"],
    ];
    support_kit::assert_rejected(env!("CARGO_BIN_EXE_processes-ipc-channel"), &bad);
}

#[test]
fn a_small_run_gets_every_response_right_and_leaves_no_process_behind() {
    let stdout = support_kit::stdout_of(
        env!("CARGO_BIN_EXE_processes-ipc-channel"),
        &["--requests", "50"],
    );
    assert!(!stdout.contains("NO"), "{stdout}");
    assert!(
        stdout.contains("50 sums and 50 word counts: 100 responses right: yes"),
        "{stdout}"
    );
    assert!(
        stdout.contains("said bye after 100 requests and exited: exit code 0"),
        "{stdout}"
    );
    assert!(stdout.contains("exited by itself: exit code 0"), "{stdout}");
    assert!(
        stdout.lines().any(|l| l == "processes left behind: 0"),
        "{stdout}"
    );
}
