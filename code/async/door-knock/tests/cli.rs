#[test]
fn bad_input_gets_one_line_and_exit_code_2() {
    let bad: [&[&str]; 4] = [
        &["--waiters", "0"],
        &["--waiters", "ten"],
        &["--wait-ms", "0"],
        &["--footprint", "goats", "10"],
    ];
    support_kit::assert_rejected(env!("CARGO_BIN_EXE_async-door-knock"), &bad);
}

#[test]
fn a_small_run_prints_every_row() {
    let out = support_kit::stdout_of(
        env!("CARGO_BIN_EXE_async-door-knock"),
        &["--waiters", "10,100", "--repeat", "1"],
    );
    assert_eq!(rows(&out, "tokio tasks").len(), 2, "{out}");
    assert_eq!(rows(&out, "OS threads").len(), 2, "{out}");
}

/// The table's rows of one kind: lines that start with a count.
fn rows<'a>(out: &'a str, kind: &str) -> Vec<&'a str> {
    out.lines()
        .filter(|l| l.trim_start().starts_with(|c: char| c.is_ascii_digit()) && l.contains(kind))
        .collect()
}
