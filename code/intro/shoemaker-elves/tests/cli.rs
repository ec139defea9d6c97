const BIN: &str = env!("CARGO_BIN_EXE_intro-shoemaker-elves");

#[test]
fn bad_input_gets_one_line_and_exit_code_2() {
    let bad_inputs: [&[&str]; 9] = [
        &["--shoes", "0"],
        &["--shoes", "10000000000"],
        &["--shoes", "many"],
        &["--elves", "1,0,1,1"],
        &["--elves", "1,65,1,1"],
        &["--elves", "1,2,1"],
        &["--elves", "1,2,1,1,1"],
        &["--costs-ms", "1,0,2,1"],
        &["--costs-ms", "1,NaN,2,1"],
    ];
    support_kit::assert_rejected(BIN, &bad_inputs);
}

#[test]
fn a_wrong_count_of_costs_is_refused_too() {
    let out = support_kit::testing::run(BIN, &["--costs-ms", "1,2"]);
    let line = support_kit::testing::one_error_line(&out, 2);
    assert!(
        line.starts_with("error: --costs-ms takes exactly 4"),
        "{line}"
    );
}

#[test]
fn one_layout_prints_one_row_and_every_stage() {
    let stdout = support_kit::stdout_of(
        BIN,
        &[
            "--shoes",
            "5",
            "--elves",
            "1,2,1,1",
            "--costs-ms",
            "0.1,0.4,0.2,0.1",
        ],
    );
    let rows: Vec<&str> = stdout
        .lines()
        .filter(|line| line.starts_with("1-2-1-1 "))
        .collect();
    assert_eq!(rows.len(), 1, "{stdout}");
    assert!(rows[0].ends_with("stitch+sole"), "{stdout}");
    assert!(stdout.contains("layout 1-2-1-1: 5 shoes in "), "{stdout}");
    for stage in ["cut", "stitch", "sole", "polish"] {
        assert!(
            stdout
                .lines()
                .any(|line| line.starts_with(&format!("{stage} "))),
            "{stdout}"
        );
    }
}
