#[test]
fn bad_input_gets_one_line_and_exit_code_2() {
    let bad: [&[&str]; 10] = [
        &["--workers", "0"],
        &["--workers", "2000"],
        &["--workers", "two"],
        &["--queries", "0"],
        &["--queries", "-5"],
        &["--items", "0"],
        &["--items", "100000000"],
        &["--items", "many"],
        &["--queries", "10000000", "--items", "10000000"],
        &["--repeat", "0"],
    ];
    support_kit::assert_rejected(env!("CARGO_BIN_EXE_maxims-measure-first"), &bad);
}

#[test]
fn a_small_run_prints_the_same_hits_on_every_row() {
    let stdout = support_kit::stdout_of(
        env!("CARGO_BIN_EXE_maxims-measure-first"),
        &[
            "--queries",
            "500",
            "--items",
            "800",
            "--workers",
            "3",
            "--repeat",
            "1",
        ],
    );
    let rows: Vec<&str> = stdout
        .lines()
        .filter(|line| {
            line.starts_with("linear-") || line.starts_with("sorted-") || line.starts_with("hash-")
        })
        .collect();
    assert_eq!(rows.len(), 5, "{stdout}");
    let hits: Vec<&str> = rows
        .iter()
        .map(|row| row.split_whitespace().last().unwrap())
        .collect();
    assert!(hits.iter().all(|h| *h == hits[0]), "{stdout}");
    assert!(stdout.contains(": yes"), "{stdout}");
}
