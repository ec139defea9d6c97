#[test]
fn bad_input_gets_one_line_and_exit_code_2() {
    let bad: [&[&str]; 7] = [
        &["--accounts", "1"],
        &["--accounts", "many"],
        &["--transfers", "0"],
        &["--tasks", "0"],
        &["--tasks", "-2"],
        &["--seed", "x"],
        &["--amount", "5"],
    ];
    support_kit::assert_rejected(env!("CARGO_BIN_EXE_actors-bank"), &bad);
}

#[test]
fn a_small_run_conserves_money_and_shows_the_deadlock_and_the_fix() {
    let stdout = support_kit::stdout_of(
        env!("CARGO_BIN_EXE_actors-bank"),
        &["--accounts", "5", "--transfers", "500", "--tasks", "8"],
    );
    for bank in ["accounts as actors", "one mutex over all"] {
        let line = stdout
            .lines()
            .find(|l| l.starts_with(bank))
            .unwrap_or_else(|| panic!("{stdout}"));
        assert!(line.contains(" 5,000 ") && line.ends_with("yes"), "{line}");
    }
    assert!(
        stdout.contains("from inside its handler: deadlocked"),
        "{stdout}"
    );
    assert!(stdout.contains("then the other:    completed"), "{stdout}");
}
