#[test]
fn bad_input_gets_one_line_and_exit_code_2() {
    let bad: [&[&str]; 7] = [
        &["--entries", "1"],
        &["--seeds", "0"],
        &["--seeds", "ten"],
        &["--max-iterations", "0"],
        &["--threads", "1"],
        &["--depth", "0"],
        &["--rounds", "-3"],
    ];
    support_kit::assert_rejected(env!("CARGO_BIN_EXE_testing-shuttle"), &bad);
}
