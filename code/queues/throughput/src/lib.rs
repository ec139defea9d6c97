//! How many messages per second one RabbitMQ queue carries, and what the
//! guarantees cost. A publisher chooses two things: whether a message is
//! persistent (delivery mode 2, written to disk in a durable queue) or
//! transient (mode 1, kept in memory), and whether it waits for publisher
//! confirms (the broker's "I have it") after every message, after every
//! batch, or not at all. On the other side, competing consumers share one
//! queue: each message goes to exactly one of them.
#![forbid(unsafe_code)]

use std::fmt;
use std::time::Duration;

use futures_lite::StreamExt;
use lapin::options::{
    BasicAckOptions, BasicCancelOptions, BasicConsumeOptions, BasicPublishOptions, BasicQosOptions,
    ConfirmSelectOptions, QueueDeclareOptions, QueuePurgeOptions,
};
use lapin::types::{AMQPValue, FieldTable};
use lapin::{BasicProperties, Channel, Confirmation, Connection};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

/// Bytes in every message: an 8-byte id, then padding.
pub const PAYLOAD_BYTES: usize = 64;

/// A queue the run forgot to delete goes away on its own after ten minutes unused.
const EXPIRES_MS: u32 = 600_000;

/// The message with number `id`.
pub fn payload(id: u64) -> Vec<u8> {
    let mut bytes = vec![0; PAYLOAD_BYTES];
    bytes[..8].copy_from_slice(&id.to_be_bytes());
    bytes
}

/// The number a message carries.
pub fn id_of(payload: &[u8]) -> Option<u64> {
    Some(u64::from_be_bytes(payload.get(..8)?.try_into().ok()?))
}

/// How the broker keeps a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Durability {
    /// Delivery mode 1: in memory only (paged to disk only under memory pressure).
    Transient,
    /// Delivery mode 2: written to disk, since the queue is durable.
    Persistent,
}

impl fmt::Display for Durability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Durability::Transient => "transient",
            Durability::Persistent => "persistent",
        })
    }
}

/// When the publisher waits for the broker's confirms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Confirms {
    /// Never: fire and forget.
    Off,
    /// After every `n` messages it waits until the broker has confirmed all
    /// of them (`n` = 1: after every message).
    EveryBatch(u64),
}

impl fmt::Display for Confirms {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Confirms::Off => f.write_str("none"),
            Confirms::EveryBatch(1) => f.write_str("after every message"),
            Confirms::EveryBatch(n) => write!(f, "after every {n} messages"),
        }
    }
}

/// Declares a durable queue (it survives a broker restart, and so do the
/// persistent messages in it) that still expires if a crashed run leaves it.
pub async fn declare_durable_queue(channel: &Channel, name: &str) -> lapin::Result<()> {
    let mut arguments = FieldTable::default();
    arguments.insert("x-expires".into(), AMQPValue::LongUInt(EXPIRES_MS));
    channel
        .queue_declare(name.into(), QueueDeclareOptions::durable(), arguments)
        .await?;
    Ok(())
}

/// Empties a queue between measurements.
pub async fn purge(channel: &Channel, name: &str) -> lapin::Result<u32> {
    channel
        .queue_purge(name.into(), QueuePurgeOptions::default())
        .await
}

/// A channel to publish on, switched to confirm mode when `confirms` asks
/// for it. Confirm mode is for the channel's whole life.
pub async fn publisher(connection: &Connection, confirms: Confirms) -> lapin::Result<Channel> {
    let channel = connection.create_channel().await?;
    if confirms != Confirms::Off {
        channel
            .confirm_select(ConfirmSelectOptions::default())
            .await?;
    }
    Ok(channel)
}

/// What the broker said about a run of publishes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Published {
    pub messages: u64,
    /// Confirmed: the broker has the message (on disk, if persistent).
    pub acked: u64,
    /// Refused by the broker.
    pub nacked: u64,
}

// ANCHOR: publish-loop
/// Publishes messages `ids` to `queue` through the default exchange on
/// `channel` (from [`publisher`] with the same `confirms`).
pub async fn publish(
    channel: &Channel,
    queue: &str,
    ids: std::ops::Range<u64>,
    durability: Durability,
    confirms: Confirms,
) -> lapin::Result<Published> {
    let mode = match durability {
        Durability::Transient => 1,
        Durability::Persistent => 2,
    };
    let properties = BasicProperties::default().with_delivery_mode(mode);
    let mut report = Published::default();
    let mut unconfirmed = Vec::new();
    for id in ids {
        // Returns once the message is written to the socket, not when the
        // broker has it: that is what the confirm is for.
        let confirm = channel
            .basic_publish(
                "".into(),
                queue.into(),
                BasicPublishOptions::default(),
                &payload(id),
                properties.clone(),
            )
            .await?;
        report.messages += 1;
        if let Confirms::EveryBatch(batch) = confirms {
            unconfirmed.push(confirm);
            if unconfirmed.len() as u64 == batch {
                tally(&mut report, unconfirmed.drain(..)).await?;
            }
        }
    }
    tally(&mut report, unconfirmed.drain(..)).await?;
    Ok(report)
}
// ANCHOR_END: publish-loop

// ANCHOR: publish-tally
/// Waits for each confirm of a batch and counts acks and nacks.
async fn tally(
    report: &mut Published,
    batch: impl Iterator<Item = lapin::PublisherConfirm>,
) -> lapin::Result<()> {
    for confirm in batch {
        match confirm.await? {
            Confirmation::Ack(_) => report.acked += 1,
            Confirmation::Nack(_) => report.nacked += 1,
            Confirmation::NotRequested => {}
        }
    }
    Ok(())
}
// ANCHOR_END: publish-tally

/// What each consumer received, in the order it received it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Consumed {
    pub per_consumer: Vec<Vec<u64>>,
}

impl Consumed {
    /// All ids, sorted: `0..n` exactly when every message arrived once.
    pub fn all_sorted(&self) -> Vec<u64> {
        let mut all: Vec<u64> = self.per_consumer.iter().flatten().copied().collect();
        all.sort_unstable();
        all
    }
}

// ANCHOR: consume-start
/// Competing consumers of one queue, each on its own channel of the
/// connection it is given, with `prefetch` unacknowledged messages at most.
/// Each message costs `work` of waiting (a stand-in for a call to a database
/// or a web service), then a manual ack; the consumer then reports the id.
pub struct Consumers {
    receipts: mpsc::UnboundedReceiver<(usize, u64)>,
    stop: watch::Sender<bool>,
    running: Vec<JoinHandle<lapin::Result<()>>>,
}

impl Consumers {
    /// Starts one consumer per entry of `connections` (the same connection
    /// may appear more than once).
    pub async fn start(
        connections: &[&Connection],
        queue: &str,
        prefetch: u16,
        work: Duration,
    ) -> lapin::Result<Self> {
        let (report, receipts) = mpsc::unbounded_channel();
        let (stop, stopped) = watch::channel(false);
        let mut running = Vec::new();
        for (index, connection) in connections.iter().enumerate() {
            let channel = connection.create_channel().await?;
            channel
                .basic_qos(prefetch, BasicQosOptions::default())
                .await?;
            let deliveries = channel
                .basic_consume(
                    queue.into(),
                    "".into(),
                    BasicConsumeOptions::default(),
                    FieldTable::default(),
                )
                .await?;
            let (report, stopped) = (report.clone(), stopped.clone());
            // ANCHOR_END: consume-start
            // ANCHOR: consume-loop
            running.push(tokio::spawn(async move {
                let mut deliveries = deliveries;
                let mut stopped = stopped;
                loop {
                    let delivery = tokio::select! {
                        delivery = deliveries.next() => delivery,
                        _ = stopped.wait_for(|&stop| stop) => break,
                    };
                    let Some(delivery) = delivery else { break };
                    let delivery = delivery?;
                    if !work.is_zero() {
                        tokio::time::sleep(work).await;
                    }
                    delivery.ack(BasicAckOptions::default()).await?;
                    let _ = report.send((index, id_of(&delivery.data).unwrap_or(u64::MAX)));
                }
                channel
                    .basic_cancel(deliveries.tag(), BasicCancelOptions::default())
                    .await?;
                channel.close(200, "done".into()).await
            }));
        }
        Ok(Consumers {
            receipts,
            stop,
            running,
        })
    }
}
// ANCHOR_END: consume-loop

impl Consumers {
    /// Waits until the consumers together have acknowledged `count` more
    /// messages, and says which consumer handled which.
    pub async fn take(&mut self, count: u64) -> Consumed {
        let mut consumed = Consumed {
            per_consumer: vec![Vec::new(); self.running.len()],
        };
        for _ in 0..count {
            let Some((index, id)) = self.receipts.recv().await else {
                break; // every consumer has ended
            };
            consumed.per_consumer[index].push(id);
        }
        consumed
    }

    /// Stops every consumer, cancels its subscription and closes its channel.
    pub async fn stop(self) -> lapin::Result<()> {
        let _ = self.stop.send(true);
        for consumer in self.running {
            consumer.await.expect("a consumer panicked")?;
        }
        Ok(())
    }
}

/// Drains `expected` messages from `queue` with `consumers` competing
/// consumers that all share `connection`, then stops them.
pub async fn consume(
    connection: &Connection,
    queue: &str,
    consumers: usize,
    expected: u64,
    prefetch: u16,
    work: Duration,
) -> lapin::Result<Consumed> {
    consume_on(
        &vec![connection; consumers],
        queue,
        expected,
        prefetch,
        work,
    )
    .await
}

/// Drains `expected` messages from `queue` with one consumer per entry of
/// `connections`, then stops them.
pub async fn consume_on(
    connections: &[&Connection],
    queue: &str,
    expected: u64,
    prefetch: u16,
    work: Duration,
) -> lapin::Result<Consumed> {
    let mut consumers = Consumers::start(connections, queue, prefetch, work).await?;
    let consumed = consumers.take(expected).await;
    consumers.stop().await?;
    Ok(consumed)
}

/// One measured run: publish `messages` (transient, confirmed in batches of
/// 100) into a fresh queue, drain it with `consumers`, delete the queue.
/// Returns what was published and what was consumed.
pub async fn round_trip(
    connection: &Connection,
    messages: u64,
    consumers: usize,
    work: Duration,
) -> lapin::Result<(Published, Consumed)> {
    let queue = support_broker::unique_name("throughput");
    let channel = publisher(connection, Confirms::EveryBatch(100)).await?;
    declare_durable_queue(&channel, &queue).await?;
    let published = publish(
        &channel,
        &queue,
        0..messages,
        Durability::Transient,
        Confirms::EveryBatch(100),
    )
    .await?;
    let consumed = consume(connection, &queue, consumers, messages, 64, work).await?;
    support_broker::delete_queues(&channel, &[queue]).await?;
    channel.close(200, "done".into()).await?;
    Ok((published, consumed))
}
