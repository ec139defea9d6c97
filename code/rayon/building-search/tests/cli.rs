#[test]
fn bad_input_gets_one_line_and_exit_code_2() {
    let bad: [&[&str]; 8] = [
        &["--rooms", "0"],
        &["--rooms", "lots"],
        &["--rooms", "99999999999999"],
        &["--marked", "100", "--rooms", "100"],
        &["--marked", "-1"],
        &["--workers", "0"],
        &["--workers", "300"],
        &["--repeat", "0"],
    ];
    support_kit::assert_rejected(env!("CARGO_BIN_EXE_rayon-building-search"), &bad);
}

#[test]
fn a_small_building_is_searched_by_every_strategy() {
    let stdout = support_kit::stdout_of(
        env!("CARGO_BIN_EXE_rayon-building-search"),
        &[
            "--rooms",
            "100000",
            "--marked",
            "77777",
            "--workers",
            "3",
            "--repeat",
            "1",
        ],
    );
    // One row in the even building and one in the uneven one; sequential
    // and find_any have a third, in the table of lucky rooms.
    let expected = [
        ("sequential", 3),
        ("split-at-each-fork", 2),
        ("fixed-pool", 2),
        ("rayon-find-any", 3),
        ("rayon-find-any-chunked", 2),
        ("rayon-join", 2),
        ("rayon-find-first", 1),
    ];
    for (name, count) in expected {
        let rows: Vec<&str> = stdout
            .lines()
            .filter(|l| l.starts_with(&format!("{name} ")))
            .collect();
        assert_eq!(rows.len(), count, "{name}: {stdout}");
        if name != "rayon-find-first" {
            assert!(rows[0].contains("77,777"), "{name}: {stdout}");
        }
    }
}
