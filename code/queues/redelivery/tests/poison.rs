//! A message every consumer rejects with requeue: on a classic queue it comes back for
//! ever; on a quorum queue with a delivery limit it is dead-lettered, with
//! `x-death`, after the limit. Needs the RabbitMQ at AMQP_URL (3.10 or later).
use std::time::Duration;

use queues_redelivery::poison::{PoisonReport, QueueKind, reject_until_gone};

async fn run(kind: QueueKind, max: u32) -> PoisonReport {
    tokio::time::timeout(Duration::from_secs(60), reject_until_gone(kind, max))
        .await
        .expect("the poison run finished in time")
        .unwrap_or_else(|error| panic!("{error}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_classic_queue_redelivers_a_rejected_message_for_ever() {
    // Bounded by the test, not by the broker: 50 deliveries and still there.
    let report = run(QueueKind::Classic, 50).await;
    assert_eq!(report.deliveries, 50);
    assert_eq!(report.left_in_queue, 1, "still waiting for the 51st try");
    assert_eq!(report.dead, None, "never dead-lettered");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_quorum_queue_dead_letters_it_after_the_delivery_limit() {
    for limit in [0, 3] {
        let report = run(
            QueueKind::Quorum {
                delivery_limit: limit,
            },
            50,
        )
        .await;
        // The first delivery plus `limit` returns, then it is dead-lettered.
        assert_eq!(report.deliveries, limit + 1, "limit {limit}: {report:?}");
        assert_eq!(report.left_in_queue, 0);
        // The queue's own count of returns, on the last delivery: the limit.
        let expected = (limit > 0).then_some(i64::from(limit));
        assert_eq!(report.last_delivery_count, expected, "{report:?}");
        let death = report
            .dead
            .as_ref()
            .expect("a copy in the dead-letter queue");
        assert_eq!(death.reason, "delivery_limit", "{report:?}");
        assert!(death.queue.starts_with("redelivery-poison-"), "{report:?}");
        assert!(!death.queue.ends_with("-dead"), "{report:?}");
        assert_eq!(death.count, 1);
    }
}
