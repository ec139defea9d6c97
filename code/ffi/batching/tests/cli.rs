#[test]
fn bad_input_gets_one_line_and_exit_code_2() {
    let bad: [&[&str]; 3] = [&["--items", "0"], &["--items", "ten"], &["--batch", "2"]];
    support_kit::assert_rejected(env!("CARGO_BIN_EXE_ffi-batching"), &bad);
}

#[test]
fn a_short_run_is_right_every_way() {
    let out = support_kit::stdout_of(env!("CARGO_BIN_EXE_ffi-batching"), &["--items", "100"]);
    // Two heading lines; per item and batches 1, 10, 100, from Rust and from Python.
    assert_eq!(out.lines().count(), 2 + 2 * 4, "{out}");
    assert_eq!(out.matches(" right").count(), 8, "{out}");
}
