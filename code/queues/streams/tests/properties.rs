//! Against the real broker; each test makes its own stream.
use std::time::Duration;

use queues_streams::{Offset, Read, Reader, declare_stream, publish, read_all, seconds_since};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Runtime::new().expect("a tokio runtime")
}

async fn connect() -> lapin::Connection {
    support_broker::connect("queues-streams test")
        .await
        .unwrap_or_else(|error| panic!("{error}"))
}

fn bodies(reads: &[Read]) -> Vec<u64> {
    reads.iter().map(|r| r.body).collect()
}

/// Runs `test` against a fresh stream, then deletes it.
async fn with_stream<F, Fut>(test: F)
where
    F: FnOnce(lapin::Connection, lapin::Channel, String) -> Fut,
    Fut: std::future::Future<Output = lapin::Connection>,
{
    let connection = connect().await;
    let channel = connection.create_channel().await.unwrap();
    let stream = support_broker::unique_name("streams-test");
    declare_stream(&channel, &stream).await.unwrap();
    let connection = test(connection, channel, stream.clone()).await;
    let admin = connection.create_channel().await.unwrap();
    support_broker::delete_queues(&admin, &[stream])
        .await
        .unwrap();
    support_broker::close(&connection).await;
}

#[test]
fn a_late_subscriber_reads_every_message_from_first() {
    runtime().block_on(with_stream(|connection, channel, stream| async move {
        publish(&channel, &stream, 0, 200).await.unwrap();
        // Only now does anyone subscribe.
        let mut reader = Reader::attach(&connection, &stream, Some(Offset::First), 50)
            .await
            .unwrap();
        let reads = reader.read(200, Duration::from_secs(5)).await.unwrap();
        assert_eq!(bodies(&reads), (0..200).collect::<Vec<_>>());
        let offsets: Vec<Option<i64>> = reads.iter().map(|r| r.offset).collect();
        assert_eq!(offsets, (0..200).map(Some).collect::<Vec<_>>());
        let extra = reader.read(1, Duration::from_millis(300)).await.unwrap();
        assert!(extra.is_empty(), "nothing was published twice: {extra:?}");
        reader.close().await.unwrap();
        connection
    }));
}

#[test]
fn two_readers_read_the_same_messages_and_acks_remove_nothing() {
    runtime().block_on(with_stream(|connection, channel, stream| async move {
        publish(&channel, &stream, 0, 300).await.unwrap();
        let (a, b) = tokio::join!(
            read_all(&connection, &stream, Some(Offset::First), 300, 100),
            read_all(&connection, &stream, Some(Offset::First), 300, 10),
        );
        let all: Vec<u64> = (0..300).collect();
        assert_eq!(bodies(&a.unwrap()), all);
        assert_eq!(bodies(&b.unwrap()), all);
        // Both acked all 300; a third reader still finds every one.
        let c = read_all(&connection, &stream, Some(Offset::First), 300, 100)
            .await
            .unwrap();
        assert_eq!(bodies(&c), all);
        connection
    }));
}

#[test]
fn next_reads_only_what_comes_after_and_a_position_starts_there() {
    runtime().block_on(with_stream(|connection, channel, stream| async move {
        publish(&channel, &stream, 0, 40).await.unwrap();
        let mut next = Reader::attach(&connection, &stream, Some(Offset::Next), 10)
            .await
            .unwrap();
        publish(&channel, &stream, 40, 70).await.unwrap();
        let reads = next.read(30, Duration::from_secs(5)).await.unwrap();
        assert_eq!(bodies(&reads), (40..70).collect::<Vec<_>>());
        let extra = next.read(1, Duration::from_millis(300)).await.unwrap();
        assert!(extra.is_empty(), "{extra:?}");
        next.close().await.unwrap();
        let from_25 = read_all(&connection, &stream, Some(Offset::At(25)), 45, 10)
            .await
            .unwrap();
        assert_eq!(bodies(&from_25), (25..70).collect::<Vec<_>>());
        connection
    }));
}

#[test]
fn a_reader_from_a_time_between_two_batches_reads_only_the_second() {
    runtime().block_on(with_stream(|connection, channel, stream| async move {
        publish(&channel, &stream, 0, 60).await.unwrap();
        tokio::time::sleep(Duration::from_millis(1_500)).await;
        let between = std::time::Instant::now();
        tokio::time::sleep(Duration::from_millis(500)).await;
        publish(&channel, &stream, 60, 90).await.unwrap();
        // Ask for more than the second batch: nothing of the first may come.
        let seconds = seconds_since(between);
        let reads = read_all(
            &connection,
            &stream,
            Some(Offset::SecondsAgo(seconds)),
            90,
            10,
        )
        .await
        .unwrap();
        assert_eq!(
            bodies(&reads),
            (60..90).collect::<Vec<_>>(),
            "from {seconds} s ago"
        );
        connection
    }));
}
