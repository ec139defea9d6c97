#![forbid(unsafe_code)]

use std::time::Duration;

use clap::Parser;
use maxims_measure_first::{MAX_WORKERS, Method, Problem};
use support_kit::grouped;

/// The most comparisons the linear scan may face (queries × items): about a
/// minute of scanning on one core.
const MAX_COMPARISONS: u64 = 50_000_000_000;

/// Measure first: count how many of N numbers occur in an unsorted list of M
/// numbers, by scanning the list (with one thread and with several), by
/// binary search in a sorted copy, and with a hash set. Threads divide the
/// scan's time by the cores at best; the data structures divide it by far more.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// How many numbers to look up.
    #[arg(long, default_value_t = 30_000, value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    queries: u64,
    /// How many numbers the unsorted list holds.
    #[arg(long, default_value_t = 50_000, value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    items: u64,
    /// Threads for the threaded methods [default: the number of cores].
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=MAX_WORKERS as u64))]
    workers: Option<u64>,
    /// Seed of the pseudo-random numbers.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Runs of every method; the times shown are the fastest.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u64).range(1..=100))]
    repeat: u64,
}

fn main() {
    let args: Args = support_kit::parse_args();
    if args.queries * args.items > MAX_COMPARISONS {
        support_kit::usage_error(&format!(
            "--queries × --items is at most {} (the linear scan would take minutes)",
            grouped(MAX_COMPARISONS)
        ));
    }
    let cores = support_kit::cores();
    let workers = args.workers.map_or(cores, |w| w as usize);
    let problem = Problem::generate(args.queries as usize, args.items as usize, args.seed);
    let methods = [
        Method::LinearScan,
        Method::LinearScanThreads(workers),
        Method::SortedBinarySearch,
        Method::HashSet,
        Method::HashSetThreads(workers),
    ];

    let bar = support_kit::progress(methods.len() as u64 * args.repeat, "looking up");
    let rows: Vec<(Method, usize, Duration)> = methods
        .into_iter()
        .map(|method| {
            let (best, hits) = support_kit::fastest_of(args.repeat, || {
                let hits = method.hits(&problem);
                bar.inc(1);
                hits
            });
            (method, hits, best)
        })
        .collect();
    bar.finish_and_clear();

    println!(
        "measure first: {} queries in an unsorted list of {} numbers, {cores} cores, fastest of {} runs",
        grouped(args.queries),
        grouped(args.items),
        args.repeat
    );
    println!();
    println!(
        "{:<22} {:>7} {:>10} {:>10} {:>8}",
        "method", "workers", "time", "speed-up", "hits"
    );
    let baseline = rows[0].2.as_secs_f64();
    for (method, hits, time) in &rows {
        println!(
            "{:<22} {:>7} {:>10} {:>9}× {:>8}",
            method.name(),
            method.workers(),
            support_kit::human_duration(*time),
            support_kit::three_digits(baseline / time.as_secs_f64()),
            grouped(*hits as u64)
        );
    }
    let agree = rows.iter().all(|row| row.1 == rows[0].1);
    println!();
    println!(
        "every method found the same {} hits: {}",
        grouped(rows[0].1 as u64),
        if agree { "yes" } else { "NO" }
    );
}
