#[test]
fn bad_input_gets_one_line_and_exit_code_2() {
    let bad: [&[&str]; 4] = [
        &["--pages", "0"],
        &["--pages", "ten"],
        &["--latency-ms", "5000"],
        &["--k", "3"],
    ];
    support_kit::assert_rejected(env!("CARGO_BIN_EXE_async-fetch"), &bad);
}

#[test]
fn a_small_run_fetches_every_page_right() {
    let out = support_kit::stdout_of(
        env!("CARGO_BIN_EXE_async-fetch"),
        &["--pages", "8", "--latency-ms", "1"],
    );
    assert_eq!(out.lines().count(), 10, "{out}");
    assert!(!out.contains("WRONG"), "{out}");
}
