#[test]
fn bad_input_gets_one_line_and_exit_code_2() {
    let mut bad: Vec<&[&str]> = vec![
        &["--threads", "0"],
        &["--threads", "1000000"],
        &["--threads", "many"],
        &["--tasks", "0"],
        &["--tasks", "1000000000"],
        &["--tasks", "-5"],
        &["--small-stack-kib", "1"],
        &["--small-stack-kib", "big"],
        &["--brave", "yes"],
    ];
    // More threads than vm.max_map_count leaves room for: refused up front,
    // never attempted (std aborts the process when a thread's maps run out).
    if std::fs::read_to_string("/proc/sys/vm/max_map_count")
        .is_ok_and(|max| max.trim().parse::<u64>().is_ok_and(|max| max < 4 * 30_000))
    {
        bad.push(&["--threads", "30000", "--tasks", "1"]);
    }
    support_kit::assert_rejected(env!("CARGO_BIN_EXE_maxims-thread-limit"), &bad);
}

#[test]
fn a_small_run_prints_every_row() {
    let stdout = support_kit::stdout_of(
        env!("CARGO_BIN_EXE_maxims-thread-limit"),
        &["--threads", "20", "--tasks", "100"],
    );
    let rows: Vec<&str> = stdout.lines().skip(4).take(3).collect();
    assert_eq!(stdout.lines().count(), 9, "{stdout}");
    assert!(rows[0].starts_with("thread, 2.00 MiB stack"), "{stdout}");
    assert!(rows[1].starts_with("thread, 64.0 KiB stack"), "{stdout}");
    assert!(rows[2].starts_with("tokio task"), "{stdout}");
    assert!(
        stdout
            .lines()
            .last()
            .unwrap()
            .starts_with("the first limit")
    );
}
