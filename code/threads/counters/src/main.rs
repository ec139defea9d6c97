#![forbid(unsafe_code)]

use std::time::Instant;

use clap::Parser;
use support_kit::{cores, grouped, human_duration};
use threads_counters::{Way, layout, racy_losses};

/// The counter problem: N threads each add one to a shared count K times.
/// Counts it five ways, shows what each got against N·K, and how often the
/// racy way lost updates over many runs.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// Threads counting at once (N).
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u64).range(1..=64))]
    threads: u64,
    /// Increments per thread (K).
    #[arg(long, default_value_t = 1_000_000, value_parser = clap::value_parser!(u64).range(1..=100_000_000))]
    k: u64,
    /// Times the racy counter is run again to tally its losses.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    runs: u64,
}

fn main() {
    let args: Args = support_kit::parse_args();
    let (threads, k) = (args.threads as usize, args.k);
    if args.runs.saturating_mul(args.threads).saturating_mul(k) > 10_000_000_000 {
        support_kit::usage_error("runs × threads × k must be at most 10,000,000,000");
    }
    let expected = args.threads * k;
    println!(
        "counter: {threads} threads × {} increments, expected {}; {} cores",
        grouped(k),
        grouped(expected),
        cores()
    );
    println!();
    println!(
        "{:<16}  {:>14}  {:>14}  {:>10}",
        "way", "count", "lost", "time"
    );
    for way in Way::ALL {
        let start = Instant::now();
        let count = way.count(threads, k);
        let time = start.elapsed();
        println!(
            "{:<16}  {:>14}  {:>14}  {:>10}",
            way.name(),
            grouped(count),
            grouped(expected - count),
            human_duration(time)
        );
    }
    println!();
    let losses = racy_losses(args.runs, threads, k);
    println!(
        "racy, {} runs of {threads} × {}: lost updates in {} runs, at most {} in one run, {} in all",
        losses.runs,
        grouped(k),
        losses.runs_that_lost,
        grouped(losses.most_lost),
        grouped(losses.total_lost)
    );
    println!();
    for (name, size, align) in layout() {
        println!("{name:<24} size {size:>3} bytes, alignment {align:>3}");
    }
}
