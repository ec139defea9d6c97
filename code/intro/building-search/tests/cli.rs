#[test]
fn bad_input_gets_one_line_and_exit_code_2() {
    let bad: [&[&str]; 9] = [
        &["--workers", "0"],
        &["--workers", "two"],
        &["--workers", "100000"],
        &["--rooms", "0"],
        &["--rooms", "99999999999999999999"],
        &["--rooms", "ten"],
        &["--rooms", "10", "--marked", "10"],
        &["--marked", "-1"],
        &["--strategy", "guess"],
    ];
    support_kit::assert_rejected(env!("CARGO_BIN_EXE_intro-building-search"), &bad);
}

#[test]
fn a_small_run_finds_the_marked_room_with_every_strategy() {
    let stdout = support_kit::stdout_of(
        env!("CARGO_BIN_EXE_intro-building-search"),
        &["--rooms", "5000", "--marked", "1234", "--repeat", "1"],
    );
    let rows: Vec<&str> = stdout.lines().skip(3).collect();
    assert_eq!(rows.len(), 9, "{stdout}");
    assert!(rows.iter().all(|row| row.contains(" 1,234 ")), "{stdout}");
}
