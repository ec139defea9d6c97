//! Every message published is consumed exactly once, however many consumers
//! compete for the queue and whatever their prefetch; with confirms, the
//! broker acknowledges every publish. Needs the RabbitMQ at AMQP_URL.

use std::time::Duration;

use lapin::Connection;
use queues_throughput::{
    Confirms, Consumers, Durability, consume, declare_durable_queue, id_of, payload, publish,
    publisher, round_trip,
};
use support_kit::testing::within_async;

/// How long the broker may take before a test fails instead of hanging.
const LIMIT: Duration = Duration::from_secs(90);

async fn connect() -> Connection {
    support_broker::connect("queues-throughput tests")
        .await
        .unwrap_or_else(|error| panic!("{error}"))
}

#[test]
fn a_payload_carries_its_id() {
    for id in [0, 1, 255, 256, u64::MAX] {
        assert_eq!(id_of(&payload(id)), Some(id));
    }
    assert_eq!(id_of(b"short"), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_message_is_consumed_exactly_once_across_the_consumers() {
    within_async(LIMIT, async {
        let connection = connect().await;
        for consumers in [1, 2, 4] {
            for work in [Duration::ZERO, Duration::from_millis(1)] {
                let messages = if work.is_zero() { 400 } else { 60 };
                let (published, consumed) = round_trip(&connection, messages, consumers, work)
                    .await
                    .unwrap();
                assert_eq!(published.messages, messages);
                assert_eq!(published.acked, messages, "every publish confirmed");
                assert_eq!(published.nacked, 0);
                assert_eq!(consumed.per_consumer.len(), consumers);
                assert_eq!(
                    consumed.all_sorted(),
                    (0..messages).collect::<Vec<_>>(),
                    "{consumers} consumers: each message once, none lost"
                );
            }
        }
        support_broker::close(&connection).await;
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_confirms_every_publish_is_acked_and_without_none_is_lost() {
    within_async(LIMIT, async {
        let connection = connect().await;
        let queue = support_broker::unique_name("throughput-test");
        let admin = connection.create_channel().await.unwrap();
        declare_durable_queue(&admin, &queue).await.unwrap();
        let messages = 120;
        for durability in [Durability::Transient, Durability::Persistent] {
            for confirms in [
                Confirms::Off,
                Confirms::EveryBatch(1),
                Confirms::EveryBatch(7),
                Confirms::EveryBatch(500),
            ] {
                let channel = publisher(&connection, confirms).await.unwrap();
                let report = publish(&channel, &queue, 0..messages, durability, confirms)
                    .await
                    .unwrap();
                channel.close(200, "done".into()).await.unwrap();
                assert_eq!(report.messages, messages);
                assert_eq!(report.nacked, 0);
                let expected_acks = if confirms == Confirms::Off {
                    0
                } else {
                    messages
                };
                assert_eq!(report.acked, expected_acks, "{durability}, {confirms}");
                // Whatever the mode, every message reached the queue exactly once.
                let consumed = consume(&connection, &queue, 2, messages, 16, Duration::ZERO)
                    .await
                    .unwrap();
                assert_eq!(consumed.all_sorted(), (0..messages).collect::<Vec<_>>());
                let left = support_broker::queue_depth(&admin, &queue).await.unwrap();
                assert_eq!(left, 0, "{durability}, {confirms}: nothing left over");
            }
        }
        support_broker::delete_queues(&admin, std::slice::from_ref(&queue))
            .await
            .unwrap();
        let check = connection.create_channel().await.unwrap();
        assert!(
            support_broker::queue_depth(&check, &queue).await.is_err(),
            "{queue} left behind"
        );
        support_broker::close(&connection).await;
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn consuming_nothing_returns_at_once() {
    within_async(LIMIT, async {
        let connection = connect().await;
        let queue = support_broker::unique_name("throughput-empty");
        let admin = connection.create_channel().await.unwrap();
        declare_durable_queue(&admin, &queue).await.unwrap();
        let consumed = consume(&connection, &queue, 3, 0, 1, Duration::ZERO)
            .await
            .unwrap();
        assert_eq!(consumed.per_consumer, vec![Vec::<u64>::new(); 3]);
        support_broker::delete_queues(&admin, &[queue])
            .await
            .unwrap();
        support_broker::close(&connection).await;
    })
    .await
}

/// Consumers started once, each on a connection of its own, as the benchmark
/// uses them: run after run, the messages published while they wait reach
/// them each exactly once, for a prefetch of 1 and of 1,000, and the queue
/// is empty when they stop.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn consumers_started_once_take_every_run_exactly_once() {
    within_async(LIMIT, async {
        let admin_connection = connect().await;
        let admin = admin_connection.create_channel().await.unwrap();
        let queue = support_broker::unique_name("throughput-pool");
        declare_durable_queue(&admin, &queue).await.unwrap();
        let mut own = Vec::new();
        for _ in 0..4 {
            own.push(connect().await);
        }
        let own: Vec<&Connection> = own.iter().collect();
        for prefetch in [1, 1000] {
            let mut consumers = Consumers::start(&own, &queue, prefetch, Duration::ZERO)
                .await
                .unwrap();
            for run in 0..3u64 {
                let ids = run * 500..(run + 1) * 500;
                publish(
                    &admin,
                    &queue,
                    ids.clone(),
                    Durability::Transient,
                    Confirms::Off,
                )
                .await
                .unwrap();
                let consumed = consumers.take(500).await;
                assert_eq!(consumed.per_consumer.len(), 4);
                assert_eq!(consumed.all_sorted(), ids.collect::<Vec<_>>());
            }
            consumers.stop().await.unwrap();
            assert_eq!(
                support_broker::queue_depth(&admin, &queue).await.unwrap(),
                0
            );
        }
        support_broker::delete_queues(&admin, &[queue])
            .await
            .unwrap();
        for connection in own {
            support_broker::close(connection).await;
        }
        support_broker::close(&admin_connection).await;
    })
    .await
}
