#[test]
fn bad_input_gets_one_line_and_exit_code_2() {
    let bad: [&[&str]; 7] = [
        &["--password", "Hello"],
        &["--password", "abcdefg"],
        &["--password", ""],
        &["--workers", "0"],
        &["--workers", "many"],
        &["--repeat", "0"],
        &["--colour", "red"],
    ];
    support_kit::assert_rejected(env!("CARGO_BIN_EXE_rayon-crypto-crack"), &bad);
}

#[test]
fn every_strategy_finds_a_short_password() {
    let stdout = support_kit::stdout_of(
        env!("CARGO_BIN_EXE_rayon-crypto-crack"),
        &["--password", "dog", "--workers", "3", "--repeat", "1"],
    );
    for name in [
        "sequential",
        "threads-atomic-cursor",
        "channel-pool",
        "prefilled-queue",
        "rayon-find-any",
    ] {
        let row = stdout
            .lines()
            .find(|l| l.starts_with(&format!("{name} ")))
            .unwrap_or_else(|| panic!("no row for {name}: {stdout}"));
        assert!(row.contains(" dog "), "{row}");
    }
}
