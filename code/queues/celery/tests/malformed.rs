//! What happens to task messages a Rust worker cannot use: broken JSON,
//! missing headers or properties, arguments of the wrong type, unknown tasks.
//! Two answers. celery-rs on its own acknowledges each one (so the broker
//! deletes it), logs an error and never runs it: the message is gone. The
//! `worker` subcommand puts a gate in front of celery-rs, and the gate moves
//! each one, unchanged, to the dead-letter queue with the reason in a header.
mod common;

use std::sync::Mutex;
use std::time::{Duration, Instant};

use celery::backend::TaskState;
use common::{Queue, Spawned, broker, leftovers, processes_mentioning, runtime};
use lapin::BasicProperties;
use lapin::message::Delivery;
use lapin::options::{BasicAckOptions, BasicGetOptions};
use lapin::types::{AMQPValue, FieldTable};
use queues_celery::backend::FileBackend;
use queues_celery::gate::{self, GateReport, REASON_HEADER};
use queues_celery::wire::{self, celery_properties, string_headers};
use queues_celery::{Acks, Job, Setup, client_app, run_batch, spawn_worker, worker_app};

/// One hand-made message a worker cannot use.
struct Bad {
    what: &'static str,
    id: String,
    properties: BasicProperties,
    body: Vec<u8>,
    /// The error line celery-rs logs for it.
    logged: &'static str,
    /// The gate's reason for dead-lettering it.
    reason: &'static str,
}

fn id(n: u32) -> String {
    format!("00000000-0000-4000-8000-{n:012}")
}

const EMBED: &str = r#"{"callbacks": null, "errbacks": null, "chain": null, "chord": null}"#;

fn bad_messages() -> Vec<Bad> {
    let headers = |task: &str, n: u32| string_headers(&[("task", task), ("id", &id(n))]);
    let good_body = format!("[[2, 3], {{}}, {EMBED}]").into_bytes();
    let bad = |n: u32, what, properties, body: &[u8], logged, reason| Bad {
        what,
        id: id(n),
        properties,
        body: body.to_vec(),
        logged,
        reason,
    };
    vec![
        bad(
            1,
            "a body that is not JSON",
            celery_properties(headers("add", 1), &id(1)),
            b"this is not json",
            "message body serialization error",
            "the body is not JSON: expected ident at line 1 column 2",
        ),
        bad(
            2,
            "no task header",
            celery_properties(string_headers(&[("id", &id(2))]), &id(2)),
            &good_body,
            "missing required property 'task'",
            "no task header",
        ),
        bad(
            3,
            "no headers at all",
            celery_properties(FieldTable::default(), &id(3)),
            &good_body,
            "missing required property 'id'",
            "no headers",
        ),
        bad(
            4,
            "an argument of the wrong type",
            celery_properties(headers("add", 4), &id(4)),
            br#"[["two", 3], {}, {}]"#,
            "message body serialization error",
            r#"add(x, y): invalid type: string "two", expected i64"#,
        ),
        bad(
            5,
            "an argument missing",
            celery_properties(headers("add", 5), &id(5)),
            br#"[[2], {}, {}]"#,
            "message body serialization error",
            "add(x, y): missing argument y",
        ),
        bad(
            6,
            "a task no worker registered",
            celery_properties(headers("no_such_task", 6), &id(6)),
            &good_body,
            "received unregistered task no_such_task",
            r#"unknown task "no_such_task""#,
        ),
        bad(
            7,
            "no content type",
            BasicProperties::default()
                .with_correlation_id(id(7).into())
                .with_content_encoding("utf-8".into())
                .with_headers(headers("add", 7)),
            &good_body,
            "missing required property 'content_type'",
            "no content_type property",
        ),
    ]
}

/// Two good messages: `add(2, 3)` by position, as Python sends it, and
/// `add(4, 5)` by name, as celery-rs sends it.
fn good_messages() -> Vec<(BasicProperties, Vec<u8>)> {
    let headers = |n: u32| string_headers(&[("task", "add"), ("id", &id(n))]);
    vec![
        (
            celery_properties(headers(8), &id(8)),
            format!("[[2, 3], {{}}, {EMBED}]").into_bytes(),
        ),
        (
            celery_properties(headers(9), &id(9)),
            format!(r#"[[], {{"x": 4, "y": 5}}, {EMBED}]"#).into_bytes(),
        ),
    ]
}

/// Publishes every bad message to `queue` (declared first, so they wait there).
async fn publish_bad(url: &str, queue: &str, bad: &[Bad]) {
    wire::declare_queue(url, queue).await.unwrap();
    for message in bad {
        wire::publish_raw(url, queue, message.properties.clone(), &message.body)
            .await
            .unwrap();
    }
}

/// Takes every message out of `queue`, in order, acknowledging each.
async fn take_all(url: &str, queue: &str) -> Vec<Delivery> {
    let link = wire::Link::open(url).await.unwrap();
    let mut taken = Vec::new();
    while let Some(message) = link
        .channel
        .basic_get(queue.into(), BasicGetOptions { no_ack: false })
        .await
        .unwrap()
    {
        let delivery = message.delivery;
        link.channel
            .basic_ack(delivery.delivery_tag, BasicAckOptions::default())
            .await
            .unwrap();
        taken.push(delivery);
    }
    link.close().await.unwrap();
    taken
}

/// Checks that the dead-letter queue's messages are exactly the bad ones,
/// each byte for byte (properties, headers, body) plus the gate's reason.
fn assert_dead_letters(dead: &[Delivery], bad: &[Bad]) {
    assert_eq!(dead.len(), bad.len(), "one dead letter per bad message");
    for message in bad {
        let matching: Vec<&Delivery> = dead
            .iter()
            .filter(|d| {
                d.properties.correlation_id().as_ref().map(|c| c.as_str()) == Some(&message.id)
            })
            .collect();
        assert_eq!(matching.len(), 1, "{}: dead-lettered once", message.what);
        let letter = matching[0];
        assert_eq!(letter.data, message.body, "{}: the body", message.what);
        let mut headers = letter.properties.headers().clone().unwrap_or_default();
        let reason = match headers.inner().get(REASON_HEADER) {
            Some(AMQPValue::LongString(s)) => String::from_utf8_lossy(s.as_bytes()).into_owned(),
            other => panic!("{}: no reason header: {other:?}", message.what),
        };
        assert_eq!(reason, message.reason, "{}: the reason", message.what);
        assert!(!reason.contains('\n'), "one line");
        headers = {
            let mut rest = FieldTable::default();
            for (k, v) in headers.inner() {
                if k.as_str() != REASON_HEADER {
                    rest.insert(k.clone(), v.clone());
                }
            }
            rest
        };
        let original_headers = message.properties.headers().clone().unwrap_or_default();
        assert_eq!(headers, original_headers, "{}: the headers", message.what);
        assert_eq!(
            letter
                .properties
                .clone()
                .with_headers(FieldTable::default()),
            message
                .properties
                .clone()
                .with_headers(FieldTable::default()),
            "{}: the properties",
            message.what
        );
    }
}

/// celery-rs's ERROR lines, caught in this test process.
static LOGGED: Mutex<Vec<String>> = Mutex::new(Vec::new());

struct Catch;

impl log::Log for Catch {
    fn enabled(&self, metadata: &log::Metadata) -> bool {
        metadata.target().starts_with("celery") && metadata.level() == log::Level::Error
    }

    fn log(&self, record: &log::Record) {
        if self.enabled(record.metadata()) {
            LOGGED.lock().unwrap().push(record.args().to_string());
        }
    }

    fn flush(&self) {}
}

#[test]
fn celery_rs_alone_acks_logs_and_drops_each_bad_message() {
    log::set_logger(&Catch).expect("the only logger in this test binary");
    log::set_max_level(log::LevelFilter::Error);
    let url = broker();
    let queue = Queue::fresh(&url, "malformed-alone");
    let folder = tempfile::tempdir().unwrap();
    let rt = runtime();
    let setup = Setup {
        url: url.clone(),
        queue: queue.name.clone(),
        prefetch: 1,
        acks: Acks::Late,
        results: FileBackend::new(folder.path()),
    };

    // The bad messages wait in the queue before the worker starts; with a
    // prefetch of 1 it takes them one at a time, in order, then the good one.
    let bad = bad_messages();
    let good = rt.block_on(async {
        publish_bad(&url, &queue.name, &bad).await;
        let worker = spawn_worker(worker_app(&setup).await.unwrap(), queue.name.clone());
        let client = client_app(&setup).await.unwrap();
        let outcome = run_batch(
            &client,
            &setup.results,
            &[Job::Add(2, 3)],
            Duration::from_secs(60),
        )
        .await;
        client.close().await.unwrap();
        worker.stop().await.unwrap();
        outcome.unwrap()
    });
    assert_eq!(good[0].state, TaskState::Success);
    assert_eq!(good[0].value, 5);

    // Nothing went back to the queue: every bad message was acknowledged...
    assert_eq!(
        rt.block_on(wire::ready_count(&url, &queue.name)).unwrap(),
        0
    );
    // ...none of them ran or left a result...
    assert_eq!(queues_celery::count_result_files(folder.path()).unwrap(), 1);
    for message in &bad {
        let stored = setup.results.read(&message.id).unwrap();
        assert!(stored.is_none(), "{}: a result was stored", message.what);
    }
    // ...and each one left its error line (in any order: the lines come from
    // concurrent tokio tasks). That line is all that is left of it.
    let mut logged = LOGGED.lock().unwrap().clone();
    let mut expected: Vec<&str> = bad.iter().map(|b| b.logged).collect();
    logged.sort_unstable();
    expected.sort_unstable();
    assert_eq!(logged, expected, "one error line per bad message");

    let name = queue.name.clone();
    drop(queue);
    assert_eq!(leftovers(&url, &name), Vec::<String>::new());
}

#[test]
fn the_gate_passes_good_messages_on_and_dead_letters_bad_ones_unchanged() {
    let url = broker();
    let queue = Queue::fresh(&url, "gate");
    let rt = runtime();
    let bad = bad_messages();
    let good = good_messages();
    let (report, checked, dead, left) = rt.block_on(async {
        publish_bad(&url, &queue.name, &bad).await;
        for (properties, body) in &good {
            wire::publish_raw(&url, &queue.name, properties.clone(), body)
                .await
                .unwrap();
        }
        let gate = gate::spawn_gate(&url, &queue.name, 1).await.unwrap();
        let (checked_q, dead_q) = (
            gate::checked_queue(&queue.name),
            gate::dead_queue(&queue.name),
        );
        let start = Instant::now();
        loop {
            let moved = wire::ready_count(&url, &checked_q).await.unwrap()
                + wire::ready_count(&url, &dead_q).await.unwrap();
            if moved as usize == bad.len() + good.len() {
                break;
            }
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "the gate moved only {moved} messages"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let report = gate.stop().await.unwrap();
        let left = wire::ready_count(&url, &queue.name).await.unwrap();
        (
            report,
            take_all(&url, &checked_q).await,
            take_all(&url, &dead_q).await,
            left,
        )
    });
    assert_eq!(
        report,
        GateReport {
            forwarded: good.len() as u64,
            dead_lettered: bad.len() as u64
        }
    );
    assert_eq!(left, 0, "the gate acknowledged every message it moved");
    // The good ones arrive as they were sent, in order, byte for byte.
    assert_eq!(checked.len(), good.len());
    for (delivery, (properties, body)) in checked.iter().zip(&good) {
        assert_eq!(&delivery.properties, properties);
        assert_eq!(&delivery.data, body);
    }
    assert_dead_letters(&dead, &bad);

    let name = queue.name.clone();
    drop(queue);
    assert_eq!(leftovers(&url, &name), Vec::<String>::new());
}

#[test]
fn a_worker_behind_its_gate_loses_no_bad_message_and_goes_on() {
    let url = broker();
    let queue = Queue::fresh(&url, "malformed");
    let folder = tempfile::tempdir().unwrap();
    let results = folder.path().join("results");
    std::fs::create_dir(&results).unwrap();
    let rt = runtime();

    let bad = bad_messages();
    rt.block_on(publish_bad(&url, &queue.name, &bad));
    let mut worker = Spawned::start(
        common::rust_worker(&url, &queue.name, &results, 1),
        "rust-worker",
        folder.path(),
    );
    let setup = Setup {
        url: url.clone(),
        queue: queue.name.clone(),
        prefetch: 1,
        acks: Acks::Late,
        results: FileBackend::new(&results),
    };
    let good = rt.block_on(async {
        let client = client_app(&setup).await.unwrap();
        let outcome = run_batch(
            &client,
            &setup.results,
            &[Job::Add(2, 3)],
            Duration::from_secs(60),
        )
        .await;
        client.close().await.unwrap();
        outcome
    });
    let good = good.unwrap_or_else(|e| panic!("{e}; worker log:\n{}", worker.stderr()));
    assert_eq!(good[0].state, TaskState::Success);
    assert_eq!(good[0].value, 5);

    // The worker survived all of them and stops cleanly, gate and all.
    let (status, killed) = worker.stop(Duration::from_secs(20));
    let log = worker.stderr();
    assert!(!killed && status.success(), "{status}\n{log}");
    assert!(
        worker
            .stdout()
            .contains("worker: stopped; the gate passed 1 message(s) on and dead-lettered 7"),
        "{}",
        worker.stdout()
    );
    assert_eq!(
        processes_mentioning(&queue.name),
        Vec::<String>::new(),
        "orphans"
    );

    // No bad message reached celery-rs, none ran, none left a result...
    assert!(!log.contains("[ERROR"), "{log}");
    assert_eq!(queues_celery::count_result_files(&results).unwrap(), 1);
    for message in &bad {
        let stored = setup.results.read(&message.id).unwrap();
        assert!(stored.is_none(), "{}: a result was stored", message.what);
    }
    // ...the gate logged each one...
    let warned = log
        .lines()
        .filter(|l| l.starts_with("[WARN  queues_celery::gate]"))
        .count();
    assert_eq!(warned, bad.len(), "{log}");
    // ...and each one waits in the dead-letter queue, with its reason.
    let (left, checked, dead) = rt.block_on(async {
        (
            wire::ready_count(&url, &queue.name).await.unwrap(),
            wire::ready_count(&url, &gate::checked_queue(&queue.name))
                .await
                .unwrap(),
            take_all(&url, &gate::dead_queue(&queue.name)).await,
        )
    });
    assert_eq!(
        (left, checked),
        (0, 0),
        "nothing waits but the dead letters"
    );
    assert_dead_letters(&dead, &bad);

    let name = queue.name.clone();
    drop(queue);
    assert_eq!(leftovers(&url, &name), Vec::<String>::new());
}
