const BIN: &str = env!("CARGO_BIN_EXE_threads-read-mostly");

#[test]
fn bad_input_gets_one_line_and_exit_code_2() {
    let bad_inputs: [&[&str]; 6] = [
        &["--threads", "0"],
        &["--threads", "many"],
        &["--ops", "0"],
        &["--write-every", "1"],
        &["--ops", "2", "--threads", "4"],
        &["--readers", "3"],
    ];
    support_kit::assert_rejected(BIN, &bad_inputs);
}

#[test]
fn no_read_is_torn_and_both_locks_report() {
    let stdout = support_kit::stdout_of(
        BIN,
        &["--ops", "20000", "--threads", "2", "--starve-ms", "50"],
    );
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 12, "{stdout}");
    for (line, name) in lines[3..6].iter().zip(["mutex", "rwlock", "arc-swap"]) {
        assert!(line.starts_with(name), "{line}");
        let columns: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(columns[1..4], ["19,800", "200", "0"], "{line}");
    }
    assert!(lines[10].starts_with("std RwLock"), "{stdout}");
    assert!(lines[11].starts_with("readers-first"), "{stdout}");
}
