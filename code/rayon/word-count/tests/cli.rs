#[test]
fn bad_input_gets_one_line_and_exit_code_2() {
    let bad: [&[&str]; 7] = [
        &["--words", "0"],
        &["--words", "many"],
        &["--words", "1000000000"],
        &["--vocabulary", "0"],
        &["--workers", "0"],
        &["--repeat", "0"],
        &["--repeat", "1.5"],
    ];
    support_kit::assert_rejected(env!("CARGO_BIN_EXE_rayon-word-count"), &bad);
}

#[test]
fn every_version_agrees_on_a_small_text() {
    let stdout = support_kit::stdout_of(
        env!("CARGO_BIN_EXE_rayon-word-count"),
        &[
            "--words",
            "20000",
            "--vocabulary",
            "500",
            "--workers",
            "3",
            "--repeat",
            "1",
        ],
    );
    assert!(
        stdout.contains("every version gives the same counts: yes"),
        "{stdout}"
    );
    for name in [
        "sequential",
        "channels",
        "fold-reduce",
        "par-bridge",
        "dashmap",
        "mutex-hashmap",
    ] {
        assert!(
            stdout.lines().any(|l| l.starts_with(&format!("{name} "))),
            "{name}: {stdout}"
        );
    }
}
