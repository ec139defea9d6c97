//! Many hosts on one machine. The broker's host is this machine's own network
//! namespace; every other host is a Linux network namespace of its own, joined
//! to the broker's host by a veth pair (a virtual cable) with private 10.x
//! addresses, and `tc netem` on both ends of the cable adds a one-way delay
//! (where the kernel has no netem, the forwarder below adds it instead).
//! Workers and publishers run as this crate's binary inside those namespaces
//! (`ip netns exec`), so every message they exchange with RabbitMQ crosses a
//! link with the delay we chose. A small TCP forwarder in the broker's host
//! carries their connections to the broker on 127.0.0.1, which then sees a
//! local client: no change to the broker's configuration.
#![forbid(unsafe_code)]

use std::fmt;
use std::io::{BufRead, BufReader, Write};
use std::net::Ipv4Addr;
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use futures_lite::StreamExt;
use lapin::options::{
    BasicAckOptions, BasicCancelOptions, BasicConsumeOptions, BasicPublishOptions, BasicQosOptions,
    ConfirmSelectOptions, QueueDeclareOptions, QueuePurgeOptions,
};
use lapin::types::{AMQPValue, FieldTable};
use lapin::{BasicProperties, Channel, Confirmation};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// Every namespace this crate makes starts with this, then a tag unique to the run.
pub const PREFIX: &str = "cifs";

/// The environment variable that lets the tests pass where namespaces cannot be made.
pub const ACCEPT_NO_NETNS: &str = "BOOK_NO_NETNS";

/// Why the hosts could not be made: one line.
#[derive(Debug, Clone)]
pub struct Unavailable(pub String);

impl fmt::Display for Unavailable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "network namespaces unavailable ({}): run as root on Linux with iproute2 (ip, tc) installed",
            self.0
        )
    }
}

impl std::error::Error for Unavailable {}

/// One simulated host: a namespace, the veth pair that joins it to the
/// broker's host, and the two ends' addresses (a /30 of their own).
#[derive(Clone, Debug)]
pub struct Host {
    /// The namespace's name, as `ip netns list` shows it.
    pub namespace: String,
    /// The cable's end in the broker's host (this namespace).
    pub near: String,
    /// The cable's end inside the host's namespace.
    pub far: String,
    pub near_addr: Ipv4Addr,
    pub far_addr: Ipv4Addr,
}

fn command(words: &[&str]) -> Vec<String> {
    words.iter().map(|w| w.to_string()).collect()
}

// ANCHOR: commands-setup
impl Host {
    /// The commands that make this host and cable it to the broker's host.
    pub fn setup_commands(&self) -> Vec<Vec<String>> {
        let (ns, near, far) = (&self.namespace, &self.near, &self.far);
        let near_cidr = format!("{}/30", self.near_addr);
        let far_cidr = format!("{}/30", self.far_addr);
        vec![
            command(&["ip", "netns", "add", ns]),
            command(&[
                "ip", "link", "add", near, "type", "veth", "peer", "name", far,
            ]),
            command(&["ip", "link", "set", far, "netns", ns]),
            command(&["ip", "addr", "add", &near_cidr, "dev", near]),
            command(&["ip", "link", "set", near, "up"]),
            command(&["ip", "-n", ns, "addr", "add", &far_cidr, "dev", far]),
            command(&["ip", "-n", ns, "link", "set", far, "up"]),
            command(&["ip", "-n", ns, "link", "set", "lo", "up"]),
        ]
    }
    // ANCHOR_END: commands-setup

    // ANCHOR: commands-delay
    /// The commands that set the one-way delay on both ends of the cable,
    /// so a round trip across it costs twice `delay_ms`.
    pub fn delay_commands(&self, delay_ms: u64) -> Vec<Vec<String>> {
        let delay = format!("{delay_ms}ms");
        let netem = ["root", "netem", "delay", &delay];
        let mut near = command(&["tc", "qdisc", "replace", "dev", &self.near]);
        near.extend(command(&netem));
        let mut far = command(&["ip", "netns", "exec", &self.namespace]);
        far.extend(command(&["tc", "qdisc", "replace", "dev", &self.far]));
        far.extend(command(&netem));
        vec![near, far]
    }

    /// The command that removes the host: deleting the namespace destroys
    /// the cable's far end, and a veth end never outlives its peer.
    pub fn teardown_command(&self) -> Vec<String> {
        command(&["ip", "netns", "delete", &self.namespace])
    }

    /// Runs `program` with `args` inside this host.
    pub fn exec(&self, program: &Path, args: &[String]) -> Command {
        let mut command = Command::new("ip");
        command
            .args(["netns", "exec", &self.namespace])
            .arg(program)
            .args(args);
        command
    }
}
// ANCHOR_END: commands-delay

/// Runs one command; an error carries the first line it printed.
fn run(words: &[String]) -> Result<(), String> {
    let output = Command::new(&words[0])
        .args(&words[1..])
        .stdin(Stdio::null())
        .output()
        .map_err(|error| format!("{}: {error}", words[0]))?;
    if output.status.success() {
        Ok(())
    } else {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let first = stderr.lines().next().unwrap_or("no message").trim();
        Err(format!("'{}' failed: {first}", words.join(" ")))
    }
}

/// The hosts of one run. Dropping it deletes every namespace (and so every
/// cable) it made, also when the run panics.
#[derive(Debug)]
pub struct Network {
    hosts: Vec<Host>,
    delay: DelayBy,
    /// The one-way delay the [`Forwarder`] adds, when it is the one adding it.
    forwarder_delay_ms: Arc<AtomicU64>,
}

/// Who adds the delay.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DelayBy {
    /// The kernel: `tc netem` on both ends of every cable.
    Netem,
    /// This crate's [`Forwarder`], in both directions, where the kernel has
    /// no netem (its `sch_netem` module not built or not loaded).
    Forwarder,
}

impl fmt::Display for DelayBy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DelayBy::Netem => "tc netem on both ends of each cable",
            DelayBy::Forwarder => "the forwarder, both ways (this kernel has no netem)",
        })
    }
}

/// A tag no other run on this machine uses at the same time: the process id
/// and a per-process counter, in hex.
fn run_tag() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed) & 0xff;
    format!("{:x}", (u64::from(std::process::id()) << 8) | n)
}

/// Deletes the namespaces of runs that died without running `Drop` (killed
/// by SIGKILL, say): the tag in each name holds the process id that made it,
/// and a namespace whose process no longer exists is stale. A reused process
/// id only keeps a stale namespace a while longer; a live run's is never touched.
pub fn sweep_stale() {
    for name in namespaces_named(&format!("{PREFIX}-")) {
        let Some(tag) = name.split('-').nth(1) else {
            continue;
        };
        let Ok(tag) = u64::from_str_radix(tag, 16) else {
            continue;
        };
        let pid = tag >> 8;
        if !Path::new(&format!("/proc/{pid}")).exists() {
            let _ = run(&command(&["ip", "netns", "delete", &name]));
        }
    }
}

/// The /30 blocks of 10.213.0.0/16 some interface on this machine already uses.
fn used_blocks() -> Vec<u32> {
    let Ok(output) = Command::new("ip").args(["-o", "-4", "addr"]).output() else {
        return Vec::new();
    };
    String::from_utf8_lossy(&output.stdout)
        .split_whitespace()
        .filter_map(|word| word.split('/').next()?.parse::<Ipv4Addr>().ok())
        .map(|addr| u32::from(addr) & !3)
        .collect()
}

impl Network {
    /// Makes `names.len()` hosts (namespace `cifs-<tag>-<name>`), each with a
    /// cable to this namespace and no delay yet.
    pub fn create(names: &[&str]) -> Result<Network, Unavailable> {
        sweep_stale();
        let tag = run_tag();
        let used = used_blocks();
        let base = u32::from(Ipv4Addr::new(10, 213, 0, 0));
        // Spread runs over the 16,384 blocks: by process, then by network
        // within the process, skipping blocks already in use.
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let within = NEXT.fetch_add(names.len() as u64, Ordering::Relaxed) as u32;
        let mut block = ((std::process::id().wrapping_mul(2_654_435_761) >> 18) + within) % 16_384;
        let mut network = Network {
            hosts: Vec::new(),
            delay: DelayBy::Netem,
            forwarder_delay_ms: Arc::new(AtomicU64::new(0)),
        };
        for (index, name) in names.iter().enumerate() {
            let mut addr = base + block * 4;
            while used.contains(&addr) {
                block = (block + 1) % 16_384;
                addr = base + block * 4;
            }
            block = (block + 1) % 16_384;
            let host = Host {
                namespace: format!("{PREFIX}-{tag}-{name}"),
                near: format!("cf{tag}h{index}"),
                far: format!("cf{tag}n{index}"),
                near_addr: Ipv4Addr::from(addr + 1),
                far_addr: Ipv4Addr::from(addr + 2),
            };
            network.hosts.push(host.clone());
            for words in host.setup_commands() {
                run(&words).map_err(Unavailable)?;
            }
            if network.delay == DelayBy::Netem {
                for words in host.delay_commands(0) {
                    match run(&words) {
                        Ok(()) => {}
                        Err(why) if why.contains("qdisc kind is unknown") => {
                            network.delay = DelayBy::Forwarder;
                        }
                        Err(why) => return Err(Unavailable(why)),
                    }
                }
            }
        }
        if network.delay == DelayBy::Forwarder {
            // Leave no half-configured cable behind: no qdisc on any.
            for host in &network.hosts {
                let _ = run(&command(&["tc", "qdisc", "del", "dev", &host.near, "root"]));
            }
        }
        Ok(network)
    }

    /// Who adds the delay on this machine.
    pub fn delay_by(&self) -> DelayBy {
        self.delay
    }

    pub fn hosts(&self) -> &[Host] {
        &self.hosts
    }

    /// Sets the one-way delay of every cable.
    pub fn set_delay(&self, delay_ms: u64) -> Result<(), String> {
        if self.delay == DelayBy::Forwarder {
            self.forwarder_delay_ms.store(delay_ms, Ordering::Relaxed);
            return Ok(());
        }
        for host in &self.hosts {
            for words in host.delay_commands(delay_ms) {
                run(&words)?;
            }
        }
        Ok(())
    }
}

impl Drop for Network {
    fn drop(&mut self) {
        for host in &self.hosts {
            let _ = run(&host.teardown_command());
            // If the far end never moved into the namespace, the pair is still here.
            let _ = run(&command(&["ip", "link", "delete", &host.near]));
        }
    }
}

/// The namespaces on this machine whose names start with `cifs-<tag>`
/// (all of this crate's, with `tag` empty).
pub fn namespaces_named(prefix: &str) -> Vec<String> {
    let Ok(output) = Command::new("ip").args(["netns", "list"]).output() else {
        return Vec::new();
    };
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| name.starts_with(prefix))
        .map(str::to_string)
        .collect()
}

/// Whether a network interface of this name exists in this namespace.
pub fn interface_exists(name: &str) -> bool {
    Path::new("/sys/class/net").join(name).exists()
}

// ANCHOR: forwarder-accept
/// Listens on each host's near address, port 5672, and copies bytes both ways
/// between every connection it accepts and the broker at `broker` (for example
/// `127.0.0.1:5672`). The broker sees a client on localhost. Where the kernel
/// has no netem, the forwarder holds every chunk of bytes for the network's
/// one-way delay before passing it on. Dropping the `Forwarder` stops it.
pub struct Forwarder {
    tasks: Vec<JoinHandle<()>>,
}

impl Forwarder {
    pub async fn start(network: &Network, broker: &str) -> std::io::Result<Forwarder> {
        let mut tasks = Vec::new();
        for host in &network.hosts {
            let listener = TcpListener::bind((host.near_addr, 5672)).await?;
            let broker = broker.to_string();
            let delay = network.forwarder_delay_ms.clone();
            tasks.push(tokio::spawn(async move {
                while let Ok((client, _)) = listener.accept().await {
                    let (broker, delay) = (broker.clone(), delay.clone());
                    tokio::spawn(async move {
                        let Ok(upstream) = TcpStream::connect(&broker).await else {
                            return;
                        };
                        // Small AMQP frames must not wait for Nagle's algorithm.
                        let _ = client.set_nodelay(true);
                        let _ = upstream.set_nodelay(true);
                        let (client_in, client_out) = client.into_split();
                        let (broker_in, broker_out) = upstream.into_split();
                        tokio::join!(
                            pump(client_in, broker_out, delay.clone()),
                            pump(broker_in, client_out, delay),
                        );
                    });
                }
            }));
        }
        Ok(Forwarder { tasks })
    }
}
// ANCHOR_END: forwarder-accept

// ANCHOR: forwarder-pump
/// Copies `from` to `to`, each chunk written `delay` milliseconds after it
/// was read. Chunks queue up meanwhile: a delayed link, not a slower one.
async fn pump(mut from: OwnedReadHalf, mut to: OwnedWriteHalf, delay: Arc<AtomicU64>) {
    let (chunks, mut due) = mpsc::unbounded_channel::<(tokio::time::Instant, Vec<u8>)>();
    let writer = tokio::spawn(async move {
        while let Some((when, bytes)) = due.recv().await {
            tokio::time::sleep_until(when).await;
            if to.write_all(&bytes).await.is_err() {
                break;
            }
        }
        let _ = to.shutdown().await;
    });
    let mut buffer = vec![0; 64 * 1024];
    while let Ok(read @ 1..) = from.read(&mut buffer).await {
        let wait = Duration::from_millis(delay.load(Ordering::Relaxed));
        let when = tokio::time::Instant::now() + wait;
        if chunks.send((when, buffer[..read].to_vec())).is_err() {
            break;
        }
    }
    drop(chunks);
    let _ = writer.await;
}
// ANCHOR_END: forwarder-pump

impl Drop for Forwarder {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

/// `url` with its host and port replaced by `addr:5672`, credentials and
/// virtual host kept.
pub fn url_via(url: &str, addr: Ipv4Addr) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("amqp", url));
    let (authority, path) = match rest.find(['/', '?']) {
        Some(at) => rest.split_at(at),
        None => (rest, ""),
    };
    let credentials = authority
        .rsplit_once('@')
        .map_or(String::new(), |(c, _)| format!("{c}@"));
    format!("{scheme}://{credentials}{addr}:5672{path}")
}

/// Declares the shared work queue: durable, deleted by the broker after ten
/// minutes unused if a crashed run leaves it.
pub async fn declare_queue(channel: &Channel, name: &str) -> lapin::Result<()> {
    let mut arguments = FieldTable::default();
    arguments.insert("x-expires".into(), AMQPValue::LongUInt(600_000));
    channel
        .queue_declare(name.into(), QueueDeclareOptions::durable(), arguments)
        .await?;
    Ok(())
}

pub async fn purge(channel: &Channel, name: &str) -> lapin::Result<u32> {
    channel
        .queue_purge(name.into(), QueuePurgeOptions::default())
        .await
}

/// Publishes messages `ids` (8-byte big-endian ids), persistent or not,
/// waiting for confirms after every `batch` messages (`None`: never).
/// Returns how many the broker confirmed.
pub async fn publish(
    channel: &Channel,
    queue: &str,
    ids: std::ops::Range<u64>,
    persistent: bool,
    batch: Option<u64>,
) -> lapin::Result<u64> {
    let properties = BasicProperties::default().with_delivery_mode(if persistent { 2 } else { 1 });
    let mut waiting = Vec::new();
    let mut acked = 0;
    for id in ids {
        let confirm = channel
            .basic_publish(
                "".into(),
                queue.into(),
                BasicPublishOptions::default(),
                &id.to_be_bytes(),
                properties.clone(),
            )
            .await?;
        if let Some(batch) = batch {
            waiting.push(confirm);
            if waiting.len() as u64 >= batch {
                for confirm in waiting.drain(..) {
                    if let Confirmation::Ack(_) = confirm.await? {
                        acked += 1;
                    }
                }
            }
        }
    }
    for confirm in waiting {
        if let Confirmation::Ack(_) = confirm.await? {
            acked += 1;
        }
    }
    Ok(acked)
}

/// A thread that reads this process's stdin to its end, then fires.
fn stdin_closed() -> tokio::sync::oneshot::Receiver<()> {
    let (fire, fired) = tokio::sync::oneshot::channel();
    std::thread::spawn(move || {
        let _ = std::io::copy(&mut std::io::stdin().lock(), &mut std::io::sink());
        let _ = fire.send(());
    });
    fired
}

// ANCHOR: worker-connect
/// The worker's side, run inside a host: consume `queue` through `url` with
/// `prefetch` unacknowledged messages at most, ack each message, then print
/// its id on a line of its own. Ends when stdin closes.
pub async fn worker(url: &str, queue: &str, prefetch: u16) -> Result<(), String> {
    let connection = support_broker::connect_to(url, "queues-many-hosts worker")
        .await
        .map_err(|e| e.to_string())?;
    let channel = connection
        .create_channel()
        .await
        .map_err(|e| e.to_string())?;
    channel
        .basic_qos(prefetch, BasicQosOptions::default())
        .await
        .map_err(|e| e.to_string())?;
    let mut deliveries = channel
        .basic_consume(
            queue.into(),
            "".into(),
            BasicConsumeOptions::default(),
            FieldTable::default(),
        )
        .await
        .map_err(|e| e.to_string())?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "ready")
        .and_then(|_| out.flush())
        .map_err(|e| e.to_string())?;
    let mut closed = stdin_closed();
    // ANCHOR_END: worker-connect
    // ANCHOR: worker-loop
    loop {
        let delivery = tokio::select! {
            delivery = deliveries.next() => delivery,
            _ = &mut closed => break,
        };
        let Some(delivery) = delivery else { break };
        let delivery = delivery.map_err(|e| e.to_string())?;
        delivery
            .ack(BasicAckOptions::default())
            .await
            .map_err(|e| e.to_string())?;
        let id = u64::from_be_bytes(delivery.data[..8].try_into().map_err(|_| "short message")?);
        writeln!(out, "{id}")
            .and_then(|_| out.flush())
            .map_err(|e| e.to_string())?;
    }
    let _ = channel
        .basic_cancel(deliveries.tag(), BasicCancelOptions::default())
        .await;
    support_broker::close(&connection).await;
    Ok(())
}
// ANCHOR_END: worker-loop

/// The publisher's side, run inside a host: for each line `messages batch`
/// on stdin, publish that many persistent messages to `queue` with confirms
/// after every `batch`, and answer `nanoseconds acked`.
pub async fn publisher(url: &str, queue: &str) -> Result<(), String> {
    let connection = support_broker::connect_to(url, "queues-many-hosts publisher")
        .await
        .map_err(|e| e.to_string())?;
    let channel = connection
        .create_channel()
        .await
        .map_err(|e| e.to_string())?;
    channel
        .confirm_select(ConfirmSelectOptions::default())
        .await
        .map_err(|e| e.to_string())?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "ready")
        .and_then(|_| out.flush())
        .map_err(|e| e.to_string())?;
    let (lines, mut requests) = mpsc::unbounded_channel::<String>();
    std::thread::spawn(move || {
        for line in std::io::stdin().lock().lines().map_while(Result::ok) {
            if lines.send(line).is_err() {
                break;
            }
        }
    });
    while let Some(line) = requests.recv().await {
        let mut words = line.split_whitespace().map(str::parse::<u64>);
        let (Some(Ok(messages)), Some(Ok(batch))) = (words.next(), words.next()) else {
            return Err(format!("bad request {line:?}"));
        };
        let started = Instant::now();
        let acked = publish(&channel, queue, 0..messages, true, Some(batch.max(1)))
            .await
            .map_err(|e| e.to_string())?;
        let nanos = started.elapsed().as_nanos();
        writeln!(out, "{nanos} {acked}")
            .and_then(|_| out.flush())
            .map_err(|e| e.to_string())?;
    }
    support_broker::close(&connection).await;
    Ok(())
}

/// A child process running in a host, with its stdin held open.
struct Remote {
    child: Child,
    stdin: Option<ChildStdin>,
}

impl Remote {
    /// Starts `exe args` in `host` and waits for its `ready` line; later
    /// lines go to `lines`, tagged with `index`.
    fn start(
        host: &Host,
        exe: &Path,
        args: &[String],
        index: usize,
        lines: mpsc::UnboundedSender<(usize, String)>,
    ) -> Result<Remote, String> {
        let mut child = host
            .exec(exe, args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("ip netns exec: {e}"))?;
        let stdin = child.stdin.take();
        let mut stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
        let mut first = String::new();
        let _ = stdout.read_line(&mut first);
        let mut remote = Remote { child, stdin };
        if first.trim() != "ready" {
            remote.stop();
            return Err(format!("a process in {} did not start", host.namespace));
        }
        std::thread::spawn(move || {
            for line in stdout.lines().map_while(Result::ok) {
                if lines.send((index, line)).is_err() {
                    break;
                }
            }
        });
        Ok(remote)
    }

    /// The process id: `ip netns exec` becomes the program it runs.
    fn id(&self) -> u32 {
        self.child.id()
    }

    /// Closes its stdin, which tells it to finish, and waits for it.
    fn stop(&mut self) {
        self.stdin.take();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Remote {
    fn drop(&mut self) {
        self.stop();
    }
}

/// What the workers acknowledged: each worker's ids, in order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Done {
    pub per_worker: Vec<Vec<u64>>,
}

impl Done {
    /// All ids, sorted: `0..n` exactly when every job was done once.
    pub fn all_sorted(&self) -> Vec<u64> {
        let mut all: Vec<u64> = self.per_worker.iter().flatten().copied().collect();
        all.sort_unstable();
        all
    }

    pub fn most_by_one(&self) -> usize {
        self.per_worker.iter().map(Vec::len).max().unwrap_or(0)
    }
}

/// Worker processes, one per host, consuming one queue.
pub struct Workers {
    remotes: Vec<Remote>,
    receipts: mpsc::UnboundedReceiver<(usize, String)>,
}

impl Workers {
    /// Starts `exe worker` in each host, connecting through the host's cable
    /// (`url` rewritten to the near address, where the [`Forwarder`] listens).
    pub fn start(
        hosts: &[Host],
        exe: &Path,
        url: &str,
        queue: &str,
        prefetch: u16,
    ) -> Result<Workers, String> {
        let (lines, receipts) = mpsc::unbounded_channel();
        let mut remotes = Vec::new();
        for (index, host) in hosts.iter().enumerate() {
            let args = vec![
                "worker".to_string(),
                "--url".to_string(),
                url_via(url, host.near_addr),
                "--queue".to_string(),
                queue.to_string(),
                "--prefetch".to_string(),
                prefetch.to_string(),
            ];
            remotes.push(Remote::start(host, exe, &args, index, lines.clone())?);
        }
        Ok(Workers { remotes, receipts })
    }

    /// The workers' process ids.
    pub fn pids(&self) -> Vec<u32> {
        self.remotes.iter().map(Remote::id).collect()
    }

    /// Waits until the workers together have acknowledged `count` more
    /// messages (or until every worker has ended).
    pub async fn take(&mut self, count: u64) -> Done {
        let mut done = Done {
            per_worker: vec![Vec::new(); self.remotes.len()],
        };
        for _ in 0..count {
            let Some((index, line)) = self.receipts.recv().await else {
                break;
            };
            done.per_worker[index].push(line.trim().parse().unwrap_or(u64::MAX));
        }
        done
    }

    /// Like [`take`](Self::take), but gives up after `patience`.
    pub async fn take_within(&mut self, count: u64, patience: Duration) -> Option<Done> {
        tokio::time::timeout(patience, self.take(count)).await.ok()
    }

    /// Any receipts that arrive within `patience` (for tests: nothing extra).
    pub async fn extra(&mut self, patience: Duration) -> usize {
        let mut extra = 0;
        while let Ok(Some(_)) = tokio::time::timeout(patience, self.receipts.recv()).await {
            extra += 1;
        }
        extra
    }
}

// ANCHOR: round_trip
/// One run of the work queue: publish `messages` transient messages from the
/// broker's host (no confirms) and wait until the workers on the other hosts
/// have acknowledged them all. The clock runs from the first publish to the
/// last ack's report.
pub async fn round_trip(
    channel: &Channel,
    queue: &str,
    workers: &mut Workers,
    messages: u64,
) -> lapin::Result<(Duration, Done)> {
    let started = Instant::now();
    publish(channel, queue, 0..messages, false, None).await?;
    let done = workers.take(messages).await;
    Ok((started.elapsed(), done))
}
// ANCHOR_END: round_trip

/// A publisher process in a host.
pub struct RemotePublisher {
    remote: Remote,
    answers: mpsc::UnboundedReceiver<(usize, String)>,
}

/// What one remote publishing run reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PublishRun {
    pub elapsed: Duration,
    pub acked: u64,
}

impl RemotePublisher {
    pub fn start(host: &Host, exe: &Path, url: &str, queue: &str) -> Result<Self, String> {
        let (lines, answers) = mpsc::unbounded_channel();
        let args = vec![
            "publisher".to_string(),
            "--url".to_string(),
            url_via(url, host.near_addr),
            "--queue".to_string(),
            queue.to_string(),
        ];
        let remote = Remote::start(host, exe, &args, 0, lines)?;
        Ok(RemotePublisher { remote, answers })
    }

    /// Asks for `messages` persistent messages, confirmed after every
    /// `batch`, and returns the time the publisher measured inside its host.
    pub async fn publish(&mut self, messages: u64, batch: u64) -> Result<PublishRun, String> {
        let stdin = self.remote.stdin.as_mut().ok_or("publisher stopped")?;
        writeln!(stdin, "{messages} {batch}")
            .and_then(|_| stdin.flush())
            .map_err(|e| e.to_string())?;
        let (_, answer) = self.answers.recv().await.ok_or("publisher ended")?;
        let mut words = answer.split_whitespace().map(str::parse::<u64>);
        match (words.next(), words.next()) {
            (Some(Ok(nanos)), Some(Ok(acked))) => Ok(PublishRun {
                elapsed: Duration::from_nanos(nanos),
                acked,
            }),
            _ => Err(format!("bad answer {answer:?}")),
        }
    }
}

/// For tests: whether namespaces may be missing here, said in one line on
/// stderr either way it goes. Returns the network, or `None` when their
/// absence is accepted; panics (failing the test) otherwise.
pub fn network_or_accepted_absence(names: &[&str]) -> Option<Network> {
    match Network::create(names) {
        Ok(network) => Some(network),
        Err(why) if std::env::var_os(ACCEPT_NO_NETNS).is_some_and(|v| v == "1") => {
            // Straight to stderr, past the test harness's capture, so the
            // line shows in `cargo test` and `scripts/test` output.
            let _ = writeln!(
                std::io::stderr().lock(),
                "queues-many-hosts: {why}; test passes only because {ACCEPT_NO_NETNS}=1"
            );
            None
        }
        Err(why) => panic!("{why} (set {ACCEPT_NO_NETNS}=1 to accept that)"),
    }
}
