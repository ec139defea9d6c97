//! How many tasks a celery-rs worker runs at once. The `nap` task counts
//! itself in `queues_celery::gauge` while it runs; the gauge is one per
//! process, so this file holds one test that runs its cases in turn.
mod common;

use std::collections::HashSet;
use std::time::Duration;

use common::{broker, runtime};
use queues_celery::backend::FileBackend;
use queues_celery::{
    Acks, Job, Setup, client_app, count_result_files, fresh_queue, gauge, run_batch, spawn_worker,
    wire, worker_app,
};

const TASKS: usize = 12;
const NAP_MS: u64 = 150;

/// Runs `TASKS` naps through a worker with this prefetch and ack mode and
/// returns the most that ran at once, after checking that every task ran
/// exactly once and left exactly one correct result.
fn peak(url: &str, prefetch: u16, acks: Acks) -> usize {
    let folder = tempfile::tempdir().unwrap();
    let setup = Setup {
        url: url.to_string(),
        queue: fresh_queue("concurrency"),
        prefetch,
        acks,
        results: FileBackend::new(folder.path()),
    };
    let jobs: Vec<Job> = (0..TASKS as u64).map(|i| Job::Nap(NAP_MS + i)).collect();
    gauge::reset();
    let outcomes = runtime().block_on(async {
        let worker = spawn_worker(worker_app(&setup).await.unwrap(), setup.queue.clone());
        let client = client_app(&setup).await.unwrap();
        let outcomes = run_batch(&client, &setup.results, &jobs, Duration::from_secs(30)).await;
        client.close().await.unwrap();
        worker.stop().await.unwrap();
        wire::delete_queue(url, &setup.queue).await.unwrap();
        outcomes.unwrap()
    });
    let ids: HashSet<&str> = outcomes.iter().map(|o| o.id.as_str()).collect();
    assert_eq!(ids.len(), TASKS, "every task has its own id");
    assert!(outcomes.iter().all(|o| o.is_correct()), "{outcomes:?}");
    assert_eq!(count_result_files(folder.path()).unwrap(), TASKS);
    assert_eq!(
        gauge::started(),
        TASKS,
        "with no crash, each task ran exactly once"
    );
    assert_eq!(gauge::running(), 0);
    gauge::peak()
}

#[test]
fn late_acks_bound_the_tasks_at_once_by_the_prefetch_early_acks_do_not() {
    let url = broker();
    for prefetch in [1, 3] {
        let most = peak(&url, prefetch, Acks::Late);
        assert_eq!(
            most,
            usize::from(prefetch),
            "late acks, prefetch {prefetch}: the bound holds, and is reached"
        );
    }
    // The broken version: the message is acknowledged before the task runs,
    // the prefetch window frees at once, and the next message arrives.
    let most = peak(&url, 1, Acks::Early);
    assert!(
        most > 1,
        "early acks, prefetch 1: {most} at once; the prefetch bounds nothing"
    );
}
