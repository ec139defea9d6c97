#[test]
fn bad_input_gets_one_line_and_exit_code_2() {
    let bad: [&[&str]; 9] = [
        &["--workers", "0"],
        &["--workers", "many"],
        &["--workers", "5000"],
        &["--block", "0"],
        &["--block", "99999999999"],
        &["--block", "big"],
        &["--password", "Hello"],
        &["--password", "abcdefg"],
        &["--repeat", "0"],
    ];
    support_kit::assert_rejected(env!("CARGO_BIN_EXE_csp-fan-out-fan-in"), &bad);
}

#[test]
fn a_short_password_is_found_by_every_run() {
    let stdout = support_kit::stdout_of(
        env!("CARGO_BIN_EXE_csp-fan-out-fan-in"),
        &["--password", "abc", "--workers", "3", "--repeat", "1"],
    );
    assert!(
        stdout
            .lines()
            .any(|line| line == "found   abc by every run: yes"),
        "{stdout}"
    );
}
