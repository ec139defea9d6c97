#![forbid(unsafe_code)]

use std::time::Duration;

use clap::Parser;
use ffi_python_gil::{Ending, Harness, WAYS, run_deadlock};
use support_kit::{fastest_reported, grouped, human_duration, usage_error};

/// Counting primes from CPython threads and processes: pure Python, Rust
/// holding the GIL, Rust releasing it; then the GIL/Rust-lock deadlock.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// Each task counts the primes below this number.
    #[arg(long, default_value_t = 50_000, value_parser = clap::value_parser!(u32).range(2..=10_000_000))]
    below: u32,
    /// Runs of each way; the fastest is shown.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u64).range(1..=100))]
    runs: u64,
    /// How long the deadlock gets before it is called hung, in milliseconds.
    #[arg(long, default_value_t = 2_000, value_parser = clap::value_parser!(u64).range(100..=60_000))]
    deadlock_ms: u64,
}

fn main() {
    let args: Args = support_kit::parse_args();
    let mut python = Harness::start().unwrap_or_else(|e| usage_error(&e));
    let version = python.version().unwrap_or_else(|e| usage_error(&e));
    let expected = ffi_python_gil::count_primes(args.below);
    println!(
        "CPython {version}: each task counts the primes below {} ({} of them), fastest of {} runs, timed inside Python",
        grouped(args.below.into()),
        grouped(expected.into()),
        args.runs
    );
    println!("{:<17} {:>5} {:>10}", "way", "tasks", "time");
    for way in WAYS {
        for tasks in [1, 2] {
            let took = fastest_reported(args.runs, || {
                let run = python
                    .run(way, tasks, args.below)
                    .unwrap_or_else(|e| usage_error(&e));
                assert!(
                    run.counts.iter().all(|&c| c == u64::from(expected)),
                    "{way}: {run:?}"
                );
                run.took
            });
            println!("{way:<17} {tasks:>5} {:>10}", human_duration(took));
        }
    }
    let timeout = Duration::from_millis(args.deadlock_ms);
    for (way, what) in [
        ("holding-gil", "waiting for the Rust lock holding the GIL"),
        ("detached", "letting go of the GIL, then waiting"),
    ] {
        let ending = run_deadlock(way, timeout).unwrap_or_else(|e| usage_error(&e));
        let said = match ending {
            Ending::Hung(_) => format!("hung, killed after {}", human_duration(timeout)),
            Ending::Finished(out) => out.lines().last().unwrap_or("no output").to_string(),
        };
        println!("deadlock, {what}: {said}");
    }
}
