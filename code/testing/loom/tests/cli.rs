#[test]
fn bad_input_gets_one_line_and_exit_code_2() {
    let bad: [&[&str]; 4] = [
        &["--max-preemptions", "0"],
        &["--max-preemptions", "6"],
        &["--max-preemptions", "three"],
        &["--preemptions", "2"],
    ];
    support_kit::assert_rejected(env!("CARGO_BIN_EXE_testing-loom"), &bad);
}
