//! Properties of the pipe protocol, with real worker processes.

mod common;

use std::io::{self, Cursor};
use std::time::Duration;

use common::program;
use processes_pipes::{
    Answer, Job, Outcome, PIPE_BUFFER, Worker, check, children_of, jobs, jobs_for_output,
    read_then_wait, serve, solve, wait_then_read,
};
use support_kit::testing::{assert_no_children, one_at_a_time, within};

const LIMIT: Duration = Duration::from_secs(60);

fn finished(outcome: Outcome) -> (Vec<Answer>, u64) {
    match outcome {
        Outcome::Finished {
            answers,
            bytes,
            status,
        } => {
            assert!(status.success(), "the worker failed: {status}");
            (answers, bytes)
        }
        Outcome::Stuck { .. } => panic!("expected the batch to finish"),
    }
}

#[test]
fn every_job_is_answered_exactly_once_and_correctly() {
    let _serial = one_at_a_time();
    for (count, width) in [(0, 10), (1, 10), (17, 1), (300, 100), (40, 5_000)] {
        let batch = jobs(count, width);
        let (answers, bytes) = within(LIMIT, move || {
            let outcome = read_then_wait(program(), &jobs(count, width));
            finished(outcome.unwrap())
        });
        assert_eq!(answers.len() as u64, count);
        check(&batch, &answers).unwrap();
        let expected: u64 = answers.iter().map(processes_pipes::answer_bytes).sum();
        assert_eq!(bytes, expected);
        assert_no_children();
    }
}

#[test]
fn check_catches_lost_doubled_wrong_and_stray_answers() {
    let batch = jobs(3, 50);
    let good: Vec<Answer> = batch.iter().map(solve).collect();
    assert!(check(&batch, &good).is_ok());
    assert!(check(&batch, &good[..2]).is_err());
    let mut doubled = good.clone();
    doubled.push(good[0].clone());
    assert!(check(&batch, &doubled).is_err());
    let mut wrong = good.clone();
    wrong[1].primes.pop();
    assert!(check(&batch, &wrong).is_err());
    let mut stray = good;
    stray.push(Answer {
        id: 99,
        primes: vec![],
    });
    assert!(check(&batch, &stray).is_err());
}

#[test]
fn waiting_first_works_while_the_output_fits_in_the_pipe() {
    let _serial = one_at_a_time();
    // A few KiB fit in any pipe, even one the kernel shrank to two pages.
    let (batch, bytes) = jobs_for_output(3 * 1024, 1_000);
    assert!(bytes < 4 * 1024);
    let copy = batch.clone();
    let outcome = within(LIMIT, move || {
        wait_then_read(program(), &copy, Duration::from_secs(30)).unwrap()
    });
    let (answers, read) = finished(outcome);
    assert_eq!(read, bytes);
    check(&batch, &answers).unwrap();
    assert_no_children();
}

#[test]
fn waiting_first_is_stuck_once_the_output_outgrows_the_pipe() {
    let _serial = one_at_a_time();
    for kib in [4 * PIPE_BUFFER / 1024, 1024] {
        let (batch, bytes) = jobs_for_output(kib * 1024, 1_000);
        assert!(bytes > PIPE_BUFFER);
        // However long the parent waits, the worker cannot finish: it is
        // blocked writing into a full pipe that nobody reads.
        let outcome = within(LIMIT, move || {
            wait_then_read(program(), &batch, Duration::from_millis(300)).unwrap()
        });
        assert!(
            matches!(outcome, Outcome::Stuck { .. }),
            "{kib} KiB: {outcome:?}"
        );
        assert_no_children();
    }
}

#[test]
fn reading_first_finishes_far_above_the_pipe_buffer() {
    let _serial = one_at_a_time();
    for kib in [4 * PIPE_BUFFER / 1024, 1024] {
        let (batch, bytes) = jobs_for_output(kib * 1024, 1_000);
        let copy = batch.clone();
        let (answers, read) = within(LIMIT, move || {
            finished(read_then_wait(program(), &copy).unwrap())
        });
        assert_eq!(read, bytes);
        assert!(read > PIPE_BUFFER);
        check(&batch, &answers).unwrap();
        assert_no_children();
    }
}

#[test]
fn a_long_lived_worker_answers_one_at_a_time_and_streamed() {
    let _serial = one_at_a_time();
    within(LIMIT, || {
        let mut worker = Worker::spawn(program()).unwrap();
        assert_eq!(children_of(std::process::id()), vec![worker.pid()]);
        let batch = jobs(50, 1_000);
        let answers: Vec<Answer> = batch.iter().map(|j| worker.ask(j).unwrap()).collect();
        check(&batch, &answers).unwrap();
        // Far more than a pipe holds in both directions at once.
        let many = jobs(3_000, 200);
        let answers = worker.stream(&many).unwrap();
        assert!(
            answers
                .iter()
                .map(processes_pipes::answer_bytes)
                .sum::<u64>()
                > PIPE_BUFFER
        );
        check(&many, &answers).unwrap();
        assert_eq!(
            answers.iter().map(|a| a.id).collect::<Vec<_>>(),
            (0..3_000).collect::<Vec<_>>()
        );
        assert!(worker.finish().unwrap().success());
    });
    assert_no_children();
}

#[test]
fn dropping_a_worker_kills_and_reaps_it() {
    let _serial = one_at_a_time();
    within(LIMIT, || {
        let mut worker = Worker::spawn(program()).unwrap();
        let job = Job {
            id: 7,
            from: 0,
            to: 100,
        };
        assert_eq!(worker.ask(&job).unwrap(), solve(&job));
        drop(worker);
    });
    assert_no_children();
}

#[test]
fn the_worker_loop_runs_in_process_too() {
    let input = "{\"id\":1,\"from\":0,\"to\":20}\n\n{\"id\":2,\"from\":20,\"to\":30}\n";
    let mut output = Vec::new();
    assert_eq!(serve(Cursor::new(input), &mut output).unwrap(), 2);
    let text = String::from_utf8(output).unwrap();
    assert_eq!(
        text,
        "{\"id\":1,\"primes\":[2,3,5,7,11,13,17,19]}\n{\"id\":2,\"primes\":[23,29]}\n"
    );
    let error = serve(Cursor::new("{\"id\":1}\n"), io::sink()).unwrap_err();
    assert_eq!(error.kind(), io::ErrorKind::InvalidData);
    assert!(
        error.to_string().starts_with("line 1 is not a job"),
        "{error}"
    );
}

#[test]
fn primes_are_primes() {
    let small: Vec<u64> = (0..50).filter(|&n| processes_pipes::is_prime(n)).collect();
    assert_eq!(
        small,
        [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47]
    );
    // 78,498 primes below a million: a known count.
    assert_eq!(
        solve(&Job {
            id: 0,
            from: 0,
            to: 1_000_000
        })
        .primes
        .len(),
        78_498
    );
}
