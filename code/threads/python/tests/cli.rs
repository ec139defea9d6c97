const BIN: &str = env!("CARGO_BIN_EXE_threads-python");

#[test]
fn bad_input_gets_one_line_and_exit_code_2() {
    let bad_inputs: [&[&str]; 5] = [
        &["--steps", "0"],
        &["--waits", "many"],
        &["--adds", "0"],
        &["--runs", "-1"],
        &["--gil", "off"],
    ];
    support_kit::assert_rejected(BIN, &bad_inputs);
}

#[test]
fn the_tables_have_their_rows_and_fetch_add_loses_nothing() {
    let stdout = support_kit::stdout_of(
        BIN,
        &[
            "--steps", "4000", "--waits", "4", "--adds", "1000", "--runs", "2",
        ],
    );
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 17, "{stdout}");
    assert!(lines[0].starts_with("CPython 3."), "{stdout}");
    assert!(lines[3].starts_with("CPU: 4,000 steps"), "{stdout}");
    assert!(lines[6].starts_with("I/O: 4 waits of 5 ms"), "{stdout}");
    assert!(lines[13].starts_with("python: counter += 1 "), "{stdout}");
    assert!(lines[16].starts_with("rust: fetch_add"), "{stdout}");
    assert!(lines[16].contains(" 0 of 2 "), "{stdout}");
}
