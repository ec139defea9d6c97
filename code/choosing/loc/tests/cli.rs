#[test]
fn bad_input_gets_one_line_and_exit_code_2() {
    let bad: [&[&str]; 5] = [
        &["--problem", "cake-box-2"],
        &["--listing", "choosing-loc:src/lib.rs"],
        &["--listing", "choosing-loc:src/lib.rs:no-such-anchor"],
        &["--listing", "choosing-loc:src/nothing.rs:count"],
        &["--listing", "nowhere-at-all:src/lib.rs:count"],
    ];
    support_kit::assert_rejected(env!("CARGO_BIN_EXE_choosing-loc"), &bad);
}

#[test]
fn a_listing_is_counted_by_its_anchor() {
    let out = support_kit::stdout_of(
        env!("CARGO_BIN_EXE_choosing-loc"),
        &["--listing", "choosing-loc:src/lib.rs:count"],
    );
    let last = out.lines().last().unwrap_or_default();
    let lines: usize = last
        .trim_end_matches(" |")
        .rsplit("| ")
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(lines > 5 && lines < 40, "{out}");
}

#[test]
fn one_problem_prints_only_its_rows() {
    let out = support_kit::stdout_of(
        env!("CARGO_BIN_EXE_choosing-loc"),
        &["--problem", "door-knock"],
    );
    let rows = choosing_loc::SOLUTIONS
        .iter()
        .filter(|s| s.problem == "door-knock")
        .count();
    assert_eq!(out.lines().count(), 2 + rows, "{out}");
    assert!(
        out.lines().skip(2).all(|l| l.starts_with("| door-knock |")),
        "{out}"
    );
}
