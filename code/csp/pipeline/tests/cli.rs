#[test]
fn bad_input_gets_one_line_and_exit_code_2() {
    let bad: [&[&str]; 8] = [
        &["--items", "0"],
        &["--items", "many"],
        &["--items", "2000000"],
        &["--rounds", "-1"],
        &["--rounds", "lots"],
        &["--repeat", "0"],
        &["--items", "1000000", "--rounds", "1000000"],
        &["--buffer", "16"],
    ];
    support_kit::assert_rejected(env!("CARGO_BIN_EXE_csp-pipeline"), &bad);
}

#[test]
fn a_small_run_prints_every_buffer_and_checks_the_items() {
    let stdout = support_kit::stdout_of(
        env!("CARGO_BIN_EXE_csp-pipeline"),
        &["--items", "50", "--rounds", "10", "--repeat", "1"],
    );
    assert!(stdout.contains("in every run: yes"), "{stdout}");
    for buffer in [
        "bounded(0)",
        "bounded(1)",
        "bounded(16)",
        "bounded(1024)",
        "unbounded",
    ] {
        assert!(
            stdout.lines().any(|line| line.starts_with(buffer)),
            "{buffer}: {stdout}"
        );
    }
}
