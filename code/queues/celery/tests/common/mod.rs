//! What the broker tests share: the broker and Python checks that fail in one
//! line, unique queues that are deleted even when a test panics, child
//! processes that are stopped even when a test panics, and the orphan check.
#![allow(dead_code)]

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use lapin::ExchangeKind;
use lapin::options::{ExchangeDeclareOptions, QueueDeclareOptions};
use lapin::types::FieldTable;
use queues_celery::{amqp_url, celery_python, fresh_queue, gate, wire};

/// The broker's URL, or a panic with the one line that says how to get one.
pub fn broker() -> String {
    let url = amqp_url();
    if let Err(line) = wire::check_broker(&url) {
        panic!("{line}");
    }
    url
}

/// The Celery virtual environment's python, or a panic with the one line
/// that says how to make it. Never a silent skip.
pub fn python() -> PathBuf {
    celery_python().unwrap_or_else(|line| panic!("{line}"))
}

/// A multi-threaded tokio runtime for a test's async parts.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

/// A queue of this test's own; on drop it is deleted with the exchange
/// Python declares for it and the two queues of a worker's gate.
pub struct Queue {
    pub url: String,
    pub name: String,
}

impl Queue {
    pub fn fresh(url: &str, purpose: &str) -> Queue {
        Queue {
            url: url.to_string(),
            name: fresh_queue(purpose),
        }
    }
}

impl Drop for Queue {
    fn drop(&mut self) {
        // Drop cannot await, and may run inside a runtime: use a thread with its own.
        let (url, name) = (self.url.clone(), self.name.clone());
        let deleted = std::thread::spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| e.to_string())?
                .block_on(async {
                    for queue in [
                        name.clone(),
                        gate::checked_queue(&name),
                        gate::dead_queue(&name),
                    ] {
                        wire::delete_queue(&url, &queue).await?;
                    }
                    Ok::<_, queues_celery::Error>(())
                })
                .map_err(|e| e.to_string())
        })
        .join();
        if !std::thread::panicking() {
            match deleted {
                Ok(Ok(())) => {}
                Ok(Err(e)) => panic!("could not delete queue {}: {e}", self.name),
                Err(_) => panic!("the thread deleting queue {} panicked", self.name),
            }
        }
    }
}

/// What is left on the broker of a test's queue `name`: the queue itself,
/// its gate's queues, the exchange Python declares. Empty once [`Queue`] dropped.
pub fn leftovers(url: &str, name: &str) -> Vec<String> {
    let exists = |kind: &'static str, name: String| {
        let url = url.to_string();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a tokio runtime");
            rt.block_on(async {
                // A passive declare fails with NOT_FOUND (and closes the
                // channel) when there is no such thing: one link per question.
                let connection = support_broker::connect_to(&url, "queues-celery-test")
                    .await
                    .expect("a connection to the broker");
                let channel = connection.create_channel().await.expect("a channel");
                let found = match kind {
                    "queue" => channel
                        .queue_declare(
                            name.as_str().into(),
                            QueueDeclareOptions {
                                passive: true,
                                ..QueueDeclareOptions::default()
                            },
                            FieldTable::default(),
                        )
                        .await
                        .map(drop),
                    _ => {
                        channel
                            .exchange_declare(
                                name.as_str().into(),
                                ExchangeKind::Direct,
                                ExchangeDeclareOptions {
                                    passive: true,
                                    ..ExchangeDeclareOptions::default()
                                },
                                FieldTable::default(),
                            )
                            .await
                    }
                };
                support_broker::close(&connection).await;
                match found {
                    Ok(()) => Some(format!("{kind} {name}")),
                    Err(e) if e.to_string().contains("NOT_FOUND") => None,
                    Err(e) => panic!("cannot tell whether {kind} {name} exists: {e}"),
                }
            })
        })
        .join()
        .expect("the checking thread")
    };
    [
        exists("queue", name.to_string()),
        exists("queue", gate::checked_queue(name)),
        exists("queue", gate::dead_queue(name)),
        exists("exchange", name.to_string()),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// A child process that is killed and reaped on drop unless stopped first.
pub struct Spawned {
    child: Option<Child>,
    pub name: String,
    out: PathBuf,
    err: PathBuf,
}

impl Spawned {
    /// Starts `command` with stdout and stderr going to `<dir>/<name>.out`
    /// and `.err` (files, never pipes nobody reads: a full pipe blocks the child).
    pub fn start(mut command: Command, name: &str, dir: &Path) -> Spawned {
        let (out, err) = (
            dir.join(format!("{name}.out")),
            dir.join(format!("{name}.err")),
        );
        let child = command
            .stdin(Stdio::null())
            .stdout(File::create(&out).expect("a log file"))
            .stderr(File::create(&err).expect("a log file"))
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {name}: {e}"));
        Spawned {
            child: Some(child),
            name: name.to_string(),
            out,
            err,
        }
    }

    pub fn stdout(&self) -> String {
        std::fs::read_to_string(&self.out).unwrap_or_default()
    }

    pub fn stderr(&self) -> String {
        std::fs::read_to_string(&self.err).unwrap_or_default()
    }

    /// Asks the child to stop with SIGTERM (a warm shutdown for both Celery
    /// workers), waits up to `grace`, then kills it. Returns how it ended and
    /// whether it had to be killed.
    pub fn stop(&mut self, grace: Duration) -> (ExitStatus, bool) {
        let mut child = self.child.take().expect("not stopped yet");
        let _ = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status();
        let start = Instant::now();
        loop {
            if let Some(status) = child.try_wait().expect("try_wait") {
                return (status, false);
            }
            if start.elapsed() > grace {
                let _ = child.kill();
                return (child.wait().expect("wait after kill"), true);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits for the child to finish on its own, killing it (and failing the
    /// test) if it takes longer than `limit`.
    pub fn finish(&mut self, limit: Duration) -> ExitStatus {
        let mut child = self.child.take().expect("not finished yet");
        let start = Instant::now();
        loop {
            if let Some(status) = child.try_wait().expect("try_wait") {
                return status;
            }
            if start.elapsed() > limit {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "{} ran longer than {} s and was killed; stderr:\n{}",
                    self.name,
                    limit.as_secs(),
                    self.stderr()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Spawned {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Processes whose command line mentions `marker` (a unique queue name), so a
/// test can prove that every process it started is gone. Linux's /proc only.
pub fn processes_mentioning(marker: &str) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    let me = std::process::id().to_string();
    let mut found = Vec::new();
    for entry in entries.flatten() {
        let pid = entry.file_name().to_string_lossy().to_string();
        if pid == me || !pid.chars().all(|c| c.is_ascii_digit()) {
            continue;
        }
        if let Ok(raw) = std::fs::read(entry.path().join("cmdline")) {
            let line = String::from_utf8_lossy(&raw).replace('\0', " ");
            if line.contains(marker) {
                found.push(format!("{pid}: {line}"));
            }
        }
    }
    found
}

/// The Rust worker binary, consuming `queue` and writing results to `results`.
pub fn rust_worker(url: &str, queue: &str, results: &Path, concurrency: u16) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_queues-celery"));
    command.args([
        "--broker",
        url,
        "worker",
        "--queue",
        queue,
        "--results",
        results.to_str().expect("a UTF-8 path"),
        "--concurrency",
        &concurrency.to_string(),
    ]);
    command
}

/// A Python Celery worker (solo pool: one process, no children) on `queue`,
/// holding one message at a time (`--concurrency=1`: the prefetch is the
/// multiplier times the concurrency, which would default to the CPU count).
pub fn python_worker(url: &str, queue: &str, results: &Path) -> Command {
    let mut command = Command::new(python());
    command
        .current_dir(queues_celery::python_dir())
        .env("AMQP_URL", url)
        .env("CELERY_QUEUE", queue)
        .env("CELERY_RESULTS_DIR", results)
        .args([
            "-m",
            "celery",
            "-A",
            "tasks",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "-Q",
            queue,
        ])
        .args([
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ])
        .args(["--loglevel=INFO", "-n", &format!("py-{queue}@%h")]);
    command
}

/// `python send.py ...` with this test's queue and results folder.
pub fn python_client(url: &str, queue: &str, results: &Path) -> Command {
    let mut command = Command::new(python());
    command
        .current_dir(queues_celery::python_dir())
        .env("AMQP_URL", url)
        .env("CELERY_QUEUE", queue)
        .env("CELERY_RESULTS_DIR", results)
        .arg("send.py");
    command
}
