#[test]
fn bad_input_gets_one_line_and_exit_code_2() {
    let bad: [&[&str]; 5] = [
        &["--below", "1"],
        &["--below", "ten"],
        &["--runs", "0"],
        &["--deadlock-ms", "5"],
        &["--tasks", "2"],
    ];
    support_kit::assert_rejected(env!("CARGO_BIN_EXE_ffi-python-gil"), &bad);
}

#[test]
fn a_short_run_prints_every_way_and_both_deadlock_endings() {
    let out = support_kit::stdout_of(
        env!("CARGO_BIN_EXE_ffi-python-gil"),
        &["--below", "2000", "--runs", "1", "--deadlock-ms", "1000"],
    );
    for way in ffi_python_gil::WAYS {
        assert_eq!(
            out.lines().filter(|l| l.starts_with(way)).count(),
            2,
            "{out}"
        );
    }
    assert!(out.contains("holding the GIL: hung"), "{out}");
    assert!(
        out.contains("then waiting: both updates done: total 2"),
        "{out}"
    );
}
