use std::io::Write;
use std::process::{Command, Stdio};

use support_kit::testing::one_error_line;

#[test]
fn bad_input_gets_one_line_and_exit_code_2() {
    let bad: [&[&str]; 9] = [
        &["--jobs", "0"],
        &["--jobs", "many"],
        &["--jobs", "100001"],
        &["--width", "0"],
        &["--asks", "-3"],
        &["--patience-ms", "5"],
        &["--patience-ms", "60001"],
        &["--jobs", "3", "worker"],
        &["boss"],
    ];
    support_kit::assert_rejected(env!("CARGO_BIN_EXE_processes-pipes"), &bad);
}

#[test]
fn a_worker_fed_a_line_that_is_not_a_job_says_so_in_one_line() {
    for input in [
        "hello\n",
        "{\"id\":1,\"from\":0}\n",
        "{\"id\":1,\"from\":0,\"to\":3}\n[1,2]\n",
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_processes-pipes"))
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
            .write_all(input.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        one_error_line(&out, 2);
    }
}

#[test]
fn a_small_run_checks_out_and_leaves_no_process_behind() {
    let stdout = support_kit::stdout_of(
        env!("CARGO_BIN_EXE_processes-pipes"),
        &["--jobs", "20", "--asks", "10", "--patience-ms", "200"],
    );
    assert!(
        stdout.contains("every job answered exactly once and correctly: yes"),
        "{stdout}"
    );
    assert!(
        stdout.lines().any(|l| l == "processes left behind: 0"),
        "{stdout}"
    );
    // Over the pipe buffer the naive order is stuck and the fixed one is not.
    let row = stdout
        .lines()
        .find(|l| l.trim_start().starts_with("1,024 KiB"))
        .unwrap();
    assert!(
        row.contains("stuck, killed") && row.ends_with("finished"),
        "{row}"
    );
    assert!(!stdout.contains("WRONG"), "{stdout}");
}
