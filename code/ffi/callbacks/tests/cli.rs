use std::os::unix::process::ExitStatusExt;

#[test]
fn bad_input_gets_one_line_and_exit_code_2() {
    let bad: [&[&str]; 4] = [
        &["--items", "0"],
        &["--rounds", "ten"],
        &["--rounds", "0"],
        &["--threads", "2"],
    ];
    support_kit::assert_rejected(env!("CARGO_BIN_EXE_ffi-callbacks"), &bad);
}

#[test]
fn a_short_run_is_right_and_reports_the_panic() {
    let out = support_kit::stdout_of(
        env!("CARGO_BIN_EXE_ffi-callbacks"),
        &["--items", "4000", "--rounds", "1"],
    );
    assert_eq!(out.lines().count(), 2 + 2 * 3 + 1, "{out}");
    assert_eq!(out.matches(" right ").count(), 6, "{out}");
    assert!(
        out.ends_with(
            "a callback that panics: Err(Panicked(\"item 3 on C thread 1 went wrong\"))\n"
        )
    );
}

// ANCHOR: abort
#[test]
fn a_panic_through_plain_extern_c_aborts_the_process() {
    let out = support_kit::testing::run_with_env(
        env!("CARGO_BIN_EXE_ffi-callbacks"),
        &["--unguarded-panic"],
        &[("RUST_BACKTRACE", "0")],
    );
    // Killed by SIGABRT (6): no exit code, no unwinding into the C frames.
    assert_eq!(out.status.signal(), Some(libc::SIGABRT), "{:?}", out.status);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("item 3 on C thread 1 went wrong"),
        "{stderr}"
    );
    assert!(
        stderr.contains("panic in a function that cannot unwind"),
        "{stderr}"
    );
}
// ANCHOR_END: abort

#[test]
fn the_cli_reports_how_its_child_died() {
    let out = support_kit::stdout_of(env!("CARGO_BIN_EXE_ffi-callbacks"), &["--panic-through-c"]);
    assert!(
        out.ends_with("the child was killed by signal 6 (SIGABRT)\n"),
        "{out}"
    );
}
