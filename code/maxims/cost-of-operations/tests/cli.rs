#[test]
fn bad_input_gets_one_line_and_exit_code_2() {
    let bad: [&[&str]; 8] = [
        &["--millis", "0"],
        &["--millis", "1000000"],
        &["--millis", "ten"],
        &["--batches", "0"],
        &["--contenders", "1"],
        &["--contenders", "9"],
        &["--contenders", "two"],
        &["--unknown"],
    ];
    support_kit::assert_rejected(env!("CARGO_BIN_EXE_maxims-cost-of-operations"), &bad);
}

#[test]
fn a_short_run_lists_every_operation_in_order() {
    let stdout = support_kit::stdout_of(
        env!("CARGO_BIN_EXE_maxims-cost-of-operations"),
        &["--millis", "10", "--batches", "1"],
    );
    let order = [
        "atomic add, one thread",
        "atomic add, all threads, one counter",
        "atomic add, own counters, one line",
        "atomic add, own counters, padded",
        "mutex lock + add + unlock, one thread",
        "mutex lock + add + unlock, contended",
        "channel send + receive",
        "hand-off to a busy thread",
        "hand-off to a sleeping thread",
        "tokio task spawn + await, same worker",
        "tokio task spawn + await, other thread",
        "OS thread",
        "process",
    ];
    let rows: Vec<&str> = stdout.lines().skip(3).collect();
    assert_eq!(rows.len(), order.len(), "{stdout}");
    for (row, start) in rows.iter().zip(order) {
        assert!(row.starts_with(start), "{row} should start with {start}");
    }
}
