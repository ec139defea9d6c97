use queues_many_hosts::network_or_accepted_absence;

const EXE: &str = env!("CARGO_BIN_EXE_queues-many-hosts");

#[test]
fn bad_input_gets_one_line_and_exit_code_2() {
    let bad: [&[&str]; 8] = [
        &["--workers", "0"],
        &["--workers", "9"],
        &["--messages", "0"],
        &["--publish", "many"],
        &["--delays-ms", "1,x"],
        &["--delays-ms", "501"],
        &["--prefetch", "1"],
        &["--colour", "red"],
    ];
    support_kit::assert_rejected(EXE, &bad);
}

#[test]
fn no_broker_gets_one_clear_line_and_exit_code_1() {
    support_broker::assert_clear_error_without_broker(EXE, &[]);
}

#[test]
fn a_small_run_does_every_job_once_and_removes_its_hosts() {
    // Only to learn whether namespaces can be made here (or their absence is accepted).
    if network_or_accepted_absence(&["probe"]).is_none() {
        return;
    }
    let stdout = support_kit::stdout_of(
        EXE,
        &[
            "--messages",
            "12",
            "--publish",
            "5",
            "--delays-ms",
            "0,2",
            "--workers",
            "3",
        ],
    );
    assert!(!stdout.contains("NO"), "{stdout}");
    assert_eq!(
        stdout
            .lines()
            .filter(|l| l.trim_end().ends_with("yes"))
            .count(),
        4,
        "{stdout}"
    );
    let confirmed: Vec<&str> = stdout.lines().filter(|l| l.contains(" after ")).collect();
    assert_eq!(confirmed.len(), 4, "{stdout}");
    for line in confirmed {
        assert!(line.trim_end().ends_with(" 5"), "{line}");
    }
    assert!(stdout.contains("hosts removed afterwards: all"), "{stdout}");
}
