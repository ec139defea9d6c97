//! Publish/subscribe through a RabbitMQ exchange. A publisher never names a
//! queue: it hands each message to an exchange with a routing key, and the
//! exchange copies it into every queue whose binding matches. Each subscriber
//! declares its own private queue (server-named, exclusive, auto-delete) and
//! binds it. A fan-out exchange ignores the key and copies every message to
//! every bound queue; a topic exchange compares the key, word by word, with
//! each binding pattern.
//!
//! [`topic_matches`] is the topic rule written out in Rust, so the tests can
//! compute what each subscriber must receive and compare it with what the
//! broker delivered.
#![forbid(unsafe_code)]

use std::collections::BTreeMap;

use futures_lite::StreamExt;
use lapin::options::{
    BasicCancelOptions, BasicConsumeOptions, BasicPublishOptions, ConfirmSelectOptions,
    ExchangeDeclareOptions, ExchangeDeleteOptions, QueueBindOptions, QueueDeclareOptions,
};
use lapin::types::FieldTable;
use lapin::{BasicProperties, Channel, Connection, Consumer, ExchangeKind};

/// The `type` property of the marker that tells a subscriber the run is over.
pub const END_OF_RUN: &str = "end-of-run";

/// The routing keys the example publishes, in turn: what happened, then where.
pub const KEYS: [&str; 6] = [
    "orders.eu",
    "orders.us",
    "refunds.eu",
    "refunds.us",
    "orders.eu.vip",
    "audit",
];

/// The topic bindings of the example's subscribers.
pub const TOPIC_BINDINGS: [&str; 4] = ["orders.*", "orders.#", "*.eu", "#"];

// ANCHOR: topic_matches
/// Whether a topic exchange routes a message with routing key `key` to a
/// queue bound with `binding`. Both are words separated by dots; in the
/// binding `*` stands for exactly one word and `#` for zero or more words.
pub fn topic_matches(binding: &str, key: &str) -> bool {
    fn words(text: &str) -> Vec<&str> {
        if text.is_empty() {
            Vec::new() // the empty key has no words, not one empty word
        } else {
            text.split('.').collect()
        }
    }
    fn rest_matches(pattern: &[&str], key: &[&str]) -> bool {
        match pattern.split_first() {
            None => key.is_empty(),
            // `#` swallows 0, 1, 2, … words: try every split.
            Some((&"#", rest)) => (0..=key.len()).any(|n| rest_matches(rest, &key[n..])),
            Some((&"*", rest)) => !key.is_empty() && rest_matches(rest, &key[1..]),
            Some((word, rest)) => key.first() == Some(word) && rest_matches(rest, &key[1..]),
        }
    }
    rest_matches(&words(binding), &words(key))
}
// ANCHOR_END: topic_matches

/// The message with number `id`: its routing key cycles through `keys`.
pub fn message(id: u64, keys: &[&str]) -> (u64, String) {
    (id, keys[id as usize % keys.len()].to_string())
}

/// One message as a subscriber received it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Received {
    pub id: u64,
    pub routing_key: String,
}

// ANCHOR: subscribe-bind
/// A subscriber: its own queue, bound to one exchange, and a consumer on it.
pub struct Subscriber {
    pub binding: String,
    pub queue: String,
    channel: Channel,
    consumer: Consumer,
}

impl Subscriber {
    /// Declares a private queue, binds it to `exchange` with `binding` and
    /// starts consuming. The empty queue name asks the broker to make up a
    /// unique one; `exclusive` lets only this connection use the queue and
    /// deletes it when the connection closes; `auto_delete` deletes it when
    /// its consumer is cancelled. A subscriber leaves nothing behind.
    pub async fn bind(
        connection: &Connection,
        exchange: &str,
        binding: &str,
    ) -> lapin::Result<Self> {
        let channel = connection.create_channel().await?;
        let private = QueueDeclareOptions {
            exclusive: true,
            auto_delete: true,
            ..QueueDeclareOptions::default()
        };
        let queue = channel
            .queue_declare("".into(), private, FieldTable::default())
            .await?;
        channel
            .queue_bind(
                queue.name().clone(),
                exchange.into(),
                binding.into(),
                QueueBindOptions::default(),
                FieldTable::default(),
            )
            .await?;
        // ANCHOR_END: subscribe-bind
        // ANCHOR: subscribe-consume
        // no_ack: the broker counts a message as done once it is sent. The
        // queue is this subscriber's alone, so there is nobody to hand an
        // unacknowledged message to anyway.
        let no_ack = BasicConsumeOptions {
            no_ack: true,
            ..BasicConsumeOptions::default()
        };
        let consumer = channel
            .basic_consume(
                queue.name().clone(),
                "".into(),
                no_ack,
                FieldTable::default(),
            )
            .await?;
        Ok(Subscriber {
            binding: binding.to_string(),
            queue: queue.name().to_string(),
            channel,
            consumer,
        })
    }

    /// Receives messages until the end-of-run marker, then cancels the
    /// consumer, which deletes the queue.
    pub async fn receive_until_end(mut self) -> lapin::Result<(String, Vec<Received>)> {
        let mut received = Vec::new();
        while let Some(message) = self.next().await? {
            received.push(message);
        }
        self.close().await?;
        Ok((self.binding, received))
    }
}
// ANCHOR_END: subscribe-consume

impl Subscriber {
    /// The next message, or `None` at the end-of-run marker or when the
    /// consumer is gone.
    async fn next(&mut self) -> lapin::Result<Option<Received>> {
        let Some(delivery) = self.consumer.next().await else {
            return Ok(None);
        };
        let delivery = delivery?;
        if delivery.properties.kind().as_ref().map(|k| k.as_str()) == Some(END_OF_RUN) {
            return Ok(None);
        }
        let id = std::str::from_utf8(&delivery.data)
            .ok()
            .and_then(|text| text.parse().ok())
            .unwrap_or(u64::MAX);
        Ok(Some(Received {
            id,
            routing_key: delivery.routing_key.to_string(),
        }))
    }

    /// Receives exactly `count` messages (fewer only if the consumer ends),
    /// and keeps consuming: the benchmark reuses one subscriber for many runs.
    pub async fn receive(&mut self, count: usize) -> lapin::Result<Vec<Received>> {
        let mut received = Vec::with_capacity(count);
        while received.len() < count {
            match self.next().await? {
                Some(message) => received.push(message),
                None => break,
            }
        }
        Ok(received)
    }

    /// Cancels the consumer (which deletes the auto-delete queue) and closes
    /// the channel.
    pub async fn close(&self) -> lapin::Result<()> {
        let tag = self.consumer.tag();
        self.channel
            .basic_cancel(tag, BasicCancelOptions::default())
            .await?;
        self.channel.close(200, "done".into()).await
    }
}

// ANCHOR: publish
/// Publishes each `(id, routing key)` to `exchange` on a channel in confirm
/// mode and waits until the broker has confirmed them all, which it does once
/// each message sits in every queue it was routed to. Returns how many came
/// back as unroutable: published with `mandatory`, a message that matched no
/// binding is returned instead of silently dropped.
pub async fn publish(
    channel: &Channel,
    exchange: &str,
    messages: &[(u64, String)],
) -> lapin::Result<usize> {
    channel
        .confirm_select(ConfirmSelectOptions::default())
        .await?;
    let mandatory = BasicPublishOptions {
        mandatory: true,
        ..BasicPublishOptions::default()
    };
    for (id, key) in messages {
        channel
            .basic_publish(
                exchange.into(),
                key.as_str().into(),
                mandatory,
                id.to_string().as_bytes(),
                BasicProperties::default(),
            )
            .await?;
    }
    let returned = channel.wait_for_confirms().await?;
    Ok(returned.len())
}
// ANCHOR_END: publish

/// Sends the end-of-run marker straight to each queue through the default
/// exchange (whose routing key is a queue's name). A channel delivers what it
/// publishes to one queue in order, and the messages were all confirmed
/// before, so a subscriber that reads the marker has read everything.
pub async fn end_run(channel: &Channel, queues: &[String]) -> lapin::Result<()> {
    for queue in queues {
        channel
            .basic_publish(
                "".into(),
                queue.as_str().into(),
                BasicPublishOptions::default(),
                b"",
                BasicProperties::default().with_type(END_OF_RUN.into()),
            )
            .await?;
    }
    channel.wait_for_confirms().await?;
    Ok(())
}

/// Declares a transient exchange of `kind` named `name`. It is `auto_delete`
/// as well, so it disappears with its last binding even if the program never
/// gets to delete it.
pub async fn declare_exchange(
    channel: &Channel,
    name: &str,
    kind: ExchangeKind,
) -> lapin::Result<()> {
    let options = ExchangeDeclareOptions {
        auto_delete: true,
        ..ExchangeDeclareOptions::default()
    };
    channel
        .exchange_declare(name.into(), kind, options, FieldTable::default())
        .await
}

/// What one run of [`fan_out_run`] or [`topic_run`] saw.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunReport {
    /// The exchange the run declared (and deleted).
    pub exchange: String,
    /// The subscribers' queues (all deleted when the run ends).
    pub queues: Vec<String>,
    /// For each subscriber, in binding order: its binding and what it received.
    pub subscribers: Vec<(String, Vec<Received>)>,
    /// Messages that matched no binding and came back to the publisher.
    pub unroutable: usize,
}

// ANCHOR: run
/// Declares a fresh exchange of `kind`, binds one subscriber per entry of
/// `bindings`, publishes `messages`, and collects what every subscriber got.
/// The exchange and every queue are deleted before it returns.
pub async fn run(
    connection: &Connection,
    kind: ExchangeKind,
    bindings: &[&str],
    messages: &[(u64, String)],
) -> lapin::Result<RunReport> {
    let exchange = support_broker::unique_name("pub-sub");
    let publisher = connection.create_channel().await?;
    declare_exchange(&publisher, &exchange, kind).await?;

    let mut listening = Vec::new();
    let mut queues = Vec::new();
    for binding in bindings {
        let subscriber = Subscriber::bind(connection, &exchange, binding).await?;
        queues.push(subscriber.queue.clone());
        listening.push(tokio::spawn(subscriber.receive_until_end()));
    }

    let unroutable = publish(&publisher, &exchange, messages).await?;
    end_run(&publisher, &queues).await?;

    let mut subscribers = Vec::new();
    for task in listening {
        subscribers.push(task.await.expect("a subscriber panicked")?);
    }
    support_broker::delete_queues(&publisher, &queues).await?;
    publisher
        .exchange_delete(exchange.as_str().into(), ExchangeDeleteOptions::default())
        .await?;
    publisher.close(200, "done".into()).await?;
    Ok(RunReport {
        exchange,
        queues,
        subscribers,
        unroutable,
    })
}
// ANCHOR_END: run

/// What a subscriber bound with `binding` should receive from `messages`: the
/// ids whose key matches, or all of them on a fan-out exchange.
pub fn expected_ids(kind: &ExchangeKind, binding: &str, messages: &[(u64, String)]) -> Vec<u64> {
    messages
        .iter()
        .filter(|(_, key)| *kind == ExchangeKind::Fanout || topic_matches(binding, key))
        .map(|(id, _)| *id)
        .collect()
}

/// Whether `received` holds exactly the ids in `expected`, each once, with
/// the routing key it was published with.
pub fn exactly(received: &[Received], expected: &[u64], messages: &[(u64, String)]) -> bool {
    let keys: BTreeMap<u64, &str> = messages.iter().map(|(id, k)| (*id, k.as_str())).collect();
    let mut got: Vec<u64> = received.iter().map(|r| r.id).collect();
    got.sort_unstable();
    let mut want = expected.to_vec();
    want.sort_unstable();
    got == want
        && received
            .iter()
            .all(|r| keys.get(&r.id) == Some(&r.routing_key.as_str()))
}

/// What a subscriber that binds too late sees.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LateReport {
    /// Published before any queue was bound: returned as unroutable.
    pub returned_before: usize,
    /// Published after the subscriber bound its queue: returned as unroutable.
    pub returned_after: usize,
    /// What the subscriber received.
    pub received: Vec<Received>,
}

// ANCHOR: late
/// Publishes `early` messages to a fan-out exchange nobody has bound a queue
/// to yet, then binds a subscriber and publishes `late` more. An exchange
/// stores nothing: the early messages have nowhere to go.
pub async fn late_subscriber(
    connection: &Connection,
    early: u64,
    late: u64,
) -> lapin::Result<LateReport> {
    let exchange = support_broker::unique_name("pub-sub-late");
    let publisher = connection.create_channel().await?;
    declare_exchange(&publisher, &exchange, ExchangeKind::Fanout).await?;
    let before: Vec<_> = (0..early).map(|id| (id, "news".to_string())).collect();
    let returned_before = publish(&publisher, &exchange, &before).await?;

    let subscriber = Subscriber::bind(connection, &exchange, "").await?;
    let queue = subscriber.queue.clone();
    let listening = tokio::spawn(subscriber.receive_until_end());
    let after: Vec<_> = (early..early + late)
        .map(|id| (id, "news".to_string()))
        .collect();
    let returned_after = publish(&publisher, &exchange, &after).await?;
    end_run(&publisher, std::slice::from_ref(&queue)).await?;
    let (_, received) = listening.await.expect("the subscriber panicked")?;

    support_broker::delete_queues(&publisher, &[queue]).await?;
    publisher
        .exchange_delete(exchange.as_str().into(), ExchangeDeleteOptions::default())
        .await?;
    publisher.close(200, "done".into()).await?;
    Ok(LateReport {
        returned_before,
        returned_after,
        received,
    })
}
// ANCHOR_END: late
