//! Shared RabbitMQ plumbing for the queues chapter: where the broker is, a
//! connect that fails in one clear line instead of hanging, unique queue names
//! so concurrent runs never see each other's messages, and cleanup.
#![forbid(unsafe_code)]

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use futures_lite::StreamExt;
use lapin::message::Delivery;
use lapin::options::{QueueDeclareOptions, QueueDeleteOptions};
use lapin::types::{AMQPValue, FieldTable};
use lapin::{Channel, Connection, ConnectionProperties, Consumer};

/// The broker every example uses unless `AMQP_URL` says otherwise.
pub const DEFAULT_AMQP_URL: &str = "amqp://guest:guest@127.0.0.1:5672/%2f";

/// How long [`connect`] waits for the broker before giving up.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);

/// An unused queue declared by [`declare_queue`] disappears after this long,
/// even if the program that made it crashed before cleaning up.
pub const QUEUE_EXPIRES: Duration = Duration::from_secs(600);

/// `AMQP_URL` if set (and not empty), else [`DEFAULT_AMQP_URL`].
pub fn amqp_url() -> String {
    match std::env::var("AMQP_URL") {
        Ok(url) if !url.trim().is_empty() => url.trim().to_string(),
        _ => DEFAULT_AMQP_URL.to_string(),
    }
}

/// Host and port of an AMQP URL, with any user name and password left out, so
/// that an error message never prints a secret.
pub fn broker_address(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("amqp", url));
    let authority = rest.split(['/', '?']).next().unwrap_or("");
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host_port = if host_port.is_empty() {
        "localhost"
    } else {
        host_port
    };
    let has_port = match host_port.rsplit_once(':') {
        Some((_, port)) => !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()),
        None => false,
    };
    if has_port {
        host_port.to_string()
    } else {
        let port = if scheme.eq_ignore_ascii_case("amqps") {
            5671
        } else {
            5672
        };
        format!("{}:{port}", host_port.trim_end_matches(':'))
    }
}

/// Why [`connect`] failed. Its `Display` is one line that says what to do.
#[derive(Debug, Clone)]
pub struct BrokerError {
    address: String,
    cause: String,
}

impl BrokerError {
    fn new(url: &str, cause: impl fmt::Display) -> Self {
        let cause = cause.to_string();
        let cause = cause.split_whitespace().collect::<Vec<_>>().join(" ");
        Self {
            address: broker_address(url),
            cause,
        }
    }

    /// The broker's host and port, without credentials.
    pub fn address(&self) -> &str {
        &self.address
    }

    /// What went wrong, as lapin or the timeout reported it (one line).
    pub fn cause(&self) -> &str {
        &self.cause
    }
}

impl fmt::Display for BrokerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "no RabbitMQ answers at {} ({}): start one with 'rabbitmq-server -detached' \
             (Debian: apt-get install rabbitmq-server) or set AMQP_URL",
            self.address, self.cause
        )
    }
}

impl std::error::Error for BrokerError {}

/// Connects to [`amqp_url`] within [`CONNECT_TIMEOUT`]. `connection_name` shows
/// up in `rabbitmqctl list_connections name` and the management UI.
/// Must run inside a tokio runtime (lapin uses the current one).
pub async fn connect(connection_name: &str) -> Result<Connection, BrokerError> {
    connect_to(&amqp_url(), connection_name).await
}

/// [`connect`] to an explicit URL.
pub async fn connect_to(url: &str, connection_name: &str) -> Result<Connection, BrokerError> {
    let properties = ConnectionProperties::default().with_connection_name(connection_name.into());
    match tokio::time::timeout(CONNECT_TIMEOUT, Connection::connect(url, properties)).await {
        Ok(Ok(connection)) => Ok(connection),
        Ok(Err(error)) => Err(BrokerError::new(url, error)),
        Err(_) => Err(BrokerError::new(
            url,
            format!("no answer within {} s", CONNECT_TIMEOUT.as_secs()),
        )),
    }
}

/// A name no other run uses: `prefix`, the process id, the clock in
/// nanoseconds and a per-process counter, joined by dashes.
pub fn unique_name(prefix: &str) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("{prefix}-{}-{nanos}-{n}", std::process::id())
}

/// Declares a durable, shared queue with `arguments` (for example a
/// dead-letter exchange) plus an `x-expires` of [`QUEUE_EXPIRES`], so a queue
/// left behind by a crashed run still goes away on its own. Durable because
/// queues that are neither durable nor exclusive are a deprecated feature
/// (`transient_nonexcl_queues`), refused by default from RabbitMQ 4.3.
pub async fn declare_queue(
    channel: &Channel,
    name: &str,
    mut arguments: FieldTable,
) -> Result<lapin::Queue, lapin::Error> {
    let expires = u32::try_from(QUEUE_EXPIRES.as_millis()).unwrap_or(u32::MAX);
    arguments.insert("x-expires".into(), AMQPValue::LongUInt(expires));
    let options = QueueDeclareOptions {
        durable: true,
        ..QueueDeclareOptions::default()
    };
    channel.queue_declare(name.into(), options, arguments).await
}

/// Deletes each queue (and the messages still in it). Deleting a queue that
/// does not exist is not an error.
pub async fn delete_queues(channel: &Channel, names: &[String]) -> Result<(), lapin::Error> {
    for name in names {
        channel
            .queue_delete(name.as_str().into(), QueueDeleteOptions::default())
            .await?;
    }
    Ok(())
}

/// How many messages wait in `name` (ready, not counting unacknowledged ones).
/// Uses a passive declare, which fails if the queue does not exist; the
/// broker then closes `channel`, so check a queue that may be gone on a
/// channel of its own.
pub async fn queue_depth(channel: &Channel, name: &str) -> Result<u32, lapin::Error> {
    let options = QueueDeclareOptions {
        passive: true,
        ..QueueDeclareOptions::default()
    };
    let queue = channel
        .queue_declare(name.into(), options, FieldTable::default())
        .await?;
    Ok(queue.message_count())
}

/// How many messages wait in `name` (ready, as in [`queue_depth`]) and how
/// many consumers it has. The same passive declare, with the same caveat.
pub async fn queue_counts(channel: &Channel, name: &str) -> Result<(u32, u32), lapin::Error> {
    let options = QueueDeclareOptions {
        passive: true,
        ..QueueDeclareOptions::default()
    };
    let queue = channel
        .queue_declare(name.into(), options, FieldTable::default())
        .await?;
    Ok((queue.message_count(), queue.consumer_count()))
}

/// The consumer's next delivery, or `Ok(None)` if none arrives within
/// `timeout` or the consumer was cancelled. A test that waits with this fails
/// instead of hanging.
pub async fn next_delivery(
    consumer: &mut Consumer,
    timeout: Duration,
) -> Result<Option<Delivery>, lapin::Error> {
    match tokio::time::timeout(timeout, consumer.next()).await {
        Ok(Some(Ok(delivery))) => Ok(Some(delivery)),
        Ok(Some(Err(error))) => Err(error),
        Ok(None) | Err(_) => Ok(None),
    }
}

/// Closes a connection politely; a connection that is already gone is fine.
pub async fn close(connection: &Connection) {
    let _ = connection.close(200, "bye".into()).await;
}

/// For a CLI: the value, or `error: <the error's first line>` on stderr and
/// exit code 1 (bad command-line input uses exit code 2, see `support_kit`).
pub fn exit_on_error<T, E: fmt::Display>(result: Result<T, E>) -> T {
    match result {
        Ok(value) => value,
        Err(error) => {
            let text = error.to_string();
            let line = text.lines().next().unwrap_or("failed");
            eprintln!("error: {line}");
            std::process::exit(1)
        }
    }
}

/// [`exit_on_error`] for [`connect`]'s result.
pub fn exit_on_broker_error<T>(result: Result<T, BrokerError>) -> T {
    exit_on_error(result)
}

/// For the examples' tests: runs `binary` with `args` against a broker address
/// where nothing listens, and asserts the promised failure: exit code 1, one
/// `error: no RabbitMQ answers at ...` line on stderr, nothing on stdout, and
/// the password in the URL never shown.
pub fn assert_clear_error_without_broker(binary: &str, args: &[&str]) {
    let out = std::process::Command::new(binary)
        .args(args)
        .env("AMQP_URL", "amqp://guest:not-shown@127.0.0.1:9/%2f")
        .output()
        .unwrap_or_else(|e| panic!("could not run {binary}: {e}"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
    assert!(
        stderr.starts_with("error: no RabbitMQ answers at 127.0.0.1:9 "),
        "{args:?}: {stderr}"
    );
    assert!(
        !stderr.contains("not-shown"),
        "the password leaked: {stderr}"
    );
    assert!(out.stdout.is_empty(), "{args:?}: printed before connecting");
}

/// A header's value as an integer, whatever width the broker or the publisher
/// chose for it (RabbitMQ writes `x-death` counts as 64-bit, clients often
/// narrower).
pub fn header_integer(value: &AMQPValue) -> Option<i64> {
    match value {
        AMQPValue::ShortShortInt(n) => Some(i64::from(*n)),
        AMQPValue::ShortShortUInt(n) => Some(i64::from(*n)),
        AMQPValue::ShortInt(n) => Some(i64::from(*n)),
        AMQPValue::ShortUInt(n) => Some(i64::from(*n)),
        AMQPValue::LongInt(n) => Some(i64::from(*n)),
        AMQPValue::LongUInt(n) => Some(i64::from(*n)),
        AMQPValue::LongLongInt(n) => Some(*n),
        _ => None,
    }
}

/// A header's value as text, from a long or a short string.
pub fn header_text(value: &AMQPValue) -> Option<String> {
    match value {
        AMQPValue::LongString(s) => Some(s.to_string()),
        AMQPValue::ShortString(s) => Some(s.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn address_hides_credentials_and_fills_in_the_port() {
        assert_eq!(broker_address(DEFAULT_AMQP_URL), "127.0.0.1:5672");
        assert_eq!(broker_address("amqp://u:secret@rabbit/%2f"), "rabbit:5672");
        assert_eq!(broker_address("amqps://u:p@h:1234"), "h:1234");
        assert_eq!(broker_address("amqps://h"), "h:5671");
        assert_eq!(broker_address("amqp://"), "localhost:5672");
    }

    #[test]
    fn unique_names_differ() {
        let a = unique_name("t");
        let b = unique_name("t");
        assert_ne!(a, b);
        assert!(a.starts_with("t-"));
    }
}
