#![forbid(unsafe_code)]

use std::sync::{Mutex, RwLock};
use std::time::{Duration, Instant};

use arc_swap::ArcSwap;
use clap::Parser;
use support_kit::{cores, grouped, human_duration};
use threads_read_mostly::{
    Config, Outcome, ReadWrite, ReadersFirst, Shared, Starvation, starve, workload,
};

/// Read-mostly data: a configuration read by several threads and written
/// now and then, shared through a Mutex, an RwLock and an arc-swap
/// snapshot; then whether a writer gets its turn while readers keep reading.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// Threads sharing the configuration.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u64).range(1..=64))]
    threads: u64,
    /// Operations in all, shared among the threads.
    #[arg(long, default_value_t = 1_000_000, value_parser = clap::value_parser!(u64).range(1..=100_000_000))]
    ops: u64,
    /// One operation in this many is a write.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u64).range(2..=1_000_000))]
    write_every: u64,
    /// How long each starvation run lasts, in milliseconds.
    #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u64).range(10..=60_000))]
    starve_ms: u64,
}

fn timed<S: Shared>(args: &Args) -> (&'static str, Outcome, Duration) {
    let shared = S::new(Config::new(0));
    let start = Instant::now();
    let outcome = workload(&shared, args.threads, args.ops, args.write_every);
    (S::NAME, outcome, start.elapsed())
}

fn starved<L: ReadWrite>(lock: &L, run: Duration) -> (&'static str, Starvation) {
    (L::NAME, starve(lock, 2, Duration::from_micros(200), run))
}

fn main() {
    let args: Args = support_kit::parse_args();
    if args.ops < args.threads {
        support_kit::usage_error("--ops must be at least --threads");
    }
    let rows = [
        timed::<Mutex<Config>>(&args),
        timed::<RwLock<Config>>(&args),
        timed::<ArcSwap<Config>>(&args),
    ];
    println!(
        "read-mostly: {} operations on {} threads, one in {} a write; {} cores",
        grouped(args.ops),
        args.threads,
        args.write_every,
        cores()
    );
    println!();
    println!(
        "{:<9}  {:>11}  {:>9}  {:>10}  {:>10}",
        "shared by", "reads", "writes", "torn reads", "time"
    );
    for (name, o, time) in &rows {
        println!(
            "{:<9}  {:>11}  {:>9}  {:>10}  {:>10}",
            name,
            grouped(o.reads),
            grouped(o.writes),
            grouped(o.torn),
            human_duration(*time)
        );
    }

    let run = Duration::from_millis(args.starve_ms);
    let starvation = [
        starved(&RwLock::new(0u64), run),
        starved(&ReadersFirst::default(), run),
    ];
    println!();
    println!(
        "a writer (once a millisecond) against 2 readers holding the read lock 200 µs at a time, for {}",
        human_duration(run)
    );
    println!();
    println!(
        "{:<13}  {:>9}  {:>9}  {:>16}",
        "lock", "reads", "writes", "longest wait"
    );
    for (name, s) in &starvation {
        println!(
            "{:<13}  {:>9}  {:>9}  {:>16}",
            name,
            grouped(s.reads),
            grouped(s.writes),
            human_duration(s.longest_wait)
        );
    }
}
