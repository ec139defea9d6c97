#![forbid(unsafe_code)]

use std::time::Duration;

use clap::{Parser, ValueEnum};
use queues_recovery::{UNANSWERED, run_stall, run_with_cuts};
use support_broker::exit_on_error;

/// A consumer that outlives its connection: cut through a proxy while it
/// works, it connects again and loses nothing (`cuts`, the default); a
/// stalled network is noticed through missed heartbeats (`heartbeat`).
/// Talks to the broker at AMQP_URL (default
/// amqp://guest:guest@127.0.0.1:5672/%2f).
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// What to show.
    #[arg(value_enum, default_value_t = Mode::Cuts)]
    mode: Mode,
    /// Messages to consume (cuts).
    #[arg(long, default_value_t = 300, value_parser = clap::value_parser!(u64).range(10..=100_000))]
    messages: u64,
    /// Connections cut, evenly spread over the run (cuts).
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u64).range(0..=20))]
    cuts: u64,
    /// Heartbeat to negotiate, in seconds (heartbeat).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=30))]
    heartbeat: u16,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Mode {
    Cuts,
    Heartbeat,
}

#[tokio::main]
async fn main() {
    let args: Args = support_kit::parse_args();
    exit_on_error(support_broker::connect("queues-recovery check").await);
    match args.mode {
        Mode::Cuts => {
            let every = args.messages / (args.cuts + 1);
            let cuts: Vec<usize> = (1..=args.cuts).map(|k| (k * every) as usize).collect();
            let work = Duration::from_millis(2);
            let run = exit_on_error(run_with_cuts(args.messages, &cuts, work).await);
            let r = &run.report;
            println!(
                "recovery: {} messages, connection cut after {:?} handled",
                run.published, cuts
            );
            println!("{:<34} {:>7}", "distinct messages handled", r.distinct);
            println!("{:<34} {:>7}", "deliveries", r.deliveries);
            println!("{:<34} {:>7}", "  flagged redelivered", r.redelivered);
            println!("{:<34} {:>7}", "reconnects", r.reconnects);
            println!("{:<34} {:>7}", "left in the queue", run.left);
            println!(
                "nothing lost: {}",
                if r.distinct == run.published && run.left == 0 {
                    "yes"
                } else {
                    "NO"
                }
            );
            // Which error ends a cut connection depends on what the consumer
            // was doing at that moment, so the output counts them by kind.
            let unanswered = r.losses.iter().filter(|l| l.contains(UNANSWERED)).count();
            let socket = r
                .losses
                .iter()
                .filter(|l| l.starts_with("IO error"))
                .count();
            println!("{:<34} {:>7}", "connections lost", r.losses.len());
            println!("{:<34} {:>7}", "  to a socket error", socket);
            println!("{:<34} {:>7}", "  to a call left unanswered", unanswered);
            println!(
                "{:<34} {:>7}",
                "  to another error",
                r.losses.len() - socket - unanswered
            );
        }
        Mode::Heartbeat => {
            let (error, after) = exit_on_error(run_stall(args.heartbeat).await);
            println!(
                "heartbeat: {} s negotiated; network stalled, sockets left open",
                args.heartbeat
            );
            println!("lapin reported after {} ms: {error}", after.as_millis());
        }
    }
}
