//! Results through Redis across languages: a Rust worker's results read by
//! Python's `AsyncResult.get()`, a Python worker's read by a Rust client,
//! with celery-rs's `RedisBackend` and with `PythonRedisBackend`. Both sides
//! use Redis as the broker too.
mod common;

use std::time::Duration;

use celery::error::BackendError;
use common::{rust_worker, space};
use queues_celery_redis::python::{Worker, client, run_client, worker};
use queues_celery_redis::{Backend, add, connect, fail, rust_app};
use serde_json::Value;

fn lines(output: Vec<String>) -> Vec<Value> {
    output
        .iter()
        .map(|l| serde_json::from_str(l).expect("JSON lines"))
        .collect()
}

#[test]
fn python_gets_a_rust_workers_results_from_a_backend_that_writes_pythons_format() {
    let space = space("rust-to-py");
    let logs = tempfile::tempdir().unwrap();
    let mut rust =
        Worker::start(rust_worker(&space, Backend::Python), "rust", logs.path()).unwrap();
    let batch = r#"[["add", [2, 3]], ["add", [-7, 100]], ["fail", ["no such thing"]]]"#;
    let got = lines(run_client(&space, &["--batch", batch], Duration::from_secs(90)).unwrap());
    assert_eq!(got.len(), 3, "{got:?}");
    assert_eq!(
        (&got[0]["state"], &got[0]["result"]),
        (&"SUCCESS".into(), &5.into()),
        "{got:?}"
    );
    assert_eq!(
        (&got[1]["state"], &got[1]["result"]),
        (&"SUCCESS".into(), &93.into()),
        "{got:?}"
    );
    // The Rust failure arrives in Python as an exception of the type celery-rs named.
    assert_eq!(got[2]["state"], "FAILURE", "{got:?}");
    assert_eq!(got[2]["result"]["exc_type"], "ExpectedError", "{got:?}");
    assert_eq!(got[2]["result"]["exc_message"], "no such thing", "{got:?}");
    assert!(rust.stop(Duration::from_secs(20)), "{}", rust.log());
}

#[test]
fn celery_rs_redis_backend_never_wakes_a_waiting_python_get() {
    let space = space("rs-backend");
    let logs = tempfile::tempdir().unwrap();
    // The Python client sends, subscribes and looks once; only then does a
    // Rust worker start, store the result... and publish nothing.
    let mut waiting = Worker::start(
        client(&space, &["--timeout", "8", "add", "2", "3"]).unwrap(),
        "client",
        logs.path(),
    )
    .unwrap();
    let mut redis = connect(&space.url).unwrap();
    space
        .wait_until(Duration::from_secs(60), "the task in the queue", |s| {
            Ok(redis::Commands::llen::<_, usize>(&mut redis, s.queue_key())? == 1)
        })
        .unwrap();
    std::thread::sleep(Duration::from_secs(2)); // the client's one look is long over
    let mut rust =
        Worker::start(rust_worker(&space, Backend::CeleryRs), "rust", logs.path()).unwrap();
    let stored = format!("{}celery-task-meta-", space.prefix);
    space
        .wait_until(Duration::from_secs(60), "the result stored", |s| {
            Ok(s.keys()?.iter().any(|k| k.starts_with(&stored)))
        })
        .unwrap();
    let waited = waiting.wait(Duration::from_secs(60)).unwrap();
    let got: Value =
        serde_json::from_str(waiting.log().lines().find(|l| l.starts_with('{')).unwrap()).unwrap();
    assert!(waited, "client.py exits by itself");
    assert_eq!(got["state"], "ERROR", "{got}");
    assert_eq!(got["result"]["exc_type"], "TimeoutError", "{got}");

    // Reading the state instead of waiting for the announcement finds the
    // success; a failure stored as celery-rs stores it breaks Python's reader.
    let batch = r#"[["add", [2, 3]], ["fail", ["no such thing"]]]"#;
    let got = lines(
        run_client(
            &space,
            &["--poll", "--batch", batch],
            Duration::from_secs(90),
        )
        .unwrap(),
    );
    assert_eq!(
        (&got[0]["state"], &got[0]["result"]),
        (&"SUCCESS".into(), &5.into()),
        "{got:?}"
    );
    assert_eq!(got[1]["state"], "ERROR", "{got:?}");
    assert_eq!(got[1]["result"]["exc_type"], "ValueError", "{got:?}");
    assert!(rust.stop(Duration::from_secs(20)), "{}", rust.log());
}

#[test]
fn a_rust_client_gets_a_python_workers_results_and_the_failure_message_with_the_python_format() {
    let space = space("py-to-rust");
    let logs = tempfile::tempdir().unwrap();
    let mut python = Worker::start(worker(&space, None, "py").unwrap(), "py", logs.path()).unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let wait = Some(Duration::from_secs(60));
    let message = |backend| {
        runtime.block_on(async {
            let client = rust_app(
                "rust-client",
                &space.url,
                &space.prefix,
                &space.queue_key(),
                backend,
                0,
            )
            .await
            .unwrap();
            let sum: i64 = client
                .send_task(add::new(40, 2))
                .await
                .unwrap()
                .get(wait)
                .await
                .unwrap();
            assert_eq!(sum, 42);
            let failed = client
                .send_task(fail::new("no such thing".into()))
                .await
                .unwrap();
            let outcome = failed.get::<i64>(wait).await;
            client.close().await.unwrap();
            match outcome {
                Err(BackendError::TaskFailed(message)) => message,
                other => panic!("expected the task's failure, got {other:?}"),
            }
        })
    };
    // Python stores the exception as a dict; celery-rs reads a message only
    // from a string, so its own backend loses it.
    assert_eq!(message(Backend::CeleryRs), "task failed");
    assert_eq!(message(Backend::Python), "no such thing");
    assert!(python.stop(Duration::from_secs(20)), "{}", python.log());
}
