#![forbid(unsafe_code)]

use std::time::Instant;

use actors_hand_rolled::{Strategy, count, runtime};
use clap::Parser;
use support_kit::{grouped, human_duration};

/// The counter as an actor on plain tokio: N tasks each add 1 K times, through
/// an atomic, a mutex, and an actor that is told (or asked after) each
/// increment. Every way must end at N x K.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// Tasks that increment the counter.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u64).range(1..=10_000))]
    tasks: u64,
    /// Increments each task makes.
    #[arg(long, default_value_t = 50_000, value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    increments: u64,
    /// Messages the actor's mailbox holds before a send waits.
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    capacity: u64,
}

fn main() {
    let args: Args = support_kit::parse_args();
    if args.tasks * args.increments > 100_000_000 {
        support_kit::usage_error(
            "--tasks times --increments is more than 100,000,000: too long a run",
        );
    }
    let expected = args.tasks * args.increments;
    let runtime = runtime();
    let bar = support_kit::progress(Strategy::ALL.len() as u64, "counting");
    let mut rows = Vec::new();
    for strategy in Strategy::ALL {
        let start = Instant::now();
        let total = runtime.block_on(count(
            strategy,
            args.tasks,
            args.increments,
            args.capacity as usize,
        ));
        rows.push((strategy, total, start.elapsed()));
        bar.inc(1);
    }
    bar.finish_and_clear();

    println!(
        "counter: {} tasks x {} increments, expected {}",
        args.tasks,
        grouped(args.increments),
        grouped(expected)
    );
    println!(
        "actor mailbox: bounded({}); tokio multi-thread runtime, {} cores",
        grouped(args.capacity),
        support_kit::cores()
    );
    println!("the actors' counts are the values their tasks returned as they ended");
    println!();
    println!(
        "{:<12} {:>12} {:>8} {:>10}",
        "strategy", "count", "correct", "time"
    );
    for (strategy, total, time) in rows {
        println!(
            "{:<12} {:>12} {:>8} {:>10}",
            strategy.name(),
            grouped(total),
            if total == expected { "yes" } else { "NO" },
            human_duration(time)
        );
    }
}
