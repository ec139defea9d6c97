#[test]
fn bad_input_gets_one_line_and_exit_code_2() {
    // Each flag the program has, out of its range or not a number, and one
    // flag it does not have.
    let bad: [&[&str]; 6] = [
        &["--doors", "0"],
        &["--doors", "ten"],
        &["--wait-ms", "10001"],
        &["--repeat", "0"],
        &["--repeat", "101"],
        &["--n", "10"],
    ];
    support_kit::assert_rejected(env!("CARGO_BIN_EXE_async-from-scratch"), &bad);
}
