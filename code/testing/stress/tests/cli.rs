#[test]
fn bad_input_gets_one_line_and_exit_code_2() {
    let bad: [&[&str]; 4] = [
        &["--trials", "0"],
        &["--cap", "ten"],
        &["--cases", "0"],
        &["--noise"],
    ];
    support_kit::assert_rejected(env!("CARGO_BIN_EXE_testing-stress"), &bad);
}

#[test]
fn a_short_run_prints_every_row() {
    let out = support_kit::stdout_of(
        env!("CARGO_BIN_EXE_testing-stress"),
        &["--trials", "2", "--cap", "20", "--cases", "16"],
    );
    for row in [
        "lost-update  none",
        "lost-update  yield",
        "deadlock     sleep",
        "parallel_sum         passed",
    ] {
        assert!(out.contains(row), "no {row:?} in\n{out}");
    }
}
