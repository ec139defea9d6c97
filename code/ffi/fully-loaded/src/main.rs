#![forbid(unsafe_code)]

use clap::Parser;
use ffi_fully_loaded::{DEFAULT_ROUNDS, Harness, WAYS};
use support_kit::{cores, fastest_reported, grouped, human_duration, usage_error};

/// Fully loaded from CPython: one SHA-256 chain per core, six ways, timed
/// inside Python.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// Tasks (chains); 0 means one per core.
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u64).range(0..=256))]
    tasks: u64,
    /// Rounds of SHA-256 per chain.
    #[arg(long, default_value_t = DEFAULT_ROUNDS, value_parser = clap::value_parser!(u64).range(1..=100_000_000))]
    rounds: u64,
    /// Runs of each way; the fastest is shown.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..=100))]
    runs: u64,
}

fn main() {
    let args: Args = support_kit::parse_args();
    let tasks = if args.tasks == 0 {
        cores() as u64
    } else {
        args.tasks
    };
    let mut python = Harness::start(cores()).unwrap_or_else(|e| usage_error(&e));
    let version = python.version().unwrap_or_else(|e| usage_error(&e));
    println!(
        "CPython {version}: {tasks} chains of {} SHA-256 rounds, {} cores, fastest of {} runs, timed inside Python",
        grouped(args.rounds),
        cores(),
        args.runs
    );
    println!("{:<18} {:>10}  first digest", "way", "time");
    let mut first: Option<Vec<String>> = None;
    for way in WAYS {
        let mut digests = Vec::new();
        let took = fastest_reported(args.runs, || {
            let run = python
                .run(way, tasks, args.rounds)
                .unwrap_or_else(|e| usage_error(&e));
            digests = run.digests;
            run.took
        });
        let agreed = first.get_or_insert_with(|| digests.clone()) == &digests;
        assert!(agreed, "{way} returned other digests");
        let shown = digests.first().map_or("", |d| &d[..16]);
        println!("{way:<18} {:>10}  {shown}...", human_duration(took));
    }
    println!("all {} ways returned the same {tasks} digests", WAYS.len());
}
