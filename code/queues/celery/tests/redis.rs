//! celery-rs's own Redis result backend, against the real Redis on
//! 127.0.0.1:6379 (REDIS_URL to change it): a Rust worker stores, a Rust
//! client reads, a failure arrives as a failure, and the keys are removed.
mod common;

use std::sync::Arc;
use std::time::Duration;

use celery::CeleryBuilder;
use celery::backend::{RedisBackend, ResultBackend};
use celery::error::BackendError;
use common::{Queue, broker, runtime};
use queues_celery::{MAX_PRIME_LIMIT, add, count_primes, spawn_worker};

fn redis_url() -> String {
    std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379/".into())
}

#[test]
fn a_rust_worker_and_client_share_results_through_redis() {
    let url = broker();
    let queue = Queue::fresh(&url, "redis");
    let prefix = format!("{}-meta", queue.name);
    let backend = || {
        RedisBackend::new(&redis_url())
            .expect("a Redis URL")
            .with_key_prefix(prefix.clone())
    };
    let build = |name: &'static str| {
        CeleryBuilder::new(name, &url)
            .default_queue(&queue.name)
            .prefetch_count(4)
            .acks_late(true)
            .result_backend(backend())
            .task_max_retries(0)
            .build()
    };
    runtime().block_on(async {
        let worker = Arc::new(build("rust-worker").await.expect("a worker"));
        worker.register_task::<add>().await.unwrap();
        worker.register_task::<count_primes>().await.unwrap();
        let worker = spawn_worker(worker, queue.name.clone());
        let client = build("rust-client").await.expect("a client");

        let mut ids = Vec::new();
        let wait = Some(Duration::from_secs(30));
        for i in 0..20i64 {
            let sent = client.send_task(add::new(i, 100)).await.unwrap();
            ids.push(sent.task_id.clone());
            let sum: i64 = sent.get(wait).await.unwrap_or_else(|e| {
                panic!("add({i}, 100): {e} (is Redis running? scripts/services redis)")
            });
            assert_eq!(sum, i + 100);
        }
        let failing = client
            .send_task(count_primes::new(MAX_PRIME_LIMIT + 1))
            .await
            .unwrap();
        ids.push(failing.task_id.clone());
        match failing.get::<u64>(wait).await {
            Err(BackendError::TaskFailed(message)) => {
                assert!(message.contains("is above"), "{message}")
            }
            other => panic!("expected the task's failure, got {other:?}"),
        }
        client.close().await.unwrap();
        worker.stop().await.unwrap();

        // One stored result per task, each removed afterwards.
        let store = backend();
        for id in &ids {
            assert!(store.get_task_meta(id).await.unwrap().is_some(), "{id}");
            store.forget(id).await.unwrap();
            assert!(store.get_task_meta(id).await.unwrap().is_none(), "{id}");
        }
    });
}
