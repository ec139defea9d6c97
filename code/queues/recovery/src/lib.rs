//! A consumer that outlives its connection. A small TCP proxy stands between
//! the consumer and the broker, so a test can cut the connection (both
//! sockets closed) or stall it (sockets open, nothing delivered), the two
//! ways a network fails. The consumer notices either (the second through
//! missed heartbeats), connects again and carries on; the broker redelivers
//! whatever was unacknowledged, so nothing is lost.

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_lite::StreamExt;
use lapin::options::{BasicAckOptions, BasicConsumeOptions, BasicQosOptions};
use lapin::types::FieldTable;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::AbortHandle;

/// Any error an example returns.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A TCP proxy in front of the broker, for cutting and stalling connections.
pub struct Proxy {
    address: std::net::SocketAddr,
    pipes: Arc<Mutex<Vec<AbortHandle>>>,
    stalled: Arc<AtomicBool>,
    accepting: AbortHandle,
}

async fn pump(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    stalled: Arc<AtomicBool>,
) {
    let mut buffer = vec![0u8; 16 * 1024];
    loop {
        let n = match from.read(&mut buffer).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        // A stalled network: the bytes go nowhere, the sockets stay open.
        while stalled.load(Ordering::SeqCst) {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        if to.write_all(&buffer[..n]).await.is_err() {
            break;
        }
    }
}

impl Proxy {
    /// Listens on a free local port and forwards each connection to
    /// `upstream` (`host:port`).
    pub async fn start(upstream: String) -> std::io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let address = listener.local_addr()?;
        let pipes = Arc::new(Mutex::new(Vec::new()));
        let stalled = Arc::new(AtomicBool::new(false));
        let (pipes_, stalled_) = (Arc::clone(&pipes), Arc::clone(&stalled));
        let accepting = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let Ok(server) = TcpStream::connect(&upstream).await else {
                    continue; // the client sees its connection close
                };
                let (client_read, client_write) = client.into_split();
                let (server_read, server_write) = server.into_split();
                let up = tokio::spawn(pump(client_read, server_write, Arc::clone(&stalled_)));
                let down = tokio::spawn(pump(server_read, client_write, Arc::clone(&stalled_)));
                let mut pipes = pipes_.lock().unwrap_or_else(|e| e.into_inner());
                pipes.push(up.abort_handle());
                pipes.push(down.abort_handle());
            }
        })
        .abort_handle();
        Ok(Self {
            address,
            pipes,
            stalled,
            accepting,
        })
    }

    /// An AMQP URL that reaches the broker through this proxy, with the
    /// user, password, virtual host and query of `url`.
    pub fn url(&self, url: &str) -> String {
        let (scheme, rest) = url.split_once("://").unwrap_or(("amqp", url));
        let (authority, tail) = match rest.find(['/', '?']) {
            Some(at) => rest.split_at(at),
            None => (rest, ""),
        };
        let user = authority.rsplit_once('@').map(|(user, _)| user);
        let host = self.address;
        match user {
            Some(user) => format!("{scheme}://{user}@{host}{tail}"),
            None => format!("{scheme}://{host}{tail}"),
        }
    }

    /// Closes every connection through the proxy, as a dead link or a
    /// restarted load balancer would. New connections still get through.
    pub fn cut(&self) {
        let mut pipes = self.pipes.lock().unwrap_or_else(|e| e.into_inner());
        for pipe in pipes.drain(..) {
            pipe.abort();
        }
    }

    /// Stops (`true`) or restarts (`false`) forwarding bytes, without
    /// closing anything: the silent failure only heartbeats can detect.
    pub fn stall(&self, stalled: bool) {
        self.stalled.store(stalled, Ordering::SeqCst);
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.accepting.abort();
        self.cut();
    }
}

/// What the resilient consumer did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// Distinct message ids handled.
    pub distinct: usize,
    /// Deliveries, counting repeats.
    pub deliveries: usize,
    /// Deliveries flagged `redelivered` by the broker.
    pub redelivered: usize,
    /// Connections opened after the first.
    pub reconnects: usize,
    /// Why each connection ended, in order.
    pub losses: Vec<String>,
}

/// How long one call to the broker may go unanswered before the consumer
/// counts its connection as lost. A call in flight when the connection is
/// cut (opening a channel, an ack) may never be answered at all, and without
/// a bound the loop below would wait on it for ever.
pub const PATIENCE: Duration = Duration::from_secs(5);

/// The error a call gets when the broker has not answered it in time.
pub const UNANSWERED: &str = "no answer from the broker in time";

/// `call`, or an error if the broker has not answered it within [`PATIENCE`].
async fn answered<T, E: Into<BoxError>>(
    call: impl std::future::Future<Output = Result<T, E>>,
) -> Result<T, BoxError> {
    match tokio::time::timeout(PATIENCE, call).await {
        Ok(result) => result.map_err(Into::into),
        Err(_) => Err(UNANSWERED.into()),
    }
}

// ANCHOR: reconnect-connect
/// Consumes `queue` at `url` until `expected` distinct ids have been
/// handled, connecting again (after a short, growing pause) whenever the
/// connection fails. `handled` counts distinct ids as they are done, for
/// whoever watches. Gives up after `limit`.
pub async fn consume_resiliently(
    url: &str,
    queue: &str,
    expected: usize,
    work: Duration,
    handled: Arc<AtomicUsize>,
    limit: Duration,
) -> Result<Report, BoxError> {
    let started = Instant::now();
    let mut report = Report::default();
    let mut seen = HashSet::new();
    let mut pause = Duration::from_millis(50);
    while seen.len() < expected && started.elapsed() < limit {
        let connection = match support_broker::connect_to(url, "recovery consumer").await {
            Ok(connection) => connection,
            Err(error) => {
                report.losses.push(format!("connect: {}", error.cause()));
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(Duration::from_secs(1));
                continue;
            }
        };
        if !report.losses.is_empty() {
            report.reconnects += 1;
        }
        pause = Duration::from_millis(50);
        // ANCHOR_END: reconnect-connect
        // ANCHOR: reconnect-cut
        let why = match consume_until_lost(
            &connection,
            queue,
            expected,
            work,
            &mut seen,
            &handled,
            &mut report,
        )
        .await
        {
            Ok(()) => break, // done
            Err(error) => error.to_string(),
        };
        report.losses.push(why);
        // The old connection may be half dead: do not wait long on it.
        let bye = connection.close(200, "reconnecting".into());
        let _ = tokio::time::timeout(Duration::from_millis(200), bye).await;
    }
    report.distinct = seen.len();
    Ok(report)
}
// ANCHOR_END: reconnect-cut

// ANCHOR: reconnect-consume
/// One connection's life: consume, handle, ack, until done or an error.
async fn consume_until_lost(
    connection: &lapin::Connection,
    queue: &str,
    expected: usize,
    work: Duration,
    seen: &mut HashSet<u64>,
    handled: &AtomicUsize,
    report: &mut Report,
) -> Result<(), BoxError> {
    let channel = answered(connection.create_channel()).await?;
    answered(channel.basic_qos(10, BasicQosOptions::default())).await?;
    let mut consumer = answered(channel.basic_consume(
        queue.into(),
        "".into(),
        BasicConsumeOptions::default(),
        FieldTable::default(),
    ))
    .await?;
    while seen.len() < expected {
        let wait = Duration::from_secs(1);
        let delivery = match tokio::time::timeout(wait, consumer.next()).await {
            Ok(Some(delivery)) => delivery?,
            Ok(None) => return Err("the consumer was cancelled".into()),
            Err(_) if !connection.status().connected() => {
                return Err("the connection is no longer connected".into());
            }
            Err(_) => continue, // nothing yet
        };
        report.deliveries += 1;
        report.redelivered += usize::from(delivery.redelivered);
        tokio::time::sleep(work).await; // the job
        let id: u64 = std::str::from_utf8(&delivery.data)?.parse()?;
        if seen.insert(id) {
            handled.fetch_add(1, Ordering::SeqCst);
        }
        answered(delivery.ack(BasicAckOptions::default())).await?;
    }
    answered(channel.close(200, "done".into())).await?;
    Ok(())
}
// ANCHOR_END: reconnect-consume

// ANCHOR: heartbeat
/// Connects through `url` with a heartbeat of `seconds`, consumes `queue`,
/// then waits for the connection to fail. Returns the error lapin reported
/// and how long after calling `stall` (which stalls the network) it came.
pub async fn wait_for_missed_heartbeat(
    url: &str,
    queue: &str,
    seconds: u16,
    stall: impl FnOnce(),
    limit: Duration,
) -> Result<(String, Duration), BoxError> {
    let separator = if url.contains('?') { '&' } else { '?' };
    let url = format!("{url}{separator}heartbeat={seconds}");
    let connection = support_broker::connect_to(&url, "recovery heartbeat").await?;
    let negotiated = connection.configuration().heartbeat();
    if negotiated != seconds {
        return Err(format!("asked for a heartbeat of {seconds} s, got {negotiated} s").into());
    }
    let channel = connection.create_channel().await?;
    let mut consumer = channel
        .basic_consume(
            queue.into(),
            "".into(),
            BasicConsumeOptions::default(),
            FieldTable::default(),
        )
        .await?;
    stall();
    let stalled_at = Instant::now();
    match tokio::time::timeout(limit, consumer.next()).await {
        Ok(Some(Err(error))) => Ok((error.to_string(), stalled_at.elapsed())),
        Ok(Some(Ok(_))) => Err("a delivery came through a stalled network".into()),
        Ok(None) => Ok(("the consumer stream ended".into(), stalled_at.elapsed())),
        Err(_) => Err(format!("no failure noticed within {limit:?}").into()),
    }
}
// ANCHOR_END: heartbeat

/// What [`run_with_cuts`] saw: the consumer's report, and what the queue
/// still held at the end.
#[derive(Clone, Debug)]
pub struct CutRun {
    /// The resilient consumer's report.
    pub report: Report,
    /// Messages published.
    pub published: usize,
    /// Messages left in the queue at the end (ready and unacknowledged).
    pub left: u32,
}

async fn publish(channel: &lapin::Channel, queue: &str, count: u64) -> Result<(), BoxError> {
    use lapin::BasicProperties;
    use lapin::options::{BasicPublishOptions, ConfirmSelectOptions};
    channel
        .confirm_select(ConfirmSelectOptions::default())
        .await?;
    let mut confirms = Vec::new();
    for id in 0..count {
        let confirm = channel
            .basic_publish(
                "".into(),
                queue.into(),
                BasicPublishOptions::default(),
                id.to_string().as_bytes(),
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

/// Publishes `messages` ids to a fresh queue, consumes them through a proxy
/// with [`consume_resiliently`], and cuts every connection through the
/// proxy each time the consumer has handled one of `cuts_at` messages.
pub async fn run_with_cuts(
    messages: u64,
    cuts_at: &[usize],
    work: Duration,
) -> Result<CutRun, BoxError> {
    let admin = support_broker::connect("recovery admin").await?;
    let channel = admin.create_channel().await?;
    let queue = support_broker::unique_name("recovery");
    support_broker::declare_queue(&channel, &queue, FieldTable::default()).await?;
    let result = async {
        publish(&channel, &queue, messages).await?;
        let url = support_broker::amqp_url();
        let proxy = Proxy::start(support_broker::broker_address(&url)).await?;
        let handled = Arc::new(AtomicUsize::new(0));
        let consumer = tokio::spawn({
            let (url, queue, handled) = (proxy.url(&url), queue.clone(), Arc::clone(&handled));
            let limit = Duration::from_secs(60);
            async move {
                consume_resiliently(&url, &queue, messages as usize, work, handled, limit).await
            }
        });
        for &at in cuts_at {
            while handled.load(Ordering::SeqCst) < at && !consumer.is_finished() {
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
            proxy.cut();
        }
        let report = consumer.await??;
        drop(proxy);
        let left = queue_total(&admin, &queue).await?;
        Ok::<_, BoxError>(CutRun {
            report,
            published: messages as usize,
            left,
        })
    }
    .await;
    let cleanup = admin.create_channel().await?;
    support_broker::delete_queues(&cleanup, &[queue]).await?;
    support_broker::close(&admin).await;
    result
}

/// Ready plus unacknowledged messages, once the consumer's connection is
/// gone: a passive declare counts only the ready ones, so wait until no
/// consumer holds the queue.
async fn queue_total(connection: &lapin::Connection, queue: &str) -> Result<u32, BoxError> {
    let channel = connection.create_channel().await?;
    for _ in 0..100 {
        let (ready, consumers) = support_broker::queue_counts(&channel, queue).await?;
        if consumers == 0 {
            return Ok(ready);
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Err("a consumer still holds the queue".into())
}

/// Declares a fresh queue, connects through a proxy with a heartbeat of
/// `seconds`, stalls the proxy, and reports what lapin said and when.
pub async fn run_stall(seconds: u16) -> Result<(String, Duration), BoxError> {
    let admin = support_broker::connect("recovery admin").await?;
    let channel = admin.create_channel().await?;
    let queue = support_broker::unique_name("recovery-stall");
    support_broker::declare_queue(&channel, &queue, FieldTable::default()).await?;
    let url = support_broker::amqp_url();
    let proxy = Proxy::start(support_broker::broker_address(&url)).await?;
    let limit = Duration::from_secs(u64::from(seconds) * 10 + 5);
    let result = wait_for_missed_heartbeat(
        &proxy.url(&url),
        &queue,
        seconds,
        || proxy.stall(true),
        limit,
    )
    .await;
    drop(proxy);
    support_broker::delete_queues(&channel, &[queue]).await?;
    support_broker::close(&admin).await;
    result
}
