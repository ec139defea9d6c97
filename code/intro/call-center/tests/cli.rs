#[test]
fn bad_input_gets_one_line_and_exit_code_2() {
    let bad_inputs: [&[&str]; 10] = [
        &["--agents", "0"],
        &["--agents", "1001"],
        &["--agents", "two"],
        &["--callers", "0"],
        &["--callers", "99999999999"],
        &["--arrival-ms", "0"],
        &["--arrival-ms", "-1"],
        &["--talk-ms", "NaN"],
        &["--talk-ms", "ten"],
        &["--seed", "-3"],
    ];
    support_kit::assert_rejected(env!("CARGO_BIN_EXE_intro-call-center"), &bad_inputs);
}

#[test]
fn a_small_run_lists_every_agent_count_and_every_caller() {
    let stdout = support_kit::stdout_of(
        env!("CARGO_BIN_EXE_intro-call-center"),
        &[
            "--agents",
            "3,1,3",
            "--callers",
            "20",
            "--arrival-ms",
            "0.2",
            "--talk-ms",
            "0.1",
        ],
    );
    let (_, spread) = stdout
        .split_once("calls answered by each agent\n")
        .expect("a calls section");
    let rows: Vec<(&str, Vec<u32>)> = spread
        .lines()
        .map(|line| {
            let (agents, calls) = line.split_once(':').unwrap();
            (
                agents.trim(),
                calls
                    .split_whitespace()
                    .map(|n| n.parse().unwrap())
                    .collect(),
            )
        })
        .collect();
    // Sorted, duplicates dropped; every agent listed; every caller counted once.
    assert_eq!(
        rows.iter().map(|(agents, _)| *agents).collect::<Vec<_>>(),
        ["1", "3"]
    );
    assert_eq!(rows[0].1.len(), 1);
    assert_eq!(rows[1].1.len(), 3);
    assert!(
        rows.iter()
            .all(|(_, calls)| calls.iter().sum::<u32>() == 20),
        "{stdout}"
    );
}
