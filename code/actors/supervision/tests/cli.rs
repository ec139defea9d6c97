#[test]
fn bad_input_gets_one_line_and_exit_code_2() {
    let bad: [&[&str]; 7] = [
        &["--jobs", "0"],
        &["--jobs", "lots"],
        &["--poison", "-1"],
        &["--jobs", "10", "--poison", "11"],
        &["--workers", "0"],
        &["--period", "0"],
        &["--strategy", "rest-for-one"],
    ];
    support_kit::assert_rejected(env!("CARGO_BIN_EXE_actors-supervision"), &bad);
}

#[test]
fn a_small_run_loses_nothing_and_the_crash_loop_gives_up() {
    let stdout = support_kit::stdout_of(
        env!("CARGO_BIN_EXE_actors-supervision"),
        &[
            "--jobs",
            "200",
            "--poison",
            "3",
            "--workers",
            "2",
            "--max-restarts",
            "3",
        ],
    );
    let row = |name: &str| -> Vec<String> {
        let line = stdout
            .lines()
            .find(|line| line.starts_with(name) && !line[name.len()..].starts_with(','))
            .unwrap_or_else(|| panic!("no {name} row: {stdout}"));
        line[name.len()..]
            .split_whitespace()
            .map(str::to_string)
            .collect()
    };
    for name in ["one-for-one", "one-for-all"] {
        // finished, poisoned, lost, abandoned, restarts, gave up
        assert_eq!(
            row(name)[..6],
            ["197", "3", "0", "0", "3", "no"],
            "{name}: {stdout}"
        );
    }
    let crash_loop = row("one-for-one, all poison");
    assert_eq!(
        crash_loop[..6],
        ["0", "4", "0", "196", "3", "yes"],
        "{stdout}"
    );
}
