#[test]
fn bad_input_gets_one_line_and_exit_code_2() {
    let bad_inputs: [&[&str]; 5] = [
        &["--threads", "0"],
        &["--threads", "1000"],
        &["--threads", "four"],
        &["--increments", "0"],
        &["--increments", "1e99"],
    ];
    support_kit::assert_rejected(env!("CARGO_BIN_EXE_intro-eight-questions"), &bad_inputs);
}

#[test]
fn the_table_has_a_header_a_rule_and_eight_rows() {
    let stdout = support_kit::stdout_of(
        env!("CARGO_BIN_EXE_intro-eight-questions"),
        &["--threads", "2", "--increments", "100"],
    );
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines[0].starts_with("question"), "{stdout}");
    for (i, line) in lines[2..10].iter().enumerate() {
        assert!(line.starts_with(&(i + 1).to_string()), "{line}");
    }
    assert!(
        lines[9].contains("Mutex 200, atomic 200, expected 200"),
        "{}",
        lines[9]
    );
}
