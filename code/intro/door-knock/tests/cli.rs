#[test]
fn bad_input_gets_one_line_and_exit_code_2() {
    let bad_inputs: [&[&str]; 10] = [
        &["--knocks", "0"],
        &["--knocks", "1000000"],
        &["--knocks", "ten"],
        &["--wait-ms", "0"],
        &["--wait-ms", "99999999"],
        &["--strategy", "carrier-pigeon"],
        &["--busy", "--strategy", "tasks"],
        &["--strategy", "threads", "--knocks", "20000"],
        &["--cores", "0"],
        &["--cores", "1025"],
    ];
    support_kit::assert_rejected(env!("CARGO_BIN_EXE_intro-door-knock"), &bad_inputs);
}

#[test]
fn a_small_run_prints_one_row_per_strategy() {
    let stdout = support_kit::stdout_of(
        env!("CARGO_BIN_EXE_intro-door-knock"),
        &["--knocks", "20", "--wait-ms", "1"],
    );
    for name in ["sequential", "threads", "tokio tasks"] {
        let row = stdout
            .lines()
            .find(|line| line.starts_with(name))
            .expect(name);
        assert!(row.ends_with("yes"), "{row}");
    }
}

#[test]
fn cores_pins_the_run_and_the_program_sees_only_those_cores() {
    if !cfg!(target_os = "linux") {
        return; // --cores runs the program again under Linux's taskset
    }
    let stdout = support_kit::stdout_of(
        env!("CARGO_BIN_EXE_intro-door-knock"),
        &["--cores", "1", "--knocks", "20", "--wait-ms", "1"],
    );
    let first = stdout.lines().next().unwrap_or_default();
    assert!(
        first.ends_with("cores available: 1 (pinned with taskset)"),
        "{first}"
    );
    for name in ["sequential", "threads", "tokio tasks"] {
        let row = stdout
            .lines()
            .find(|line| line.starts_with(name))
            .expect(name);
        assert!(row.ends_with("yes"), "{row}");
    }
}
