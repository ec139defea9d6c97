#[test]
fn bad_input_gets_one_line_and_exit_code_2() {
    let bad: [&[&str]; 4] = [
        &["--jobs", "0"],
        &["--items", "many"],
        &["--cut-after", "3"],
        &["--kill"],
    ];
    support_kit::assert_rejected(env!("CARGO_BIN_EXE_testing-faults"), &bad);
}

#[test]
fn the_default_run_counts_losses_and_repeats() {
    let _one = support_kit::testing::one_at_a_time();
    let out = support_kit::stdout_of(
        env!("CARGO_BIN_EXE_testing-faults"),
        &["--jobs", "3", "--items", "300", "--cut-after", "500"],
    );
    assert!(
        out.contains("ack-first      3 runs,   3 kills:   3 jobs lost"),
        "{out}"
    );
    assert!(
        out.contains("write-first    3 runs,   3 kills:   0 jobs lost"),
        "{out}"
    );
    assert!(
        out.contains("resume and retry got     300 of 300 items"),
        "{out}"
    );
    support_kit::testing::assert_no_children();
}
