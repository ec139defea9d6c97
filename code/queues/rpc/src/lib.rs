//! Request/reply (RPC) over RabbitMQ. A client publishes a request to the
//! server's queue with two properties: `reply_to`, the address the answer
//! should go to, and `correlation_id`, a label the server copies onto its
//! answer. All of one client's answers arrive on one reply address, in
//! whatever order the servers finish; the label is how the client hands each
//! answer to the call that asked for it. A call waits for its answer with a
//! timeout, so a server that never answers costs a timeout, not a hang.
//!
//! The reply address is either a private reply queue (server-named,
//! exclusive) or RabbitMQ's direct reply-to, the pseudo-queue
//! `amq.rabbitmq.reply-to`, which sends answers straight to the client's
//! channel without a queue at all.
#![forbid(unsafe_code)]

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_lite::StreamExt;
use lapin::options::{
    BasicAckOptions, BasicCancelOptions, BasicConsumeOptions, BasicPublishOptions, BasicQosOptions,
    QueueDeclareOptions,
};
use lapin::types::FieldTable;
use lapin::{BasicProperties, Channel, Connection, Consumer};
use tokio::sync::oneshot;
use tokio::task::JoinSet;

/// The pseudo-queue of RabbitMQ's direct reply-to.
pub const DIRECT_REPLY_TO: &str = "amq.rabbitmq.reply-to";

/// Where a client asks for its answers to be sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReplyTo {
    /// A queue of the client's own: server-named, exclusive, auto-delete.
    PrivateQueue,
    /// `amq.rabbitmq.reply-to`: answers go straight to the client's channel.
    Direct,
}

impl fmt::Display for ReplyTo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ReplyTo::PrivateQueue => "private queue",
            ReplyTo::Direct => "direct reply-to",
        })
    }
}

/// Why a call returned no answer.
#[derive(Debug)]
pub enum RpcError {
    /// No answer came within the time limit.
    Timeout(Duration),
    /// The client's reply listener stopped (the channel or connection closed).
    Closed,
    /// The broker refused the request.
    Broker(lapin::Error),
}

impl fmt::Display for RpcError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RpcError::Timeout(limit) => write!(f, "no reply within {limit:?}"),
            RpcError::Closed => f.write_str("the reply channel closed"),
            RpcError::Broker(error) => write!(f, "broker error: {error}"),
        }
    }
}

impl std::error::Error for RpcError {}

impl From<lapin::Error> for RpcError {
    fn from(error: lapin::Error) -> Self {
        RpcError::Broker(error)
    }
}

/// Calls waiting for an answer, by correlation id; `None` once the reply
/// listener has stopped, so no call waits for an answer that cannot come.
/// A std `Mutex`, never held across an `.await`: every lock is one insert,
/// one remove, or the listener's final `take`.
type Pending = Arc<Mutex<Option<HashMap<String, oneshot::Sender<Vec<u8>>>>>>;

// ANCHOR: client-struct
/// An RPC client: one channel, one reply address, any number of calls in
/// flight at once.
pub struct Client {
    channel: Channel,
    server_queue: String,
    reply_to: String,
    private_queue: Option<String>,
    next_id: AtomicU64,
    pending: Pending,
    counts: Arc<Counts>,
    listener: tokio::task::JoinHandle<()>,
}

/// What a client's reply listener saw.
#[derive(Default)]
struct Counts {
    /// Answers for no waiting call.
    stale: AtomicU64,
    /// Answers that came after the answer to a later call.
    overtaken: AtomicU64,
}
// ANCHOR_END: client-struct

// ANCHOR: client-reply-to
impl Client {
    /// A client of the server that consumes `server_queue`.
    pub async fn new(
        connection: &Connection,
        server_queue: &str,
        mode: ReplyTo,
    ) -> lapin::Result<Self> {
        let channel = connection.create_channel().await?;
        let (reply_to, private_queue) = match mode {
            ReplyTo::PrivateQueue => {
                let private = QueueDeclareOptions {
                    exclusive: true,
                    auto_delete: true,
                    ..QueueDeclareOptions::default()
                };
                let queue = channel
                    .queue_declare("".into(), private, FieldTable::default())
                    .await?;
                (queue.name().to_string(), Some(queue.name().to_string()))
            }
            // Direct reply-to needs no queue, but its consumer must be on the
            // channel that publishes the requests, in no-ack mode.
            ReplyTo::Direct => (DIRECT_REPLY_TO.to_string(), None),
        };
        // ANCHOR_END: client-reply-to
        // ANCHOR: client-replies
        let no_ack = BasicConsumeOptions {
            no_ack: true,
            ..BasicConsumeOptions::default()
        };
        let replies = channel
            .basic_consume(
                reply_to.as_str().into(),
                "".into(),
                no_ack,
                FieldTable::default(),
            )
            .await?;
        let pending: Pending = Arc::new(Mutex::new(Some(HashMap::new())));
        let counts = Arc::new(Counts::default());
        let listener = tokio::spawn(route_replies(replies, pending.clone(), counts.clone()));
        Ok(Client {
            channel,
            server_queue: server_queue.to_string(),
            reply_to,
            private_queue,
            next_id: AtomicU64::new(0),
            pending,
            counts,
            listener,
        })
    }
    // ANCHOR_END: client-replies

    // ANCHOR: call
    /// Sends `request` and waits at most `limit` for its answer.
    pub async fn call(&self, request: &[u8], limit: Duration) -> Result<Vec<u8>, RpcError> {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed).to_string();
        let (answer, answered) = oneshot::channel();
        match self.pending.lock().unwrap().as_mut() {
            Some(calls) => calls.insert(id.clone(), answer),
            None => return Err(RpcError::Closed), // the listener has stopped
        };
        let properties = BasicProperties::default()
            .with_correlation_id(id.as_str().into())
            .with_reply_to(self.reply_to.as_str().into());
        let exchange_then_wait = async {
            self.channel
                .basic_publish(
                    "".into(),
                    self.server_queue.as_str().into(),
                    BasicPublishOptions::default(),
                    request,
                    properties,
                )
                .await?;
            answered.await.map_err(|_| RpcError::Closed)
        };
        match tokio::time::timeout(limit, exchange_then_wait).await {
            Ok(answer) => answer,
            Err(_) => {
                // Forget the call, so its answer, if it ever comes, is stale.
                if let Some(calls) = self.pending.lock().unwrap().as_mut() {
                    calls.remove(&id);
                }
                Err(RpcError::Timeout(limit))
            }
        }
    }
    // ANCHOR_END: call

    /// Answers that arrived for no waiting call (a call that had timed out).
    pub fn stale_replies(&self) -> u64 {
        self.counts.stale.load(Ordering::Relaxed)
    }

    /// Answers that arrived after the answer to a call made later.
    pub fn overtaken_replies(&self) -> u64 {
        self.counts.overtaken.load(Ordering::Relaxed)
    }

    /// Calls still waiting for an answer.
    pub fn waiting(&self) -> usize {
        self.pending
            .lock()
            .unwrap()
            .as_ref()
            .map_or(0, HashMap::len)
    }

    /// The client's private reply queue, if it has one.
    pub fn reply_queue(&self) -> Option<&str> {
        self.private_queue.as_deref()
    }

    /// Closes the client's channel, which ends its reply consumer and, with
    /// it, the private reply queue.
    pub async fn close(self) -> lapin::Result<()> {
        self.channel.close(200, "done".into()).await?;
        let _ = self.listener.await;
        Ok(())
    }
}

// ANCHOR: route
/// The client's reply listener: hands each answer to the call whose
/// correlation id it carries. An answer nobody waits for is counted and
/// dropped. When the replies end (the channel or connection closed), it drops
/// every waiting call's sender, so each of those calls returns `Closed` at
/// once instead of waiting for its timeout.
async fn route_replies(mut replies: Consumer, pending: Pending, counts: Arc<Counts>) {
    let mut latest = None; // the highest call number answered so far
    while let Some(Ok(reply)) = replies.next().await {
        let id = reply
            .properties
            .correlation_id()
            .as_ref()
            .map(|id| id.to_string());
        let number = id.as_deref().and_then(|id| id.parse::<u64>().ok());
        if number < latest {
            counts.overtaken.fetch_add(1, Ordering::Relaxed); // for the report only
        }
        latest = latest.max(number);
        let waiting = id.and_then(|id| pending.lock().unwrap().as_mut()?.remove(&id));
        match waiting {
            Some(call) => {
                let _ = call.send(reply.data); // the caller may have just timed out
            }
            None => {
                counts.stale.fetch_add(1, Ordering::Relaxed);
            }
        }
    }
    pending.lock().unwrap().take(); // wakes every waiting call with `Closed`
}
// ANCHOR_END: route

// ANCHOR: server-start
/// A running server: consumes requests from one queue and answers each on
/// its `reply_to` with its `correlation_id`.
pub struct Server {
    channel: Channel,
    tag: String,
    task: tokio::task::JoinHandle<lapin::Result<u64>>,
}

/// Starts a server on `queue` (which must exist) that works on up to
/// `in_flight` requests at once, each in its own task, so answers leave in
/// the order the work finishes, not the order requests came.
pub async fn serve<F, Fut>(
    connection: &Connection,
    queue: &str,
    in_flight: u16,
    handler: F,
) -> lapin::Result<Server>
where
    F: Fn(Vec<u8>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Vec<u8>> + Send + 'static,
{
    let channel = connection.create_channel().await?;
    // Prefetch: the broker sends at most `in_flight` unacknowledged requests.
    channel
        .basic_qos(in_flight, BasicQosOptions::default())
        .await?;
    let mut requests = channel
        .basic_consume(
            queue.into(),
            "".into(),
            BasicConsumeOptions::default(),
            FieldTable::default(),
        )
        .await?;
    let tag = requests.tag().to_string();
    let handler = Arc::new(handler);
    let replier = channel.clone();
    // ANCHOR_END: server-start
    // ANCHOR: server-requests
    let task = tokio::spawn(async move {
        let mut working = JoinSet::new();
        let mut served = 0;
        while let Some(request) = requests.next().await {
            let request = request?;
            let (handler, replier) = (handler.clone(), replier.clone());
            working.spawn(async move {
                let props = &request.properties;
                let answer = handler(request.data.clone()).await;
                if let Some(reply_to) = props.reply_to() {
                    let mut properties = BasicProperties::default();
                    if let Some(id) = props.correlation_id() {
                        properties = properties.with_correlation_id(id.clone());
                    }
                    replier
                        .basic_publish(
                            "".into(),
                            reply_to.clone(),
                            BasicPublishOptions::default(),
                            &answer,
                            properties,
                        )
                        .await?;
                }
                // Acknowledge only after answering: a server that dies
                // mid-request leaves it to be redelivered to another.
                request.ack(BasicAckOptions::default()).await?;
                lapin::Result::Ok(())
            });
            served += 1;
        }
        while let Some(done) = working.join_next().await {
            done.expect("a request handler panicked")?;
        }
        Ok(served)
    });
    Ok(Server { channel, tag, task })
}
// ANCHOR_END: server-requests

impl Server {
    /// Stops taking requests, finishes the ones in hand, and returns how
    /// many requests this server answered.
    pub async fn stop(self) -> lapin::Result<u64> {
        self.channel
            .basic_cancel(self.tag.as_str().into(), BasicCancelOptions::default())
            .await?;
        let served = self.task.await.expect("the server panicked")?;
        self.channel.close(200, "done".into()).await?;
        Ok(served)
    }
}

/// Declares the queue a server consumes (durable, expiring when unused; see
/// [`support_broker::declare_queue`]).
pub async fn declare_request_queue(connection: &Connection, name: &str) -> lapin::Result<()> {
    let channel = connection.create_channel().await?;
    support_broker::declare_queue(&channel, name, FieldTable::default()).await?;
    channel.close(200, "done".into()).await
}

/// Deletes request queues left after a run.
pub async fn delete_queue(connection: &Connection, name: &str) -> lapin::Result<()> {
    let channel = connection.create_channel().await?;
    support_broker::delete_queues(&channel, &[name.to_string()]).await?;
    channel.close(200, "done".into()).await
}

/// The example's remote procedure: squares a number sent as decimal text,
/// after a service time of 0 to 8 ms that depends on the number, so that
/// concurrent requests finish out of order.
pub async fn square_slowly(request: Vec<u8>) -> Vec<u8> {
    let n: u64 = parse_number(&request).unwrap_or(0);
    tokio::time::sleep(Duration::from_millis(n % 5 * 2)).await;
    n.wrapping_mul(n).to_string().into_bytes()
}

/// A number written as decimal text, as the example's requests and answers are.
pub fn parse_number(bytes: &[u8]) -> Option<u64> {
    std::str::from_utf8(bytes).ok()?.parse().ok()
}

// ANCHOR: naive
/// The broken client: no correlation ids. It takes the next message on its
/// reply queue to be the answer to the call it just made.
pub struct NaiveClient {
    channel: Channel,
    server_queue: String,
    reply_queue: String,
    replies: Consumer,
}

impl NaiveClient {
    /// Sends `request` and takes whatever answer arrives next.
    pub async fn call(&mut self, request: &[u8], limit: Duration) -> Result<Vec<u8>, RpcError> {
        let properties = BasicProperties::default().with_reply_to(self.reply_queue.as_str().into());
        self.channel
            .basic_publish(
                "".into(),
                self.server_queue.as_str().into(),
                BasicPublishOptions::default(),
                request,
                properties,
            )
            .await?;
        match tokio::time::timeout(limit, self.replies.next()).await {
            Ok(Some(Ok(reply))) => Ok(reply.data),
            Ok(Some(Err(error))) => Err(RpcError::Broker(error)),
            Ok(None) => Err(RpcError::Closed),
            Err(_) => Err(RpcError::Timeout(limit)),
        }
    }
}
// ANCHOR_END: naive

impl NaiveClient {
    /// A naive client with a private reply queue.
    pub async fn new(connection: &Connection, server_queue: &str) -> lapin::Result<Self> {
        let channel = connection.create_channel().await?;
        let private = QueueDeclareOptions {
            exclusive: true,
            auto_delete: true,
            ..QueueDeclareOptions::default()
        };
        let queue = channel
            .queue_declare("".into(), private, FieldTable::default())
            .await?;
        let no_ack = BasicConsumeOptions {
            no_ack: true,
            ..BasicConsumeOptions::default()
        };
        let replies = channel
            .basic_consume(
                queue.name().clone(),
                "".into(),
                no_ack,
                FieldTable::default(),
            )
            .await?;
        Ok(NaiveClient {
            channel,
            server_queue: server_queue.to_string(),
            reply_queue: queue.name().to_string(),
            replies,
        })
    }

    /// The private reply queue.
    pub fn reply_queue(&self) -> &str {
        &self.reply_queue
    }

    /// Closes the client's channel (and with it its reply queue).
    pub async fn close(self) -> lapin::Result<()> {
        self.channel.close(200, "done".into()).await
    }
}

/// What [`late_answer`] saw: the first call's error, what the second call
/// got, and what it should have got.
#[derive(Debug)]
pub struct LateAnswer {
    pub first: Result<Vec<u8>, RpcError>,
    pub second: Result<Vec<u8>, RpcError>,
    pub second_expected: Vec<u8>,
    pub stale: u64,
}

/// A server that answers in order, one request at a time, and takes `slow`
/// to answer "slow". Two calls follow each other: the first ("slow") times
/// out after `limit`; the second ("2") waits long enough. With correlation
/// ids the second gets "4"; without, it gets the first call's late answer.
pub async fn late_answer(
    connection: &Connection,
    correlated: bool,
    slow: Duration,
    limit: Duration,
) -> lapin::Result<LateAnswer> {
    let queue = support_broker::unique_name("rpc-late");
    declare_request_queue(connection, &queue).await?;
    let server = serve(connection, &queue, 1, move |request: Vec<u8>| async move {
        if request == b"slow" {
            tokio::time::sleep(slow).await;
            b"slow answer".to_vec()
        } else {
            square_slowly(request).await
        }
    })
    .await?;
    let patient = slow * 4 + Duration::from_secs(2);
    let report = if correlated {
        let client = Client::new(connection, &queue, ReplyTo::PrivateQueue).await?;
        let first = client.call(b"slow", limit).await;
        let second = client.call(b"2", patient).await;
        let stale = client.stale_replies();
        client.close().await?;
        LateAnswer {
            first,
            second,
            second_expected: b"4".to_vec(),
            stale,
        }
    } else {
        let mut client = NaiveClient::new(connection, &queue).await?;
        let first = client.call(b"slow", limit).await;
        let second = client.call(b"2", patient).await;
        client.close().await?;
        LateAnswer {
            first,
            second,
            second_expected: b"4".to_vec(),
            stale: 0,
        }
    };
    server.stop().await?;
    delete_queue(connection, &queue).await?;
    Ok(report)
}
