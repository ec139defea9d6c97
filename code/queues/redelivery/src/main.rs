#![forbid(unsafe_code)]

use std::path::PathBuf;
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand};
use queues_redelivery::restart::{Count, survive_restart};
use queues_redelivery::{Config, Outcome, Plan, Report, Store, consume, supervise};
use support_broker::exit_on_error;

/// Kills RabbitMQ consumer processes with SIGKILL in the middle of their jobs
/// and shows that nothing is lost: the broker redelivers each unacknowledged
/// message, and an idempotent handler records every result exactly once.
/// Needs a broker at AMQP_URL (default amqp://guest:guest@127.0.0.1:5672/%2f).
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// Jobs to publish.
    #[arg(long, default_value_t = 6, value_parser = clap::value_parser!(u64).range(1..=1_000))]
    jobs: u64,
    /// Consumers to kill: deliveries 1, 3, 5, … die, alternately halfway through the job and after recording it (at most --jobs).
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u64).range(0..=1_000))]
    kills: u64,
    /// Milliseconds one job takes.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u64).range(2..=10_000))]
    cost_ms: u64,
    /// Malformed messages to publish after the jobs.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(0..=100))]
    malformed: u64,
    /// The broken mode: consume with no_ack, so a killed consumer loses jobs.
    #[arg(long)]
    auto_ack: bool,
    #[command(subcommand)]
    role: Option<Role>,
}

#[derive(Subcommand, Debug)]
enum Role {
    /// Run as a consumer (the supervisor starts these).
    #[command(hide = true)]
    Consume {
        #[arg(long)]
        queue: String,
        #[arg(long)]
        store: PathBuf,
        #[arg(long, value_parser = clap::value_parser!(u64).range(2..=10_000))]
        cost_ms: u64,
        #[arg(long)]
        auto_ack: bool,
    },
    /// Start a private RabbitMQ node (never the one at AMQP_URL), fill four
    /// queues, stop and start the node, and count what survived.
    Restart {
        /// Messages per queue.
        #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=10_000))]
        messages: u32,
    },
}

#[tokio::main]
async fn main() {
    let args: Args = support_kit::parse_args();
    if let Some(Role::Restart { messages }) = args.role {
        let counts = exit_on_error(survive_restart(messages).await);
        print_restart(&counts);
        return;
    }
    if let Some(Role::Consume {
        queue,
        store,
        cost_ms,
        auto_ack,
    }) = args.role
    {
        let store = Store::new(store);
        let cost = Duration::from_millis(cost_ms);
        exit_on_error(consume(&queue, &store, cost, auto_ack).await);
        return;
    }
    if args.kills > args.jobs {
        support_kit::usage_error(&format!(
            "--kills {} is more than --jobs {}: every kill needs a job to interrupt",
            args.kills, args.jobs
        ));
    }
    let program = exit_on_error(std::env::current_exe());
    let config = Config {
        program,
        jobs: args.jobs as usize,
        malformed: (1..=args.malformed)
            .map(|i| format!("not a job #{i}").into_bytes())
            .collect(),
        cost: Duration::from_millis(args.cost_ms),
        plan: Plan::every_other(args.kills as usize),
        auto_ack: args.auto_ack,
    };
    let start = Instant::now();
    let report = exit_on_error(supervise(&config).await);
    print(&config, &report, start.elapsed());
}

fn print(config: &Config, report: &Report, elapsed: Duration) {
    println!(
        "redelivery: {} jobs of {} ms, {} malformed; {}; {} consumer processes, {} killed with SIGKILL; {}",
        config.jobs,
        config.cost.as_millis(),
        config.malformed.len(),
        if config.auto_ack {
            "auto-ack (no_ack: prefetch ignored)"
        } else {
            "prefetch 1, manual acks"
        },
        report.consumers.len(),
        report.kills(),
        support_kit::human_duration(elapsed)
    );
    println!();
    println!(
        "{:<9} {:<9} {:<8} {:<12} what happened",
        "delivery", "consumer", "job", "redelivered"
    );
    for (i, delivery) in report.deliveries.iter().enumerate() {
        let what = match delivery.outcome {
            Outcome::KilledHalfway => "killed halfway through the job",
            Outcome::KilledAfterRecord { fresh: true } => "recorded, killed before the ack",
            Outcome::KilledAfterRecord { fresh: false } => {
                "already recorded, killed before the ack"
            }
            Outcome::Acked { fresh: true } => "recorded, acked",
            Outcome::Acked { fresh: false } => "already recorded: skipped, acked",
        };
        println!(
            "{:<9} {:<9} {:<8} {:<12} {what}",
            i + 1,
            delivery.consumer,
            delivery.id,
            if delivery.redelivered { "yes" } else { "no" }
        );
    }
    println!();

    let expected: Vec<(String, String)> = (1..=config.jobs as u64)
        .map(|n| (format!("job-{n}"), (n * n).to_string()))
        .collect();
    let records: Vec<(String, String)> = report
        .records
        .iter()
        .map(|(id, result)| (id.clone(), result.clone()))
        .collect();
    let mut sorted_expected = expected.clone();
    sorted_expected.sort();
    let yes = |ok: bool| if ok { "yes" } else { "NO" };
    println!(
        "jobs done {} times for {} jobs: every job at least once: {}",
        report.processings(),
        config.jobs,
        yes(report.ids.iter().all(|id| report
            .deliveries
            .iter()
            .any(|d| &d.id == id && matches!(d.outcome, Outcome::Acked { .. }))))
    );
    println!(
        "records {} with {} duplicates skipped: every job recorded exactly once, right result: {}",
        report.records.len(),
        report.duplicates(),
        yes(records == sorted_expected)
    );
    println!(
        "malformed messages rejected {} of {}, in the dead-letter queue {}; jobs left in the queue {}",
        report.rejected.len(),
        config.malformed.len(),
        report.dead_lettered,
        report.left_in_queue
    );
    for reason in &report.rejected {
        println!("  rejected: {reason}");
    }
    let lost = report.lost();
    if lost.is_empty() {
        println!("jobs lost 0");
    } else {
        println!("jobs lost {}: {}", lost.len(), lost.join(" "));
    }
    let reaped = report
        .consumers
        .iter()
        .filter(|c| c.killed || c.status.success())
        .count();
    println!(
        "consumer processes reaped {} of {}; killed {}, exited cleanly {}",
        reaped,
        report.consumers.len(),
        report.kills(),
        report.consumers.len() - report.kills()
    );
}

fn print_restart(counts: &[Count]) {
    println!(
        "broker restart: a private node, stopped with rabbitmqctl and started on the same data"
    );
    println!();
    println!(
        "{:<12} {:<16} {:>7} {:>7}",
        "queue", "messages", "before", "after"
    );
    for count in counts {
        let after = count
            .after
            .map_or_else(|| "gone".to_string(), |n| n.to_string());
        println!(
            "{:<12} {:<16} {:>7} {:>7}",
            if count.kind.durable_queue {
                "durable"
            } else {
                "non-durable"
            },
            if count.kind.persistent {
                "persistent (2)"
            } else {
                "transient (1)"
            },
            count.before,
            after
        );
    }
}
