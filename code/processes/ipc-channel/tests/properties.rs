//! Properties of the typed channels, with real worker processes.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::time::Duration;

use common::program;
use processes_ipc_channel::{Error, Request, Response, Worker, answer, requests, text_of};
use support_kit::testing::{assert_no_children, children, one_at_a_time, within};

const LIMIT: Duration = Duration::from_secs(60);
const PATIENCE: Duration = Duration::from_secs(20);

#[test]
fn every_response_matches_its_request() {
    let _serial = one_at_a_time();
    within(LIMIT, || {
        let worker = Worker::spawn(program(), PATIENCE).unwrap();
        let batch = requests(300);
        for request in &batch {
            let response = worker.call(request.clone()).unwrap();
            assert_eq!(response, answer(request), "{request:?}");
        }
        // Answers worked out by hand, not by the same function.
        let sum = worker.call(Request::Sum { from: 1, to: 101 }).unwrap();
        assert_eq!(sum, Response::Sum(5_050));
        let empty = worker.call(Request::Sum { from: 9, to: 9 }).unwrap();
        assert_eq!(empty, Response::Sum(0));
        let words = worker
            .call(Request::CountWords(" a  b\tc\nd ".into()))
            .unwrap();
        assert_eq!(words, Response::Words(4));
        let big = worker.call(Request::CountWords(text_of(200_000))).unwrap();
        assert_eq!(big, Response::Words(200_000));
        let (served, status) = worker.shutdown().unwrap();
        assert_eq!(served, batch.len() as u64 + 4);
        assert!(status.success(), "{status}");
    });
    assert_no_children();
}

#[test]
fn the_worker_is_another_process_and_says_who_it_is() {
    let _serial = one_at_a_time();
    within(LIMIT, || {
        let worker = Worker::spawn(program(), PATIENCE).unwrap();
        assert_ne!(worker.pid(), std::process::id());
        assert_eq!(worker.pid(), worker.child_id());
        assert_eq!(children(), vec![worker.pid()]);
        let (served, status) = worker.shutdown().unwrap();
        assert_eq!(served, 0);
        assert!(status.success());
    });
    assert_no_children();
}

#[test]
fn a_worker_whose_parent_hangs_up_exits_cleanly() {
    let _serial = one_at_a_time();
    within(LIMIT, || {
        let worker = Worker::spawn(program(), PATIENCE).unwrap();
        assert_eq!(
            worker.call(Request::Sum { from: 0, to: 4 }).unwrap(),
            Response::Sum(6)
        );
        let status = worker.hang_up().unwrap();
        assert!(status.success(), "{status}");
    });
    assert_no_children();
}

#[test]
fn dropping_a_worker_kills_and_reaps_it() {
    let _serial = one_at_a_time();
    within(LIMIT, || {
        let worker = Worker::spawn(program(), PATIENCE).unwrap();
        assert_eq!(
            worker.call(Request::CountWords("one two".into())).unwrap(),
            Response::Words(2)
        );
        drop(worker);
    });
    assert_no_children();
}

#[test]
fn a_program_that_never_connects_is_a_no_show_not_a_hang() {
    let _serial = one_at_a_time();
    // `true` ignores its arguments and exits at once.
    let result = within(LIMIT, || {
        Worker::spawn("/bin/true".as_ref(), PATIENCE).map(|_| ())
    });
    assert!(matches!(result, Err(Error::NoShow)), "{result:?}");
    assert_no_children();

    // A program that runs on and never connects is killed when patience ends.
    let dir = std::env::temp_dir().join(format!("ipc-no-show-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let script = dir.join("sleeper");
    std::fs::write(&script, "#!/bin/sh\nexec sleep 30\n").unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = script.clone();
    let result = within(LIMIT, move || {
        Worker::spawn(&path, Duration::from_millis(300)).map(|_| ())
    });
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(matches!(result, Err(Error::NoShow)), "{result:?}");
    assert_no_children();
}
