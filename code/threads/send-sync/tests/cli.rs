#[test]
fn bad_input_gets_one_line_and_exit_code_2() {
    let bad: [&[&str]; 4] = [
        &["--threads", "0"],
        &["--threads", "65"],
        &["--threads", "four"],
        &["--rc", "yes"],
    ];
    support_kit::assert_rejected(env!("CARGO_BIN_EXE_threads-send-sync"), &bad);
}

#[test]
fn every_fix_runs() {
    let stdout =
        support_kit::stdout_of(env!("CARGO_BIN_EXE_threads-send-sync"), &["--threads", "3"]);
    assert!(
        stdout.contains("both threads see 2 and 2 names"),
        "{stdout}"
    );
    assert!(
        stdout.contains("3 lines in the log: from thread 0, from thread 1, from thread 2"),
        "{stdout}"
    );
    assert!(stdout.contains("total 3"), "{stdout}");
    assert!(
        stdout.contains("borrow -> scope:      14; borrow -> move: 14"),
        "{stdout}"
    );
    assert!(stdout.contains("a closure spawn accepts: 6"), "{stdout}");
}
