#[test]
fn bad_input_gets_one_line_and_exit_code_2() {
    let bad: [&[&str]; 5] = [
        &["--cell", "nowhere/threads"],
        &["--runs", "0"],
        &["--runs", "many"],
        &["--small", "yes"],
        &["--sizes"],
    ];
    support_kit::assert_rejected(env!("CARGO_BIN_EXE_choosing-shootout"), &bad);
}

#[test]
fn small_run_prints_one_table_per_problem_and_every_cell_agrees() {
    let out = support_kit::testing::run(
        env!("CARGO_BIN_EXE_choosing-shootout"),
        &["--small", "--runs", "1"],
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for problem in choosing_shootout::Problem::ALL {
        assert!(text.contains(&format!("\n{}: ", problem.name())), "{text}");
    }
    let rows = text.lines().filter(|l| l.ends_with(" yes")).count();
    assert_eq!(rows, choosing_shootout::CELLS.len(), "{text}");
}

/// Without a RabbitMQ, the run stops before its first cell with one line
/// that says where the broker was looked for (never a table without the
/// broker's row).
#[test]
fn without_a_broker_the_cli_fails_in_one_line() {
    let binary = env!("CARGO_BIN_EXE_choosing-shootout");
    support_broker::assert_clear_error_without_broker(binary, &["--small", "--no-python"]);
    support_broker::assert_clear_error_without_broker(binary, &["--cell", "door-knock/broker"]);
}

/// Without python3, the run stops with one line that names it.
#[test]
fn without_python_the_cli_fails_in_one_line() {
    let binary = env!("CARGO_BIN_EXE_choosing-shootout");
    let nowhere = [("PATH", "/nonexistent")];
    for args in [
        &["--small", "--no-broker"][..],
        &["--cell", "fully-loaded/python-rust"],
    ] {
        let out = support_kit::testing::run_with_env(binary, args, &nowhere);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(
            stderr.starts_with("error: ") && stderr.contains("python3"),
            "{stderr}"
        );
        assert!(out.stdout.is_empty(), "{args:?}: printed a table");
    }
}
