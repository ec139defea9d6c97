const BIN: &str = env!("CARGO_BIN_EXE_threads-gil-model");

#[test]
fn bad_input_gets_one_line_and_exit_code_2() {
    let bad_inputs: [&[&str]; 5] = [
        &["--slices", "0"],
        &["--requests", "lots"],
        &["--adds", "0"],
        &["--runs", "-3"],
        &["--interval", "5"],
    ];
    support_kit::assert_rejected(BIN, &bad_inputs);
}

#[test]
fn the_tables_have_their_rows() {
    let stdout = support_kit::stdout_of(
        BIN,
        &[
            "--slices",
            "4000",
            "--requests",
            "8",
            "--adds",
            "1000",
            "--runs",
            "2",
        ],
    );
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 15, "{stdout}");
    assert!(lines[3].starts_with("CPU: 4,000 slices"), "{stdout}");
    assert!(lines[6].starts_with("I/O: 8 waits of 5 ms"), "{stdout}");
    assert!(lines[13].starts_with("counter += 1 "), "{stdout}");
    assert!(lines[14].starts_with("counter += one()"), "{stdout}");
}
