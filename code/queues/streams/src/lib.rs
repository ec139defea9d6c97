//! A stream queue: an append-only log in the broker. Consumers read it from
//! an offset of their choosing and acknowledge what they read, but an ack
//! removes nothing: every reader sees every message the stream still keeps,
//! including those published before the reader existed.

use std::time::Duration;

use lapin::options::{
    BasicAckOptions, BasicConsumeOptions, BasicPublishOptions, BasicQosOptions,
    ConfirmSelectOptions, QueueDeclareOptions,
};
use lapin::types::{AMQPValue, FieldTable};
use lapin::{BasicProperties, Channel, Connection};

/// Any error an example returns.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

// ANCHOR: declare
/// Declares a stream. Streams must be durable and cannot be exclusive or
/// auto-deleted; what they keep is bounded by size and age instead, and the
/// broker removes whole segment files, oldest first, once a bound is passed.
pub async fn declare_stream(channel: &Channel, name: &str) -> Result<(), lapin::Error> {
    let mut arguments = FieldTable::default();
    let text = |s: &str| AMQPValue::LongString(s.into());
    arguments.insert("x-queue-type".into(), text("stream"));
    arguments.insert(
        "x-max-length-bytes".into(),
        AMQPValue::LongLongInt(50_000_000),
    );
    arguments.insert("x-max-age".into(), text("10m"));
    let options = QueueDeclareOptions {
        durable: true,
        ..QueueDeclareOptions::default()
    };
    channel
        .queue_declare(name.into(), options, arguments)
        .await?;
    Ok(())
}
// ANCHOR_END: declare

/// Declares a classic queue for the same messages (the comparison).
pub async fn declare_classic(channel: &Channel, name: &str) -> Result<(), lapin::Error> {
    support_broker::declare_queue(channel, name, FieldTable::default()).await?;
    Ok(())
}

/// Publishes messages `from..to` (their bodies are the numbers) to `queue`,
/// with confirms, and waits until the broker has confirmed them all.
pub async fn publish(channel: &Channel, queue: &str, from: u64, to: u64) -> Result<(), BoxError> {
    channel
        .confirm_select(ConfirmSelectOptions::default())
        .await?;
    let mut confirms = Vec::new();
    for n in from..to {
        let confirm = channel
            .basic_publish(
                "".into(),
                queue.into(),
                BasicPublishOptions::default(),
                n.to_string().as_bytes(),
                BasicProperties::default().with_delivery_mode(2),
            )
            .await?;
        confirms.push(confirm);
    }
    for confirm in confirms {
        confirm.await?;
    }
    Ok(())
}

/// Where a stream consumer starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Offset {
    /// The oldest message the stream still keeps.
    First,
    /// Only messages published after the consumer attaches.
    Next,
    /// The message at this offset (the log's position, from 0).
    At(i64),
    /// The first chunk of messages stored at or after this Unix time, in
    /// seconds. A chunk is a batch the broker wrote together, so a few
    /// earlier messages may come too. The broker stamps each chunk with its
    /// own clock, so this time is compared across two clocks: if the
    /// broker's runs behind ours, a time taken here may lie after every
    /// chunk, and the reader then starts at `next`.
    Timestamp(u64),
    /// The first chunk stored at most this many seconds ago, measured by the
    /// broker's clock when the consumer attaches (the interval form, sent as
    /// `"<n>s"`). Only one clock is involved, so no skew between ours and
    /// the broker's can move the start.
    SecondsAgo(u64),
}

impl Offset {
    fn argument(self) -> AMQPValue {
        match self {
            Offset::First => AMQPValue::LongString("first".into()),
            Offset::Next => AMQPValue::LongString("next".into()),
            Offset::At(n) => AMQPValue::LongLongInt(n),
            Offset::Timestamp(seconds) => AMQPValue::Timestamp(seconds),
            Offset::SecondsAgo(seconds) => AMQPValue::LongString(format!("{seconds}s").into()),
        }
    }
}

/// A message read from a queue: its body, and its `x-stream-offset` header
/// when it came from a stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Read {
    /// The number in the body.
    pub body: u64,
    /// Where it sits in the stream, or `None` for a classic queue.
    pub offset: Option<i64>,
}

fn stream_offset(properties: &BasicProperties) -> Option<i64> {
    match properties
        .headers()
        .as_ref()?
        .inner()
        .get("x-stream-offset")?
    {
        AMQPValue::LongLongInt(n) => Some(*n),
        AMQPValue::LongInt(n) => Some(i64::from(*n)),
        _ => None,
    }
}

// ANCHOR: reader-attach
/// A consumer on its own channel. On a stream, `offset` says where to start
/// (`None` is `next`). A stream consumer must set a prefetch and ack by hand:
/// the acks only make room for more deliveries, they delete nothing.
pub struct Reader {
    channel: Channel,
    consumer: lapin::Consumer,
}

impl Reader {
    /// Starts consuming `queue`. When this returns, the broker has answered
    /// `basic.consume-ok`: the consumer is attached.
    pub async fn attach(
        connection: &Connection,
        queue: &str,
        offset: Option<Offset>,
        prefetch: u16,
    ) -> Result<Self, lapin::Error> {
        let channel = connection.create_channel().await?;
        channel
            .basic_qos(prefetch, BasicQosOptions::default())
            .await?;
        let mut arguments = FieldTable::default();
        if let Some(offset) = offset {
            arguments.insert("x-stream-offset".into(), offset.argument());
        }
        let consumer = channel
            .basic_consume(
                queue.into(),
                "".into(),
                BasicConsumeOptions::default(),
                arguments,
            )
            .await?;
        Ok(Self { channel, consumer })
    }
    // ANCHOR_END: reader-attach

    // ANCHOR: reader-read
    /// Reads `count` messages, acking each, or fewer if none comes for
    /// `patience`.
    pub async fn read(&mut self, count: usize, patience: Duration) -> Result<Vec<Read>, BoxError> {
        let mut got = Vec::with_capacity(count);
        while got.len() < count {
            let next = support_broker::next_delivery(&mut self.consumer, patience).await?;
            let Some(delivery) = next else { break };
            let body = std::str::from_utf8(&delivery.data)?.parse()?;
            got.push(Read {
                body,
                offset: stream_offset(&delivery.properties),
            });
            delivery.ack(BasicAckOptions::default()).await?;
        }
        Ok(got)
    }
}
// ANCHOR_END: reader-read

impl Reader {
    /// Closes the consumer's channel.
    pub async fn close(self) -> Result<(), lapin::Error> {
        self.channel.close(200, "done".into()).await
    }
}

/// Attaches a reader to `queue` at `offset`, reads `count` messages, closes.
pub async fn read_all(
    connection: &Connection,
    queue: &str,
    offset: Option<Offset>,
    count: usize,
    prefetch: u16,
) -> Result<Vec<Read>, BoxError> {
    let mut reader = Reader::attach(connection, queue, offset, prefetch).await?;
    let got = reader.read(count, Duration::from_secs(5)).await;
    reader.close().await?;
    got
}

/// What the demonstration saw.
#[derive(Clone, Debug)]
pub struct Demo {
    /// Messages published before anyone consumed.
    pub before: u64,
    /// Messages published after the `next` reader attached.
    pub after: u64,
    /// Two readers from `first`, read at the same time.
    pub firsts: [Vec<Read>; 2],
    /// A reader from `next`, attached between the two batches.
    pub next: Vec<Read>,
    /// A reader from offset `before`.
    pub at: Vec<Read>,
    /// How far back, in seconds, the timestamp reader started.
    pub seconds_ago: u64,
    /// A reader from a time between the two batches, given as seconds ago.
    pub timestamp: Vec<Read>,
    /// A reader from `first` again, after every read above was acked.
    pub again: Vec<Read>,
}

/// Whole seconds since `moment`, rounded up. A reader from that many
/// seconds ago starts less than a second before `moment`: after a batch that
/// ended 1.5 s before it, and before one that began 0.5 s after it.
pub fn seconds_since(moment: std::time::Instant) -> u64 {
    let elapsed = moment.elapsed();
    elapsed.as_secs() + u64::from(elapsed.subsec_nanos() > 0)
}

/// Publishes `before` messages to a fresh stream, attaches a `next` reader,
/// publishes `after` more, and reads it every way; deletes the stream.
pub async fn demo(connection: &Connection, before: u64, after: u64) -> Result<Demo, BoxError> {
    let channel = connection.create_channel().await?;
    let stream = support_broker::unique_name("streams-demo");
    declare_stream(&channel, &stream).await?;
    let result = async {
        publish(&channel, &stream, 0, before).await?;
        let mut next = Reader::attach(connection, &stream, Some(Offset::Next), 100).await?;
        // A quiet moment between the batches: 1.5 s after the first, 0.5 s
        // before the second.
        tokio::time::sleep(Duration::from_millis(1_500)).await;
        let between = std::time::Instant::now();
        tokio::time::sleep(Duration::from_millis(500)).await;
        publish(&channel, &stream, before, before + after).await?;
        let total = (before + after) as usize;
        let (a, b) = tokio::join!(
            read_all(connection, &stream, Some(Offset::First), total, 100),
            read_all(connection, &stream, Some(Offset::First), total, 100),
        );
        let next_read = next.read(after as usize, Duration::from_secs(5)).await?;
        next.close().await?;
        let at = read_all(
            connection,
            &stream,
            Some(Offset::At(before as i64)),
            after as usize,
            100,
        )
        .await?;
        let seconds_ago = seconds_since(between);
        let timestamp = read_all(
            connection,
            &stream,
            Some(Offset::SecondsAgo(seconds_ago)),
            after as usize,
            100,
        )
        .await?;
        let again = read_all(connection, &stream, Some(Offset::First), total, 100).await?;
        Ok::<_, BoxError>(Demo {
            before,
            after,
            firsts: [a?, b?],
            next: next_read,
            at,
            seconds_ago,
            timestamp,
            again,
        })
    }
    .await;
    let admin = connection.create_channel().await?;
    support_broker::delete_queues(&admin, &[stream]).await?;
    result
}
