#[test]
fn bad_input_gets_one_line_and_exit_code_2() {
    let bad_inputs: [&[&str]; 7] = [
        &["--limit", "0"],
        &["--limit", "99999999999999"],
        &["--limit", "ten"],
        &["--check-every", "0"],
        &["--quit-after-ms", "-5"],
        &["--quit-after-ms", "86400000"],
        &["--interactive", "yes"],
    ];
    support_kit::assert_rejected(env!("CARGO_BIN_EXE_intro-quit-button"), &bad_inputs);
}

#[test]
fn a_small_run_reports_both_workers() {
    let stdout = support_kit::stdout_of(
        env!("CARGO_BIN_EXE_intro-quit-button"),
        &["--limit", "1000", "--quit-after-ms", "0"],
    );
    assert!(
        stdout.lines().any(|line| line.starts_with("cooperative")),
        "{stdout}"
    );
    let never = stdout
        .lines()
        .find(|line| line.starts_with("never-checks"))
        .expect("a never-checks row");
    assert!(
        never.contains("finished") && never.contains("1,000 of 1,000"),
        "{never}"
    );
}
