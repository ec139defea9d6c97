//! celery-rs's own Redis broker, a worker killed with SIGKILL mid-task: the
//! message it took sits in `_celery.<queue>_process_map`, and nothing puts
//! it back. A second worker runs the tasks sent later, never the held one.
//! And a worker with a prefetch limit stops taking messages at that limit.
mod common;

use std::time::Duration;

use common::{rust_worker, space};
use queues_celery_redis::python::Worker;
use queues_celery_redis::{Backend, Namespace, connect, hold, rust_app, rust_process_map};

#[test]
fn a_killed_rust_workers_task_is_never_run_again() {
    let space = space("rust-broker");
    let url = space.url.clone();
    let logs = tempfile::tempdir().unwrap();
    let limit = Duration::from_secs(60);
    let mut a = Worker::start(rust_worker(&space, Backend::Python), "a", logs.path()).unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let queue_key = space.queue_key();
    let client = || {
        rust_app(
            "client",
            &url,
            &space.prefix,
            &queue_key,
            Backend::Python,
            0,
        )
    };
    // Only the held task is queued while A runs: a message A had popped but
    // not yet recorded when it died would be lost outright, in neither the
    // queue nor the map (the window between RPOP and HSET).
    let held_id = runtime.block_on(async {
        let client = client().await.unwrap();
        let held = client
            .send_task(hold::new("held".into(), 120.0))
            .await
            .unwrap();
        client.close().await.unwrap();
        held.task_id
    });
    space
        .wait_until(limit, "worker A starting the held task", |s| {
            Ok(s.count("runs", "held")? == 1)
        })
        .unwrap_or_else(|e| panic!("{e}: {}", a.log()));
    a.kill();
    let mut b = Worker::start(rust_worker(&space, Backend::Python), "b", logs.path()).unwrap();
    runtime.block_on(async {
        let client = client().await.unwrap();
        for i in 0..4 {
            client
                .send_task(hold::new(format!("quick{i}"), 0.0))
                .await
                .unwrap();
        }
        client.close().await.unwrap();
    });
    let mut redis = connect(&url).unwrap();
    let held_map = rust_process_map(&space.queue_key());
    // B runs every task sent after the kill and acknowledges it, which takes
    // it out of the map. What A held stays there.
    let mut taken = || -> Vec<String> { redis::Commands::hkeys(&mut redis, &held_map).unwrap() };
    space
        .wait_until(limit, "B finishing the quick tasks", |s| {
            let done: u64 = (0..4)
                .map(|i| s.count("done", &format!("quick{i}")))
                .sum::<Result<_, _>>()?;
            Ok(done == 4 && taken().len() == 1)
        })
        .unwrap_or_else(|e| panic!("{e}: {}", b.log()));
    // Give any recovery a generous chance: a Python worker would have run the
    // held task again by now (its sweep runs within seconds of the timeout).
    std::thread::sleep(Duration::from_secs(5));
    assert_eq!(
        space.count("runs", "held").unwrap(),
        1,
        "the held task never ran again"
    );
    assert_eq!(
        space.count("done", "held").unwrap(),
        0,
        "and never finished"
    );
    assert_eq!(
        taken(),
        vec![held_id],
        "the held message waits in {held_map}, taken by nobody"
    );
    assert!(b.stop(Duration::from_secs(20)), "{}", b.log());
}

#[test]
fn a_rust_redis_worker_with_a_prefetch_limit_stops_taking_messages() {
    let space = space("rust-prefetch");
    let url = space.url.clone();
    let logs = tempfile::tempdir().unwrap();
    let mut worker = rust_worker(&space, Backend::Python);
    worker.args(["--prefetch", "1"]);
    let mut worker = Worker::start(worker, "rust", logs.path()).unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let client = rust_app(
            "client",
            &url,
            &space.prefix,
            &space.queue_key(),
            Backend::Python,
            0,
        )
        .await
        .unwrap();
        for i in 0..3 {
            client
                .send_task(hold::new(format!("t{i}"), 0.0))
                .await
                .unwrap();
        }
        client.close().await.unwrap();
    });
    let done = |s: &Namespace| -> Result<u64, queues_celery_redis::Error> {
        (0..3).map(|i| s.count("done", &format!("t{i}"))).sum()
    };
    space
        .wait_until(Duration::from_secs(60), "the first task done", |s| {
            Ok(done(s)? >= 1)
        })
        .unwrap_or_else(|e| panic!("{e}: {}", worker.log()));
    // Each task takes milliseconds; give the worker seconds to take the next.
    std::thread::sleep(Duration::from_secs(5));
    let mut redis = connect(&url).unwrap();
    let waiting: usize = redis::Commands::llen(&mut redis, space.queue_key()).unwrap();
    assert_eq!(
        (done(&space).unwrap(), waiting),
        (1, 2),
        "one task ran, two wait for ever"
    );
    assert!(worker.stop(Duration::from_secs(20)), "{}", worker.log());
}
