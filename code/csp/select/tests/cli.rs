const BIN: &str = env!("CARGO_BIN_EXE_csp-select");

#[test]
fn bad_input_gets_one_line_and_exit_code_2() {
    let bad_inputs: [&[&str]; 9] = [
        &["--jobs", "0"],
        &["--jobs", "many"],
        &["--jobs", "1e99"],
        &["--job-us", "0"],
        &["--job-us", "100000"],
        &["--quit-after-ms", "0"],
        &["--idle-ms", "-5"],
        &["--idle-ms", "5000"],
        &["--jobs", "100000", "--job-us", "10000"],
    ];
    support_kit::assert_rejected(env!("CARGO_BIN_EXE_csp-select"), &bad_inputs);
}

#[test]
fn the_summary_has_three_runs_and_two_latencies() {
    let stdout = support_kit::stdout_of(BIN, &["--jobs", "50", "--job-us", "10", "--idle-ms", "5"]);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 10, "{stdout}");
    assert!(lines[3].starts_with("quit "), "{stdout}");
    assert!(lines[4].starts_with("disconnect ") && lines[4].contains("disconnected"));
    assert!(lines[5].starts_with("idle ") && lines[5].contains("idle timeout"));
}
