//! Each subscriber receives exactly what its binding promises: every message
//! whose key matches, once, and nothing else. Needs the RabbitMQ at AMQP_URL.

use std::time::Duration;

use lapin::options::{ExchangeDeclareOptions, QueueDeclareOptions};
use lapin::types::FieldTable;
use lapin::{Connection, ExchangeKind};
use queues_pub_sub::{
    KEYS, RunReport, Subscriber, TOPIC_BINDINGS, declare_exchange, exactly, expected_ids,
    late_subscriber, message, publish, run, topic_matches,
};
use support_kit::testing::within_async;

/// How long the broker may take before a test fails instead of hanging.
const LIMIT: Duration = Duration::from_secs(60);

async fn connect() -> Connection {
    support_broker::connect("queues-pub-sub tests")
        .await
        .unwrap_or_else(|error| panic!("{error}"))
}

/// Every queue and the exchange a run declared are gone: a passive declare,
/// which only checks that something exists, fails for each.
async fn assert_cleaned_up(connection: &Connection, report: &RunReport) {
    let passive_queue = QueueDeclareOptions {
        passive: true,
        ..QueueDeclareOptions::default()
    };
    for queue in &report.queues {
        // A failed passive declare closes its channel, so each check gets its own.
        let channel = connection.create_channel().await.unwrap();
        let found = channel
            .queue_declare(queue.as_str().into(), passive_queue, FieldTable::default())
            .await;
        assert!(found.is_err(), "queue {queue} still exists");
    }
    let channel = connection.create_channel().await.unwrap();
    let passive_exchange = ExchangeDeclareOptions {
        passive: true,
        ..ExchangeDeclareOptions::default()
    };
    let found = channel
        .exchange_declare(
            report.exchange.as_str().into(),
            ExchangeKind::Topic,
            passive_exchange,
            FieldTable::default(),
        )
        .await;
    assert!(found.is_err(), "exchange {} still exists", report.exchange);
}

#[test]
fn topic_rules_by_hand() {
    let cases = [
        ("orders.*", "orders.eu", true),
        ("orders.*", "orders", false),
        ("orders.*", "orders.eu.vip", false),
        ("orders.#", "orders", true),
        ("orders.#", "orders.eu.vip", true),
        ("orders.#", "refunds.eu", false),
        ("*.eu", "orders.eu", true),
        ("*.eu", "eu", false),
        ("*.eu", "orders.eu.vip", false),
        ("#.vip", "vip", true),
        ("#.vip", "orders.eu.vip", true),
        ("#", "audit", true),
        ("#", "", true),
        ("*", "", false),
        ("*", "audit", true),
        ("#.#", "a.b", true),
        ("a.#.b", "a.b", true),
        ("a.#.b", "a.x.y.b", true),
        ("a.#.b", "a.x.y.c", false),
        ("*.*", "a.b", true),
        ("*.*", "a.b.c", false),
        ("audit", "audit", true),
        ("audit", "audits", false),
    ];
    for (binding, key, expected) in cases {
        assert_eq!(
            topic_matches(binding, key),
            expected,
            "{binding} vs {key:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fanout_subscribers_each_get_every_message_once() {
    within_async(LIMIT, async {
        let connection = connect().await;
        let messages: Vec<_> = (0..300).map(|id| message(id, &KEYS)).collect();
        for subscribers in [1, 4] {
            let bindings = vec![""; subscribers];
            let report = run(&connection, ExchangeKind::Fanout, &bindings, &messages)
                .await
                .unwrap();
            assert_eq!(report.subscribers.len(), subscribers);
            assert_eq!(report.unroutable, 0);
            for (binding, received) in &report.subscribers {
                let expected = expected_ids(&ExchangeKind::Fanout, binding, &messages);
                assert_eq!(expected.len(), messages.len());
                assert!(exactly(received, &expected, &messages), "{received:?}");
            }
            assert_cleaned_up(&connection, &report).await;
        }
        support_broker::close(&connection).await;
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn topic_subscribers_get_exactly_what_their_bindings_match() {
    within_async(LIMIT, async {
        let connection = connect().await;
        let messages: Vec<_> = (0..600).map(|id| message(id, &KEYS)).collect();
        let report = run(&connection, ExchangeKind::Topic, &TOPIC_BINDINGS, &messages)
            .await
            .unwrap();
        assert_eq!(report.unroutable, 0, "# matches every key");
        let counts: Vec<usize> = report.subscribers.iter().map(|(_, r)| r.len()).collect();
        // 600 messages over 6 keys: 100 per key.
        assert_eq!(counts, [200, 300, 200, 600]);
        for (binding, received) in &report.subscribers {
            let expected = expected_ids(&ExchangeKind::Topic, binding, &messages);
            assert!(
                exactly(received, &expected, &messages),
                "{binding}: {received:?}"
            );
        }
        assert_cleaned_up(&connection, &report).await;
        support_broker::close(&connection).await;
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_broker_agrees_with_the_topic_rules_on_awkward_patterns() {
    within_async(LIMIT, async {
        let connection = connect().await;
        let keys = ["a", "a.b", "a.b.c", "b.a", "a.x.b", "x.y.z.b", "b", ""];
        let bindings = [
            "a", "*", "#", "a.#", "#.b", "a.#.b", "*.b", "*.*.*", "#.a.#", "x.#",
        ];
        let messages: Vec<_> = (0..160).map(|id| message(id, &keys)).collect();
        let report = run(&connection, ExchangeKind::Topic, &bindings, &messages)
            .await
            .unwrap();
        for (binding, received) in &report.subscribers {
            let expected = expected_ids(&ExchangeKind::Topic, binding, &messages);
            assert!(
                exactly(received, &expected, &messages),
                "{binding}: {received:?}"
            );
        }
        assert_cleaned_up(&connection, &report).await;
        support_broker::close(&connection).await;
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_matching_no_binding_come_back_as_unroutable() {
    within_async(LIMIT, async {
        let connection = connect().await;
        let messages: Vec<_> = (0..60).map(|id| message(id, &KEYS)).collect();
        // Only the two "orders.*" keys are bound: the other four come back.
        let report = run(&connection, ExchangeKind::Topic, &["orders.*"], &messages)
            .await
            .unwrap();
        assert_eq!(report.subscribers[0].1.len(), 20);
        assert_eq!(report.unroutable, 40);
        assert_cleaned_up(&connection, &report).await;
        support_broker::close(&connection).await;
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_late_subscriber_gets_only_what_was_published_after_it_bound() {
    within_async(LIMIT, async {
        let connection = connect().await;
        let report = late_subscriber(&connection, 50, 30).await.unwrap();
        assert_eq!(report.returned_before, 50, "nobody was bound: all returned");
        assert_eq!(report.returned_after, 0);
        let ids: Vec<u64> = report.received.iter().map(|r| r.id).collect();
        assert_eq!(ids, (50..80).collect::<Vec<_>>(), "in order, each once");
        support_broker::close(&connection).await;
    })
    .await
}

/// Subscribers set up once and used for several runs, as the benchmark uses
/// them, each on a connection of its own: every run, each receives exactly
/// that run's messages, once each, and nothing is returned as unroutable.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscribers_set_up_once_receive_every_run_exactly() {
    within_async(LIMIT, async {
        let publisher_connection = connect().await;
        let publisher = publisher_connection.create_channel().await.unwrap();
        let exchange = support_broker::unique_name("pub-sub-reuse");
        declare_exchange(&publisher, &exchange, ExchangeKind::Fanout)
            .await
            .unwrap();
        let mut connections = Vec::new();
        let mut subscribers = Vec::new();
        for _ in 0..3 {
            let connection = connect().await;
            subscribers.push(Subscriber::bind(&connection, &exchange, "").await.unwrap());
            connections.push(connection);
        }
        for run in 0..3u64 {
            let messages: Vec<_> = (run * 200..(run + 1) * 200)
                .map(|id| message(id, &["news"]))
                .collect();
            assert_eq!(publish(&publisher, &exchange, &messages).await.unwrap(), 0);
            for subscriber in &mut subscribers {
                let received = subscriber.receive(messages.len()).await.unwrap();
                let ids: Vec<u64> = messages.iter().map(|(id, _)| *id).collect();
                assert!(exactly(&received, &ids, &messages), "run {run}");
            }
        }
        for subscriber in &subscribers {
            subscriber.close().await.unwrap();
        }
        publisher
            .exchange_delete(exchange.as_str().into(), Default::default())
            .await
            .unwrap();
        for connection in connections.iter().chain([&publisher_connection]) {
            support_broker::close(connection).await;
        }
    })
    .await
}
