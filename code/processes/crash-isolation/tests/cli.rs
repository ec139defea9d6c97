use std::process::Command;

#[test]
fn bad_input_gets_one_line_and_exit_code_2() {
    let bad: [&[&str]; 11] = [
        &["--workers", "0"],
        &["--workers", "65"],
        &["--jobs", "none"],
        &["--width", "1"],
        &["--panics", "-1"],
        &["--jobs", "5", "--panics", "3", "--aborts", "3"],
        &["--poison", "10"],
        &["--deadline-ms", "0"],
        &["--max-attempts", "0"],
        &["--jobs", "3", "worker"],
        &["overseer"],
    ];
    support_kit::assert_rejected(env!("CARGO_BIN_EXE_processes-crash-isolation"), &bad);
}

#[test]
fn a_small_run_reports_every_crash_and_loses_nothing() {
    let args = [
        "--jobs",
        "30",
        "--workers",
        "3",
        "--panics",
        "2",
        "--aborts",
        "2",
        "--hangs",
        "1",
        "--deadline-ms",
        "1500",
    ];
    let stdout = support_kit::stdout_of(env!("CARGO_BIN_EXE_processes-crash-isolation"), &args);
    let line = |start: &str| {
        stdout
            .lines()
            .find(|l| l.starts_with(start))
            .unwrap_or_else(|| panic!("no line {start:?} in {stdout}"))
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert_eq!(line("panic"), "panic 2 2 exit code 101");
    assert_eq!(line("abort"), "abort 2 2 signal 6 (SIGABRT)");
    assert!(line("hang").starts_with("hang 1 1 signal 9 (SIGKILL), killed after"));
    assert_eq!(line("none"), "none 0 0 -");
    assert_eq!(line("restarts"), "restarts 5 (crashes: 5)");
    assert_eq!(
        line("jobs done"),
        "jobs done 30 of 30, each recorded exactly once: yes"
    );
    assert!(line("results checksum").ends_with(": match"), "{stdout}");
    assert_eq!(line("processes left behind"), "processes left behind: 0");
}

#[test]
fn a_worker_fed_a_line_that_is_not_a_job_says_so_in_one_line() {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_processes-crash-isolation"))
        .arg("worker")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"{\"id\":1}\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let line = support_kit::testing::one_error_line(&out, 2);
    assert!(line.starts_with("error: not a job"), "{line}");
}
