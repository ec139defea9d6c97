#[test]
fn bad_input_gets_one_line_and_exit_code_2() {
    let bad: [&[&str]; 4] = [
        &["--items", "0"],
        &["--items", "ten"],
        &["--limit", "0"],
        &["--n", "3"],
    ];
    support_kit::assert_rejected(env!("CARGO_BIN_EXE_async-cancellation"), &bad);
}

#[test]
fn a_short_run_keeps_its_shape_and_the_fixed_versions_lose_nothing() {
    let out = support_kit::stdout_of(env!("CARGO_BIN_EXE_async-cancellation"), &["--items", "20"]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 8, "{out}");
    assert!(
        lines[0].contains("timed out") && lines[0].contains("unfinished: 1)"),
        "{out}"
    );
    assert!(
        lines[1].contains("finished") && lines[1].contains("unfinished: 0)"),
        "{out}"
    );
    assert!(
        lines[4].contains(" lost     0 "),
        "reserve loses nothing: {out}"
    );
    assert!(
        lines[6].contains(" lost    0 "),
        "graceful loses nothing: {out}"
    );
    // The cancel comes only after each server has taken its first 50 jobs
    // (the default limit), however slowly the machine ran it.
    for line in &lines[6..8] {
        let accepted: usize = line
            .split_whitespace()
            .skip_while(|word| *word != "accepted")
            .nth(1)
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no accepted count: {out}"));
        assert!(accepted >= 50, "{out}");
    }
}
