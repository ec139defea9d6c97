//! Every call gets its own answer, however the answers are ordered; a call
//! nobody answers times out; a late answer never reaches the wrong call; the
//! queues are gone afterwards. Needs the RabbitMQ at AMQP_URL.

use std::sync::Arc;
use std::time::Duration;

use lapin::Connection;
use lapin::options::QueueDeclareOptions;
use lapin::types::FieldTable;
use queues_rpc::{
    Client, ReplyTo, RpcError, declare_request_queue, delete_queue, late_answer, parse_number,
    serve, square_slowly,
};
use support_kit::testing::within_async;
use tokio::task::JoinSet;

/// How long the broker may take before a test fails instead of hanging.
const LIMIT: Duration = Duration::from_secs(60);

async fn connect() -> Connection {
    support_broker::connect("queues-rpc tests")
        .await
        .unwrap_or_else(|error| panic!("{error}"))
}

async fn exists(connection: &Connection, queue: &str) -> bool {
    // A failed passive declare closes its channel: one channel per check.
    let channel = connection.create_channel().await.unwrap();
    let passive = QueueDeclareOptions {
        passive: true,
        ..QueueDeclareOptions::default()
    };
    channel
        .queue_declare(queue.into(), passive, FieldTable::default())
        .await
        .is_ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_calls_each_get_their_own_answer() {
    within_async(LIMIT, async {
        let connection = connect().await;
        for mode in [ReplyTo::PrivateQueue, ReplyTo::Direct] {
            let queue = support_broker::unique_name("rpc-test");
            declare_request_queue(&connection, &queue).await.unwrap();
            // Two servers, eight requests each at a time, 0-8 ms of work per
            // request: answers come back in a different order from the calls.
            let mut servers = Vec::new();
            for _ in 0..2 {
                servers.push(serve(&connection, &queue, 8, square_slowly).await.unwrap());
            }
            let client = Arc::new(Client::new(&connection, &queue, mode).await.unwrap());
            let calls = 150u64;
            let mut running = JoinSet::new();
            for n in 1..=calls {
                let client = client.clone();
                running.spawn(async move {
                    let answer = client
                        .call(n.to_string().as_bytes(), Duration::from_secs(30))
                        .await;
                    (n, answer)
                });
            }
            let mut answered = 0;
            while let Some(done) = running.join_next().await {
                let (n, answer) = done.unwrap();
                let answer = answer.unwrap_or_else(|e| panic!("{mode}: call {n}: {e}"));
                assert_eq!(parse_number(&answer), Some(n * n), "{mode}: call {n}");
                answered += 1;
            }
            assert_eq!(answered, calls);
            assert_eq!(client.stale_replies(), 0, "{mode}");
            assert_eq!(client.waiting(), 0, "{mode}");
            let reply_queue = client.reply_queue().map(str::to_string);
            assert_eq!(reply_queue.is_some(), mode == ReplyTo::PrivateQueue);
            Arc::try_unwrap(client).ok().unwrap().close().await.unwrap();

            let mut served = 0;
            for server in servers {
                served += server.stop().await.unwrap();
            }
            assert_eq!(served, calls, "{mode}: every request answered exactly once");
            delete_queue(&connection, &queue).await.unwrap();
            assert!(!exists(&connection, &queue).await, "{queue} left behind");
            if let Some(reply_queue) = reply_queue {
                assert!(
                    !exists(&connection, &reply_queue).await,
                    "{reply_queue} left behind"
                );
            }
        }
        support_broker::close(&connection).await;
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_nobody_answers_times_out() {
    within_async(LIMIT, async {
        let connection = connect().await;
        for mode in [ReplyTo::PrivateQueue, ReplyTo::Direct] {
            let queue = support_broker::unique_name("rpc-silent-test");
            declare_request_queue(&connection, &queue).await.unwrap();
            let client = Client::new(&connection, &queue, mode).await.unwrap();
            let limit = Duration::from_millis(150);
            match client.call(b"3", limit).await {
                Err(RpcError::Timeout(reported)) => assert_eq!(reported, limit),
                other => panic!("{mode}: expected a timeout, got {other:?}"),
            }
            assert_eq!(
                client.waiting(),
                0,
                "{mode}: the timed-out call is forgotten"
            );
            client.close().await.unwrap();
            delete_queue(&connection, &queue).await.unwrap();
            assert!(!exists(&connection, &queue).await);
        }
        support_broker::close(&connection).await;
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_late_answer_is_dropped_when_calls_carry_correlation_ids() {
    within_async(LIMIT, async {
        let connection = connect().await;
        let limit = Duration::from_millis(100);
        let seen = late_answer(&connection, true, Duration::from_millis(400), limit)
            .await
            .unwrap();
        assert!(
            matches!(seen.first, Err(RpcError::Timeout(_))),
            "{:?}",
            seen.first
        );
        assert_eq!(seen.second.unwrap(), seen.second_expected);
        assert_eq!(seen.stale, 1, "the late answer was recognised and dropped");
        support_broker::close(&connection).await;
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_correlation_ids_the_next_call_takes_the_late_answer() {
    within_async(LIMIT, async {
        let connection = connect().await;
        let limit = Duration::from_millis(100);
        let seen = late_answer(&connection, false, Duration::from_millis(400), limit)
            .await
            .unwrap();
        assert!(
            matches!(seen.first, Err(RpcError::Timeout(_))),
            "{:?}",
            seen.first
        );
        // The server answers one request at a time, in order, so the answer
        // to the first call always arrives before the answer to the second.
        assert_eq!(seen.second.unwrap(), b"slow answer");
        support_broker::close(&connection).await;
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_whose_connection_closes_returns_closed_not_a_timeout() {
    within_async(LIMIT, async {
        let admin = connect().await;
        for mode in [ReplyTo::PrivateQueue, ReplyTo::Direct] {
            let queue = support_broker::unique_name("rpc-closed-test");
            declare_request_queue(&admin, &queue).await.unwrap();
            let connection = Arc::new(connect().await);
            let client = Arc::new(Client::new(&connection, &queue, mode).await.unwrap());
            // Nobody serves the queue, and the limit is far past the test's
            // own: only `Closed` can end this call in time.
            let waiting = tokio::spawn({
                let client = client.clone();
                async move { client.call(b"3", LIMIT * 10).await }
            });
            while client.waiting() == 0 {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            connection.close(200, "gone".into()).await.unwrap();
            match waiting.await.unwrap() {
                Err(RpcError::Closed) => {}
                other => panic!("{mode}: expected Closed, got {other:?}"),
            }
            // A later call fails at once, too.
            match client.call(b"4", LIMIT * 10).await {
                Err(RpcError::Closed) => {}
                other => panic!("{mode}: expected Closed, got {other:?}"),
            }
            assert_eq!(client.waiting(), 0);
            delete_queue(&admin, &queue).await.unwrap();
        }
        support_broker::close(&admin).await;
    })
    .await
}
