#![forbid(unsafe_code)]

use std::time::Duration;

use clap::Parser;
use processes_fully_loaded::{DEFAULT_ROUNDS, Strategy, process_pool, run, tasks};
use support_kit::{fastest_of, grouped, human_duration, three_digits};

/// Fully loaded: one CPU-heavy task per core (a chain of SHA-256 hashes), run
/// by a plain loop, a pool of worker processes, scoped threads and rayon.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// Tasks to run [default: one per core].
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=256))]
    tasks: Option<u64>,
    /// SHA-256 rounds per task.
    #[arg(long, default_value_t = DEFAULT_ROUNDS, value_parser = clap::value_parser!(u64).range(1..=100_000_000))]
    rounds: u64,
    /// Runs of every strategy; the times shown are the fastest.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u64).range(1..=100))]
    repeat: u64,
}

fn main() {
    // First: a worker process is this program started again, and starts here.
    procspawn::init();
    let args: Args = support_kit::parse_args();
    let cores = support_kit::cores();
    let count = args.tasks.map_or(cores as u64, |t| t);
    let work = tasks(count, args.rounds);
    let workers = cores.min(count as usize);

    let bar = support_kit::progress(Strategy::ALL.len() as u64 * args.repeat, "running");
    let mut rows = Vec::new();
    let mut pool_start = Duration::MAX;
    for strategy in Strategy::ALL {
        let (best, digests) = fastest_of(args.repeat, || {
            let result = if strategy == Strategy::ProcessPool {
                process_pool(&work, workers).map(|(digests, start_up)| {
                    pool_start = pool_start.min(start_up);
                    digests
                })
            } else {
                run(strategy, &work, workers)
            };
            bar.inc(1);
            result.unwrap_or_else(|err| {
                eprintln!("error: {} failed: {err}", strategy.name());
                std::process::exit(1);
            })
        });
        rows.push((strategy, best, digests));
    }
    bar.finish_and_clear();

    println!(
        "fully loaded: {count} tasks of {} SHA-256 rounds each, {cores} cores, fastest of {} runs",
        grouped(args.rounds),
        args.repeat
    );
    println!(
        "{:<14} {:>8} {:>10} {:>9}",
        "strategy", "workers", "time", "speed-up"
    );
    let baseline = rows[0].1.as_secs_f64();
    for (strategy, time, _) in &rows {
        let parallel = match strategy {
            Strategy::Sequential => 1,
            Strategy::Threads => count as usize,
            Strategy::ProcessPool | Strategy::Rayon => workers,
        };
        println!(
            "{:<14} {:>8} {:>10} {:>8}×",
            strategy.name(),
            parallel,
            human_duration(*time),
            three_digits(baseline / time.as_secs_f64())
        );
    }
    println!(
        "starting the pool's {workers} processes took {} of the process-pool time",
        human_duration(pool_start)
    );
    let same = rows.windows(2).all(|pair| pair[0].2 == pair[1].2);
    println!(
        "every strategy computed the same digests: {}",
        if same { "yes" } else { "NO" }
    );
}
