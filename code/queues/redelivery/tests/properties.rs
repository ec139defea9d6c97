//! Needs a RabbitMQ at AMQP_URL (default amqp://guest:guest@127.0.0.1:5672/%2f).
//! Each run uses its own uniquely named queues and deletes them.
use std::collections::BTreeMap;
use std::os::unix::process::ExitStatusExt;
use std::path::PathBuf;
use std::time::Duration;

use queues_redelivery::{Checkpoint, Config, Outcome, Plan, Report, Store, supervise};

fn config(jobs: usize, malformed: usize, plan: Plan) -> Config {
    Config {
        program: PathBuf::from(env!("CARGO_BIN_EXE_queues-redelivery")),
        jobs,
        // Not JSON, a missing field, a wrong type, in turn.
        malformed: (0..malformed)
            .map(|i| match i % 3 {
                0 => format!("job number {i}").into_bytes(),
                1 => b"{}".to_vec(),
                _ => format!("{{\"n\": \"{i}\"}}").into_bytes(),
            })
            .collect(),
        cost: Duration::from_millis(10),
        plan,
        auto_ack: false,
    }
}

async fn run(config: &Config) -> Report {
    tokio::time::timeout(Duration::from_secs(120), supervise(config))
        .await
        .expect("the supervised run finished in time")
        .unwrap_or_else(|error| panic!("{error}"))
}

/// Processes whose command line names `queue`: consumers of this run.
fn processes_naming(queue: &str) -> Vec<String> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        if let Ok(cmdline) = std::fs::read(entry.path().join("cmdline"))
            && String::from_utf8_lossy(&cmdline).contains(queue)
        {
            found.push(entry.file_name().to_string_lossy().into_owned());
        }
    }
    found
}

/// Everything a run must guarantee, whatever the kills and the order.
async fn check(report: &Report, config: &Config, recorded_kills: usize) {
    let jobs = config.jobs;
    // Recorded exactly once each, with the right result: no loss, no double.
    let expected: BTreeMap<String, String> = (1..=jobs as u64)
        .map(|n| (format!("job-{n}"), (n * n).to_string()))
        .collect();
    assert_eq!(report.records, expected);
    // At least once: every job was acked once, after being done.
    for id in &report.ids {
        let acks = report
            .deliveries
            .iter()
            .filter(|d| &d.id == id && matches!(d.outcome, Outcome::Acked { .. }))
            .count();
        assert_eq!(acks, 1, "{id} acked once");
    }
    assert!(report.processings() >= jobs);
    // With prefetch 1 and one consumer at a time, each kill costs exactly
    // one extra delivery, and a kill after recording one skipped duplicate.
    assert_eq!(report.deliveries.len(), jobs + report.kills());
    assert_eq!(report.duplicates(), recorded_kills);
    assert_eq!(report.processings(), jobs + recorded_kills);
    // A message is fresh the first time, flagged redelivered after a kill.
    for (i, delivery) in report.deliveries.iter().enumerate() {
        let seen_before = report.deliveries[..i].iter().any(|d| d.id == delivery.id);
        assert_eq!(
            delivery.redelivered, seen_before,
            "delivery {i}: {delivery:?}"
        );
        if matches!(
            delivery.outcome,
            Outcome::KilledHalfway | Outcome::KilledAfterRecord { .. }
        ) {
            assert!(
                report.deliveries[i + 1..]
                    .iter()
                    .any(|d| d.id == delivery.id && d.redelivered),
                "killed delivery {i} came back"
            );
        }
    }
    // Nothing left behind in the broker.
    assert_eq!(report.left_in_queue, 0);
    assert_eq!(report.rejected.len(), config.malformed.len());
    assert_eq!(report.dead_lettered as usize, config.malformed.len());
    // No orphan processes: every consumer was reaped, the killed ones by SIGKILL.
    for consumer in &report.consumers {
        if consumer.killed {
            assert_eq!(consumer.status.signal(), Some(9), "{consumer:?}");
        } else {
            assert!(consumer.status.success(), "{consumer:?}");
        }
    }
    assert_eq!(report.consumers.iter().filter(|c| !c.killed).count(), 1);
    assert_eq!(processes_naming(&report.queue), Vec::<String>::new());
    // The queues are gone.
    let connection = support_broker::connect("redelivery-test-check")
        .await
        .unwrap();
    for name in [
        report.queue.clone(),
        queues_redelivery::dead_letter_queue(&report.queue),
    ] {
        let channel = connection.create_channel().await.unwrap();
        assert!(
            support_broker::queue_depth(&channel, &name).await.is_err(),
            "{name} deleted"
        );
    }
    support_broker::close(&connection).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn repeated_kills_lose_nothing_and_record_each_job_once() {
    let config = config(8, 3, Plan::every_other(8));
    let report = run(&config).await;
    assert_eq!(report.kills(), 8, "every planned kill happened");
    check(&report, &config, 4).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_job_killed_again_and_again_is_still_recorded_once() {
    let plan = Plan::explicit([
        (0, Checkpoint::Halfway),
        (1, Checkpoint::Recorded),
        (2, Checkpoint::Recorded),
        (3, Checkpoint::Halfway),
        (4, Checkpoint::Recorded),
    ]);
    let config = config(3, 0, plan);
    let report = run(&config).await;
    assert_eq!(report.kills(), 5);
    check(&report, &config, 3).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_kills_each_job_is_delivered_once() {
    let config = config(5, 1, Plan::none());
    let report = run(&config).await;
    assert_eq!(report.kills(), 0);
    assert_eq!(report.consumers.len(), 1);
    assert!(report.deliveries.iter().all(|d| !d.redelivered));
    check(&report, &config, 0).await;
}

#[test]
fn the_store_keeps_the_first_record_only() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::new(dir.path());
    assert!(store.record("job-1", "1").unwrap());
    assert!(!store.record("job-1", "999").unwrap());
    assert!(store.record("job-2", "4").unwrap());
    let records = store.records().unwrap();
    assert_eq!(records.len(), 2);
    assert_eq!(records["job-1"], "1");
}

#[test]
fn racing_writers_make_one_record() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::new(dir.path());
    for round in 0..50 {
        let id = format!("job-{round}");
        let winners: usize = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..4)
                .map(|writer| {
                    let (store, id) = (&store, &id);
                    scope.spawn(move || store.record(id, &writer.to_string()).unwrap())
                })
                .collect();
            handles
                .into_iter()
                .map(|h| usize::from(h.join().unwrap()))
                .sum()
        });
        assert_eq!(winners, 1, "{id}");
    }
    assert_eq!(store.records().unwrap().len(), 50);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_auto_ack_a_killed_consumer_loses_its_jobs() {
    // The same harness, the same kill (the first delivery, halfway), one flag.
    let plan = Plan::explicit([(0, Checkpoint::Halfway)]);
    let mut broken = config(8, 0, plan);
    broken.auto_ack = true;
    let report = run(&broken).await;
    assert_eq!(report.kills(), 1);
    let lost = report.lost();
    // The interrupted job is gone for certain: the broker had already
    // counted it acknowledged. So is any job it had pushed to the consumer.
    assert!(lost.contains(&"job-1".to_string()), "{lost:?}");
    // Nothing comes back: no delivery is ever flagged redelivered.
    assert!(report.deliveries.iter().all(|d| !d.redelivered));
    // Every job is either recorded once, with the right result, or lost.
    assert_eq!(report.records.len() + lost.len(), broken.jobs);
    for (id, result) in &report.records {
        let n: u64 = id.strip_prefix("job-").unwrap().parse().unwrap();
        assert_eq!(result, &(n * n).to_string());
    }
    assert_eq!(report.left_in_queue, 0);
    assert_eq!(processes_naming(&report.queue), Vec::<String>::new());

    // With manual acks, the same kill loses nothing.
    let config = config(8, 0, Plan::explicit([(0, Checkpoint::Halfway)]));
    let report = run(&config).await;
    assert!(report.lost().is_empty());
    check(&report, &config, 0).await;
}
