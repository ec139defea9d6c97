//! Below Celery: plain AMQP with lapin. Take one task message off a queue and
//! show every byte of it, publish hand-made (or broken) messages, count and
//! delete queues. celery-rs uses its own, older lapin inside; these helpers
//! use the workspace's lapin, a separate connection to the same broker.

use std::collections::BTreeMap;
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

use lapin::options::{
    BasicAckOptions, BasicGetOptions, BasicNackOptions, BasicPublishOptions, ConfirmSelectOptions,
    ExchangeDeleteOptions, QueueDeclareOptions, QueueDeleteOptions,
};
use lapin::types::{AMQPValue, FieldTable};
use lapin::{BasicProperties, Channel, Connection, ConnectionProperties};
use serde_json::Value;

use crate::Error;

/// Succeeds when something accepts connections at the broker's address, or
/// returns the one line that says what to do. (Celery's own connect retries
/// for a while before giving up; this answers in at most two seconds.)
pub fn check_broker(url: &str) -> Result<(), String> {
    let address = support_broker::broker_address(url);
    let reachable = address
        .to_socket_addrs()
        .ok()
        .and_then(|mut addrs| addrs.next())
        .is_some_and(|a| TcpStream::connect_timeout(&a, Duration::from_secs(2)).is_ok());
    if reachable {
        Ok(())
    } else {
        Err(format!(
            "no RabbitMQ answers at {address} (nothing accepts connections there): start one with 'rabbitmq-server -detached' (Debian: apt-get install rabbitmq-server) or set AMQP_URL"
        ))
    }
}

/// One connection and one channel to the broker.
pub struct Link {
    connection: Connection,
    /// The channel to work on.
    pub channel: Channel,
}

impl Link {
    /// Connects to `url`.
    pub async fn open(url: &str) -> Result<Link, Error> {
        let connection = Connection::connect(url, ConnectionProperties::default()).await?;
        let channel = connection.create_channel().await?;
        Ok(Link {
            connection,
            channel,
        })
    }

    /// Closes the channel and the connection.
    pub async fn close(self) -> Result<(), Error> {
        self.channel.close(200, "bye".into()).await?;
        self.connection.close(200, "bye".into()).await?;
        Ok(())
    }
}

/// Deletes `queue` and the exchange of the same name that Python Celery
/// declares for it (deleting what is not there is not an error).
pub async fn delete_queue(url: &str, queue: &str) -> Result<(), Error> {
    let link = Link::open(url).await?;
    link.channel
        .queue_delete(queue.into(), QueueDeleteOptions::default())
        .await?;
    link.channel
        .exchange_delete(queue.into(), ExchangeDeleteOptions::default())
        .await?;
    link.close().await
}

/// Declares `queue` the way celery-rs and Python Celery do (durable, not
/// exclusive, not auto-deleted), so that messages published to it before any
/// worker starts wait there instead of being dropped as unroutable.
pub async fn declare_queue(url: &str, queue: &str) -> Result<(), Error> {
    let link = Link::open(url).await?;
    let durable = QueueDeclareOptions {
        durable: true,
        ..QueueDeclareOptions::default()
    };
    link.channel
        .queue_declare(queue.into(), durable, FieldTable::default())
        .await?;
    link.close().await
}

/// Messages ready in `queue`, not counting any a consumer holds unacknowledged.
pub async fn ready_count(url: &str, queue: &str) -> Result<u32, Error> {
    let link = Link::open(url).await?;
    let passive = QueueDeclareOptions {
        passive: true,
        ..QueueDeclareOptions::default()
    };
    let declared = link
        .channel
        .queue_declare(queue.into(), passive, FieldTable::default())
        .await?;
    let count = declared.message_count();
    link.close().await?;
    Ok(count)
}

/// Publishes `body` with `properties` straight to `queue` (through the
/// default exchange) and waits until the broker confirms it has it.
pub async fn publish_raw(
    url: &str,
    queue: &str,
    properties: BasicProperties,
    body: &[u8],
) -> Result<(), Error> {
    let link = Link::open(url).await?;
    link.channel
        .confirm_select(ConfirmSelectOptions::default())
        .await?;
    let confirm = link
        .channel
        .basic_publish(
            "".into(),
            queue.into(),
            BasicPublishOptions::default(),
            body,
            properties,
        )
        .await?
        .await?;
    if !confirm.is_ack() {
        return Err(format!("the broker refused the message for {queue}").into());
    }
    link.close().await
}

/// A message as the broker handed it over.
#[derive(Clone, Debug)]
pub struct Captured {
    /// The exchange it was published to ("" is the default exchange).
    pub exchange: String,
    /// The routing key it was published with.
    pub routing_key: String,
    /// Whether it had been delivered before.
    pub redelivered: bool,
    /// The AMQP properties that were set, by name.
    pub properties: BTreeMap<String, Value>,
    /// The application headers, by name.
    pub headers: BTreeMap<String, Value>,
    /// The body, byte for byte.
    pub body: Vec<u8>,
}

// ANCHOR: take-one
/// Takes the first message off `queue` with `basic.get` (a single pull, no
/// consumer) and either keeps it (ack) or puts it back (nack with requeue).
pub async fn take_one(url: &str, queue: &str, keep: bool) -> Result<Option<Captured>, Error> {
    let link = Link::open(url).await?;
    let got = link
        .channel
        .basic_get(queue.into(), BasicGetOptions { no_ack: false })
        .await?;
    let captured = match got {
        None => None,
        Some(message) => {
            let delivery = message.delivery;
            let tag = delivery.delivery_tag;
            let captured = capture(&delivery);
            if keep {
                link.channel
                    .basic_ack(tag, BasicAckOptions::default())
                    .await?;
            } else {
                let back = BasicNackOptions {
                    requeue: true,
                    ..BasicNackOptions::default()
                };
                link.channel.basic_nack(tag, back).await?;
            }
            Some(captured)
        }
    };
    link.close().await?;
    Ok(captured)
}
// ANCHOR_END: take-one

fn capture(delivery: &lapin::message::Delivery) -> Captured {
    let p = &delivery.properties;
    let mut properties = BTreeMap::new();
    let mut text = |name: &str, value: &Option<lapin::types::ShortString>| {
        if let Some(v) = value {
            properties.insert(name.to_string(), Value::from(v.as_str()));
        }
    };
    text("content_type", p.content_type());
    text("content_encoding", p.content_encoding());
    text("correlation_id", p.correlation_id());
    text("reply_to", p.reply_to());
    text("expiration", p.expiration());
    text("message_id", p.message_id());
    text("type", p.kind());
    text("app_id", p.app_id());
    if let Some(mode) = p.delivery_mode() {
        properties.insert("delivery_mode".into(), Value::from(*mode));
    }
    if let Some(priority) = p.priority() {
        properties.insert("priority".into(), Value::from(*priority));
    }
    if let Some(stamp) = p.timestamp() {
        properties.insert("timestamp".into(), Value::from(*stamp));
    }
    let headers = p
        .headers()
        .as_ref()
        .map(|table| {
            table
                .inner()
                .iter()
                .map(|(k, v)| (k.as_str().to_string(), to_json(v)))
                .collect()
        })
        .unwrap_or_default();
    Captured {
        exchange: delivery.exchange.as_str().to_string(),
        routing_key: delivery.routing_key.as_str().to_string(),
        redelivered: delivery.redelivered,
        properties,
        headers,
        body: delivery.data.clone(),
    }
}

/// An AMQP field value as JSON (AMQP's "void" is JSON's null).
pub fn to_json(value: &AMQPValue) -> Value {
    match value {
        AMQPValue::Boolean(b) => Value::from(*b),
        AMQPValue::ShortShortInt(n) => Value::from(*n),
        AMQPValue::ShortShortUInt(n) => Value::from(*n),
        AMQPValue::ShortInt(n) => Value::from(*n),
        AMQPValue::ShortUInt(n) => Value::from(*n),
        AMQPValue::LongInt(n) => Value::from(*n),
        AMQPValue::LongUInt(n) => Value::from(*n),
        AMQPValue::LongLongInt(n) => Value::from(*n),
        AMQPValue::Timestamp(n) => Value::from(*n),
        AMQPValue::Float(x) => Value::from(*x),
        AMQPValue::Double(x) => Value::from(*x),
        AMQPValue::DecimalValue(d) => Value::from(format!("{}e-{}", d.value, d.scale)),
        AMQPValue::ShortString(s) => Value::from(s.as_str()),
        AMQPValue::LongString(s) => Value::from(String::from_utf8_lossy(s.as_bytes())),
        AMQPValue::FieldArray(a) => Value::Array(a.as_slice().iter().map(to_json).collect()),
        AMQPValue::FieldTable(t) => Value::Object(
            t.inner()
                .iter()
                .map(|(k, v)| (k.as_str().to_string(), to_json(v)))
                .collect(),
        ),
        AMQPValue::ByteArray(b) => Value::from(format!("<{} bytes>", b.as_slice().len())),
        AMQPValue::Void => Value::Null,
    }
}

impl Captured {
    /// The message as text: delivery, properties, headers, the raw body, and
    /// the body decoded as Celery's protocol 2 (`[args, kwargs, embed]`).
    pub fn render(&self) -> String {
        let mut out = String::new();
        let mut line = |s: String| {
            out.push_str(&s);
            out.push('\n');
        };
        let exchange = if self.exchange.is_empty() {
            "\"\" (the default exchange)".to_string()
        } else {
            format!("{:?}", self.exchange)
        };
        line("delivery".into());
        line(format!("  exchange          {exchange}"));
        line(format!("  routing key       {}", self.routing_key));
        line(format!("  redelivered       {}", self.redelivered));
        line("properties".into());
        for (name, value) in &self.properties {
            line(format!("  {name:<17} {value}"));
        }
        line("headers".into());
        for (name, value) in &self.headers {
            line(format!("  {name:<22} {value}"));
        }
        let body = String::from_utf8_lossy(&self.body);
        line(format!("body ({} bytes)", self.body.len()));
        line(format!("  {body}"));
        match serde_json::from_slice::<Value>(&self.body) {
            Ok(Value::Array(parts)) if parts.len() == 3 => {
                line("body as protocol 2: [args, kwargs, embed]".into());
                for (name, part) in ["args", "kwargs", "embed"].iter().zip(&parts) {
                    line(format!("  {name:<7} {part}"));
                }
            }
            _ => line("body is not Celery protocol 2 JSON".into()),
        }
        out
    }
}

/// Replaces what differs between runs and machines, so two captures of the
/// same kind of message read alike: the queue's name becomes `<queue>`, each
/// distinct UUID becomes `<id-1>`, `<id-2>`, … in order of appearance (so
/// equal ids stay visibly equal), and the host after `@` in a node name
/// (`gen4242@myhost`) becomes `<host>`.
pub fn mask(text: &str, queue: &str) -> String {
    let text = text.replace(queue, "<queue>");
    let chars: Vec<char> = text.chars().collect();
    let mut ids: Vec<String> = Vec::new();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if let Some(uuid) = uuid_at(&chars[i..]) {
            let n = match ids.iter().position(|u| *u == uuid) {
                Some(n) => n + 1,
                None => {
                    ids.push(uuid);
                    ids.len()
                }
            };
            out.push_str(&format!("<id-{n}>"));
            i += 36;
        } else if chars[i] == '@' && i > 0 && chars[i - 1].is_ascii_digit() {
            out.push_str("@<host>");
            i += 1;
            while i < chars.len() && (chars[i].is_alphanumeric() || matches!(chars[i], '-' | '.')) {
                i += 1;
            }
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

fn uuid_at(chars: &[char]) -> Option<String> {
    const GROUPS: [usize; 5] = [8, 4, 4, 4, 12];
    let mut at = 0;
    for (g, len) in GROUPS.iter().enumerate() {
        if g > 0 {
            (chars.get(at) == Some(&'-')).then_some(())?;
            at += 1;
        }
        for _ in 0..*len {
            chars.get(at).filter(|c| c.is_ascii_hexdigit())?;
            at += 1;
        }
    }
    Some(chars[..at].iter().collect())
}

/// Properties like those a Celery client sets, for hand-made messages.
pub fn celery_properties(headers: FieldTable, correlation_id: &str) -> BasicProperties {
    BasicProperties::default()
        .with_content_type("application/json".into())
        .with_content_encoding("utf-8".into())
        .with_correlation_id(correlation_id.into())
        .with_delivery_mode(2)
        .with_headers(headers)
}

/// A header table from string pairs, e.g. `[("task", "add"), ("id", "...")]`.
pub fn string_headers(pairs: &[(&str, &str)]) -> FieldTable {
    let mut table = FieldTable::default();
    for (k, v) in pairs {
        table.insert((*k).into(), AMQPValue::LongString((*v).into()));
    }
    table
}
