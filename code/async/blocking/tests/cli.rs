#[test]
fn bad_input_gets_one_line_and_exit_code_2() {
    let bad: [&[&str]; 4] = [
        &["--block-ms", "0"],
        &["--tickers", "ten"],
        &["--ticks", "0"],
        &["--n", "3"],
    ];
    support_kit::assert_rejected(env!("CARGO_BIN_EXE_async-blocking"), &bad);
}

#[test]
fn a_short_run_prints_every_setup() {
    let out = support_kit::stdout_of(
        env!("CARGO_BIN_EXE_async-blocking"),
        &["--block-ms", "5", "--ticks", "3"],
    );
    assert_eq!(out.lines().count(), 2 + 3 * 4, "{out}");
}
