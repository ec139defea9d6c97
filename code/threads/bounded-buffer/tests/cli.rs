#[test]
fn bad_input_gets_one_line_and_exit_code_2() {
    let bad: [&[&str]; 6] = [
        &["--capacity", "0"],
        &["--producers", "0"],
        &["--consumers", "many"],
        &["--items", "0"],
        &["--items", "-5"],
        &["--buffers", "3"],
    ];
    support_kit::assert_rejected(env!("CARGO_BIN_EXE_threads-bounded-buffer"), &bad);
}

#[test]
fn every_buffer_delivers_every_item() {
    let stdout = support_kit::stdout_of(
        env!("CARGO_BIN_EXE_threads-bounded-buffer"),
        &[
            "--producers",
            "3",
            "--consumers",
            "2",
            "--items",
            "1000",
            "--capacity",
            "1",
        ],
    );
    let rows: Vec<&str> = stdout.lines().skip(3).collect();
    assert_eq!(rows.len(), 3, "{stdout}");
    for row in rows {
        assert!(row.contains(" 3,000 ") && row.contains(" yes "), "{row}");
    }
}
