#![forbid(unsafe_code)]

use clap::Parser;
use queues_work_queue::{
    CrashPoint, MAX_COST_MS, Prefetch, Queues, RunReport, alternating_tasks, connect_consumers,
    crash_consumer, malformed_samples, run,
};
use support_broker::{exit_on_broker_error, exit_on_error};
use support_kit::human_duration;

/// A RabbitMQ work queue: competing consumers take tasks of uneven cost, with
/// each prefetch setting in turn; malformed messages go to a dead-letter queue
/// with the reason. Needs a broker at AMQP_URL (default
/// amqp://guest:guest@127.0.0.1:5672/%2f).
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// Tasks per run; even ids are heavy, odd ids light.
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..=10_000))]
    tasks: u64,
    /// Milliseconds a heavy task takes.
    #[arg(long, default_value_t = 80, value_parser = clap::value_parser!(u64).range(0..=MAX_COST_MS))]
    heavy_ms: u64,
    /// Milliseconds a light task takes.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u64).range(0..=MAX_COST_MS))]
    light_ms: u64,
    /// Competing consumers, each on its own connection.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u64).range(1..=64))]
    consumers: u64,
    /// Prefetch settings to run, comma-separated: numbers from 1 to 65535, or "unlimited".
    #[arg(long, value_delimiter = ',', default_value = "1,4,unlimited", value_parser = parse_prefetch)]
    prefetch: Vec<Prefetch>,
    #[command(subcommand)]
    role: Option<Role>,
}

#[derive(clap::Subcommand, Debug)]
enum Role {
    /// A consumer for the kill test (the tests start these).
    #[command(hide = true)]
    CrashConsumer {
        #[arg(long)]
        work: String,
        #[arg(long)]
        dead: String,
        /// Stop after "published" or "confirmed" and wait to be killed.
        #[arg(long)]
        stop_at: Option<String>,
        #[arg(long, default_value_t = 1)]
        count: usize,
    },
}

fn parse_prefetch(text: &str) -> Result<Prefetch, String> {
    if text == "unlimited" {
        return Ok(Prefetch::Unlimited);
    }
    match text.parse::<u16>() {
        Ok(n) if n >= 1 => Ok(Prefetch::Limit(n)),
        _ => Err(format!(
            "'{text}' is not a prefetch: use a number from 1 to 65535 or 'unlimited'"
        )),
    }
}

#[tokio::main]
async fn main() {
    let args: Args = support_kit::parse_args();
    if let Some(Role::CrashConsumer {
        work,
        dead,
        stop_at,
        count,
    }) = args.role
    {
        let stop_at = match stop_at.as_deref() {
            None => None,
            Some("published") => Some(CrashPoint::Published),
            Some("confirmed") => Some(CrashPoint::Confirmed),
            Some(other) => support_kit::usage_error(&format!(
                "--stop-at {other}: use 'published' or 'confirmed'"
            )),
        };
        let queues = Queues { work, dead };
        exit_on_error(crash_consumer(&queues, stop_at, count).await);
        return;
    }
    let tasks = alternating_tasks(args.tasks, args.heavy_ms, args.light_ms);
    let malformed = malformed_samples();
    let mut prefetches = args.prefetch.clone();
    prefetches.sort();
    prefetches.dedup();

    let producer = exit_on_broker_error(support_broker::connect("work-queue-producer").await);
    let consumers = exit_on_broker_error(connect_consumers(args.consumers as usize).await);
    let bar = support_kit::progress(prefetches.len() as u64, "runs");
    let mut reports: Vec<RunReport> = Vec::new();
    for &prefetch in &prefetches {
        let report = run(&producer, &consumers, prefetch, &tasks, &malformed).await;
        reports.push(exit_on_error(report));
        bar.inc(1);
    }
    bar.finish_and_clear();
    for connection in consumers.iter().chain([&producer]) {
        support_broker::close(connection).await;
    }

    println!(
        "work queue: {} tasks (even ids {} ms, odd ids {} ms) and {} malformed messages, {} consumers on their own connections",
        args.tasks,
        args.heavy_ms,
        args.light_ms,
        malformed.len(),
        args.consumers
    );
    println!();
    println!(
        "{:<10} {:>9}  {:<22} {:<30} each task once",
        "prefetch", "time", "tasks per consumer", "busy per consumer"
    );
    for report in &reports {
        let counts: Vec<String> = report
            .workers
            .iter()
            .map(|w| w.done.len().to_string())
            .collect();
        let busy: Vec<String> = report
            .workers
            .iter()
            .map(|w| human_duration(w.busy))
            .collect();
        let once = each_task_once(report, args.tasks) && report.left_in_work_queue == 0;
        println!(
            "{:<10} {:>9}  {:<22} {:<30} {}",
            report.prefetch.to_string(),
            human_duration(report.elapsed),
            counts.join(" + "),
            busy.join(" + "),
            if once { "yes" } else { "NO" }
        );
    }

    let first = &reports[0].dead;
    let same = reports.iter().all(|r| &r.dead == first);
    println!();
    println!(
        "dead-letter queue after each run: {} messages, the same every run: {}",
        first.len(),
        if same { "yes" } else { "NO" }
    );
    for letter in first {
        println!(
            "  {:<32} {}",
            String::from_utf8_lossy(&letter.body),
            letter.reason
        );
    }
}

/// Every task id from 0 to `tasks` was done by exactly one consumer, once.
fn each_task_once(report: &RunReport, tasks: u64) -> bool {
    let mut ids: Vec<u64> = report.workers.iter().flat_map(|w| w.done.clone()).collect();
    ids.sort_unstable();
    ids == (0..tasks).collect::<Vec<_>>()
}
