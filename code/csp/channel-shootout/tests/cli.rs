#[test]
fn bad_input_gets_one_line_and_exit_code_2() {
    let bad: [&[&str]; 9] = [
        &["--messages", "0"],
        &["--messages", "100000000000"],
        &["--messages", "lots"],
        &["--producers", "0"],
        &["--producers", "1"],
        &["--producers", "1000"],
        &["--rounds", "0"],
        &["--rounds", "ten"],
        &["--repeat", "0"],
    ];
    support_kit::assert_rejected(env!("CARGO_BIN_EXE_csp-channel-shootout"), &bad);
}

#[test]
fn a_small_run_prints_one_row_per_channel() {
    let stdout = support_kit::stdout_of(
        env!("CARGO_BIN_EXE_csp-channel-shootout"),
        &[
            "--messages",
            "2000",
            "--producers",
            "3",
            "--rounds",
            "100",
            "--repeat",
            "1",
        ],
    );
    assert!(
        stdout.contains("every message arrived exactly once: yes"),
        "{stdout}"
    );
    assert!(stdout.contains("3-producer msgs/s"), "{stdout}");
    for name in ["std", "crossbeam", "flume", "tokio"] {
        assert!(
            stdout
                .lines()
                .any(|line| line.starts_with(&format!("{name} "))),
            "{stdout}"
        );
    }
}
