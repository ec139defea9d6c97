//! `queues-celery-redis`: Python Celery workers on Redis killed mid-task,
//! timed against the visibility timeout; `worker` runs a Rust worker on Redis.
#![forbid(unsafe_code)]

use std::time::Duration;

use clap::{Parser, Subcommand};
use queues_celery_redis::python::{Visibility, kill_and_recover, overlap};
use queues_celery_redis::{Backend, Error, Namespace, connect, redis_url, rust_worker_app};

#[derive(Parser)]
#[command(about = "Celery on Redis: the visibility timeout, measured by killing workers")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Kill a Python worker mid-task for each visibility timeout; time the recovery.
    Table(TableArgs),
    /// A celery-rs worker on Redis (broker and results), until SIGTERM or Ctrl-C.
    Worker {
        /// The queue's key in Redis (kombu's prefix included).
        #[arg(long, value_parser = queue_key)]
        queue_key: String,
        /// The prefix of result keys (kombu's global_keyprefix).
        #[arg(long, default_value = "")]
        prefix: String,
        /// Which result backend stores the results.
        #[arg(long, value_enum, default_value = "python")]
        backend: Backend,
        /// Messages held at most (0: no limit; see `rust_app` on why).
        #[arg(long, default_value_t = 0)]
        prefetch: u16,
    },
}

#[derive(clap::Args)]
struct TableArgs {
    /// Visibility timeouts to try, in seconds.
    #[arg(long, value_delimiter = ',', default_value = "1,2,4",
          value_parser = clap::value_parser!(u64).range(1..=60))]
    timeouts: Vec<u64>,
    /// Seconds between a worker's sweeps for overdue messages.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..=60))]
    sweep: u64,
    /// Quick tasks queued behind the held one.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u64).range(0..=100))]
    quick: u64,
}

fn queue_key(text: &str) -> Result<String, String> {
    if !text.is_empty() && text.len() <= 200 && text.chars().all(|c| c.is_ascii_graphic()) {
        Ok(text.to_string())
    } else {
        Err("a queue key is 1 to 200 printable characters, no spaces".into())
    }
}

fn table(args: &TableArgs) -> Result<(), Error> {
    let url = redis_url();
    connect(&url)?;
    // Each row starts and kills Python workers: seconds each. The bar shows
    // on a terminal only; the table is printed once every row is in.
    let bar = support_kit::progress(args.timeouts.len() as u64 + 1, "kills");
    let mut rows = Vec::new();
    for &timeout in &args.timeouts {
        let space = Namespace::fresh(&url, "table");
        let visibility = Visibility {
            timeout: Duration::from_secs(timeout),
            sweep: Duration::from_secs(args.sweep),
        };
        let seen = kill_and_recover(&space, visibility, args.quick as usize)?;
        let quick = seen.quick_done.iter().filter(|&&n| n >= 1).count();
        rows.push(format!(
            "| {timeout} s | {} | {} | {quick} of {} | {:.1} s | {:.1} s |",
            seen.runs,
            seen.done,
            args.quick,
            seen.kill_to_done.as_secs_f64(),
            seen.start_to_restart.as_secs_f64()
        ));
        bar.inc(1);
    }
    let space = Namespace::fresh(&url, "overlap");
    let visibility = Visibility {
        timeout: Duration::from_secs(args.timeouts[0]),
        sweep: Duration::from_secs(args.sweep),
    };
    let (runs, done) = overlap(&space, visibility)?;
    bar.finish_and_clear();

    println!(
        "Python Celery on a Redis broker: worker A killed (SIGKILL) mid-task, worker B started after it"
    );
    println!(
        "sweep every {} s; {} quick task(s) queued behind the held one",
        args.sweep, args.quick
    );
    println!();
    println!(
        "| visibility timeout | held task runs | finished | quick tasks finished | kill to finish | start to restart |"
    );
    println!("|---:|---:|---:|---:|---:|---:|");
    for row in rows {
        println!("{row}");
    }
    println!();
    println!(
        "no kill, two workers, a task longer than the {} s timeout: it ran {runs} times, finished {done} times",
        args.timeouts[0]
    );
    Ok(())
}

fn worker(queue_key: &str, prefix: &str, backend: Backend, prefetch: u16) -> Result<(), Error> {
    let url = redis_url();
    connect(&url)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let app = rust_worker_app(&url, prefix, queue_key, backend, prefetch).await?;
        println!("worker: consuming {queue_key}");
        app.consume_from(&[queue_key]).await?;
        app.close().await?;
        println!("worker: stopped");
        Ok(())
    })
}

fn main() {
    let cli: Cli = support_kit::parse_args();
    let result = match cli.command {
        None => table(&TableArgs {
            timeouts: vec![1, 2, 4],
            sweep: 1,
            quick: 3,
        }),
        Some(Command::Table(args)) => table(&args),
        Some(Command::Worker {
            queue_key,
            prefix,
            backend,
            prefetch,
        }) => worker(&queue_key, &prefix, backend, prefetch),
    };
    if let Err(e) = result {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}
