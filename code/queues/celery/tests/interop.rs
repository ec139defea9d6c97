//! Rust and Python Celery through a real RabbitMQ, both ways. Each test has
//! its own queue and results folder, stops every process it started, proves
//! none is left, and deletes its queues.
mod common;

use std::collections::HashSet;
use std::time::Duration;

use celery::backend::TaskState;
use common::{
    Queue, Spawned, broker, leftovers, processes_mentioning, python_client, python_worker, runtime,
};
use queues_celery::backend::FileBackend;
use queues_celery::{Acks, Job, MAX_PRIME_LIMIT, Setup, client_app, gate, run_batch, wire};
use serde_json::{Value, json};

fn jobs() -> Vec<Job> {
    vec![
        Job::Add(2, 3),
        Job::Add(-7, 100),
        Job::Add(1 << 40, 1 << 40),
        Job::WordCount("workers take tasks off the queue".into()),
        Job::WordCount(String::new()),
        Job::CountPrimes(10_000),
        Job::CountPrimes(30_000),
        Job::CountPrimes(MAX_PRIME_LIMIT + 1),
    ]
}

#[test]
fn a_python_client_gets_every_result_from_a_rust_worker() {
    let url = broker();
    let queue = Queue::fresh(&url, "py-to-rust");
    let folder = tempfile::tempdir().unwrap();
    let results = folder.path().join("results");
    std::fs::create_dir(&results).unwrap();

    let mut worker = Spawned::start(
        common::rust_worker(&url, &queue.name, &results, 4),
        "rust-worker",
        folder.path(),
    );
    let jobs = jobs();
    let batch: Vec<Value> = jobs.iter().map(|j| json!([j.name(), j.args()])).collect();
    let mut client = python_client(&url, &queue.name, &results);
    client.args([
        "--timeout",
        "60",
        "--batch",
        &Value::Array(batch).to_string(),
    ]);
    let mut client = Spawned::start(client, "python-client", folder.path());
    let status = client.finish(Duration::from_secs(120));
    assert!(
        status.success(),
        "python send.py failed: {}",
        client.stderr()
    );

    let lines: Vec<Value> = client
        .stdout()
        .lines()
        .map(|l| serde_json::from_str(l).expect("send.py prints JSON lines"))
        .collect();
    assert_eq!(lines.len(), jobs.len(), "{}", client.stdout());
    let mut ids = HashSet::new();
    for (job, line) in jobs.iter().zip(&lines) {
        assert_eq!(line["task"], job.name());
        assert!(
            ids.insert(line["id"].as_str().unwrap().to_string()),
            "ids are unique"
        );
        match job.expected() {
            Ok(value) => {
                assert_eq!(line["state"], "SUCCESS", "{}: {line}", job.describe());
                assert_eq!(line["result"], value, "{}", job.describe());
            }
            Err(reason) => {
                // The Rust failure arrives in Python as an exception, of
                // the type celery-rs named.
                assert_eq!(line["state"], "FAILURE", "{}: {line}", job.describe());
                assert_eq!(line["result"]["exc_type"], "ExpectedError", "{line}");
                let message = line["result"]["exc_message"].as_str().unwrap();
                assert!(message.contains(&reason), "{message}");
            }
        }
    }
    // The worker wrote exactly one result file per task, and nothing else.
    assert_eq!(
        queues_celery::count_result_files(&results).unwrap(),
        jobs.len()
    );

    let (status, killed) = worker.stop(Duration::from_secs(20));
    assert!(
        !killed && status.success(),
        "the Rust worker did not stop cleanly: {status}\n{}",
        worker.stderr()
    );
    assert!(worker.stdout().contains("worker: stopped"));
    assert_eq!(
        processes_mentioning(&queue.name),
        Vec::<String>::new(),
        "orphans"
    );
    // Every Python message passed the Rust worker's gate.
    let dead = runtime()
        .block_on(wire::ready_count(&url, &gate::dead_queue(&queue.name)))
        .unwrap();
    assert_eq!(dead, 0, "messages the gate refused");
    let name = queue.name.clone();
    drop(queue);
    assert_eq!(leftovers(&url, &name), Vec::<String>::new());
}

#[test]
fn a_rust_client_gets_every_result_from_a_python_worker() {
    let url = broker();
    let queue = Queue::fresh(&url, "rust-to-py");
    let folder = tempfile::tempdir().unwrap();
    let results = folder.path().join("results");
    std::fs::create_dir(&results).unwrap();

    let mut worker = Spawned::start(
        python_worker(&url, &queue.name, &results),
        "python-worker",
        folder.path(),
    );
    let jobs = jobs();
    let setup = Setup {
        url: url.clone(),
        queue: queue.name.clone(),
        prefetch: 1,
        acks: Acks::Late,
        results: FileBackend::new(&results),
    };
    let outcomes = runtime().block_on(async {
        let client = client_app(&setup).await.expect("a client");
        let outcomes = run_batch(&client, &setup.results, &jobs, Duration::from_secs(90)).await;
        client.close().await.expect("close");
        outcomes
    });
    let outcomes = outcomes.unwrap_or_else(|e| panic!("{e}; worker log:\n{}", worker.stderr()));

    assert_eq!(outcomes.len(), jobs.len());
    for outcome in &outcomes {
        assert!(outcome.is_correct(), "{outcome:?}");
    }
    // The Python failure arrives in Rust as a FAILURE with Python's message.
    let failed: Vec<_> = outcomes
        .iter()
        .filter(|o| o.state == TaskState::Failure)
        .collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].job, Job::CountPrimes(MAX_PRIME_LIMIT + 1));
    assert_eq!(
        queues_celery::count_result_files(&results).unwrap(),
        jobs.len()
    );

    let (status, killed) = worker.stop(Duration::from_secs(20));
    assert!(
        !killed && status.success(),
        "the Python worker did not stop cleanly: {status}\n{}",
        worker.stderr()
    );
    assert_eq!(
        processes_mentioning(&queue.name),
        Vec::<String>::new(),
        "orphans"
    );
    let name = queue.name.clone();
    drop(queue);
    assert_eq!(leftovers(&url, &name), Vec::<String>::new());
}
