//! Retry with back-off, built from the broker's own parts: wait queues whose
//! per-queue TTL (`x-message-ttl`) expires messages into a dead-letter
//! exchange that routes them back to the work queue, and a parking-lot queue
//! for jobs that failed too often. A header of the consumer's own counts the
//! tries; the `x-death` header the broker adds on each dead-lettering records
//! where the job has been.
//!
//! Against it, the naive retry: reject with `requeue: true`, and the job comes
//! straight back, as often as the consumer can fail it.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use lapin::options::{
    BasicAckOptions, BasicConsumeOptions, BasicGetOptions, BasicNackOptions, BasicPublishOptions,
    BasicQosOptions, ConfirmSelectOptions,
};
use lapin::types::{AMQPValue, FieldTable};
use lapin::{BasicProperties, Channel, Connection};
use support_broker::{header_integer as integer, header_text as string};

/// Any error an example returns.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The wait before the first, second and third retry (and every later one).
pub const LEVELS: [Duration; 3] = [
    Duration::from_millis(100),
    Duration::from_millis(400),
    Duration::from_millis(1_600),
];

/// A job that never succeeds.
pub const POISON: u32 = u32::MAX;

// ANCHOR: topology-path
/// The queues of one retry path: the work queue, one wait queue per back-off
/// level, and the parking lot.
#[derive(Clone, Debug)]
pub struct RetryPath {
    /// Where jobs are published and consumed.
    pub work: String,
    /// `waits[k]` holds a job for `levels[k]` before it goes back to `work`.
    pub waits: Vec<String>,
    /// The wait of each level.
    pub levels: Vec<Duration>,
    /// Jobs that failed `max_tries` times end here, for a human to look at.
    pub parking: String,
    /// Tries a job gets, the first one included.
    pub max_tries: u32,
}

fn text(value: &str) -> AMQPValue {
    AMQPValue::LongString(value.into())
}
// ANCHOR_END: topology-path

// ANCHOR: topology-declare
impl RetryPath {
    /// Declares the queues. A rejected job dead-letters from `work` to
    /// `parking`; an expired job dead-letters from a wait queue to `work`,
    /// both through the default exchange, which routes by queue name.
    pub async fn declare(
        channel: &Channel,
        prefix: &str,
        levels: &[Duration],
        max_tries: u32,
    ) -> Result<Self, lapin::Error> {
        let work = support_broker::unique_name(prefix);
        let parking = format!("{work}-parking");
        let mut to_parking = FieldTable::default();
        to_parking.insert("x-dead-letter-exchange".into(), text(""));
        to_parking.insert("x-dead-letter-routing-key".into(), text(&parking));
        support_broker::declare_queue(channel, &parking, FieldTable::default()).await?;
        support_broker::declare_queue(channel, &work, to_parking).await?;
        let mut waits = Vec::new();
        for wait in levels {
            let name = format!("{work}-wait-{}ms", wait.as_millis());
            let ttl = u32::try_from(wait.as_millis()).unwrap_or(u32::MAX);
            let mut back_to_work = FieldTable::default();
            back_to_work.insert("x-message-ttl".into(), AMQPValue::LongUInt(ttl));
            back_to_work.insert("x-dead-letter-exchange".into(), text(""));
            back_to_work.insert("x-dead-letter-routing-key".into(), text(&work));
            support_broker::declare_queue(channel, &name, back_to_work).await?;
            waits.push(name);
        }
        Ok(Self {
            work,
            waits,
            levels: levels.to_vec(),
            parking,
            max_tries,
        })
    }
}
// ANCHOR_END: topology-declare

impl RetryPath {
    /// Every queue of the path.
    pub fn queues(&self) -> Vec<String> {
        let mut all = vec![self.work.clone(), self.parking.clone()];
        all.extend(self.waits.iter().cloned());
        all
    }

    /// Deletes every queue of the path.
    pub async fn delete(&self, channel: &Channel) -> Result<(), lapin::Error> {
        support_broker::delete_queues(channel, &self.queues()).await
    }
}

/// One entry of an `x-death` header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Death {
    /// The queue the message left.
    pub queue: String,
    /// `rejected`, `expired`, `maxlen` or `delivery_limit`.
    pub reason: String,
    /// How many times it left that queue for that reason.
    pub count: i64,
    /// The names of every field in the entry, sorted.
    pub fields: Vec<String>,
}

/// The `x-death` entries of a message, in the order the header holds them.
pub fn deaths(properties: &BasicProperties) -> Vec<Death> {
    let Some(headers) = properties.headers() else {
        return Vec::new();
    };
    let Some(AMQPValue::FieldArray(entries)) = headers.inner().get("x-death") else {
        return Vec::new();
    };
    entries
        .as_slice()
        .iter()
        .filter_map(|entry| match entry {
            AMQPValue::FieldTable(table) => {
                let get = |key: &str| table.inner().get(key);
                Some(Death {
                    queue: get("queue").and_then(string)?,
                    reason: get("reason").and_then(string)?,
                    count: get("count").and_then(integer)?,
                    fields: table.inner().keys().map(|k| k.to_string()).collect(),
                })
            }
            _ => None,
        })
        .collect()
}

// ANCHOR: tries
/// The header the consumer counts retries in. Not an `x-` header: those
/// belong to the broker, and RabbitMQ 3.13.0 to 3.13.2 and 4.0 on ignore an
/// `x-death` that a client publishes, so a count kept there stops growing.
pub const RETRIES: &str = "retries";

/// Which try this delivery is: one, plus the retries its header records.
pub fn try_number(properties: &BasicProperties) -> u32 {
    let retries = properties
        .headers()
        .as_ref()
        .and_then(|headers| headers.inner().get(RETRIES))
        .and_then(integer)
        .unwrap_or(0);
    1 + u32::try_from(retries).unwrap_or(u32::MAX - 1)
}
// ANCHOR_END: tries

/// How the consumer retries a job that failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Policy {
    /// Reject with `requeue: true`: the job goes back to the head of the
    /// queue and is delivered again at once, for ever.
    Requeue,
    /// Move it to the wait queue of its level; after `max_tries`, reject it
    /// without requeue, into the parking lot.
    BackOff,
}

/// What happened on one delivery.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The job succeeded and was acked.
    Done,
    /// It failed and went back to the head of the queue.
    Requeued,
    /// It failed and went to wait queue `level` (0 is the shortest).
    Waiting {
        /// Index into [`RetryPath::levels`].
        level: usize,
    },
    /// It failed for the last time and was rejected into the parking lot.
    Parked,
}

/// One delivery, as the consumer saw it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Event {
    /// The job's id.
    pub job: u64,
    /// Which delivery of this job it was (1 is the first).
    pub delivery: u32,
    /// When it arrived, from the consumer's start.
    pub at: Duration,
    /// What the consumer did with it.
    pub outcome: Outcome,
}

/// A job's body: its id and how many times it fails before it succeeds.
pub fn job_body(id: u64, fails: u32) -> String {
    format!("{id} {fails}")
}

fn parse_job(body: &[u8]) -> Option<(u64, u32)> {
    let text = std::str::from_utf8(body).ok()?;
    let (id, fails) = text.split_once(' ')?;
    Some((id.parse().ok()?, fails.parse().ok()?))
}

/// Publishes jobs `(id, fails)` to the work queue, persistent, and waits for
/// the broker's confirms.
pub async fn publish_jobs(
    channel: &Channel,
    path: &RetryPath,
    jobs: &[(u64, u32)],
) -> Result<(), BoxError> {
    channel
        .confirm_select(ConfirmSelectOptions::default())
        .await?;
    let mut confirms = Vec::new();
    for &(id, fails) in jobs {
        let properties = BasicProperties::default().with_delivery_mode(2);
        let body = job_body(id, fails);
        let confirm = channel
            .basic_publish(
                "".into(),
                path.work.as_str().into(),
                BasicPublishOptions::default(),
                body.as_bytes(),
                properties,
            )
            .await?;
        confirms.push(confirm);
    }
    for confirm in confirms {
        confirm.await?;
    }
    Ok(())
}

// ANCHOR: consumer-fail
/// Handles one delivery of a job that should fail `fails` times. A failure
/// under [`Policy::BackOff`] copies the job into the wait queue of its
/// level, its headers kept and its retry count raised by one, and acks the
/// original once the broker has confirmed the copy; the last failure rejects
/// it without requeue, and the work queue's dead-letter exchange takes it to
/// the parking lot.
async fn handle(
    channel: &Channel,
    path: &RetryPath,
    policy: Policy,
    delivery: &lapin::message::Delivery,
    delivery_number: u32,
    fails: u32,
) -> Result<Outcome, BoxError> {
    if delivery_number > fails {
        delivery.ack(BasicAckOptions::default()).await?; // the job worked
        return Ok(Outcome::Done);
    }
    match policy {
        Policy::Requeue => {
            let again = BasicNackOptions {
                requeue: true,
                multiple: false,
            };
            delivery.nack(again).await?;
            Ok(Outcome::Requeued)
        }
        Policy::BackOff if delivery_number >= path.max_tries => {
            let park = BasicNackOptions {
                requeue: false,
                multiple: false,
            };
            delivery.nack(park).await?;
            Ok(Outcome::Parked)
        }
        // ANCHOR_END: consumer-fail
        // ANCHOR: consumer-back-off
        Policy::BackOff => {
            let level = (delivery_number as usize - 1).min(path.waits.len() - 1);
            let mut headers = delivery.properties.headers().clone().unwrap_or_default();
            headers.insert(RETRIES.into(), AMQPValue::LongUInt(delivery_number));
            let properties = delivery.properties.clone().with_headers(headers);
            channel
                .basic_publish(
                    "".into(),
                    path.waits[level].as_str().into(),
                    BasicPublishOptions::default(),
                    &delivery.data,
                    properties,
                )
                .await?
                .await?; // confirmed: now the original may go
            delivery.ack(BasicAckOptions::default()).await?;
            Ok(Outcome::Waiting { level })
        }
    }
}
// ANCHOR_END: consumer-back-off

/// Consumes the work queue under `policy` until `finished` jobs have ended
/// (done or parked), or until `limit` has passed, and returns every
/// delivery it saw. Under [`Policy::BackOff`] the delivery number comes from
/// the job's retry header; under [`Policy::Requeue`] the consumer counts for
/// itself, because the `redelivered` flag is only a yes or no.
pub async fn consume(
    connection: &Connection,
    path: &RetryPath,
    policy: Policy,
    finished: usize,
    limit: Duration,
) -> Result<Vec<Event>, BoxError> {
    let channel = connection.create_channel().await?;
    channel
        .confirm_select(ConfirmSelectOptions::default())
        .await?;
    channel.basic_qos(10, BasicQosOptions::default()).await?;
    let mut consumer = channel
        .basic_consume(
            path.work.as_str().into(),
            "".into(),
            BasicConsumeOptions::default(),
            FieldTable::default(),
        )
        .await?;
    let started = Instant::now();
    let (mut events, mut seen, mut ended) = (Vec::new(), HashMap::<u64, u32>::new(), 0);
    while ended < finished {
        let Some(left) = limit.checked_sub(started.elapsed()) else {
            break;
        };
        let Some(delivery) = support_broker::next_delivery(&mut consumer, left).await? else {
            break;
        };
        let at = started.elapsed();
        let (job, fails) = parse_job(&delivery.data).ok_or("a job whose body is not 'id fails'")?;
        let counted = seen.entry(job).or_insert(0);
        *counted += 1;
        let number = match policy {
            Policy::Requeue => *counted,
            Policy::BackOff => try_number(&delivery.properties),
        };
        let outcome = handle(&channel, path, policy, &delivery, number, fails).await?;
        if matches!(outcome, Outcome::Done | Outcome::Parked) {
            ended += 1;
        }
        events.push(Event {
            job,
            delivery: number,
            at,
            outcome,
        });
    }
    // Closing the channel returns any job it still holds to the queue.
    channel.close(200, "done".into()).await?;
    Ok(events)
}

/// Takes every message from the parking lot (within `patience` for the
/// first) and returns each job's id with its `x-death` entries.
pub async fn drain_parking(
    channel: &Channel,
    path: &RetryPath,
    expected: usize,
    patience: Duration,
) -> Result<Vec<(u64, Vec<Death>)>, BoxError> {
    let started = Instant::now();
    let mut parked = Vec::new();
    while parked.len() < expected && started.elapsed() < patience {
        let no_ack = BasicGetOptions { no_ack: true };
        match channel
            .basic_get(path.parking.as_str().into(), no_ack)
            .await?
        {
            Some(message) => {
                let delivery = &message.delivery;
                let (job, _) = parse_job(&delivery.data).ok_or("a parked job without an id")?;
                parked.push((job, deaths(&delivery.properties)));
            }
            None => tokio::time::sleep(Duration::from_millis(20)).await,
        }
    }
    Ok(parked)
}

// ANCHOR: head-of-line-publish
/// The trap of per-message TTL: two messages in one wait queue, the first
/// with a `long` expiration and the second with a `short` one. The broker
/// expires messages only from the head of a queue, so the short one comes
/// back after the long one, not after its own TTL. Returns the bodies in the
/// order they came back, each with its time from the publish.
pub async fn head_of_line(
    connection: &Connection,
    long: Duration,
    short: Duration,
) -> Result<Vec<(String, Duration)>, BoxError> {
    let channel = connection.create_channel().await?;
    let back = support_broker::unique_name("retry-head-of-line");
    let wait = format!("{back}-wait");
    let mut to_back = FieldTable::default();
    to_back.insert("x-dead-letter-exchange".into(), text(""));
    to_back.insert("x-dead-letter-routing-key".into(), text(&back));
    support_broker::declare_queue(&channel, &back, FieldTable::default()).await?;
    support_broker::declare_queue(&channel, &wait, to_back).await?;
    channel
        .confirm_select(ConfirmSelectOptions::default())
        .await?;
    let started = Instant::now();
    for (body, ttl) in [("long", long), ("short", short)] {
        let expiration = ttl.as_millis().to_string();
        let properties = BasicProperties::default().with_expiration(expiration.into());
        channel
            .basic_publish(
                "".into(),
                wait.as_str().into(),
                BasicPublishOptions::default(),
                body.as_bytes(),
                properties,
            )
            .await?
            .await?;
    }
    // ANCHOR_END: head-of-line-publish
    // ANCHOR: head-of-line-watch
    let mut order = Vec::new();
    let patience = long * 4 + Duration::from_secs(2);
    while order.len() < 2 && started.elapsed() < patience {
        let no_ack = BasicGetOptions { no_ack: true };
        match channel.basic_get(back.as_str().into(), no_ack).await? {
            Some(message) => {
                let body = String::from_utf8_lossy(&message.delivery.data).into_owned();
                order.push((body, started.elapsed()));
            }
            None => tokio::time::sleep(Duration::from_millis(5)).await,
        }
    }
    support_broker::delete_queues(&channel, &[back, wait]).await?;
    Ok(order)
}
// ANCHOR_END: head-of-line-watch

/// Runs `jobs` through a fresh path under `policy` and returns the
/// deliveries, what reached the parking lot, and the path (deleted by then).
pub async fn run(
    connection: &Connection,
    policy: Policy,
    levels: &[Duration],
    max_tries: u32,
    jobs: &[(u64, u32)],
    limit: Duration,
) -> Result<(Vec<Event>, Vec<(u64, Vec<Death>)>), BoxError> {
    let channel = connection.create_channel().await?;
    let path = RetryPath::declare(&channel, "retry", levels, max_tries).await?;
    let result = async {
        publish_jobs(&channel, &path, jobs).await?;
        let events = consume(connection, &path, policy, jobs.len(), limit).await?;
        let parked_jobs = events
            .iter()
            .filter(|e| e.outcome == Outcome::Parked)
            .count();
        let parked = drain_parking(&channel, &path, parked_jobs, Duration::from_secs(3)).await?;
        Ok::<_, BoxError>((events, parked))
    }
    .await;
    let admin = connection.create_channel().await?;
    path.delete(&admin).await?;
    result
}
