//! Python Celery on a real Redis broker, workers killed with SIGKILL. Each
//! test has keys of its own (a prefix) and deletes them; the tasks count
//! their own runs in Redis, and the asserts are on those counts.
mod common;

use std::time::Duration;

use queues_celery_redis::python::{Visibility, kill_and_recover, overlap};
use queues_celery_redis::{Namespace, connect, redis_url};

/// A fresh namespace, once Python Celery is there too.
fn space(purpose: &str) -> Namespace {
    if let Err(line) = queues_celery_redis::celery_python() {
        panic!("{line}");
    }
    common::space(purpose)
}

const FAST: Visibility = Visibility {
    timeout: Duration::from_secs(2),
    sweep: Duration::from_secs(1),
};

#[test]
fn a_task_whose_worker_was_killed_runs_again_after_the_visibility_timeout() {
    let space = space("kill");
    let seen = kill_and_recover(&space, FAST, 4).unwrap();
    // The held task ran twice (the killed run and the copy) and finished once.
    assert_eq!((seen.runs, seen.done), (2, 1), "{seen:?}");
    // Nothing was lost: every quick task finished. A quick task worker A had
    // taken but not started would run once, on B, after the timeout too.
    assert!(seen.quick_done.iter().all(|&n| n == 1), "{seen:?}");
    let name = space.prefix.clone();
    drop(space);
    let left = Namespace {
        url: redis_url(),
        queue: "book-celery-redis-kill".into(),
        prefix: name,
    };
    assert_eq!(
        left.keys().unwrap(),
        Vec::<String>::new(),
        "keys left behind"
    );
}

#[test]
fn a_task_longer_than_the_visibility_timeout_runs_twice_at_once() {
    let space = space("overlap");
    let (runs, done) = overlap(&space, FAST).unwrap();
    // Nobody was killed, yet the message went back to the queue while the
    // first worker still ran it, and the second worker ran it too.
    assert_eq!((runs, done), (2, 2));
}

#[test]
fn with_the_default_timeout_a_killed_workers_task_stays_hidden() {
    // kombu's default visibility timeout is an hour: a worker started after
    // the kill finds nothing to run, and the message waits in `unacked`.
    use queues_celery_redis::python::{Worker, run_client, worker};
    let space = space("default");
    let logs = tempfile::tempdir().unwrap();
    let mut a = Worker::start(worker(&space, None, "a").unwrap(), "a", logs.path()).unwrap();
    run_client(
        &space,
        &["--no-wait", "hold", "held", "120"],
        Duration::from_secs(60),
    )
    .unwrap();
    space
        .wait_until(Duration::from_secs(60), "worker A starting", |s| {
            Ok(s.count("runs", "held")? == 1)
        })
        .unwrap();
    a.kill();
    let mut b = Worker::start(worker(&space, None, "b").unwrap(), "b", logs.path()).unwrap();
    // B is up and consuming once it has finished a task sent after the kill.
    run_client(&space, &["hold", "after", "0"], Duration::from_secs(60)).unwrap();
    assert_eq!(space.count("done", "after").unwrap(), 1);
    // Five seconds more: with FAST's 2-second timeout the task would be back.
    std::thread::sleep(Duration::from_secs(5));
    assert_eq!(
        space.count("runs", "held").unwrap(),
        1,
        "the held task must not run again yet"
    );
    let unacked = format!("{}unacked", space.prefix);
    let mut redis = connect(&space.url).unwrap();
    let hidden: usize = redis::Commands::hlen(&mut redis, &unacked).unwrap();
    assert_eq!(hidden, 1, "the killed worker's message waits in {unacked}");
    assert!(
        b.stop(Duration::from_secs(20)),
        "B stops on SIGTERM: {}",
        b.log()
    );
}
