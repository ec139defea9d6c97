#[test]
fn bad_input_gets_one_line_and_exit_code_2() {
    let bad: [&[&str]; 6] = [
        &["--patience-ms", "0"],
        &["--patience-ms", "soon"],
        &["--runs", "0"],
        &["--runs", "100000"],
        &["nested-lock", "--wait"],
        &["--bogus"],
    ];
    support_kit::assert_rejected(env!("CARGO_BIN_EXE_rayon-pitfalls"), &bad);
}

#[test]
fn the_default_run_reports_the_deadlock_and_the_fixes() {
    let out = support_kit::testing::run_within(
        std::time::Duration::from_secs(120),
        env!("CARGO_BIN_EXE_rayon-pitfalls"),
        &["--runs", "2"],
    );
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    let line = |start: &str| {
        stdout
            .lines()
            .find(|l| l.trim_start().starts_with(start))
            .unwrap_or_else(|| panic!("no line starting {start:?}: {stdout}"))
            .to_string()
    };
    assert!(line("holding the lock").contains("deadlocked"), "{stdout}");
    assert!(line("summing first").contains("right: yes"), "{stdout}");
    assert!(line("every item logged exactly once").ends_with("yes"));
    assert!(line("called directly").ends_with(" 0"), "{stdout}");
}
