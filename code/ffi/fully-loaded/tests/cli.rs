#[test]
fn bad_input_gets_one_line_and_exit_code_2() {
    let bad: [&[&str]; 5] = [
        &["--rounds", "0"],
        &["--rounds", "many"],
        &["--tasks", "1000"],
        &["--runs", "0"],
        &["--way", "rust"],
    ];
    support_kit::assert_rejected(env!("CARGO_BIN_EXE_ffi-fully-loaded"), &bad);
}

#[test]
fn a_short_run_prints_every_way_and_agreement() {
    let out = support_kit::stdout_of(
        env!("CARGO_BIN_EXE_ffi-fully-loaded"),
        &["--tasks", "2", "--rounds", "100"],
    );
    for way in ffi_fully_loaded::WAYS {
        assert_eq!(
            out.lines()
                .filter(|l| l.starts_with(&format!("{way} ")))
                .count(),
            1,
            "{out}"
        );
    }
    assert!(
        out.contains("all 6 ways returned the same 2 digests"),
        "{out}"
    );
}
