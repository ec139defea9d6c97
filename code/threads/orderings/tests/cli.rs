const BIN: &str = env!("CARGO_BIN_EXE_threads-orderings");

#[test]
fn bad_input_gets_one_line_and_exit_code_2() {
    let bad_inputs: [&[&str]; 4] = [
        &["--rounds", "0"],
        &["--rounds", "many"],
        &["--rounds", "99999999999"],
        &["--order", "relaxed"],
    ];
    support_kit::assert_rejected(BIN, &bad_inputs);
}

#[test]
fn the_table_has_four_rows_and_seqcst_never_sees_both_zero() {
    let stdout = support_kit::stdout_of(BIN, &["--rounds", "2000"]);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 7, "{stdout}");
    assert!(lines[2].starts_with("protocol"), "{stdout}");
    assert!(
        lines[3].starts_with("message passing   relaxed"),
        "{stdout}"
    );
    assert!(lines[6].starts_with("store buffering   seqcst"), "{stdout}");
    assert!(
        lines[4].ends_with(" 0 of 2,000"),
        "release-acquire passes the message: {stdout}"
    );
    assert!(
        lines[6].ends_with(" 0 of 2,000"),
        "seqcst forbids both zero: {stdout}"
    );
}
