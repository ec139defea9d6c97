#[test]
fn bad_input_gets_one_line_and_exit_code_2() {
    let bad: [&[&str]; 5] = [
        &["--texts", "0"],
        &["--texts", "10000", "--words", "1000000"],
        &["--words", "ten"],
        &["--rounds", "0"],
        &["--threads", "2"],
    ];
    support_kit::assert_rejected(env!("CARGO_BIN_EXE_ffi-c-library"), &bad);
}

#[test]
fn a_short_run_prints_every_scanner_on_every_thread_count() {
    let out = support_kit::stdout_of(
        env!("CARGO_BIN_EXE_ffi-c-library"),
        &["--texts", "8", "--words", "50"],
    );
    assert_eq!(out.lines().count(), 2 + 4 * 3, "{out}");
    // The three fixed scanners are right on every thread count.
    for line in out.lines().skip(2).filter(|l| !l.starts_with("shared")) {
        assert!(line.contains(" 0 of 24"), "{line}");
    }
}
