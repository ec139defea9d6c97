#[test]
fn bad_input_gets_one_line_and_exit_code_2() {
    let bad: [&[&str]; 7] = [
        &["--actors", "0"],
        &["--actors", "ten"],
        &["--laps", "0"],
        &["--laps", "-3"],
        &["--repeat", "0"],
        &["--actors", "1000000", "--laps", "1000"],
        &["--hops", "5"],
    ];
    support_kit::assert_rejected(env!("CARGO_BIN_EXE_actors-ring"), &bad);
}

#[test]
fn a_small_run_shows_every_ring_in_one_table() {
    let stdout = support_kit::stdout_of(
        env!("CARGO_BIN_EXE_actors-ring"),
        &["--actors", "10", "--laps", "3", "--repeat", "1"],
    );
    assert!(stdout.contains("10 actors x 3 laps = 30 hops"), "{stdout}");
    assert!(stdout.contains("stopped at actor 0 every time"), "{stdout}");
    for ring in [
        "tokio, 1 thread",
        "tokio, multi-thread",
        "ractor, 1 thread",
        "ractor, multi-thread",
        "erlang, 1 scheduler",
        "erlang, 1 per core",
    ] {
        assert!(
            stdout.lines().any(|line| line.starts_with(ring)),
            "{ring}: {stdout}"
        );
    }
}
