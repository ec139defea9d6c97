//! A gate in front of the celery-rs worker. celery-rs acknowledges a task
//! message it cannot use and drops it, so the message is gone. The gate
//! takes every message off the queue clients send to, checks it against what
//! the Rust tasks accept, and passes it on, unchanged, to the queue the worker
//! reads, or publishes it to a dead-letter queue with the reason in a header.
//! It acknowledges the original only after the broker has confirmed the copy,
//! so at every moment some queue holds the message.

use std::error::Error as StdError;

use celery::protocol::{Message, MessageHeaders, MessageProperties};
use celery::task::Task;
use futures_lite::StreamExt;
use lapin::message::Delivery;
use lapin::options::{
    BasicAckOptions, BasicConsumeOptions, BasicPublishOptions, BasicQosOptions,
    ConfirmSelectOptions, QueueDeclareOptions,
};
use lapin::types::{AMQPValue, FieldTable};
use lapin::{BasicProperties, Channel, Confirmation};
use serde_json::Value;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::backend::is_safe_task_id;
use crate::{Error, add, count_primes, nap, word_count};

/// The header that carries why the gate dead-lettered a message.
pub const REASON_HEADER: &str = "x-reject-reason";

/// The queue the worker reads behind the gate on `queue`: only checked messages.
pub fn checked_queue(queue: &str) -> String {
    format!("{queue}.checked")
}

/// The dead-letter queue of the gate on `queue`.
pub fn dead_queue(queue: &str) -> String {
    format!("{queue}.dead")
}

// ANCHOR: signatures
/// What the gate knows of one task: the name and parameter names that
/// `#[celery::task]` recorded, and celery-rs's own decoding of a message
/// body into the task's parameter types.
struct Signature {
    name: &'static str,
    params: &'static [&'static str],
    decode: fn(&Message) -> Result<(), celery::error::ProtocolError>,
}

impl Signature {
    const fn of<T: Task>() -> Signature {
        Signature {
            name: T::NAME,
            params: T::ARGS,
            decode: decode::<T>,
        }
    }
}

/// Every task the worker registers (see [`crate::worker_app`]).
const TASKS: [Signature; 4] = [
    Signature::of::<add>(),
    Signature::of::<word_count>(),
    Signature::of::<count_primes>(),
    Signature::of::<nap>(),
];
// ANCHOR_END: signatures

/// How a reader would write the call: `add(x, y)`.
impl std::fmt::Display for Signature {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}({})", self.name, self.params.join(", "))
    }
}

fn decode<T: Task>(message: &Message) -> Result<(), celery::error::ProtocolError> {
    message.body::<T>().map(drop)
}

/// The names of the tasks the gate lets through.
pub fn known_tasks() -> Vec<&'static str> {
    TASKS.iter().map(|t| t.name).collect()
}

// ANCHOR: check
/// Whether the worker can run this message: the name of its task, or the
/// reason it cannot (one line).
pub fn check(properties: &BasicProperties, body: &[u8]) -> Result<&'static str, String> {
    let message = celery_message(properties, body)?;
    let name = message.headers.task.as_str();
    let Some(task) = TASKS.iter().find(|t| t.name == name) else {
        return Err(format!("unknown task {name:?}"));
    };
    check_arguments(task, body)?;
    (task.decode)(&message).map_err(|e| format!("{task}: {}", innermost(&e)))?;
    Ok(task.name)
}
// ANCHOR_END: check

/// The message as celery-rs sees it, if it has the properties and headers
/// celery-rs requires, JSON as its content type, and an id the result
/// backend can store a result under.
fn celery_message(properties: &BasicProperties, body: &[u8]) -> Result<Message, String> {
    let text = |name: &str, value: &Option<lapin::types::ShortString>| match value {
        Some(v) => Ok(v.as_str().to_string()),
        None => Err(format!("no {name} property")),
    };
    let content_type = text("content_type", properties.content_type())?;
    if content_type != "application/json" {
        return Err(format!(
            "content_type is {content_type:?}, not application/json"
        ));
    }
    let content_encoding = text("content_encoding", properties.content_encoding())?;
    let correlation_id = text("correlation_id", properties.correlation_id())?;
    let headers = match properties.headers() {
        Some(table) if !table.inner().is_empty() => table,
        _ => return Err("no headers".into()),
    };
    let header = |name: &str| match headers.inner().get(name) {
        Some(AMQPValue::LongString(s)) => Ok(String::from_utf8_lossy(s.as_bytes()).into_owned()),
        Some(AMQPValue::ShortString(s)) => Ok(s.as_str().to_string()),
        Some(_) => Err(format!("the {name} header is not a string")),
        None => Err(format!("no {name} header")),
    };
    let task = header("task")?;
    let id = header("id")?;
    if !is_safe_task_id(&id) {
        return Err(format!("the id header {id:?} cannot name a result"));
    }
    Ok(Message {
        properties: MessageProperties {
            correlation_id,
            content_type,
            content_encoding,
            reply_to: None,
            delivery_info: None,
        },
        headers: MessageHeaders {
            id,
            task,
            ..MessageHeaders::default()
        },
        raw_body: body.to_vec(),
    })
}

/// The body is `[args, kwargs, embed]`, and args and kwargs together name
/// each parameter exactly once. (celery-rs itself ignores extra positional
/// arguments, and a positional argument silently replaces a keyword one.)
fn check_arguments(task: &Signature, body: &[u8]) -> Result<(), String> {
    let value: Value =
        serde_json::from_slice(body).map_err(|e| format!("the body is not JSON: {e}"))?;
    let Some([Value::Array(args), Value::Object(kwargs), Value::Object(_)]) =
        value.as_array().map(Vec::as_slice)
    else {
        return Err("the body is not [args, kwargs, embed]".into());
    };
    if args.len() > task.params.len() {
        return Err(format!("{task}: {} positional arguments", args.len()));
    }
    for key in kwargs.keys() {
        match task.params.iter().position(|p| p == key) {
            None => return Err(format!("{task}: no argument named {key:?}")),
            Some(i) if i < args.len() => return Err(format!("{task}: {key} given twice")),
            Some(_) => {}
        }
    }
    match task.params[args.len()..]
        .iter()
        .find(|p| !kwargs.contains_key(**p))
    {
        Some(missing) => Err(format!("{task}: missing argument {missing}")),
        None => Ok(()),
    }
}

/// The deepest cause: celery-rs's own message ("message body serialization
/// error") hides serde's, which says which value did not fit.
fn innermost(error: &dyn StdError) -> String {
    let mut error = error;
    while let Some(source) = error.source() {
        error = source;
    }
    error.to_string()
}

/// What a gate did before it stopped.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GateReport {
    /// Messages passed on to the worker's queue.
    pub forwarded: u64,
    /// Messages published to the dead-letter queue.
    pub dead_lettered: u64,
}

/// A gate consuming in this process until [`RunningGate::stop`].
pub struct RunningGate {
    stop: oneshot::Sender<()>,
    run: JoinHandle<Result<GateReport, Error>>,
}

impl RunningGate {
    /// Resolves only if the gate stops by itself, with the reason: the
    /// connection broke, the broker cancelled the consumer, or a queue did not
    /// take a message. Do not call [`RunningGate::stop`] after it resolved.
    pub async fn failed(&mut self) -> Error {
        match (&mut self.run).await {
            Ok(Ok(_)) => "the gate stopped by itself".into(),
            Ok(Err(e)) => e,
            Err(e) => e.into(),
        }
    }

    /// Stops taking messages, finishes the one in hand, and closes the
    /// connection; messages fetched but not yet handled go back to the queue.
    pub async fn stop(self) -> Result<GateReport, Error> {
        let _ = self.stop.send(());
        self.run.await?
    }
}

/// Declares the three queues (durable, as Celery declares its queues), then
/// consumes `queue` with manual acknowledgements and at most `prefetch`
/// messages in hand, on a tokio task of its own.
pub async fn spawn_gate(url: &str, queue: &str, prefetch: u16) -> Result<RunningGate, Error> {
    let connection = support_broker::connect_to(url, "queues-celery-gate").await?;
    let opened = async {
        let channel = connection.create_channel().await?;
        let durable = QueueDeclareOptions {
            durable: true,
            ..QueueDeclareOptions::default()
        };
        for name in [queue.to_string(), checked_queue(queue), dead_queue(queue)] {
            channel
                .queue_declare(name.as_str().into(), durable, FieldTable::default())
                .await?;
        }
        channel
            .confirm_select(ConfirmSelectOptions::default())
            .await?;
        channel
            .basic_qos(prefetch, BasicQosOptions::default())
            .await?;
        let consumer = channel
            .basic_consume(
                queue.into(),
                "".into(),
                BasicConsumeOptions::default(), // no_ack: false, so acks are manual
                FieldTable::default(),
            )
            .await?;
        Ok::<_, lapin::Error>((channel, consumer))
    }
    .await;
    let (channel, consumer) = match opened {
        Ok(opened) => opened,
        Err(e) => {
            support_broker::close(&connection).await;
            return Err(e.into());
        }
    };
    let (stop, stopped) = oneshot::channel();
    let queue = queue.to_string();
    let run = tokio::spawn(async move {
        let passed = pass(&channel, consumer, &queue, stopped).await;
        let _ = channel.close(200, "bye".into()).await;
        support_broker::close(&connection).await;
        passed
    });
    Ok(RunningGate { stop, run })
}

// ANCHOR: gate
/// The gate's loop: one message at a time, checked, copied to exactly one of
/// the two queues, confirmed by the broker, and only then acknowledged.
async fn pass(
    channel: &Channel,
    mut consumer: lapin::Consumer,
    queue: &str,
    mut stop: oneshot::Receiver<()>,
) -> Result<GateReport, Error> {
    let (checked, dead) = (checked_queue(queue), dead_queue(queue));
    let mut report = GateReport::default();
    loop {
        let delivery = tokio::select! {
            _ = &mut stop => break,
            next = consumer.next() => match next {
                Some(delivery) => delivery?,
                None => return Err(format!("the broker cancelled the gate on {queue}").into()),
            },
        };
        match check(&delivery.properties, &delivery.data) {
            Ok(_) => {
                let same = delivery.properties.clone();
                publish(channel, &checked, same, &delivery.data).await?;
                report.forwarded += 1;
            }
            Err(reason) => {
                log::warn!("{} to {dead}: {reason}", task_id(&delivery));
                let marked = with_reason(&delivery, &reason);
                publish(channel, &dead, marked, &delivery.data).await?;
                report.dead_lettered += 1;
            }
        }
        delivery.ack(BasicAckOptions::default()).await?;
    }
    Ok(report)
}
// ANCHOR_END: gate

/// The message's task id for the log, as its correlation id says.
fn task_id(delivery: &Delivery) -> &str {
    match delivery.properties.correlation_id() {
        Some(id) => id.as_str(),
        None => "(no correlation_id)",
    }
}

/// The original properties and headers, plus the reason.
fn with_reason(delivery: &Delivery, reason: &str) -> BasicProperties {
    let mut headers = delivery.properties.headers().clone().unwrap_or_default();
    let line = reason.replace(['\r', '\n'], " ");
    headers.insert(REASON_HEADER.into(), AMQPValue::LongString(line.into()));
    delivery.properties.clone().with_headers(headers)
}

/// Publishes to `queue` through the default exchange and waits for the
/// broker's confirm; a message no queue took comes back as an error.
async fn publish(
    channel: &Channel,
    queue: &str,
    properties: BasicProperties,
    body: &[u8],
) -> Result<(), Error> {
    let mandatory = BasicPublishOptions {
        mandatory: true,
        ..BasicPublishOptions::default()
    };
    let confirm = channel
        .basic_publish("".into(), queue.into(), mandatory, body, properties)
        .await?
        .await?;
    match confirm {
        Confirmation::Ack(None) => Ok(()),
        _ => Err(format!("the queue {queue} did not take a message").into()),
    }
}
