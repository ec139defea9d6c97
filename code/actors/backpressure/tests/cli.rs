#[test]
fn bad_input_gets_one_line_and_exit_code_2() {
    let bad: [&[&str]; 8] = [
        &["--messages", "0"],
        &["--messages", "lots"],
        &["--payload", "-1"],
        &["--payload", "100000"],
        &["--handle-rounds", "x"],
        &["--messages", "2000000", "--payload", "65536"],
        &["--only", "bounded(0)"],
        &["--only", "leaky(4)"],
    ];
    support_kit::assert_rejected(env!("CARGO_BIN_EXE_actors-backpressure"), &bad);
}

#[test]
fn a_small_run_shows_every_mailbox_once() {
    let stdout = support_kit::stdout_of(
        env!("CARGO_BIN_EXE_actors-backpressure"),
        &[
            "--messages",
            "300",
            "--payload",
            "16",
            "--produce-rounds",
            "10",
            "--handle-rounds",
            "100",
        ],
    );
    for mailbox in ["unbounded", "bounded(64)", "dropping(64)"] {
        let rows: Vec<&str> = stdout.lines().filter(|l| l.starts_with(mailbox)).collect();
        assert_eq!(rows.len(), 1, "{mailbox}: {stdout}");
        let cells: Vec<&str> = rows[0].split_whitespace().collect();
        let (handled, dropped): (u64, u64) = (cells[1].parse().unwrap(), cells[2].parse().unwrap());
        assert_eq!(handled + dropped, 300, "{}", rows[0]);
        if mailbox != "dropping(64)" {
            assert_eq!(dropped, 0, "{}", rows[0]);
        }
    }
}
