#[test]
fn bad_input_gets_one_line_and_exit_code_2() {
    let bad: [&[&str]; 7] = [
        &["--tasks", "0"],
        &["--tasks", "four"],
        &["--increments", "0"],
        &["--increments", "-5"],
        &["--capacity", "0"],
        &["--tasks", "10000", "--increments", "10000000"],
        &["--mailbox", "8"],
    ];
    support_kit::assert_rejected(env!("CARGO_BIN_EXE_actors-hand-rolled"), &bad);
}

#[test]
fn a_small_run_counts_right_every_way() {
    let stdout = support_kit::stdout_of(
        env!("CARGO_BIN_EXE_actors-hand-rolled"),
        &["--tasks", "3", "--increments", "100", "--capacity", "2"],
    );
    for name in ["atomic", "mutex", "actor-tell", "actor-ask"] {
        let line = stdout
            .lines()
            .find(|line| line.starts_with(name))
            .unwrap_or_else(|| panic!("no {name} line: {stdout}"));
        assert!(line.contains(" 300 ") && line.contains(" yes "), "{line}");
    }
}
