const EXE: &str = env!("CARGO_BIN_EXE_processes-fully-loaded");

#[test]
fn bad_input_gets_one_line_and_exit_code_2() {
    let bad: [&[&str]; 7] = [
        &["--tasks", "0"],
        &["--tasks", "257"],
        &["--tasks", "many"],
        &["--rounds", "0"],
        &["--rounds", "1000000000"],
        &["--repeat", "0"],
        &["--strategy", "magic"],
    ];
    support_kit::assert_rejected(env!("CARGO_BIN_EXE_processes-fully-loaded"), &bad);
}

#[test]
fn a_small_run_lists_every_strategy_and_they_agree() {
    let stdout =
        support_kit::stdout_of(EXE, &["--tasks", "3", "--rounds", "1000", "--repeat", "1"]);
    for name in ["sequential", "process-pool", "threads", "rayon"] {
        assert!(
            stdout.lines().any(|l| l.starts_with(name)),
            "{name}: {stdout}"
        );
    }
    assert!(
        stdout.contains("every strategy computed the same digests: yes"),
        "{stdout}"
    );
}
