#[test]
fn bad_input_gets_one_line_and_exit_code_2() {
    let bad: [&[&str]; 7] = [
        &["--threads", "0"],
        &["--threads", "ten"],
        &["--numbers", "0"],
        &["--stack-kib", "1"],
        &["--stack-kib", "16"], // too small for the 100 frames: would overflow and abort
        &["--stack-kib", "-64"],
        &["--color", "red"],
    ];
    support_kit::assert_rejected(env!("CARGO_BIN_EXE_threads-basics"), &bad);
}

#[test]
fn the_run_says_what_each_primitive_did() {
    let stdout = support_kit::stdout_of(
        env!("CARGO_BIN_EXE_threads-basics"),
        &["--threads", "4", "--numbers", "1000"],
    );
    assert!(
        stdout.contains("spawn + Arc 500,500, scope + borrow 500,500, formula 500,500"),
        "{stdout}"
    );
    assert!(
        stdout.contains("called itself \"worker-7\", recursed 100 frames"),
        "{stdout}"
    );
    assert!(stdout.contains("Err(\"the disk is full\")"), "{stdout}");
    assert!(
        stdout.contains(
            "poisoned true, value inside 1; with a parking_lot Mutex: no poison, value inside 1"
        ),
        "{stdout}"
    );
    assert!(stdout.contains("this thread is still running"), "{stdout}");
    assert!(stdout.contains("OnceLock ran its closure 1 time(s), LazyLock 1 time(s); 1 distinct config value(s), 1 distinct table sum(s)"), "{stdout}");
}
