#![forbid(unsafe_code)]

use std::path::PathBuf;
use std::process::Command as Process;
use std::time::Duration;

use clap::{Parser, Subcommand, ValueEnum};
use queues_celery::backend::FileBackend;
use queues_celery::{
    Acks, Error, Job, Setup, amqp_url, celery_python, client_app, demo, demo_jobs, fresh_queue,
    gate, python_dir, run_gated_worker, summarize, wire,
};
use support_kit::{human_duration, three_digits};

/// Celery from Rust: a worker and a client that speak Celery's message
/// protocol through RabbitMQ, to each other and to Python Celery.
/// Without a subcommand, runs the demo.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// The broker [default: $AMQP_URL, else amqp://guest:guest@127.0.0.1:5672/%2f].
    #[arg(long, global = true, value_parser = parse_url)]
    broker: Option<String>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// A Rust worker and a Rust client in one process, on a fresh queue: send a
    /// batch of tasks, wait for every result, check each one.
    Demo {
        /// The most tasks the worker runs at once: its prefetch count, with late acks.
        #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=1000))]
        concurrency: u16,
        /// How many `add` tasks in the batch (plus 4 word counts and 5 prime counts).
        #[arg(long, default_value_t = 40, value_parser = clap::value_parser!(u64).range(0..=100_000))]
        adds: u64,
    },
    /// Run a Rust worker on a queue until Ctrl-C or SIGTERM (Python clients
    /// welcome), behind a gate that sends messages it cannot run to <queue>.dead.
    Worker {
        /// The queue to consume.
        #[arg(long, default_value = "book-celery", value_parser = parse_queue)]
        queue: String,
        /// The folder results go to [default: <temp>/book-celery-results].
        #[arg(long)]
        results: Option<PathBuf>,
        /// The most tasks run at once: the prefetch count, with late acks, so a
        /// message is acknowledged only after its task has run.
        #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=1000))]
        concurrency: u16,
    },
    /// Run only the gate on a queue until Ctrl-C or SIGTERM: checked messages
    /// go to <queue>.checked, which no worker reads, the rest to <queue>.dead.
    Gate {
        /// The queue to check.
        #[arg(long, default_value = "book-celery", value_parser = parse_queue)]
        queue: String,
        /// Messages the gate may hold unacknowledged.
        #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=1000))]
        prefetch: u16,
    },
    /// Send one task and wait for its result (from a Rust or a Python worker).
    Send {
        /// The queue to send to.
        #[arg(long, default_value = "book-celery", value_parser = parse_queue)]
        queue: String,
        /// The folder the worker writes results to [default: <temp>/book-celery-results].
        #[arg(long)]
        results: Option<PathBuf>,
        /// Seconds to wait for the result.
        #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3600))]
        timeout: u64,
        /// Send and exit without waiting for a result.
        #[arg(long)]
        no_wait: bool,
        #[command(subcommand)]
        task: Task,
    },
    /// Show one real task message: send it to a fresh queue no worker reads,
    /// take it off with basic.get, print every part of it.
    Inspect {
        /// Who sends the message: the Rust client, or Python Celery's.
        #[arg(long, value_enum, default_value_t = From::Rust)]
        from: From,
        /// Instead, peek at the first message of this existing queue (it is put back).
        #[arg(long, value_parser = parse_queue, conflicts_with = "from")]
        queue: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
enum Task {
    /// add(x, y)
    #[command(allow_negative_numbers = true)]
    Add { x: i64, y: i64 },
    /// word_count(text)
    WordCount { text: String },
    /// count_primes(limit); workers refuse limits above 10,000,000
    CountPrimes {
        #[arg(value_parser = clap::value_parser!(u64).range(0..=1_000_000_000_000))]
        limit: u64,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum From {
    Rust,
    Python,
}

fn parse_queue(name: &str) -> Result<String, String> {
    let ok = (1..=200).contains(&name.len())
        && !name.starts_with("amq.")
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        Ok(name.to_string())
    } else {
        Err(
            "a queue name is 1 to 200 letters, digits, '-', '_' or '.', not starting with 'amq.'"
                .into(),
        )
    }
}

fn parse_url(url: &str) -> Result<String, String> {
    if url.starts_with("amqp://") {
        Ok(url.to_string())
    } else {
        Err("the broker URL must start with amqp://".into())
    }
}

fn main() {
    let args: Args = support_kit::parse_args();
    let url = args.broker.clone().unwrap_or_else(amqp_url);
    let command = args.command.unwrap_or(Command::Demo {
        concurrency: 8,
        adds: 40,
    });
    let needs_python = matches!(
        command,
        Command::Inspect {
            from: From::Python,
            queue: None
        }
    );
    let ready = match needs_python {
        true => celery_python().map(|_| ()),
        false => Ok(()),
    };
    let outcome = ready
        .and_then(|()| wire::check_broker(&url))
        .map_err(Error::from)
        .and_then(|()| {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()?;
            runtime.block_on(run(&url, command))
        });
    if let Err(e) = outcome {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

async fn run(url: &str, command: Command) -> Result<(), Error> {
    match command {
        Command::Demo { concurrency, adds } => run_demo(url, concurrency, adds as usize).await,
        Command::Worker {
            queue,
            results,
            concurrency,
        } => run_worker(url, queue, results, concurrency).await,
        Command::Gate { queue, prefetch } => run_gate(url, queue, prefetch).await,
        Command::Send {
            queue,
            results,
            timeout,
            no_wait,
            task,
        } => {
            let job = match task {
                Task::Add { x, y } => Job::Add(x, y),
                Task::WordCount { text } => Job::WordCount(text),
                Task::CountPrimes { limit } => Job::CountPrimes(limit),
            };
            let wait = (!no_wait).then_some(Duration::from_secs(timeout));
            run_send(url, queue, results, job, wait).await
        }
        Command::Inspect { from, queue: None } => run_inspect(url, from).await,
        Command::Inspect {
            queue: Some(queue), ..
        } => match wire::take_one(url, &queue, false).await? {
            Some(message) => {
                println!(
                    "the first message in {queue} (put back afterwards: its next reader sees it marked redelivered)"
                );
                print!("{}", message.render());
                Ok(())
            }
            None => {
                println!("{queue} is empty");
                Ok(())
            }
        },
    }
}

async fn run_demo(url: &str, concurrency: u16, adds: usize) -> Result<(), Error> {
    let jobs = demo_jobs(adds);
    let report = demo(url, concurrency, Acks::Late, &jobs).await?;
    println!(
        "celery demo: a Rust client and a Rust worker (celery-rs) in one process, two connections, one fresh queue"
    );
    println!(
        "at most {concurrency} tasks at once (late acks, prefetch {concurrency}); results stored as files in Python Celery's file-system layout; {} cores",
        support_kit::cores()
    );
    println!();
    println!(
        "{:<13} {:>5} {:>10} {:>7} {:>12}  example",
        "task", "sent", "succeeded", "failed", "as expected"
    );
    let rows = summarize(&report.outcomes);
    for (name, row) in &rows {
        println!(
            "{:<13} {:>5} {:>10} {:>7} {:>12}  {}",
            name, row.sent, row.succeeded, row.failed, row.correct, row.example
        );
    }
    println!();
    for failed in report
        .outcomes
        .iter()
        .filter(|o| o.state != celery::backend::TaskState::Success)
    {
        println!(
            "failed as it should: {} -> {}",
            failed.job.describe(),
            failed.value.as_str().unwrap_or("?")
        );
    }
    let total = report.outcomes.len();
    let all_right = report.outcomes.iter().all(|o| o.is_correct());
    println!(
        "{total} tasks sent, {} result files, every answer as expected: {}",
        report.result_files,
        if all_right { "yes" } else { "NO" }
    );
    println!(
        "first send to last result: {} ({} tasks/s)",
        human_duration(report.elapsed),
        three_digits(total as f64 / report.elapsed.as_secs_f64())
    );
    Ok(())
}

fn results_dir(results: Option<PathBuf>) -> Result<FileBackend, Error> {
    let dir = results.unwrap_or_else(|| std::env::temp_dir().join("book-celery-results"));
    std::fs::create_dir_all(&dir)
        .map_err(|e| format!("cannot create the results folder {}: {e}", dir.display()))?;
    Ok(FileBackend::new(dir))
}

async fn run_worker(
    url: &str,
    queue: String,
    results: Option<PathBuf>,
    concurrency: u16,
) -> Result<(), Error> {
    log::set_logger(&StderrLog).map_err(|e| e.to_string())?;
    log::set_max_level(log::LevelFilter::Info);
    let setup = Setup {
        url: url.to_string(),
        queue: queue.clone(),
        prefetch: concurrency,
        acks: Acks::Late,
        results: results_dir(results)?,
    };
    println!(
        "worker: consuming {queue} through a gate (checked tasks to {}, the rest to {}), at most {concurrency} task(s) at a time (late acks), results in {}; Ctrl-C or SIGTERM stops it",
        gate::checked_queue(&queue),
        gate::dead_queue(&queue),
        setup.results.dir().display()
    );
    let report = run_gated_worker(&setup).await?;
    println!(
        "worker: stopped; the gate passed {} message(s) on and dead-lettered {}",
        report.forwarded, report.dead_lettered
    );
    Ok(())
}

async fn run_gate(url: &str, queue: String, prefetch: u16) -> Result<(), Error> {
    log::set_logger(&StderrLog).map_err(|e| e.to_string())?;
    log::set_max_level(log::LevelFilter::Info);
    let mut gate = gate::spawn_gate(url, &queue, prefetch).await?;
    println!(
        "gate: checking {queue} (runnable to {}, the rest to {}); Ctrl-C or SIGTERM stops it",
        gate::checked_queue(&queue),
        gate::dead_queue(&queue)
    );
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    tokio::select! {
        failed = gate.failed() => return Err(failed),
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
    let report = gate.stop().await?;
    println!(
        "gate: stopped; passed {} message(s) on and dead-lettered {}",
        report.forwarded, report.dead_lettered
    );
    Ok(())
}

async fn run_send(
    url: &str,
    queue: String,
    results: Option<PathBuf>,
    job: Job,
    wait: Option<Duration>,
) -> Result<(), Error> {
    let setup = Setup {
        url: url.to_string(),
        queue: queue.clone(),
        prefetch: 1,
        acks: Acks::Late,
        results: results_dir(results)?,
    };
    let client = client_app(&setup).await?;
    let id = job.send(&client).await?;
    client.close().await?;
    println!("sent {} to {queue} as task {id}", job.describe());
    let Some(timeout) = wait else {
        return Ok(());
    };
    let mut done = setup
        .results
        .wait_all(std::slice::from_ref(&id), timeout)
        .await?;
    let meta = done.remove(&id).ok_or("no result")?;
    match meta.status {
        celery::backend::TaskState::Success => {
            println!("SUCCESS {}", meta.result.unwrap_or_default());
        }
        state => {
            let detail = meta.meta.or(meta.result).unwrap_or_default();
            println!("{state} {detail}");
        }
    }
    Ok(())
}

async fn run_inspect(url: &str, from: From) -> Result<(), Error> {
    let queue = fresh_queue("inspect");
    let job = Job::Add(2, 3);
    let sent = async {
        match from {
            From::Rust => {
                let folder = tempfile::tempdir()?;
                let setup = Setup {
                    url: url.to_string(),
                    queue: queue.clone(),
                    prefetch: 1,
                    acks: Acks::Late,
                    results: FileBackend::new(folder.path()),
                };
                let client = client_app(&setup).await?;
                job.send(&client).await?;
                client.close().await?;
            }
            From::Python => python_send(url, &queue, &job)?,
        }
        wire::take_one(url, &queue, true).await
    }
    .await;
    wire::delete_queue(url, &queue).await?;
    let message = sent?.ok_or("the message did not arrive in the queue")?;
    let who = match from {
        From::Rust => "the Rust client (celery-rs)",
        From::Python => "Python Celery's send_task",
    };
    println!(
        "one task message for {}, sent by {who} to a fresh queue that no worker reads, taken off with basic.get",
        job.describe()
    );
    println!("(masked so that runs compare: the queue's name, each distinct UUID, the host name)");
    println!();
    print!("{}", wire::mask(&message.render(), &queue));
    Ok(())
}

/// Runs `python/send.py` to send `job` without waiting for a result.
fn python_send(url: &str, queue: &str, job: &Job) -> Result<(), Error> {
    let python = celery_python()?;
    let mut command = Process::new(python);
    command
        .current_dir(python_dir())
        .env("AMQP_URL", url)
        .env("CELERY_QUEUE", queue)
        .args(["send.py", "--no-wait", job.name()]);
    if let Some(args) = job.args().as_array() {
        for arg in args {
            command.arg(arg.to_string());
        }
    }
    let out = command.output()?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let last = stderr.lines().last().unwrap_or("no message");
        return Err(format!("python send.py failed ({}): {last}", out.status).into());
    }
    Ok(())
}

/// celery-rs reports through the `log` crate (each task received, its
/// result, every message it could not use), and so does the gate (every
/// message it dead-lettered). Print those lines.
struct StderrLog;

impl log::Log for StderrLog {
    fn enabled(&self, metadata: &log::Metadata) -> bool {
        (metadata.target().starts_with("celery") || metadata.target().starts_with("queues_celery"))
            && metadata.level() <= log::Level::Info
    }

    fn log(&self, record: &log::Record) {
        if self.enabled(record.metadata()) {
            eprintln!(
                "[{:<5} {}] {}",
                record.level(),
                record.target(),
                record.args()
            );
        }
    }

    fn flush(&self) {}
}
