mod common;

use std::collections::HashSet;

use celery::backend::{TaskMeta, TaskState};
use common::{broker, runtime};
use queues_celery::backend::{FileBackend, KEY_PREFIX};
use queues_celery::{Acks, Job, demo, demo_jobs, fresh_queue, primes_below, summarize, wire};
use serde_json::json;

#[test]
fn primes_and_words_match_known_counts() {
    assert_eq!(primes_below(0), 0);
    assert_eq!(primes_below(3), 1);
    assert_eq!(primes_below(100), 25);
    assert_eq!(primes_below(10_000), 1_229);
    assert_eq!(
        Job::WordCount("  a  b\tc\n".into()).expected(),
        Ok(json!(3))
    );
    assert!(Job::Add(i64::MAX, 1).expected().is_err());
    assert!(
        Job::CountPrimes(queues_celery::MAX_PRIME_LIMIT + 1)
            .expected()
            .is_err()
    );
}

#[test]
fn every_task_is_done_exactly_once_by_the_rust_worker() {
    let url = broker();
    for (prefetch, acks) in [(1, Acks::Late), (16, Acks::Late), (16, Acks::Early)] {
        let jobs = demo_jobs(60);
        let report = runtime()
            .block_on(demo(&url, prefetch, acks, &jobs))
            .unwrap();
        assert_eq!(report.outcomes.len(), jobs.len());
        let ids: HashSet<&str> = report.outcomes.iter().map(|o| o.id.as_str()).collect();
        assert_eq!(ids.len(), jobs.len(), "every task has its own id");
        assert_eq!(
            report.result_files,
            jobs.len(),
            "one result per task, none extra"
        );
        for outcome in &report.outcomes {
            assert!(outcome.is_correct(), "{prefetch} {acks:?}: {outcome:?}");
        }
        let rows = summarize(&report.outcomes);
        assert_eq!(rows["add"].succeeded, 60);
        assert_eq!(rows["count_primes"].failed, 1);
    }
}

#[test]
fn the_file_backend_reads_what_python_writes_and_keeps_a_success() {
    let folder = tempfile::tempdir().unwrap();
    let backend = FileBackend::new(folder.path());
    assert!(
        backend.read("no-such-task").unwrap().is_none(),
        "absent = pending"
    );

    // A failure exactly as Python Celery 5.7 stores it.
    let python = r#"{"status": "FAILURE", "result": {"exc_type": "ValueError", "exc_message": ["limit 20000000 is above 10000000"], "exc_module": "builtins"}, "traceback": "Traceback ...", "children": [], "date_done": "2026-01-02T03:04:05.678901+00:00", "task_id": "t1"}"#;
    std::fs::write(folder.path().join(format!("{KEY_PREFIX}t1")), python).unwrap();
    let meta = backend.read("t1").unwrap().unwrap();
    assert_eq!(meta.status, TaskState::Failure);
    assert_eq!(
        meta.meta.unwrap()["exc_message"],
        "limit 20000000 is above 10000000"
    );
    assert!(meta.date_done.is_some());

    // Half a file (Python writes in place) reads as "not yet".
    std::fs::write(folder.path().join(format!("{KEY_PREFIX}t2")), &python[..40]).unwrap();
    assert!(backend.read("t2").unwrap().is_none());

    // A final state is never overwritten; STARTED is not stored at all.
    assert!(!backend.write(&TaskMeta::started("t3")).unwrap());
    assert!(backend.read("t3").unwrap().is_none());
    assert!(
        backend
            .write(&TaskMeta::success("t3", &5).unwrap())
            .unwrap()
    );
    assert!(!backend.write(&TaskMeta::started("t3")).unwrap());
    assert!(
        !backend
            .write(&TaskMeta::success("t3", &6).unwrap())
            .unwrap()
    );
    let meta = backend.read("t3").unwrap().unwrap();
    assert_eq!(
        (meta.status, meta.result),
        (TaskState::Success, Some(json!(5)))
    );

    // An id from a message cannot name a file outside the folder.
    for evil in ["../escape", "a/b", "", ".hidden"] {
        assert!(backend.write(&TaskMeta::started(evil)).is_err(), "{evil:?}");
    }
    let names: Vec<String> = std::fs::read_dir(folder.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    assert_eq!(names.len(), 3, "no temporary files left behind: {names:?}");
}

/// Many writers race to store different results for one task id, again and
/// again: exactly one write wins each round, its result is the one every
/// reader sees from the first look on, and it never changes afterwards.
#[test]
fn the_first_result_written_wins_even_when_writers_race() {
    const WRITERS: usize = 8;
    let folder = tempfile::tempdir().unwrap();
    let backend = FileBackend::new(folder.path());
    for round in 0..200 {
        let id = format!("race-{round}");
        let start = std::sync::Barrier::new(WRITERS + 1);
        let seen = std::sync::Mutex::new(HashSet::new());
        let wins: usize = std::thread::scope(|s| {
            // A reader looks throughout: it must never see two values.
            let reader = s.spawn(|| {
                start.wait();
                for _ in 0..2_000 {
                    if let Some(meta) = backend.read(&id).unwrap() {
                        seen.lock()
                            .unwrap()
                            .insert(meta.result.unwrap().to_string());
                    }
                }
            });
            let writers: Vec<_> = (0..WRITERS)
                .map(|w| {
                    let (backend, id, start) = (&backend, &id, &start);
                    s.spawn(move || {
                        start.wait();
                        let meta = TaskMeta::success(id, &w).unwrap();
                        usize::from(backend.write(&meta).unwrap())
                    })
                })
                .collect();
            let wins = writers.into_iter().map(|w| w.join().unwrap()).sum();
            reader.join().unwrap();
            wins
        });
        assert_eq!(wins, 1, "round {round}: exactly one writer wins");
        let stored = backend
            .read(&id)
            .unwrap()
            .unwrap()
            .result
            .unwrap()
            .to_string();
        let seen = seen.into_inner().unwrap();
        assert!(
            seen.len() <= 1 && seen.iter().all(|v| *v == stored),
            "round {round}: readers saw {seen:?}, the result is {stored}"
        );
    }
    let leftovers = std::fs::read_dir(folder.path())
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .ends_with(".tmp")
        })
        .count();
    assert_eq!(leftovers, 0, "no temporary files left behind");
}

#[test]
fn masking_keeps_equal_ids_equal_and_hides_what_varies() {
    let queue = fresh_queue("mask");
    let text = format!(
        "q {queue} id \"3f2b8c1e-0a4d-4e6f-9b1a-2c3d4e5f6a7b\" root \"3f2b8c1e-0a4d-4e6f-9b1a-2c3d4e5f6a7b\" reply \"0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9\" origin \"gen4242@build-host.local\" url guest@127.0.0.1"
    );
    assert_eq!(
        wire::mask(&text, &queue),
        "q <queue> id \"<id-1>\" root \"<id-1>\" reply \"<id-2>\" origin \"gen4242@<host>\" url guest@127.0.0.1"
    );
}

#[test]
fn inspect_shows_the_rust_clients_message_in_protocol_2() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_queues-celery"))
        .args(["--broker", &broker(), "inspect"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for expected in [
        "  content_type      \"application/json\"",
        "  task                   \"add\"",
        "  id                     \"<id-1>\"",
        "  correlation_id    \"<id-1>\"",
        "  kwargs  {\"x\":2,\"y\":3}",
    ] {
        assert!(
            stdout.lines().any(|l| l == expected),
            "{expected:?} in:\n{stdout}"
        );
    }
}

#[test]
fn inspect_shows_python_celerys_message_with_positional_args() {
    common::python();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_queues-celery"))
        .args(["--broker", &broker(), "inspect", "--from", "python"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for expected in [
        "  lang                   \"py\"",
        "  task                   \"add\"",
        "  root_id                \"<id-1>\"",
        "  args    [2,3]",
    ] {
        assert!(
            stdout.lines().any(|l| l == expected),
            "{expected:?} in:\n{stdout}"
        );
    }
}
