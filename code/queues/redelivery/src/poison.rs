//! A poison message: one that every consumer fails on. Rejected with
//! `requeue: true`, it comes back for ever on a classic queue. A quorum queue
//! counts its deliveries and, past `x-delivery-limit`, dead-letters it, with
//! an `x-death` header that says where it died and why.

use std::time::Duration;

use lapin::BasicProperties;
use lapin::Channel;
use lapin::options::{
    BasicConsumeOptions, BasicGetOptions, BasicPublishOptions, BasicQosOptions, BasicRejectOptions,
    ConfirmSelectOptions,
};
use lapin::types::{AMQPValue, FieldTable};

use support_broker::{header_integer as integer, header_text as text};

use crate::BoxError;

/// The kind of queue the poison message sits in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueueKind {
    /// A classic queue: it does not count deliveries.
    Classic,
    /// A quorum queue with `x-delivery-limit` set.
    Quorum {
        /// How many times a message may be returned before it is dead-lettered.
        delivery_limit: u32,
    },
}

/// The first entry of a dead-lettered message's `x-death` header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Death {
    /// The queue the message died in.
    pub queue: String,
    /// Why: `rejected`, `expired`, `maxlen` or `delivery_limit`.
    pub reason: String,
    /// How many times it died this way in that queue.
    pub count: i64,
}

/// What happened to the poison message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PoisonReport {
    /// Times a consumer received it.
    pub deliveries: u32,
    /// The `x-delivery-count` header on the last delivery (quorum queues only).
    pub last_delivery_count: Option<i64>,
    /// Messages still in the work queue at the end.
    pub left_in_queue: u32,
    /// The dead-letter queue's copy, if one arrived: its `x-death` entry.
    pub dead: Option<Death>,
}

// ANCHOR: poison-queue
/// Declares `queue` of `kind`, dead-lettering to `dead_queue` through the
/// default exchange.
async fn declare(
    channel: &Channel,
    queue: &str,
    dead_queue: &str,
    kind: QueueKind,
) -> Result<(), lapin::Error> {
    let mut arguments = FieldTable::default();
    arguments.insert(
        "x-dead-letter-exchange".into(),
        AMQPValue::LongString("".into()),
    );
    arguments.insert(
        "x-dead-letter-routing-key".into(),
        AMQPValue::LongString(dead_queue.into()),
    );
    if let QueueKind::Quorum { delivery_limit } = kind {
        arguments.insert(
            "x-queue-type".into(),
            AMQPValue::LongString("quorum".into()),
        );
        let limit = i32::try_from(delivery_limit).unwrap_or(i32::MAX);
        arguments.insert("x-delivery-limit".into(), AMQPValue::LongInt(limit));
    }
    support_broker::declare_queue(channel, queue, arguments).await?;
    Ok(())
}
// ANCHOR_END: poison-queue

/// Publishes one poison message to a fresh queue of `kind`, then receives it
/// and rejects it with `requeue: true` until it stops coming back or
/// `max_deliveries` is reached, and reads the dead-letter queue. Cleans up.
pub async fn reject_until_gone(
    kind: QueueKind,
    max_deliveries: u32,
) -> Result<PoisonReport, BoxError> {
    let connection = support_broker::connect("redelivery-poison").await?;
    let channel = connection.create_channel().await?;
    let queue = support_broker::unique_name("redelivery-poison");
    let dead_queue = format!("{queue}-dead");
    support_broker::declare_queue(&channel, &dead_queue, FieldTable::default()).await?;
    let result = match declare(&channel, &queue, &dead_queue, kind).await {
        Ok(()) => poison(&connection, &channel, &queue, &dead_queue, max_deliveries).await,
        Err(error) => Err(error.into()),
    };
    let admin = connection.create_channel().await?; // `channel` may be closed
    support_broker::delete_queues(&admin, &[queue, dead_queue]).await?;
    support_broker::close(&connection).await;
    result
}

async fn poison(
    connection: &lapin::Connection,
    channel: &Channel,
    queue: &str,
    dead_queue: &str,
    max_deliveries: u32,
) -> Result<PoisonReport, BoxError> {
    channel
        .confirm_select(ConfirmSelectOptions::default())
        .await?;
    let properties = BasicProperties::default().with_delivery_mode(2);
    channel
        .basic_publish(
            "".into(),
            queue.into(),
            BasicPublishOptions::default(),
            b"poison",
            properties,
        )
        .await?
        .await?;

    let consumer_channel = connection.create_channel().await?;
    let (deliveries, last_delivery_count) =
        reject_loop(&consumer_channel, queue, max_deliveries).await?;
    // Closing the channel returns the message it still holds, if any.
    consumer_channel.close(200, "done".into()).await?;

    let left_in_queue = support_broker::queue_depth(channel, queue).await?;
    let dead = read_death(channel, dead_queue).await?;
    Ok(PoisonReport {
        deliveries,
        last_delivery_count,
        left_in_queue,
        dead,
    })
}

// ANCHOR: reject-loop
/// Receives the poison message and rejects it back into the queue, again and
/// again. Stops after `max_deliveries`, or when none comes for a second.
async fn reject_loop(
    channel: &Channel,
    queue: &str,
    max_deliveries: u32,
) -> Result<(u32, Option<i64>), BoxError> {
    channel.basic_qos(1, BasicQosOptions::default()).await?;
    let mut consumer = channel
        .basic_consume(
            queue.into(),
            "".into(),
            BasicConsumeOptions::default(),
            FieldTable::default(),
        )
        .await?;
    let (mut deliveries, mut last_count) = (0, None);
    while deliveries < max_deliveries {
        let wait = Duration::from_secs(1);
        let Some(delivery) = support_broker::next_delivery(&mut consumer, wait).await? else {
            break; // it did not come back
        };
        deliveries += 1;
        last_count = header(&delivery.properties, "x-delivery-count").and_then(integer);
        if deliveries == max_deliveries {
            break; // leave it unacked: closing the channel requeues it
        }
        // Reject, not nack: RabbitMQ 4.3 counts only a reject towards the
        // delivery limit (3.x counts both).
        let requeue = BasicRejectOptions { requeue: true };
        delivery.reject(requeue).await?;
    }
    Ok((deliveries, last_count))
}
// ANCHOR_END: reject-loop

fn header<'a>(properties: &'a BasicProperties, name: &str) -> Option<&'a AMQPValue> {
    properties.headers().as_ref()?.inner().get(name)
}

/// Waits up to two seconds for a message in `dead_queue` and returns the
/// first entry of its `x-death` header.
async fn read_death(channel: &Channel, dead_queue: &str) -> Result<Option<Death>, BoxError> {
    for _ in 0..20 {
        let no_ack = BasicGetOptions { no_ack: true };
        if let Some(message) = channel.basic_get(dead_queue.into(), no_ack).await? {
            let properties = &message.delivery.properties;
            let Some(AMQPValue::FieldArray(deaths)) = header(properties, "x-death") else {
                return Err("a dead-lettered message without x-death".into());
            };
            let Some(AMQPValue::FieldTable(first)) = deaths.as_slice().first() else {
                return Err("an empty x-death header".into());
            };
            let get = |key: &str| first.inner().get(key);
            return Ok(Some(Death {
                queue: get("queue").and_then(text).unwrap_or_default(),
                reason: get("reason").and_then(text).unwrap_or_default(),
                count: get("count").and_then(integer).unwrap_or(0),
            }));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok(None)
}
