//! A work queue with competing consumers on a real RabbitMQ. A producer
//! publishes tasks of uneven cost to one queue; several consumers take them,
//! each on its own connection, and acknowledge a task only when it is done.
//! The prefetch count (`basic.qos`) decides how many unacknowledged tasks the
//! broker pushes to one consumer: with 1, a busy consumer gets nothing more and
//! an idle one takes the next task; with no limit, the broker deals the tasks
//! out in turn as they arrive, blind to what each one costs.
//!
//! A message that is not a valid task (not JSON, a field missing, a field of
//! the wrong type) is published to a dead-letter queue with the reason in a
//! header, then acknowledged: it never crashes a worker and never disappears.
#![forbid(unsafe_code)]

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use futures_lite::StreamExt;
use lapin::message::Delivery;
use lapin::options::{
    BasicAckOptions, BasicConsumeOptions, BasicGetOptions, BasicPublishOptions, BasicQosOptions,
    ConfirmSelectOptions,
};
use lapin::types::{AMQPValue, FieldTable};
use lapin::{BasicProperties, Channel, Confirmation, Connection, PublisherConfirm};
use serde::{Deserialize, Serialize};
use tokio::sync::{mpsc, oneshot, watch};

/// The header that carries why a message was dead-lettered.
pub const REASON_HEADER: &str = "x-reject-reason";

/// The longest task the workers accept; a longer one is dead-lettered.
pub const MAX_COST_MS: u64 = 60_000;

// ANCHOR: task
/// One unit of work. On the wire it is JSON: `{"id": 3, "cost_ms": 80}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Task {
    /// Unique within a run; tests check that every id is done exactly once.
    pub id: u64,
    /// How long the task takes: the worker sleeps this many milliseconds.
    pub cost_ms: u64,
}

/// Decodes a message body into a task, or says in one line why it cannot.
/// Only a JSON object will do: serde would also read `[3, 80]` as a task.
pub fn parse_task(body: &[u8]) -> Result<Task, String> {
    let value: serde_json::Value =
        serde_json::from_slice(body).map_err(|error| format!("not JSON: {error}"))?;
    if !value.is_object() {
        return Err(format!(
            "bad task: expected a JSON object, found {}",
            kind(&value)
        ));
    }
    let task = Task::deserialize(value).map_err(|error| format!("bad task: {error}"))?;
    if task.cost_ms > MAX_COST_MS {
        return Err(format!(
            "bad task: cost_ms {} is over the limit of {MAX_COST_MS}",
            task.cost_ms
        ));
    }
    Ok(task)
}
// ANCHOR_END: task

fn kind(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

/// `count` tasks numbered from 0 whose costs alternate: even ids are heavy,
/// odd ids light, like a batch of alternately large and small images.
pub fn alternating_tasks(count: u64, heavy_ms: u64, light_ms: u64) -> Vec<Task> {
    (0..count)
        .map(|id| Task {
            id,
            cost_ms: if id % 2 == 0 { heavy_ms } else { light_ms },
        })
        .collect()
}

/// Bodies that are not valid tasks, one of each kind of mistake.
pub fn malformed_samples() -> Vec<Vec<u8>> {
    vec![
        b"not json at all".to_vec(),
        br#"{"id": 7}"#.to_vec(),
        br#"{"id": "eight", "cost_ms": 5}"#.to_vec(),
        br#"{"id": 9, "cost_ms": -1}"#.to_vec(),
        b"[10, 80]".to_vec(),
    ]
}

/// How many unacknowledged messages the broker may push to one consumer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Prefetch {
    /// `basic.qos(n)`: at most `n` unacknowledged messages per consumer.
    Limit(u16),
    /// No `basic.qos` at all: the broker sends as fast as the socket takes.
    Unlimited,
}

impl std::fmt::Display for Prefetch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Prefetch::Limit(n) => write!(f, "{n}"),
            Prefetch::Unlimited => write!(f, "unlimited"),
        }
    }
}

/// The two queues of one run, with names no other run uses.
#[derive(Clone, Debug)]
pub struct Queues {
    /// Where the producer publishes tasks.
    pub work: String,
    /// Where the workers put what they cannot parse.
    pub dead: String,
}

impl Queues {
    /// Fresh, unique names.
    pub fn unique() -> Self {
        Self {
            work: support_broker::unique_name("work-queue"),
            dead: support_broker::unique_name("work-queue-dead"),
        }
    }

    /// Declares both queues.
    pub async fn declare(&self, channel: &Channel) -> Result<(), lapin::Error> {
        support_broker::declare_queue(channel, &self.work, FieldTable::default()).await?;
        support_broker::declare_queue(channel, &self.dead, FieldTable::default()).await?;
        Ok(())
    }

    /// Deletes both queues and whatever is left in them.
    pub async fn delete(&self, channel: &Channel) -> Result<(), lapin::Error> {
        support_broker::delete_queues(channel, &[self.work.clone(), self.dead.clone()]).await
    }
}

/// What one worker did in one run.
#[derive(Clone, Debug, Default)]
pub struct WorkerReport {
    /// Ids of the tasks it finished, in the order it finished them.
    pub done: Vec<u64>,
    /// Messages it sent to the dead-letter queue.
    pub dead_lettered: usize,
    /// Time spent inside tasks (the sum of their sleeps, as measured).
    pub busy: Duration,
}

/// What a worker tells the coordinator after each message it has settled.
#[derive(Clone, Copy, Debug)]
enum Settled {
    Done,
    DeadLettered,
}

/// A hook that [`crash_consumer`] sets, and nothing else: the worker calls it
/// between the dead-letter steps, so the kill test can stop the real worker
/// there. Unset, it does nothing.
static KILL_TEST_STEP: std::sync::OnceLock<StepHook> = std::sync::OnceLock::new();
type StepHook = Box<dyn Fn(&str) + Send + Sync>;

fn kill_test_step(name: &str) {
    if let Some(hook) = KILL_TEST_STEP.get() {
        hook(name);
    }
}

// ANCHOR: dead-letter-order
/// Publishes `delivery`'s body, untouched, to `dead_queue` with the reason in a
/// header, and waits for the broker's confirm. Only after that may the caller
/// acknowledge the original: at every moment one of the two queues holds it.
/// The copy keeps every property of the original (delivery mode, content
/// type, message id, headers), so a persistent message stays persistent.
async fn dead_letter(
    channel: &Channel,
    dead_queue: &str,
    delivery: &Delivery,
    reason: &str,
) -> Result<(), lapin::Error> {
    let confirm = publish_copy(channel, dead_queue, delivery, reason).await?;
    kill_test_step("published"); // does nothing outside the kill test
    confirmed(confirm.await?)?;
    kill_test_step("confirmed");
    Ok(())
}
// ANCHOR_END: dead-letter-order

// ANCHOR: dead-letter-copy
async fn publish_copy(
    channel: &Channel,
    dead_queue: &str,
    delivery: &Delivery,
    reason: &str,
) -> Result<PublisherConfirm, lapin::Error> {
    let mut headers = delivery.properties.headers().clone().unwrap_or_default();
    headers.insert(REASON_HEADER.into(), AMQPValue::LongString(reason.into()));
    let properties = delivery.properties.clone().with_headers(headers);
    let mandatory = BasicPublishOptions {
        mandatory: true, // an unroutable message comes back instead of vanishing
        ..BasicPublishOptions::default()
    };
    channel
        .basic_publish(
            "".into(),
            dead_queue.into(),
            mandatory,
            &delivery.data,
            properties,
        )
        .await
}

/// Only a plain ack will do: a nack, or the copy returned as unroutable, is a failure.
fn confirmed(confirm: Confirmation) -> Result<(), lapin::Error> {
    match confirm {
        Confirmation::Ack(None) => Ok(()),
        _ => Err(lapin::ErrorKind::InvalidChannelState(
            lapin::ChannelState::Error,
            "the dead-letter queue did not take the message",
        )
        .into()),
    }
}
// ANCHOR_END: dead-letter-copy

// ANCHOR: worker-subscribe
/// One competing consumer. Sets the prefetch, subscribes, tells `ready` it is
/// registered, then handles deliveries until `stop` changes: a valid task is
/// done (slept) and acknowledged afterwards; anything else is dead-lettered,
/// then acknowledged.
async fn worker(
    channel: Channel,
    queues: Queues,
    prefetch: Prefetch,
    ready: oneshot::Sender<()>,
    settled: mpsc::UnboundedSender<Settled>,
    mut stop: watch::Receiver<bool>,
) -> Result<WorkerReport, lapin::Error> {
    if let Prefetch::Limit(n) = prefetch {
        channel.basic_qos(n, BasicQosOptions::default()).await?;
    }
    channel
        .confirm_select(ConfirmSelectOptions::default())
        .await?;
    let mut consumer = channel
        .basic_consume(
            queues.work.as_str().into(),
            "".into(),
            BasicConsumeOptions::default(), // no_ack: false, so acks are manual
            FieldTable::default(),
        )
        .await?;
    let _ = ready.send(());
    // ANCHOR_END: worker-subscribe

    // ANCHOR: worker-loop
    let mut report = WorkerReport::default();
    loop {
        let delivery = tokio::select! {
            _ = stop.changed() => break,
            next = consumer.next() => match next {
                Some(delivery) => delivery?,
                None => break, // the broker cancelled us
            },
        };
        let outcome = match parse_task(&delivery.data) {
            Ok(task) => {
                let start = Instant::now();
                tokio::time::sleep(Duration::from_millis(task.cost_ms)).await;
                report.busy += start.elapsed();
                report.done.push(task.id);
                Settled::Done
            }
            Err(reason) => {
                dead_letter(&channel, &queues.dead, &delivery, &reason).await?;
                report.dead_lettered += 1;
                Settled::DeadLettered
            }
        };
        delivery.ack(BasicAckOptions::default()).await?;
        let _ = settled.send(outcome);
    }
    Ok(report)
}
// ANCHOR_END: worker-loop

/// A message found in the dead-letter queue after a run.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct DeadLetter {
    /// The body exactly as it was published.
    pub body: Vec<u8>,
    /// The worker's reason, from the [`REASON_HEADER`] header.
    pub reason: String,
    /// The copy's delivery mode: 2 is persistent, as the producer sent it.
    pub delivery_mode: Option<u8>,
    /// The copy's content type, as the producer sent it.
    pub content_type: Option<String>,
    /// The copy's message id, as the producer sent it.
    pub message_id: Option<String>,
    /// The copy's other headers whose values are strings, by name.
    pub headers: BTreeMap<String, String>,
}

/// Everything one run measured and found.
#[derive(Clone, Debug)]
pub struct RunReport {
    /// The prefetch the consumers used.
    pub prefetch: Prefetch,
    /// From the first publish until the last message was settled.
    pub elapsed: Duration,
    /// One report per consumer, in the order the connections were given.
    pub workers: Vec<WorkerReport>,
    /// The dead-letter queue's contents, sorted.
    pub dead: Vec<DeadLetter>,
    /// Messages still waiting in the work queue when the run ended (should be 0).
    pub left_in_work_queue: u32,
    /// The queues the run used; they are deleted when it returns.
    pub queues: Queues,
}

// ANCHOR: run
/// Runs one round on fresh queues: one worker per connection in `consumers`,
/// all subscribed before `producer` publishes `tasks` and then `malformed`.
/// Returns when every message is settled, after reading the dead-letter queue
/// and deleting both queues (also when something failed).
pub async fn run(
    producer: &Connection,
    consumers: &[Connection],
    prefetch: Prefetch,
    tasks: &[Task],
    malformed: &[Vec<u8>],
) -> Result<RunReport, lapin::Error> {
    let channel = producer.create_channel().await?;
    let queues = Queues::unique();
    queues.declare(&channel).await?;
    let result = run_on(&channel, &queues, consumers, prefetch, tasks, malformed).await;
    let deleted = queues.delete(&channel).await;
    let _ = channel.close(200, "done".into()).await;
    let report = result?;
    deleted?;
    Ok(report)
}
// ANCHOR_END: run

async fn run_on(
    channel: &Channel,
    queues: &Queues,
    consumers: &[Connection],
    prefetch: Prefetch,
    tasks: &[Task],
    malformed: &[Vec<u8>],
) -> Result<RunReport, lapin::Error> {
    let (settled_tx, mut settled_rx) = mpsc::unbounded_channel();
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut handles = Vec::new();
    let mut readies = Vec::new();
    for connection in consumers {
        let (ready_tx, ready_rx) = oneshot::channel();
        let worker_channel = connection.create_channel().await?;
        let to_close = worker_channel.clone();
        let working = worker(
            worker_channel,
            queues.clone(),
            prefetch,
            ready_tx,
            settled_tx.clone(),
            stop_rx.clone(),
        );
        handles.push(tokio::spawn(async move {
            let report = working.await;
            // Closing the channel hands back anything a failed worker had
            // not acked, so the other workers get it.
            let _ = to_close.close(200, "done".into()).await;
            report
        }));
        readies.push(ready_rx);
    }
    drop(settled_tx);
    for ready in readies {
        // A worker that failed before subscribing drops its sender.
        if ready.await.is_err() {
            break;
        }
    }

    channel
        .confirm_select(ConfirmSelectOptions::default())
        .await?;
    let start = Instant::now();
    let mut confirms = Vec::new();
    let bodies = tasks
        .iter()
        .map(|task| {
            (
                task.id.to_string(),
                serde_json::to_vec(task).expect("a task encodes"),
            )
        })
        .chain(
            malformed
                .iter()
                .enumerate()
                .map(|(i, body)| (format!("malformed-{i}"), body.clone())),
        );
    for (id, body) in bodies {
        let properties = message_properties(&id);
        let confirm = channel
            .basic_publish(
                "".into(),
                queues.work.as_str().into(),
                BasicPublishOptions::default(),
                &body,
                properties,
            )
            .await?;
        confirms.push(confirm);
    }
    for confirm in confirms {
        confirm.await?;
    }

    // ANCHOR: settle
    // Every message is settled exactly once by some worker; a worker that
    // fails drops its sender, and when all have, `recv` ends early.
    let total = tasks.len() + malformed.len();
    let mut count = 0;
    while count < total && settled_rx.recv().await.is_some() {
        count += 1;
    }
    let elapsed = start.elapsed();
    let _ = stop_tx.send(true);
    let mut workers = Vec::new();
    for handle in handles {
        workers.push(handle.await.expect("a worker task panicked")?);
    }
    // ANCHOR_END: settle

    let left_in_work_queue = support_broker::queue_depth(channel, &queues.work).await?;
    let dead = drain_dead_letters(channel, &queues.dead).await?;
    Ok(RunReport {
        prefetch,
        elapsed,
        workers,
        dead,
        left_in_work_queue,
        queues: queues.clone(),
    })
}

/// The header the producer puts on every message, to show that a
/// dead-lettered copy keeps the original's headers.
pub const PRODUCER_HEADER: &str = "x-producer";

/// What the producer sends with each message: its id, persistent (delivery
/// mode 2, so a durable queue keeps it across a broker restart), JSON, and
/// a header naming the producer.
pub fn message_properties(id: &str) -> BasicProperties {
    let mut headers = FieldTable::default();
    headers.insert(
        PRODUCER_HEADER.into(),
        AMQPValue::LongString("work-queue".into()),
    );
    BasicProperties::default()
        .with_message_id(id.into())
        .with_delivery_mode(2)
        .with_content_type("application/json".into())
        .with_headers(headers)
}

/// Takes every message out of the dead-letter queue, with its reason.
pub async fn drain_dead_letters(
    channel: &Channel,
    queue: &str,
) -> Result<Vec<DeadLetter>, lapin::Error> {
    let mut dead = Vec::new();
    let no_ack = BasicGetOptions { no_ack: true };
    while let Some(message) = channel.basic_get(queue.into(), no_ack).await? {
        let delivery = message.delivery;
        let properties = &delivery.properties;
        let mut headers: BTreeMap<String, String> = properties
            .headers()
            .as_ref()
            .map(|table| {
                table
                    .inner()
                    .iter()
                    .map(|(name, value)| {
                        let text = match value {
                            AMQPValue::LongString(text) => text.to_string(),
                            other => format!("{other:?}"),
                        };
                        (name.to_string(), text)
                    })
                    .collect()
            })
            .unwrap_or_default();
        let reason = headers
            .remove(REASON_HEADER)
            .unwrap_or_else(|| "(no reason header)".to_string());
        dead.push(DeadLetter {
            reason,
            delivery_mode: *properties.delivery_mode(),
            content_type: properties.content_type().as_ref().map(|t| t.to_string()),
            message_id: properties.message_id().as_ref().map(|id| id.to_string()),
            headers,
            body: delivery.data,
        });
    }
    dead.sort();
    Ok(dead)
}

/// Opens `count` consumer connections, named `work-queue-consumer-<i>`.
pub async fn connect_consumers(
    count: usize,
) -> Result<Vec<Connection>, support_broker::BrokerError> {
    let mut connections = Vec::with_capacity(count);
    for i in 1..=count {
        connections.push(support_broker::connect(&format!("work-queue-consumer-{i}")).await?);
    }
    Ok(connections)
}

/// Where [`crash_consumer`] stops and waits to be killed: after publishing a
/// dead-letter copy, or after its confirm; never before the ack.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CrashPoint {
    /// The copy is sent; its confirm is not yet awaited.
    Published,
    /// The copy is confirmed; the original is not acked.
    Confirmed,
}

/// A consumer process for the kill test: runs the real [`worker`], with a
/// prefetch of one, on `queues`, printing `published` and `confirmed` as its dead-letter
/// step passes them and `acked` after each ack. With `stop_at` it stops at
/// that point of its first message and waits for SIGKILL; without, it
/// settles `count` messages, or stops after five seconds with none, and exits.
pub async fn crash_consumer(
    queues: &Queues,
    stop_at: Option<CrashPoint>,
    count: usize,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    use std::io::Write;
    fn say(line: &str) {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{line}");
        let _ = out.flush();
    }
    let stop = match stop_at {
        Some(CrashPoint::Published) => "published",
        Some(CrashPoint::Confirmed) => "confirmed",
        None => "",
    };
    let _ = KILL_TEST_STEP.set(Box::new(move |name| {
        say(name);
        if name == stop {
            loop {
                std::thread::park(); // blocks this thread until SIGKILL
            }
        }
    }));
    let connection = support_broker::connect("work-queue-crash-consumer").await?;
    let (ready_tx, ready_rx) = oneshot::channel();
    let (settled_tx, mut settled_rx) = mpsc::unbounded_channel();
    let (stop_tx, stop_rx) = watch::channel(false);
    let working = tokio::spawn(worker(
        connection.create_channel().await?,
        queues.clone(),
        Prefetch::Limit(1),
        ready_tx,
        settled_tx,
        stop_rx,
    ));
    let _ = ready_rx.await;
    for _ in 0..count {
        // Give up after a few idle seconds, so a lost message fails the test
        // instead of leaving this process waiting for it.
        let idle = Duration::from_secs(5);
        match tokio::time::timeout(idle, settled_rx.recv()).await {
            Ok(Some(_)) => say("acked"),
            _ => break,
        }
    }
    let _ = stop_tx.send(true);
    working.await??;
    support_broker::close(&connection).await;
    Ok(())
}
