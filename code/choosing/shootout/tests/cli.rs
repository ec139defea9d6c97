#[test]
fn bad_input_gets_one_line_and_exit_code_2() {
    let bad: [&[&str]; 2] = [&["--n", "0"], &["--n", "ten"]];
    support_kit::assert_rejected(env!("CARGO_BIN_EXE_choosing-shootout"), &bad);
}
