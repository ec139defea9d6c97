#[test]
fn bad_input_gets_one_line_and_exit_code_2() {
    let bad: [&[&str]; 7] = [
        &["--runs", "100000", "--k", "100000000"],
        &["--threads", "0"],
        &["--threads", "two"],
        &["--threads", "65"],
        &["--k", "0"],
        &["--runs", "-3"],
        &["--stripes", "4"],
    ];
    support_kit::assert_rejected(env!("CARGO_BIN_EXE_threads-counters"), &bad);
}

#[test]
fn every_fixed_way_reports_nothing_lost() {
    let stdout = support_kit::stdout_of(
        env!("CARGO_BIN_EXE_threads-counters"),
        &["--threads", "3", "--k", "10000", "--runs", "5"],
    );
    for way in ["mutex", "atomic", "sharded-packed", "sharded-padded"] {
        let line = stdout
            .lines()
            .find(|l| l.starts_with(way))
            .unwrap_or_else(|| panic!("no {way} row in\n{stdout}"));
        let cells: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(cells[1], "30,000", "{line}");
        assert_eq!(cells[2], "0", "{line}");
    }
}
