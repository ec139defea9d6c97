//! What a broker restart keeps. A private RabbitMQ node (never the shared
//! one) gets the same number of messages in four places: a durable and a
//! non-durable queue, each with persistent (delivery mode 2) and transient
//! (delivery mode 1) messages. The node is stopped and started again on the
//! same data folder, and the queues are counted.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use lapin::options::{BasicPublishOptions, ConfirmSelectOptions, QueueDeclareOptions};
use lapin::types::FieldTable;
use lapin::{BasicProperties, Channel};
use tokio::process::{Child, Command};

use crate::BoxError;

/// How long the private node may take to start or stop.
pub const NODE_LIMIT: Duration = Duration::from_secs(30);

/// Where RabbitMQ's own scripts live on Debian; `PATH` is tried after.
const SBIN: &str = "/usr/lib/rabbitmq/bin";

fn tool(name: &str) -> PathBuf {
    let packaged = Path::new(SBIN).join(name);
    if packaged.exists() {
        packaged
    } else {
        PathBuf::from(name)
    }
}

fn free_port() -> Result<u16, BoxError> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

/// A RabbitMQ node of our own: its own name, ports, data and log folders,
/// config (one listener on 127.0.0.1) and no plugins.
pub struct PrivateNode {
    name: String,
    port: u16,
    dist_port: u16,
    dir: tempfile::TempDir,
    server: Option<Child>,
}

impl PrivateNode {
    /// Makes the folders; does not start the node.
    pub fn new() -> Result<Self, BoxError> {
        let dir = tempfile::tempdir()?;
        let port = free_port()?;
        std::fs::write(dir.path().join("plugins"), "[].\n")?;
        std::fs::write(dir.path().join("env"), "")?; // not /etc/rabbitmq's
        let config = format!("listeners.tcp.local = 127.0.0.1:{port}\n");
        std::fs::write(dir.path().join("rabbitmq.conf"), config)?;
        Ok(Self {
            name: format!("cifs-restart-{}@localhost", std::process::id()),
            port,
            dist_port: free_port()?,
            dir,
            server: None,
        })
    }

    /// The node's AMQP URL.
    pub fn url(&self) -> String {
        format!("amqp://guest:guest@127.0.0.1:{}/%2f", self.port)
    }

    /// Starts the node and waits until it takes AMQP connections.
    pub async fn start(&mut self) -> Result<(), BoxError> {
        let dir = self.dir.path();
        let log = std::fs::File::create(dir.join("server.out"))?;
        let server = Command::new(tool("rabbitmq-server"))
            .env("RABBITMQ_NODENAME", &self.name)
            .env("RABBITMQ_NODE_PORT", self.port.to_string())
            .env("RABBITMQ_DIST_PORT", self.dist_port.to_string())
            .env("RABBITMQ_CONF_ENV_FILE", dir.join("env"))
            .env("RABBITMQ_CONFIG_FILE", dir.join("rabbitmq.conf"))
            .env("RABBITMQ_ENABLED_PLUGINS_FILE", dir.join("plugins"))
            .env("RABBITMQ_MNESIA_BASE", dir.join("mnesia"))
            .env("RABBITMQ_LOG_BASE", dir.join("log"))
            .env("RABBITMQ_PID_FILE", dir.join("pid"))
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .kill_on_drop(true) // a failed run leaves no node behind
            .spawn()
            .map_err(|e| format!("cannot run rabbitmq-server: {e}"))?;
        self.server = Some(server);
        let address = format!("127.0.0.1:{}", self.port);
        let deadline = tokio::time::Instant::now() + NODE_LIMIT;
        while tokio::net::TcpStream::connect(&address).await.is_err() {
            let exited = self
                .server
                .as_mut()
                .and_then(|s| s.try_wait().ok().flatten());
            if exited.is_some() || tokio::time::Instant::now() > deadline {
                return Err(format!(
                    "the private RabbitMQ node did not start within {} s: {}",
                    NODE_LIMIT.as_secs(),
                    self.last_error_line()
                )
                .into());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Ok(())
    }

    /// Stops the node the documented way (`rabbitmqctl stop`) and reaps it.
    pub async fn stop(&mut self) -> Result<(), BoxError> {
        let Some(mut server) = self.server.take() else {
            return Ok(());
        };
        let stop = Command::new(tool("rabbitmqctl"))
            .args(["-n", &self.name, "stop"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let stopped = tokio::time::timeout(NODE_LIMIT, stop).await;
        if !matches!(stopped, Ok(Ok(status)) if status.success()) {
            server.kill().await?;
            return Err("rabbitmqctl could not stop the private node".into());
        }
        match tokio::time::timeout(NODE_LIMIT, server.wait()).await {
            Ok(status) => status.map(|_| ()).map_err(Into::into),
            Err(_) => Err("the private node did not exit after rabbitmqctl stop".into()),
        }
    }

    fn last_error_line(&self) -> String {
        let out = std::fs::read_to_string(self.dir.path().join("server.out")).unwrap_or_default();
        out.lines()
            .rev()
            .find(|line| line.contains("rror") || line.contains("FAILED"))
            .or_else(|| out.lines().last())
            .unwrap_or("no output")
            .trim()
            .chars()
            .take(200)
            .collect()
    }
}

/// One of the four places: a queue's durability and the messages' mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Kind {
    /// Whether the queue was declared durable.
    pub durable_queue: bool,
    /// Whether the messages were published persistent (delivery mode 2).
    pub persistent: bool,
}

/// The four kinds, in the order the output prints them.
pub const KINDS: [Kind; 4] = [
    Kind {
        durable_queue: true,
        persistent: true,
    },
    Kind {
        durable_queue: true,
        persistent: false,
    },
    Kind {
        durable_queue: false,
        persistent: true,
    },
    Kind {
        durable_queue: false,
        persistent: false,
    },
];

/// Messages in one queue before and after the restart; `None` after means
/// the queue itself is gone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Count {
    /// The queue and its messages.
    pub kind: Kind,
    /// Ready messages just before the stop.
    pub before: u32,
    /// Ready messages after the start, or `None` if the queue is gone.
    pub after: Option<u32>,
}

fn queue_name(kind: Kind) -> String {
    format!(
        "restart-{}-{}",
        if kind.durable_queue {
            "durable"
        } else {
            "transient"
        },
        if kind.persistent {
            "persistent"
        } else {
            "transient"
        }
    )
}

// ANCHOR: restart-connect
/// Publishes `per_queue` messages to each kind of queue (with confirms), stops
/// and starts the node, and counts what is left.
pub async fn survive_restart(per_queue: u32) -> Result<Vec<Count>, BoxError> {
    let mut node = PrivateNode::new()?;
    node.start().await?;
    let mut before = Vec::new();
    {
        let connection = support_broker::connect_to(&node.url(), "restart-producer").await?;
        let channel = connection.create_channel().await?;
        channel
            .confirm_select(ConfirmSelectOptions::default())
            .await?;
        // ANCHOR_END: restart-connect
        // ANCHOR: restart-fill
        for kind in KINDS {
            let queue = queue_name(kind);
            let options = QueueDeclareOptions {
                durable: kind.durable_queue,
                ..QueueDeclareOptions::default()
            };
            channel
                .queue_declare(queue.as_str().into(), options, FieldTable::default())
                .await?;
            let mode = if kind.persistent { 2 } else { 1 };
            for i in 0..per_queue {
                let properties = BasicProperties::default().with_delivery_mode(mode);
                let body = format!("message {i}");
                let publish = BasicPublishOptions::default();
                let confirm = channel
                    .basic_publish(
                        "".into(),
                        queue.as_str().into(),
                        publish,
                        body.as_bytes(),
                        properties,
                    )
                    .await?;
                if !confirm.await?.is_ack() {
                    return Err("the broker refused a message".into());
                }
            }
            before.push(support_broker::queue_depth(&channel, &queue).await?);
        }
        support_broker::close(&connection).await;
    }
    // ANCHOR_END: restart-fill
    // ANCHOR: restart-count
    node.stop().await?;
    node.start().await?;
    let connection = support_broker::connect_to(&node.url(), "restart-counter").await?;
    let mut counts = Vec::new();
    for (kind, before) in KINDS.into_iter().zip(before) {
        let after = count(&connection.create_channel().await?, &queue_name(kind)).await;
        counts.push(Count {
            kind,
            before,
            after,
        });
    }
    support_broker::close(&connection).await;
    node.stop().await?;
    Ok(counts)
}
// ANCHOR_END: restart-count

/// Ready messages in `queue`, or `None` if it does not exist. A failed
/// passive declare closes the channel, so each check gets its own.
async fn count(channel: &Channel, queue: &str) -> Option<u32> {
    support_broker::queue_depth(channel, queue).await.ok()
}
