#[test]
fn bad_input_gets_one_line_and_exit_code_2() {
    let bad: [&[&str]; 11] = [
        &["--workers", "0"],
        &["--workers", "1,0,2"],
        &["--workers", "1000"],
        &["--workers", "four"],
        &["--units", "0"],
        &["--units", "1000000000"],
        &["--units", "lots"],
        &["--serial", "101"],
        &["--serial", "-10"],
        &["--serial", "half"],
        &["--units", "100000", "--repeat", "100"],
    ];
    support_kit::assert_rejected(env!("CARGO_BIN_EXE_maxims-amdahl"), &bad);
}

#[test]
fn a_small_run_prints_one_row_per_fraction_and_worker_count() {
    let stdout = support_kit::stdout_of(
        env!("CARGO_BIN_EXE_maxims-amdahl"),
        &[
            "--units",
            "20",
            "--serial",
            "50,0",
            "--workers",
            "3,1",
            "--repeat",
            "1",
        ],
    );
    let rows: Vec<Vec<&str>> = stdout
        .lines()
        .filter(|line| line.trim_start().starts_with(|c: char| c.is_ascii_digit()))
        .map(|line| line.split_whitespace().collect())
        .collect();
    let keys: Vec<(&str, &str)> = rows.iter().map(|r| (r[0], r[1])).collect();
    assert_eq!(keys, [("0%", "1"), ("0%", "3"), ("50%", "1"), ("50%", "3")]);
    // The predictions: 1, 3, 1 and 1 / (0.5 + 0.5 / 3) = 1.5.
    let predicted: Vec<&str> = rows.iter().map(|r| r[5]).collect();
    assert_eq!(predicted, ["1.00×", "3.00×", "1.00×", "1.50×"]);
}
