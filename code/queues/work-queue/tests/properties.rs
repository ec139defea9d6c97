//! Needs a RabbitMQ at AMQP_URL (default amqp://guest:guest@127.0.0.1:5672/%2f).
//! Every run uses its own uniquely named queues and deletes them.
use std::future::Future;
use std::time::Duration;

use lapin::Connection;
use queues_work_queue::{
    Prefetch, RunReport, Task, alternating_tasks, connect_consumers, malformed_samples, parse_task,
    run,
};

/// Fails the test instead of hanging it.
async fn in_time<T>(what: &str, future: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(60), future)
        .await
        .unwrap_or_else(|_| panic!("{what} did not finish within 60 s"))
}

async fn connections(consumers: usize) -> (Connection, Vec<Connection>) {
    let producer = support_broker::connect("work-queue-test").await.unwrap();
    let consumers = connect_consumers(consumers).await.unwrap();
    (producer, consumers)
}

async fn close_all(producer: Connection, consumers: Vec<Connection>) {
    for connection in consumers.iter().chain([&producer]) {
        support_broker::close(connection).await;
    }
}

fn assert_each_task_once(report: &RunReport, tasks: &[Task]) {
    let mut done: Vec<u64> = report.workers.iter().flat_map(|w| w.done.clone()).collect();
    done.sort_unstable();
    let mut expected: Vec<u64> = tasks.iter().map(|t| t.id).collect();
    expected.sort_unstable();
    assert_eq!(
        done, expected,
        "prefetch {}: every task done exactly once",
        report.prefetch
    );
    assert_eq!(report.left_in_work_queue, 0, "nothing left behind");
}

/// The queues are gone once `run` returns: a passive declare of either fails.
async fn assert_queues_deleted(producer: &Connection, report: &RunReport) {
    for name in [&report.queues.work, &report.queues.dead] {
        let channel = producer.create_channel().await.unwrap();
        let depth = support_broker::queue_depth(&channel, name).await;
        assert!(depth.is_err(), "queue {name} still exists");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_task_is_done_exactly_once_with_any_prefetch() {
    in_time("the runs", async {
        let (producer, consumers) = connections(3).await;
        let tasks = alternating_tasks(30, 3, 0);
        for prefetch in [Prefetch::Limit(1), Prefetch::Limit(3), Prefetch::Unlimited] {
            let report = run(&producer, &consumers, prefetch, &tasks, &[])
                .await
                .unwrap();
            assert_each_task_once(&report, &tasks);
            assert_eq!(report.workers.len(), 3);
            assert!(report.dead.is_empty(), "no valid task is dead-lettered");
            assert_queues_deleted(&producer, &report).await;
        }
        close_all(producer, consumers).await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_messages_all_reach_the_dead_letter_queue_with_reasons() {
    in_time("the run", async {
        let (producer, consumers) = connections(2).await;
        let tasks = alternating_tasks(10, 2, 0);
        let mut malformed = malformed_samples();
        malformed.extend([
            Vec::new(),
            vec![0xff, 0x00, 0xfe],
            b"[1, 2]".to_vec(),
            br#"{"id": 1.5, "cost_ms": 1}"#.to_vec(),
            br#"{"id": 3, "cost_ms": 99999999}"#.to_vec(),
            br#"{"cost_ms": 1}"#.to_vec(),
        ]);
        for prefetch in [Prefetch::Limit(1), Prefetch::Unlimited] {
            let report = run(&producer, &consumers, prefetch, &tasks, &malformed)
                .await
                .unwrap();
            // The workers survived every bad message and did all the good ones.
            assert_each_task_once(&report, &tasks);
            let dead_lettered: usize = report.workers.iter().map(|w| w.dead_lettered).sum();
            assert_eq!(dead_lettered, malformed.len());
            // Nothing disappeared: each bad body is in the dead-letter queue, once, untouched.
            let mut bodies: Vec<Vec<u8>> = report.dead.iter().map(|d| d.body.clone()).collect();
            bodies.sort();
            let mut expected = malformed.clone();
            expected.sort();
            assert_eq!(bodies, expected);
            for letter in &report.dead {
                assert!(
                    letter.reason.starts_with("not JSON: ")
                        || letter.reason.starts_with("bad task: "),
                    "{:?}: {}",
                    letter.body,
                    letter.reason
                );
                assert_eq!(letter.reason.lines().count(), 1);
                // The copy keeps the original's properties: still persistent,
                // still JSON, the same message id, the producer's header.
                assert_eq!(letter.delivery_mode, Some(2), "{:?}", letter.body);
                let i = malformed.iter().position(|b| b == &letter.body).unwrap();
                assert_eq!(letter.message_id, Some(format!("malformed-{i}")));
                assert_eq!(letter.content_type.as_deref(), Some("application/json"));
                assert_eq!(
                    letter.headers.get(queues_work_queue::PRODUCER_HEADER),
                    Some(&"work-queue".to_string())
                );
            }
            assert_queues_deleted(&producer, &report).await;
        }
        close_all(producer, consumers).await;
    })
    .await;
}

#[test]
fn parse_task_says_what_is_wrong() {
    assert_eq!(
        parse_task(br#"{"id": 4, "cost_ms": 10}"#),
        Ok(Task { id: 4, cost_ms: 10 })
    );
    let reason = |body: &[u8]| parse_task(body).unwrap_err();
    assert!(reason(b"nope").starts_with("not JSON: "));
    assert!(reason(b"").starts_with("not JSON: "));
    assert!(reason(br#"{"id": 4"#).starts_with("not JSON: "));
    assert!(reason(br#"{"id": 4}"#).contains("missing field `cost_ms`"));
    assert!(reason(br#"{"id": true, "cost_ms": 1}"#).contains("invalid type"));
    assert!(reason(br#"{"id": 1, "cost_ms": 60001}"#).contains("over the limit"));
    assert_eq!(
        reason(b"[4, 10]"),
        "bad task: expected a JSON object, found an array"
    );
    assert_eq!(
        reason(b"null"),
        "bad task: expected a JSON object, found null"
    );
}

#[test]
fn tasks_alternate_heavy_and_light() {
    let tasks = alternating_tasks(5, 9, 1);
    let costs: Vec<u64> = tasks.iter().map(|t| t.cost_ms).collect();
    assert_eq!(costs, [9, 1, 9, 1, 9]);
}
