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
