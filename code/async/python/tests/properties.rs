use std::time::Duration;

use async_python::{PythonKnock, knock_on_tokio, once_each, runtime};
use support_kit::testing::within;

const LIMIT: Duration = Duration::from_secs(120);

#[test]
fn python_answers_every_knock_once() {
    within(LIMIT, || {
        let mut python = PythonKnock::start().unwrap_or_else(|e| panic!("{e}"));
        for doors in [1, 2, 100, 5_000] {
            let (took, answered) = python.knock(doors, 5);
            assert_eq!(answered.len(), doors);
            // gather keeps the order of its arguments: answer i is door i.
            assert!(
                answered.iter().enumerate().all(|(i, &d)| i == d),
                "{answered:?}"
            );
            // Python timed at least one wait of its own.
            assert!(took >= Duration::from_millis(5), "{took:?}");
        }
    });
}

#[test]
fn tokio_answers_every_knock_once() {
    for multi in [false, true] {
        let rt = runtime(multi);
        for doors in [1, 2, 100, 5_000] {
            let (_, answered) = rt.block_on(knock_on_tokio(doors, Duration::from_millis(5)));
            assert!(once_each(doors, &answered));
        }
    }
}

#[test]
fn once_each_catches_lost_doubled_and_stray_answers() {
    assert!(once_each(3, &[2, 0, 1]));
    assert!(!once_each(3, &[0, 1]));
    assert!(!once_each(3, &[0, 1, 1]));
    assert!(!once_each(3, &[0, 1, 3]));
}
