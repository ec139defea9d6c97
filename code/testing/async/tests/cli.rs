#[test]
fn bad_input_gets_one_line_and_exit_code_2() {
    let bad: [&[&str]; 4] = [
        &["--items", "0"],
        &["--every-ms", "ten"],
        &["--attempt-ms", "-1"],
        &["--speed"],
    ];
    support_kit::assert_rejected(env!("CARGO_BIN_EXE_testing-async"), &bad);
}

#[test]
fn the_default_run_shows_both_retries_and_both_transfers() {
    let out = support_kit::stdout_of(
        env!("CARGO_BIN_EXE_testing-async"),
        &["--every-ms", "10", "--attempt-ms", "3"],
    );
    for row in [
        "sleep after each",
        "interval",
        "take then put",
        "reserve, take, fill",
    ] {
        assert!(out.contains(row), "no {row:?} in\n{out}");
    }
    // Three items: the lossy transfer loses one at three of its eight drop
    // points (once per item, while `put` waits); the fixed one at none of nine.
    assert!(
        out.contains("take then put          8 drop points,   3 lose an item"),
        "{out}"
    );
    assert!(
        out.contains("reserve, take, fill    9 drop points,   0 lose an item"),
        "{out}"
    );
}
