//! Celery from Rust. Celery is Python's best-known task queue: a client puts
//! a *task message* (a task name and its arguments) on a broker queue, any
//! number of workers take messages off that queue and run them, and the
//! results go to a *result backend*. The message format is a documented
//! protocol, so nothing in it is Python-only: with celery-rs, a Rust program
//! can be the client, the worker, or both, next to Python peers.
//!
//! Here: three tasks with the same names as the Python ones in `python/tasks.py`,
//! a Rust worker and a Rust client that share RabbitMQ with them, and a result
//! backend in the layout of Python Celery's file-system backend
//! ([`backend::FileBackend`]), so results cross the language boundary too.
//! In front of the worker, a [`gate`] moves every message it could not run to
//! a dead-letter queue with the reason, where celery-rs would drop it.
#![forbid(unsafe_code)]

pub mod backend;
pub mod gate;
pub mod wire;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use celery::backend::TaskState;
use celery::error::{CeleryError, TaskError};
use celery::prelude::TaskResult;
use celery::{Celery, CeleryBuilder};
use serde_json::{Value, json};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use backend::FileBackend;
pub use gate::GateReport;
/// The broker: `AMQP_URL`, else the local RabbitMQ (shared with the chapter).
pub use support_broker::{DEFAULT_AMQP_URL, amqp_url};

/// Any error these examples report: they print it as one line.
pub type Error = Box<dyn std::error::Error + Send + Sync>;

/// The largest `count_primes` limit a worker accepts; larger ones fail the task.
pub const MAX_PRIME_LIMIT: u64 = 10_000_000;

// ANCHOR: tasks
/// `add(x, y)`: the smallest task there is.
#[celery::task(name = "add")]
pub fn add(x: i64, y: i64) -> TaskResult<i64> {
    x.checked_add(y)
        .ok_or_else(|| TaskError::ExpectedError(format!("{x} + {y} overflows 64 bits")))
}

/// `word_count(text)`: how many whitespace-separated words `text` holds.
#[celery::task(name = "word_count")]
pub fn word_count(text: String) -> TaskResult<u64> {
    Ok(text.split_whitespace().count() as u64)
}

/// `count_primes(limit)`: how many primes are below `limit`, by trial
/// division: CPU work, so it runs on tokio's blocking pool, not on the
/// threads that also move the worker's messages.
#[celery::task(name = "count_primes")]
pub async fn count_primes(limit: u64) -> TaskResult<u64> {
    if limit > MAX_PRIME_LIMIT {
        return Err(TaskError::ExpectedError(format!(
            "limit {limit} is above {MAX_PRIME_LIMIT}"
        )));
    }
    tokio::task::spawn_blocking(move || primes_below(limit))
        .await
        .map_err(|e| TaskError::UnexpectedError(e.to_string()))
}
// ANCHOR_END: tasks

// ANCHOR: nap
/// `nap(ms)`: waits `ms` milliseconds and returns them. It stands for a task
/// that mostly waits (on a network, a disk), and it counts itself in
/// [`gauge`] while it runs, so a test can see how many ran at once.
#[celery::task(name = "nap")]
pub async fn nap(ms: u64) -> TaskResult<u64> {
    let _running = gauge::enter();
    tokio::time::sleep(Duration::from_millis(ms.min(MAX_NAP_MS))).await;
    Ok(ms)
}
// ANCHOR_END: nap

/// The longest `nap` a worker takes, in milliseconds.
pub const MAX_NAP_MS: u64 = 10_000;

/// How many `nap` tasks run at this moment in this process, and the most
/// that ever ran at once since the last [`gauge::reset`].
pub mod gauge {
    use std::sync::atomic::{AtomicUsize, Ordering};

    static RUNNING: AtomicUsize = AtomicUsize::new(0);
    static PEAK: AtomicUsize = AtomicUsize::new(0);
    static STARTED: AtomicUsize = AtomicUsize::new(0);

    /// Counts one task in until the returned guard drops.
    pub fn enter() -> Running {
        STARTED.fetch_add(1, Ordering::SeqCst);
        let now = RUNNING.fetch_add(1, Ordering::SeqCst) + 1;
        PEAK.fetch_max(now, Ordering::SeqCst);
        Running(())
    }

    /// One running task; dropping it counts the task out.
    pub struct Running(());

    impl Drop for Running {
        fn drop(&mut self) {
            RUNNING.fetch_sub(1, Ordering::SeqCst);
        }
    }

    /// The most tasks that ran at once since the last reset.
    pub fn peak() -> usize {
        PEAK.load(Ordering::SeqCst)
    }

    /// Tasks running now.
    pub fn running() -> usize {
        RUNNING.load(Ordering::SeqCst)
    }

    /// Tasks started since the last reset.
    pub fn started() -> usize {
        STARTED.load(Ordering::SeqCst)
    }

    /// Starts new counts of the peak (from the tasks running now) and of the
    /// tasks started.
    pub fn reset() {
        PEAK.store(RUNNING.load(Ordering::SeqCst), Ordering::SeqCst);
        STARTED.store(0, Ordering::SeqCst);
    }
}

/// The primes below `limit`, counted by trial division by odd numbers.
pub fn primes_below(limit: u64) -> u64 {
    let is_prime = |n: u64| {
        if n < 2 {
            return false;
        }
        if n.is_multiple_of(2) {
            return n == 2;
        }
        let mut d = 3;
        while d * d <= n {
            if n.is_multiple_of(d) {
                return false;
            }
            d += 2;
        }
        true
    };
    (0..limit).filter(|&n| is_prime(n)).count() as u64
}

/// A queue name no other run has used: every run gets its own queue, so runs
/// (and tests running at the same time) never see each other's messages.
pub fn fresh_queue(purpose: &str) -> String {
    support_broker::unique_name(&format!("book-celery-{purpose}"))
}

/// Where the worker and client find their broker and their results.
#[derive(Clone, Debug)]
pub struct Setup {
    /// The broker, e.g. [`DEFAULT_AMQP_URL`].
    pub url: String,
    /// The one queue both sides use.
    pub queue: String,
    /// Messages a worker may hold unacknowledged (RabbitMQ's prefetch count).
    /// With [`Acks::Late`] it is also the most tasks the worker runs at once
    /// (a task with an ETA raises celery-rs's prefetch by one while it waits).
    pub prefetch: u16,
    /// When the worker acknowledges a message: before or after the task.
    pub acks: Acks,
    /// Where results are stored and looked up.
    pub results: FileBackend,
}

// ANCHOR: acks
/// When a worker acknowledges a task message to the broker.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Acks {
    /// Before the task runs (celery-rs's and Python Celery's default). The
    /// prefetch window frees at once, so the broker sends the next message
    /// at once: the prefetch does not bound how many tasks run. A worker
    /// killed mid-task loses the task (at most once).
    Early,
    /// After the task has run and its result is stored. A message stays
    /// unacknowledged while its task runs, so at most `prefetch` tasks run at
    /// once (tasks with an ETA aside). A worker killed mid-task gets its
    /// messages redelivered to another worker (at least once: a task may run
    /// twice).
    Late,
}
// ANCHOR_END: acks

// ANCHOR: apps
/// A Celery app configured the same way for both roles: its default queue is
/// `setup.queue` (declared on the broker if missing), results go to the file
/// backend, a failed task is reported at once, not retried (celery-rs
/// retries failures forever unless told otherwise), and messages are
/// acknowledged as `setup.acks` says.
async fn app(name: &str, setup: &Setup) -> Result<Arc<Celery>, CeleryError> {
    let app = CeleryBuilder::new(name, &setup.url)
        .default_queue(&setup.queue)
        .prefetch_count(setup.prefetch)
        .acks_late(setup.acks == Acks::Late)
        .result_backend(setup.results.clone())
        .task_max_retries(0)
        .broker_connection_timeout(2)
        .broker_connection_max_retries(2)
        .broker_connection_retry_delay(1)
        .build()
        .await?;
    Ok(Arc::new(app))
}

/// A worker: the same app, with the tasks it can run registered by name.
pub async fn worker_app(setup: &Setup) -> Result<Arc<Celery>, CeleryError> {
    let worker = app("rust-worker", setup).await?;
    worker.register_task::<add>().await?;
    worker.register_task::<word_count>().await?;
    worker.register_task::<count_primes>().await?;
    worker.register_task::<nap>().await?;
    Ok(worker)
}

/// A client: sends tasks, runs none.
pub async fn client_app(setup: &Setup) -> Result<Arc<Celery>, CeleryError> {
    app("rust-client", setup).await
}
// ANCHOR_END: apps

// ANCHOR: spawn-worker
/// A worker consuming in this process until [`RunningWorker::stop`].
pub struct RunningWorker {
    stop: oneshot::Sender<()>,
    run: JoinHandle<Result<(), CeleryError>>,
}

/// Starts consuming `setup.queue` on a tokio task. celery-rs's `consume_from`
/// returns only on Ctrl-C or SIGTERM; stopping early means dropping it.
pub fn spawn_worker(worker: Arc<Celery>, queue: String) -> RunningWorker {
    let (stop, stopped) = oneshot::channel();
    let run = tokio::spawn(async move {
        let queues = [queue.as_str()];
        let consumed = tokio::select! {
            result = worker.consume_from(&queues) => result,
            _ = stopped => Ok(()),
        };
        worker.close().await?;
        consumed
    });
    RunningWorker { stop, run }
}

impl RunningWorker {
    /// Stops consuming and closes the connection. Tasks already acknowledged
    /// but not finished are abandoned, so stop only once their results are in.
    pub async fn stop(self) -> Result<(), Error> {
        let _ = self.stop.send(());
        self.run.await??;
        Ok(())
    }
}
// ANCHOR_END: spawn-worker

// ANCHOR: gated-worker
/// What the `worker` subcommand runs until Ctrl-C or SIGTERM: a [gate]
/// on `setup.queue`, where clients send, and a celery-rs worker on the queue
/// the gate fills with checked messages, in one process.
pub async fn run_gated_worker(setup: &Setup) -> Result<GateReport, Error> {
    let checked = gate::checked_queue(&setup.queue);
    let inner = Setup {
        queue: checked.clone(),
        ..setup.clone()
    };
    let worker = worker_app(&inner).await?;
    let mut gate = match gate::spawn_gate(&setup.url, &setup.queue, setup.prefetch).await {
        Ok(gate) => gate,
        Err(e) => {
            worker.close().await?;
            return Err(e);
        }
    };
    enum Ended {
        Worker(Result<(), CeleryError>),
        Gate(Error),
    }
    let queues = [checked.as_str()];
    let ended = tokio::select! {
        consumed = worker.consume_from(&queues) => Ended::Worker(consumed),
        failed = gate.failed() => Ended::Gate(failed),
    };
    match ended {
        // A signal: the worker has finished the tasks it held; now the gate.
        Ended::Worker(consumed) => {
            let report = gate.stop().await;
            worker.close().await?;
            consumed?;
            report
        }
        Ended::Gate(failed) => {
            worker.close().await?;
            Err(failed)
        }
    }
}
// ANCHOR_END: gated-worker

/// A gated worker in this process (the gate and the celery-rs worker behind
/// it) until [`RunningGatedWorker::stop`]: what the `worker` subcommand runs,
/// in a form a benchmark can start and stop.
pub struct RunningGatedWorker {
    gate: gate::RunningGate,
    worker: RunningWorker,
}

/// Starts the gate on `setup.queue` and a worker on the checked queue behind it.
pub async fn spawn_gated_worker(setup: &Setup) -> Result<RunningGatedWorker, Error> {
    let checked = gate::checked_queue(&setup.queue);
    let inner = Setup {
        queue: checked.clone(),
        ..setup.clone()
    };
    let worker = spawn_worker(worker_app(&inner).await?, checked);
    match gate::spawn_gate(&setup.url, &setup.queue, setup.prefetch).await {
        Ok(gate) => Ok(RunningGatedWorker { gate, worker }),
        Err(e) => {
            worker.stop().await?;
            Err(e)
        }
    }
}

impl RunningGatedWorker {
    /// Stops the gate, then the worker (see [`RunningWorker::stop`]).
    pub async fn stop(self) -> Result<GateReport, Error> {
        let report = self.gate.stop().await;
        self.worker.stop().await?;
        report
    }
}

/// One task call: which task, with which arguments.
#[derive(Clone, Debug, PartialEq)]
pub enum Job {
    /// `add(x, y)`
    Add(i64, i64),
    /// `word_count(text)`
    WordCount(String),
    /// `count_primes(limit)`
    CountPrimes(u64),
    /// `nap(ms)`
    Nap(u64),
}

impl Job {
    /// The task's registered name, the same in Rust and in Python.
    pub fn name(&self) -> &'static str {
        match self {
            Job::Add(..) => "add",
            Job::WordCount(_) => "word_count",
            Job::CountPrimes(_) => "count_primes",
            Job::Nap(_) => "nap",
        }
    }

    /// The call as a reader would write it: `add(2, 3)`.
    pub fn describe(&self) -> String {
        match self {
            Job::Add(x, y) => format!("add({x}, {y})"),
            Job::WordCount(text) => format!("word_count({text:?})"),
            Job::CountPrimes(limit) => format!("count_primes({limit})"),
            Job::Nap(ms) => format!("nap({ms})"),
        }
    }

    /// The positional arguments, as Python's `send_task(name, args=...)` takes them.
    pub fn args(&self) -> Value {
        match self {
            Job::Add(x, y) => json!([x, y]),
            Job::WordCount(text) => json!([text]),
            Job::CountPrimes(limit) => json!([limit]),
            Job::Nap(ms) => json!([ms]),
        }
    }

    /// What a correct worker answers, computed here: the result, or the
    /// reason the task must fail.
    pub fn expected(&self) -> Result<Value, String> {
        match self {
            Job::Add(x, y) => x
                .checked_add(*y)
                .map(Value::from)
                .ok_or_else(|| "overflow".to_string()),
            Job::WordCount(text) => Ok(json!(text.split_whitespace().count())),
            Job::CountPrimes(limit) if *limit > MAX_PRIME_LIMIT => {
                Err(format!("limit {limit} is above {MAX_PRIME_LIMIT}"))
            }
            Job::CountPrimes(limit) => Ok(json!(primes_below(*limit))),
            Job::Nap(ms) => Ok(json!(ms)),
        }
    }

    // ANCHOR: send
    /// Puts the task on the client's queue and returns its id. The generated
    /// `add::new(x, y)` builds a *signature*: the name and the arguments.
    pub async fn send(&self, client: &Celery) -> Result<String, CeleryError> {
        let sent = match self {
            Job::Add(x, y) => client.send_task(add::new(*x, *y)).await?,
            Job::WordCount(text) => client.send_task(word_count::new(text.clone())).await?,
            Job::CountPrimes(limit) => client.send_task(count_primes::new(*limit)).await?,
            Job::Nap(ms) => client.send_task(nap::new(*ms)).await?,
        };
        Ok(sent.task_id)
    }
    // ANCHOR_END: send
}

/// What happened to one job.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// The call.
    pub job: Job,
    /// The task id the client gave it.
    pub id: String,
    /// SUCCESS or FAILURE, as the worker recorded it.
    pub state: TaskState,
    /// The result, or the failure's message.
    pub value: Value,
}

impl Outcome {
    /// Whether the worker's answer is the one computed locally, failures included.
    pub fn is_correct(&self) -> bool {
        match (self.job.expected(), self.state) {
            (Ok(value), TaskState::Success) => value == self.value,
            (Err(reason), TaskState::Failure) => {
                self.value.as_str().is_some_and(|m| m.contains(&reason))
            }
            _ => false,
        }
    }
}

// ANCHOR: batch
/// Sends every job, then waits until every one has a final result in the
/// backend, and returns them in the order sent.
pub async fn run_batch(
    client: &Celery,
    results: &FileBackend,
    jobs: &[Job],
    timeout: Duration,
) -> Result<Vec<Outcome>, Error> {
    let mut ids = Vec::with_capacity(jobs.len());
    for job in jobs {
        ids.push(job.send(client).await?);
    }
    let mut done = results.wait_all(&ids, timeout).await?;
    let outcomes = jobs.iter().zip(ids).map(|(job, id)| {
        let meta = done.remove(&id).expect("wait_all returns every id");
        let value = match meta.status {
            TaskState::Success => meta.result.unwrap_or(Value::Null),
            _ => failure_message(&meta),
        };
        Outcome {
            job: job.clone(),
            id,
            state: meta.status,
            value,
        }
    });
    Ok(outcomes.collect())
}
// ANCHOR_END: batch

fn failure_message(meta: &celery::backend::TaskMeta) -> Value {
    meta.meta
        .as_ref()
        .and_then(|m| m.get("exc_message"))
        .or(meta.result.as_ref())
        .cloned()
        .unwrap_or(Value::Null)
}

/// The demo's mix: many small tasks, a few CPU-bound ones, and one that must fail.
pub fn demo_jobs(adds: usize) -> Vec<Job> {
    const TEXTS: [&str; 4] = [
        "the only justification for concurrency is speed",
        "a broker holds the queue",
        "workers take tasks off the queue and run them",
        "one",
    ];
    let mut jobs: Vec<Job> = (0..adds as i64).map(|i| Job::Add(i, i * i)).collect();
    jobs.extend(TEXTS.iter().map(|t| Job::WordCount(t.to_string())));
    jobs.extend([10_000, 50_000, 100_000, 200_000].map(Job::CountPrimes));
    jobs.push(Job::CountPrimes(MAX_PRIME_LIMIT + 1));
    jobs
}

/// What [`demo`] measured.
#[derive(Debug)]
pub struct DemoReport {
    /// Every job's outcome, in the order sent.
    pub outcomes: Vec<Outcome>,
    /// From the first send to the last result.
    pub elapsed: Duration,
    /// Result files in the backend's folder at the end (one per task id).
    pub result_files: usize,
}

/// A Rust worker and a Rust client in one process, each with its own
/// connection, on a fresh queue that is deleted afterwards.
pub async fn demo(url: &str, prefetch: u16, acks: Acks, jobs: &[Job]) -> Result<DemoReport, Error> {
    let folder = tempfile::tempdir()?;
    let setup = Setup {
        url: url.to_string(),
        queue: fresh_queue("demo"),
        prefetch,
        acks,
        results: FileBackend::new(folder.path()),
    };
    let outcome = async {
        let worker = spawn_worker(worker_app(&setup).await?, setup.queue.clone());
        let client = client_app(&setup).await?;
        let start = Instant::now();
        let outcomes = run_batch(&client, &setup.results, jobs, Duration::from_secs(30)).await;
        let elapsed = start.elapsed();
        client.close().await?;
        worker.stop().await?;
        Ok::<_, Error>((outcomes?, elapsed))
    }
    .await;
    wire::delete_queue(url, &setup.queue).await?;
    let (outcomes, elapsed) = outcome?;
    let result_files = count_result_files(setup.results.dir())?;
    Ok(DemoReport {
        outcomes,
        elapsed,
        result_files,
    })
}

/// The number of task results stored in `dir`.
pub fn count_result_files(dir: &std::path::Path) -> std::io::Result<usize> {
    let mut n = 0;
    for entry in std::fs::read_dir(dir)? {
        if entry?
            .file_name()
            .to_string_lossy()
            .starts_with(backend::KEY_PREFIX)
        {
            n += 1;
        }
    }
    Ok(n)
}

/// Rows of a summary: per task name, how many were sent, succeeded, failed
/// and came back right, with the first call as an example.
pub fn summarize(outcomes: &[Outcome]) -> BTreeMap<&'static str, Summary> {
    let mut rows: BTreeMap<&'static str, Summary> = BTreeMap::new();
    for outcome in outcomes {
        let row = rows.entry(outcome.job.name()).or_default();
        row.sent += 1;
        match outcome.state {
            TaskState::Success => row.succeeded += 1,
            _ => row.failed += 1,
        }
        row.correct += usize::from(outcome.is_correct());
        if row.example.is_empty() && outcome.state == TaskState::Success {
            row.example = format!("{} = {}", outcome.job.describe(), outcome.value);
        }
    }
    rows
}

/// One row of [`summarize`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Tasks sent.
    pub sent: usize,
    /// Tasks that returned a result.
    pub succeeded: usize,
    /// Tasks that failed.
    pub failed: usize,
    /// Tasks whose result (or failure) matched the local computation.
    pub correct: usize,
    /// The first successful call and its result.
    pub example: String,
}

pub use support_kit::python::celery_python;

/// The folder holding `tasks.py` and `send.py`.
pub fn python_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("python")
}
