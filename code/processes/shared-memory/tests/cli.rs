use support_kit::testing::run;

const EXE: &str = env!("CARGO_BIN_EXE_processes-shared-memory");

#[test]
fn bad_input_gets_one_line_and_exit_code_2() {
    let bad: [&[&str]; 8] = [
        &["--processes", "0"],
        &["--processes", "65"],
        &["--processes", "four"],
        &["--increments", "0"],
        &["--increments", "1e9"],
        &["--repeat", "0"],
        &["--repeat", "101"],
        &["--transport", "carrier-pigeon"],
    ];
    support_kit::assert_rejected(env!("CARGO_BIN_EXE_processes-shared-memory"), &bad);
}

#[test]
fn a_worker_with_bad_arguments_fails_with_one_line() {
    let out = run(
        EXE,
        &[
            "__worker",
            "count",
            "/nonexistent/file",
            "atomic",
            "10",
            "1",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(String::from_utf8(out.stderr).unwrap().lines().count(), 1);
}

#[test]
fn a_small_run_counts_exactly_and_delivers_everything() {
    let stdout = support_kit::stdout_of(
        EXE,
        &["--processes", "2", "--increments", "1000", "--repeat", "1"],
    );
    let atomic = stdout.lines().find(|l| l.starts_with("fetch_add")).unwrap();
    assert_eq!(
        atomic.split_whitespace().collect::<Vec<_>>(),
        ["fetch_add", "2,000", "0"]
    );
    assert!(
        stdout.contains("every message arrived, in order, untorn: yes"),
        "{stdout}"
    );
    assert!(stdout.contains("child processes left: 0"), "{stdout}");
}
