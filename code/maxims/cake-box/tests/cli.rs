const BIN: &str = env!("CARGO_BIN_EXE_maxims-cake-box");

#[test]
fn bad_input_gets_one_line_and_exit_code_2() {
    let bad_inputs: [&[&str]; 7] = [
        &["--bakers", "0"],
        &["--bakers", "two"],
        &["--capacity", "0"],
        &["--capacity", "99999999999"],
        &["--runs", "-1"],
        &["--runs", "1000000", "--capacity", "1000000"],
        &["--spoons", "3"],
    ];
    support_kit::assert_rejected(env!("CARGO_BIN_EXE_maxims-cake-box"), &bad_inputs);
}

#[test]
fn the_fixed_boxes_are_never_over_filled() {
    let stdout = support_kit::stdout_of(BIN, &["--runs", "20", "--capacity", "10"]);
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines[2].starts_with("box"), "{stdout}");
    for (line, name) in lines[3..6]
        .iter()
        .zip(["racy", "mutex", "compare-exchange"])
    {
        assert!(line.starts_with(name), "{line}");
    }
    for line in &lines[4..6] {
        assert!(line.contains("0 of 20"), "{line}");
    }
    assert!(
        stdout.contains("fixed boxes: smashed cakes in 0 of 40 runs"),
        "{stdout}"
    );
}
