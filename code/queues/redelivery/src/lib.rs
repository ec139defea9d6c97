//! Kill a consumer mid-task and lose nothing. A supervisor publishes jobs to
//! a RabbitMQ queue and runs consumers, one process at a time, each a copy of
//! this program started with `consume`. It kills some of them with SIGKILL:
//! halfway through a job, or after the job's result is recorded but before
//! the ack. The broker puts the unacknowledged message back, flagged
//! `redelivered`, and the next consumer does the job again. The handler is
//! idempotent: it records each result under the message's id, at most once,
//! so a job done twice is recorded once.
#![forbid(unsafe_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::error::Error;
use std::io::{self, BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::{ExitStatus, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use futures_lite::StreamExt;
use lapin::message::Delivery;
use lapin::options::{
    BasicAckOptions, BasicConsumeOptions, BasicPublishOptions, BasicQosOptions, BasicRejectOptions,
    ConfirmSelectOptions,
};
use lapin::types::{AMQPValue, FieldTable};
use lapin::{BasicProperties, Channel};
use serde::{Deserialize, Serialize};

pub mod poison;
pub mod restart;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader, Lines};
use tokio::process::{Child, ChildStdin, ChildStdout, Command};
use tokio::sync::mpsc;

/// Errors are reported, one line, by whoever ran the program.
pub type BoxError = Box<dyn Error + Send + Sync>;

/// How long the supervisor waits for a consumer's next line before it gives
/// up on it, so a stuck consumer fails the run instead of hanging it.
pub const SILENCE_LIMIT: Duration = Duration::from_secs(20);

/// The job a message carries: square `n`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Job {
    /// The number to square.
    pub n: u64,
}

impl Job {
    /// The job's result, as the store keeps it.
    pub fn result(&self) -> String {
        match self.n.checked_mul(self.n) {
            Some(square) => square.to_string(),
            None => "overflow".to_string(),
        }
    }
}

/// Whether `id` can name a record: 1 to 64 of `A-Z a-z 0-9 - _`.
pub fn valid_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

// ANCHOR: store
/// Results, one file per message id. Recording the same id twice keeps the
/// first result and reports the second as a duplicate. A record survives a
/// crash of the process and, on a file system and disk that honour `fsync`,
/// a power cut: the draft is synced before it is linked in, and the folder
/// after.
#[derive(Clone, Debug)]
pub struct Store {
    dir: PathBuf,
}

impl Store {
    /// A store in `dir`, which must exist.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// Records `result` under `id` unless a record is there already.
    /// Returns whether this call made the record. Either way, when it
    /// returns `Ok`, the record for `id` is on disk.
    pub fn record(&self, id: &str, result: &str) -> io::Result<bool> {
        // Write the whole result to a private file first, then link it in
        // under its final name. The link either appears complete or fails
        // because the name is taken, so a crash can never leave half a record,
        // and two writers can never both win.
        static DRAFTS: AtomicU64 = AtomicU64::new(0);
        let n = DRAFTS.fetch_add(1, Ordering::Relaxed);
        let draft = self
            .dir
            .join(format!(".draft-{id}-{}-{n}", std::process::id()));
        let mut file = std::fs::File::create(&draft)?;
        file.write_all(result.as_bytes())?;
        file.sync_all()?; // the contents are on disk before any name points at them
        let linked = std::fs::hard_link(&draft, self.dir.join(id));
        std::fs::remove_file(&draft)?;
        std::fs::File::open(&self.dir)?.sync_all()?; // and so is the new name
        match linked {
            Ok(()) => Ok(true),
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists => Ok(false),
            Err(error) => Err(error),
        }
    }
}
// ANCHOR_END: store

impl Store {
    /// Every record, by id (drafts left by killed writers are skipped).
    pub fn records(&self) -> io::Result<BTreeMap<String, String>> {
        let mut records = BTreeMap::new();
        for entry in std::fs::read_dir(&self.dir)? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if !name.starts_with('.') {
                records.insert(name, std::fs::read_to_string(entry.path())?);
            }
        }
        Ok(records)
    }
}

/// The two points where a consumer reports and, in this demo, waits for the
/// supervisor's go-ahead: the two places a crash can fall that matter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Checkpoint {
    /// Halfway through the job: nothing recorded yet.
    Halfway,
    /// The result is recorded; the ack is not sent yet.
    Recorded,
}

/// The consumer's side of the lockstep: lines from the supervisor on stdin.
/// When stdin closes, the supervisor is gone and the consumer must stop.
struct Supervisor {
    lines: mpsc::UnboundedReceiver<String>,
}

impl Supervisor {
    fn from_stdin() -> Self {
        let (sender, lines) = mpsc::unbounded_channel();
        std::thread::spawn(move || {
            for line in io::stdin().lock().lines() {
                let Ok(line) = line else { break };
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        Self { lines }
    }

    /// Reports `line` on stdout.
    fn tell(&self, line: &str) {
        let mut out = io::stdout().lock();
        let _ = writeln!(out, "{line}");
        let _ = out.flush();
    }

    /// Reports reaching `checkpoint` and waits for "go". False means the
    /// supervisor hung up: stop now, without acknowledging.
    async fn checkpoint(&mut self, checkpoint: &str) -> bool {
        self.tell(checkpoint);
        matches!(self.lines.recv().await.as_deref(), Some("go"))
    }
}

/// The message's id and job, or why it has none.
fn job_of(delivery: &Delivery) -> Result<(String, Job), String> {
    let job = serde_json::from_slice::<Job>(&delivery.data)
        .map_err(|error| format!("not a job: {error}"))?;
    match delivery.properties.message_id() {
        Some(id) if valid_id(id.as_str()) => Ok((id.to_string(), job)),
        Some(id) => Err(format!("bad message id {:?}", id.as_str())),
        None => Err("no message id".to_string()),
    }
}

// ANCHOR: consumer-setup
/// The consumer process: takes one message at a time from `queue`, does the
/// job, records the result under the message id, and only then acks.
/// With `auto_ack` (the broken mode) the broker counts each message as
/// acknowledged the moment it sends it, and ignores the prefetch.
pub async fn consume(
    queue: &str,
    store: &Store,
    cost: Duration,
    auto_ack: bool,
) -> Result<(), BoxError> {
    let name = format!("redelivery-consumer-{}", std::process::id());
    let connection = support_broker::connect(&name).await?;
    let channel = connection.create_channel().await?;
    channel.basic_qos(1, BasicQosOptions::default()).await?;
    let options = BasicConsumeOptions {
        no_ack: auto_ack, // false: manual acks
        ..BasicConsumeOptions::default()
    };
    let mut deliveries = channel
        .basic_consume(
            queue.into(),
            name.as_str().into(),
            options,
            FieldTable::default(),
        )
        .await?;
    let mut supervisor = Supervisor::from_stdin();
    supervisor.tell("ready");
    // ANCHOR_END: consumer-setup

    // ANCHOR: consumer-receive
    loop {
        let delivery = tokio::select! {
            next = deliveries.next() => match next {
                Some(delivery) => delivery?,
                None => break,
            },
            line = supervisor.lines.recv() => match line {
                Some(_) => continue,
                None => break, // stdin closed: time to go
            },
        };
        let (id, job) = match job_of(&delivery) {
            Ok(found) => found,
            Err(reason) => {
                // The queue's dead-letter exchange moves a rejected message
                // to the dead-letter queue: not lost, and not retried.
                if !auto_ack {
                    let requeue = BasicRejectOptions { requeue: false };
                    delivery.reject(requeue).await?;
                }
                supervisor.tell(&format!("rejected {reason}"));
                continue;
            }
        };
        // ANCHOR_END: consumer-receive
        // ANCHOR: consumer-job
        supervisor.tell(&format!("received {id} {}", delivery.redelivered));

        tokio::time::sleep(cost / 2).await;
        if !supervisor.checkpoint(&format!("halfway {id}")).await {
            break;
        }
        tokio::time::sleep(cost - cost / 2).await;

        let fresh = store.record(&id, &job.result())?;
        let what = if fresh { "new" } else { "duplicate" };
        if !supervisor
            .checkpoint(&format!("recorded {id} {what}"))
            .await
        {
            break;
        }

        if !auto_ack {
            delivery.ack(BasicAckOptions::default()).await?;
        }
        supervisor.tell(&format!("acked {id}"));
    }
    support_broker::close(&connection).await;
    Ok(())
}
// ANCHOR_END: consumer-job

/// Which deliveries the supervisor kills, and where. Deliveries are counted
/// from 0 across all consumers in the order they report them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    kills: BTreeMap<usize, Checkpoint>,
}

impl Plan {
    /// No kills at all.
    pub fn none() -> Self {
        Self::default()
    }

    /// Kills deliveries 0, 2, 4, … (`kills` of them), alternately halfway and
    /// after recording, so every kill is followed by a delivery that finishes.
    pub fn every_other(kills: usize) -> Self {
        let kills = (0..kills)
            .map(|k| {
                let at = if k % 2 == 0 {
                    Checkpoint::Halfway
                } else {
                    Checkpoint::Recorded
                };
                (2 * k, at)
            })
            .collect();
        Self { kills }
    }

    /// Kills exactly the listed deliveries at the listed checkpoints.
    pub fn explicit(kills: impl IntoIterator<Item = (usize, Checkpoint)>) -> Self {
        Self {
            kills: kills.into_iter().collect(),
        }
    }

    fn kill_at(&self, delivery: usize, checkpoint: Checkpoint) -> bool {
        self.kills.get(&delivery) == Some(&checkpoint)
    }
}

/// What happened to one delivery.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Its consumer was killed halfway through the job.
    KilledHalfway,
    /// Its consumer recorded the result (`fresh` says whether for the first
    /// time), then was killed before acking.
    KilledAfterRecord { fresh: bool },
    /// Recorded (`fresh` as above) and acknowledged.
    Acked { fresh: bool },
}

/// One delivery of one message to one consumer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeliveryLog {
    /// Which consumer process, counted from 1.
    pub consumer: usize,
    /// The message id.
    pub id: String,
    /// The broker's `redelivered` flag.
    pub redelivered: bool,
    /// How it ended.
    pub outcome: Outcome,
}

/// How one consumer process ended.
#[derive(Clone, Debug)]
pub struct ConsumerExit {
    /// Its process id while it ran.
    pub pid: u32,
    /// Whether the supervisor killed it.
    pub killed: bool,
    /// The status `wait` returned: every consumer is reaped.
    pub status: ExitStatus,
}

/// Everything a supervised run saw.
#[derive(Clone, Debug)]
pub struct Report {
    /// The queue the run used (deleted when `supervise` returns).
    pub queue: String,
    /// Ids of the jobs published, in order.
    pub ids: Vec<String>,
    /// Every delivery of a job, in the order the consumers reported them.
    pub deliveries: Vec<DeliveryLog>,
    /// Reasons the consumers gave for the messages they rejected.
    pub rejected: Vec<String>,
    /// Every consumer process, in the order they were started.
    pub consumers: Vec<ConsumerExit>,
    /// The store's contents at the end, by id.
    pub records: BTreeMap<String, String>,
    /// Messages still ready in the work queue at the end (should be 0).
    pub left_in_queue: u32,
    /// Messages in the dead-letter queue at the end.
    pub dead_lettered: u32,
}

impl Report {
    /// Ids of the jobs published that have no record at the end: lost. Empty
    /// with manual acks; with auto-ack, at least the job a kill interrupted.
    pub fn lost(&self) -> Vec<String> {
        self.ids
            .iter()
            .filter(|id| !self.records.contains_key(*id))
            .cloned()
            .collect()
    }
}

impl Report {
    /// Deliveries that did the whole job (killed after recording, or acked).
    pub fn processings(&self) -> usize {
        self.deliveries
            .iter()
            .filter(|d| !matches!(d.outcome, Outcome::KilledHalfway))
            .count()
    }

    /// Records the store refused because the id was already there.
    pub fn duplicates(&self) -> usize {
        self.deliveries
            .iter()
            .filter(|d| {
                matches!(
                    d.outcome,
                    Outcome::KilledAfterRecord { fresh: false } | Outcome::Acked { fresh: false }
                )
            })
            .count()
    }

    /// Consumers the supervisor killed.
    pub fn kills(&self) -> usize {
        self.consumers.iter().filter(|c| c.killed).count()
    }
}

/// What to run.
#[derive(Clone, Debug)]
pub struct Config {
    /// The program to start as `<program> consume …`: this crate's binary.
    pub program: PathBuf,
    /// Jobs to publish: `job-1` … `job-<jobs>`.
    pub jobs: usize,
    /// Bodies that are not jobs, published after them.
    pub malformed: Vec<Vec<u8>>,
    /// How long one job takes.
    pub cost: Duration,
    /// Which deliveries to kill.
    pub plan: Plan,
    /// The broken mode: consumers use `no_ack`, so a killed consumer loses
    /// its job and every message the broker had already pushed to it.
    pub auto_ack: bool,
}

/// A running consumer process and the supervisor's ends of its pipes.
struct Running {
    child: Child,
    pid: u32,
    stdin: Option<ChildStdin>,
    stdout: Lines<BufReader<ChildStdout>>,
}

impl Running {
    fn start(config: &Config, queue: &str, store: &Path) -> Result<Self, BoxError> {
        let mut child = Command::new(&config.program)
            .arg("consume")
            .arg("--queue")
            .arg(queue)
            .arg("--store")
            .arg(store)
            .arg("--cost-ms")
            .arg(config.cost.as_millis().to_string())
            .args(config.auto_ack.then_some("--auto-ack"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true) // if the supervisor fails, no consumer outlives it
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", config.program.display()))?;
        let pid = child.id().unwrap_or(0);
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().ok_or("no consumer stdout")?;
        Ok(Self {
            child,
            pid,
            stdin,
            stdout: BufReader::new(stdout).lines(),
        })
    }

    /// The consumer's next line; an error if it exits or falls silent.
    async fn next_line(&mut self) -> Result<String, BoxError> {
        match tokio::time::timeout(SILENCE_LIMIT, self.stdout.next_line()).await {
            Ok(Ok(Some(line))) => Ok(line),
            Ok(Ok(None)) | Ok(Err(_)) => {
                let mut stderr = String::new();
                if let Some(mut pipe) = self.child.stderr.take() {
                    let _ = pipe.read_to_string(&mut stderr).await;
                }
                let why = stderr.lines().next().unwrap_or("no message").to_string();
                let why = why.strip_prefix("error: ").unwrap_or(&why).to_string();
                Err(format!("consumer {} stopped unexpectedly: {why}", self.pid).into())
            }
            Err(_) => Err(format!(
                "consumer {} said nothing for {} s",
                self.pid,
                SILENCE_LIMIT.as_secs()
            )
            .into()),
        }
    }

    async fn go(&mut self) -> Result<(), BoxError> {
        let stdin = self.stdin.as_mut().ok_or("consumer stdin closed")?;
        stdin.write_all(b"go\n").await?;
        stdin.flush().await?;
        Ok(())
    }

    // ANCHOR: kill
    /// SIGKILL: no cleanup, no goodbye to the broker. The kernel closes the
    /// consumer's socket, and RabbitMQ requeues the message it had not acked.
    async fn kill(mut self) -> Result<ConsumerExit, BoxError> {
        self.child.kill().await?; // sends SIGKILL, then waits (reaps) the child
        let status = self.child.wait().await?;
        Ok(ConsumerExit {
            pid: self.pid,
            killed: true,
            status,
        })
    }
    // ANCHOR_END: kill

    /// Closes the consumer's stdin, its signal to stop, and waits for it.
    async fn finish(mut self) -> Result<ConsumerExit, BoxError> {
        drop(self.stdin.take());
        let status = tokio::time::timeout(SILENCE_LIMIT, self.child.wait())
            .await
            .map_err(|_| format!("consumer {} did not stop", self.pid))??;
        Ok(ConsumerExit {
            pid: self.pid,
            killed: false,
            status,
        })
    }
}

/// The dead-letter queue of `queue`.
pub fn dead_letter_queue(queue: &str) -> String {
    format!("{queue}-dead")
}

/// Declares `queue` with a dead-letter exchange that routes rejected messages
/// to [`dead_letter_queue`].
async fn declare(channel: &Channel, queue: &str) -> Result<(), lapin::Error> {
    let dead = dead_letter_queue(queue);
    support_broker::declare_queue(channel, &dead, FieldTable::default()).await?;
    let mut arguments = FieldTable::default();
    arguments.insert(
        "x-dead-letter-exchange".into(),
        AMQPValue::LongString("".into()),
    );
    arguments.insert(
        "x-dead-letter-routing-key".into(),
        AMQPValue::LongString(dead.as_str().into()),
    );
    support_broker::declare_queue(channel, queue, arguments).await?;
    Ok(())
}

/// Publishes the jobs and then the malformed bodies, and waits for every
/// confirm. Returns the job ids.
async fn publish(channel: &Channel, queue: &str, config: &Config) -> Result<Vec<String>, BoxError> {
    channel
        .confirm_select(ConfirmSelectOptions::default())
        .await?;
    let mut ids = Vec::new();
    let mut messages = Vec::new();
    for i in 1..=config.jobs {
        let id = format!("job-{i}");
        let body = serde_json::to_vec(&Job { n: i as u64 })?;
        messages.push((id.clone(), body));
        ids.push(id);
    }
    for (i, body) in config.malformed.iter().enumerate() {
        messages.push((format!("malformed-{}", i + 1), body.clone()));
    }
    let mut confirms = Vec::new();
    for (id, body) in messages {
        let properties = BasicProperties::default().with_message_id(id.into());
        confirms.push(
            channel
                .basic_publish(
                    "".into(),
                    queue.into(),
                    BasicPublishOptions::default(),
                    &body,
                    properties,
                )
                .await?,
        );
    }
    for confirm in confirms {
        if !confirm.await?.is_ack() {
            return Err("the broker refused a job".into());
        }
    }
    Ok(ids)
}

// ANCHOR: supervise
/// Publishes the jobs, then runs consumer processes one after another,
/// killing them where `config.plan` says, until every job is acked and every
/// malformed message rejected. Cleans up the queues and the store.
pub async fn supervise(config: &Config) -> Result<Report, BoxError> {
    let connection = support_broker::connect("redelivery-supervisor").await?;
    let channel = connection.create_channel().await?;
    let queue = support_broker::unique_name("redelivery");
    declare(&channel, &queue).await?;
    let store_dir = tempfile::tempdir()?;
    let store = Store::new(store_dir.path());

    let result = run_consumers(config, &channel, &queue, &store).await;

    let left_in_queue = support_broker::queue_depth(&channel, &queue).await;
    let dead_lettered = support_broker::queue_depth(&channel, &dead_letter_queue(&queue)).await;
    let deleted =
        support_broker::delete_queues(&channel, &[queue.clone(), dead_letter_queue(&queue)]).await;
    support_broker::close(&connection).await;
    let (ids, deliveries, rejected, consumers) = result?;
    deleted?;
    Ok(Report {
        queue,
        ids,
        deliveries,
        rejected,
        consumers,
        records: store.records()?,
        left_in_queue: left_in_queue?,
        dead_lettered: dead_lettered?,
    })
}
// ANCHOR_END: supervise

/// The messages ready in `queue` once the broker has noticed that its
/// consumer is gone (no consumer left): from then on nothing more leaves it.
async fn ready_once_unsubscribed(channel: &Channel, queue: &str) -> Result<usize, BoxError> {
    let deadline = tokio::time::Instant::now() + SILENCE_LIMIT;
    loop {
        let (ready, consumers) = support_broker::queue_counts(channel, queue).await?;
        if consumers == 0 {
            return Ok(ready as usize);
        }
        if tokio::time::Instant::now() > deadline {
            return Err(format!("the broker kept a dead consumer on {queue}").into());
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

type Runs = (
    Vec<String>,
    Vec<DeliveryLog>,
    Vec<String>,
    Vec<ConsumerExit>,
);

async fn run_consumers(
    config: &Config,
    channel: &Channel,
    queue: &str,
    store: &Store,
) -> Result<Runs, BoxError> {
    let ids = publish(channel, queue, config).await?;
    let mut deliveries: Vec<DeliveryLog> = Vec::new();
    let mut rejected = Vec::new();
    let mut exits = Vec::new();
    let mut acked = BTreeSet::new();
    let mut received = 0; // deliveries of jobs so far, the plan's index
    // With auto-ack a kill destroys messages, so "every job acked" may never
    // come. Instead: after a kill, the messages still in the queue are all
    // the next consumer will get, and the run ends when it has settled them.
    let mut outstanding = ids.len() + config.malformed.len();
    let mut settled_here = 0;
    let done = |acked: &BTreeSet<String>, rejected: &Vec<String>, settled: (usize, usize)| {
        if config.auto_ack {
            settled.0 == settled.1
        } else {
            acked.len() == ids.len() && rejected.len() == config.malformed.len()
        }
    };

    while !done(&acked, &rejected, (settled_here, outstanding)) {
        let mut consumer = Running::start(config, queue, store.dir.as_path())?;
        let number = exits.len() + 1;
        // The delivery this consumer is working on: its log entry so far.
        let mut current: Option<DeliveryLog> = None;
        let killed = loop {
            if done(&acked, &rejected, (settled_here, outstanding)) {
                break false;
            }
            let line = consumer.next_line().await?;
            let (word, rest) = line.split_once(' ').unwrap_or((line.as_str(), ""));
            match word {
                "ready" => {}
                "rejected" => {
                    rejected.push(rest.to_string());
                    settled_here += 1;
                }
                "received" => {
                    let (id, flag) = rest.split_once(' ').ok_or("bad received line")?;
                    received += 1;
                    current = Some(DeliveryLog {
                        consumer: number,
                        id: id.to_string(),
                        redelivered: flag == "true",
                        outcome: Outcome::KilledHalfway,
                    });
                }
                "halfway" | "recorded" => {
                    let log = current.as_mut().ok_or("a checkpoint before a delivery")?;
                    let checkpoint = if word == "halfway" {
                        Checkpoint::Halfway
                    } else {
                        log.outcome = Outcome::KilledAfterRecord {
                            fresh: rest.ends_with(" new"),
                        };
                        Checkpoint::Recorded
                    };
                    if config.plan.kill_at(received - 1, checkpoint) {
                        deliveries.extend(current.take());
                        break true;
                    }
                    consumer.go().await?;
                }
                "acked" => {
                    let mut log = current.take().ok_or("an ack before a delivery")?;
                    if let Outcome::KilledAfterRecord { fresh } = log.outcome {
                        log.outcome = Outcome::Acked { fresh };
                    }
                    acked.insert(log.id.clone());
                    deliveries.push(log);
                    settled_here += 1;
                }
                _ => return Err(format!("consumer said {line:?}").into()),
            }
        };
        exits.push(if killed {
            consumer.kill().await?
        } else {
            consumer.finish().await?
        });
        if killed && config.auto_ack {
            outstanding = ready_once_unsubscribed(channel, queue).await?;
            settled_here = 0;
        }
    }
    Ok((ids, deliveries, rejected, exits))
}
