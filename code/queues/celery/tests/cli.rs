use support_kit::testing::{one_error_line, run, run_with_env};

const BIN: &str = env!("CARGO_BIN_EXE_queues-celery");

#[test]
fn bad_input_gets_one_line_and_exit_code_2() {
    let bad: [&[&str]; 12] = [
        &["demo", "--concurrency", "0"],
        &["demo", "--concurrency", "lots"],
        &["demo", "--adds", "-1"],
        &["worker", "--queue", ""],
        &["worker", "--queue", "has space"],
        &["worker", "--queue", "amq.reserved"],
        &["send", "add", "two", "3"],
        &["send", "add", "2"],
        &["send", "count-primes", "99999999999999"],
        &["send", "--timeout", "0", "add", "1", "2"],
        &["inspect", "--from", "perl"],
        &["--broker", "http://localhost", "demo"],
    ];
    support_kit::assert_rejected(env!("CARGO_BIN_EXE_queues-celery"), &bad);
}

#[test]
fn a_missing_broker_is_one_clear_line() {
    for args in [
        &["demo"][..],
        &["inspect"],
        &["send", "add", "1", "2"],
        &["worker"],
    ] {
        support_broker::assert_clear_error_without_broker(
            env!("CARGO_BIN_EXE_queues-celery"),
            args,
        );
    }
    let out = run(
        BIN,
        &["--broker", "amqp://guest:guest@127.0.0.1:1/%2f", "demo"],
    );
    let line = one_error_line(&out, 1);
    assert!(
        line.contains("no RabbitMQ answers at 127.0.0.1:1 "),
        "{line}"
    );
}

#[test]
fn a_missing_python_celery_is_one_clear_line_saying_how_to_get_it() {
    let out = run_with_env(
        BIN,
        &["inspect", "--from", "python"],
        &[("CELERY_VENV", "/nonexistent/celery-venv")],
    );
    let line = one_error_line(&out, 1);
    assert!(line.contains("run: scripts/services celery"), "{line}");
}
