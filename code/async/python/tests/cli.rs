#[test]
fn bad_input_gets_one_line_and_exit_code_2() {
    let bad: [&[&str]; 3] = [&["--doors", "0"], &["--doors", "ten"], &["--wait-ms", "0"]];
    support_kit::assert_rejected(env!("CARGO_BIN_EXE_async-python"), &bad);
}
