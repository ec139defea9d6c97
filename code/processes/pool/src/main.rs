#![forbid(unsafe_code)]

use std::time::{Duration, Instant};

use clap::Parser;
use processes_pool::{
    children_left, exec_self_and_wait, pool_map, pool_map_chunked, pool_task_join,
    procspawn_spawn_join, rayon_map, sequential_map, square_unless_13, tasks, thread_spawn_join,
    work, work_batch,
};
use procspawn::Pool;
use support_kit::{fastest_of, grouped, human_duration, three_digits};

/// Python's Pool.map in Rust: procspawn's process pool against rayon and a
/// plain loop. Prints what it costs to start a thread or a process, then maps
/// tasks of growing size every way, then shows a task that panics in a worker.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// Worker processes in the pool [default: the number of cores].
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=64))]
    workers: Option<u64>,
    /// Tasks in every map.
    #[arg(long, default_value_t = 16, value_parser = clap::value_parser!(u64).range(1..=10_000))]
    tasks: u64,
    /// The largest work per task in the map table, in steps (1,000 to 10,000,000 are tried).
    #[arg(long, default_value_t = 10_000_000, value_parser = clap::value_parser!(u64).range(1_000..=1_000_000_000))]
    max_steps: u64,
    /// Starts of each kind timed for the startup table (the median is shown).
    #[arg(long, default_value_t = 21, value_parser = clap::value_parser!(u64).range(1..=1_000))]
    samples: u64,
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort_unstable();
    times[times.len() / 2]
}

fn time_it<T>(samples: u64, mut run: impl FnMut() -> T) -> Duration {
    median(
        (0..samples)
            .map(|_| {
                let start = Instant::now();
                std::hint::black_box(run());
                start.elapsed()
            })
            .collect(),
    )
}

fn main() {
    // Before anything else: a worker process starts here too, and must not
    // parse arguments or print anything.
    processes_pool::init();
    let args: Args = support_kit::parse_args();
    let cores = support_kit::cores();
    let workers = args.workers.map_or(cores, |w| w as usize);

    let started = Instant::now();
    let pool = Pool::new(workers).unwrap_or_else(|err| {
        eprintln!("error: cannot start the pool: {err}");
        std::process::exit(1);
    });
    let pool_start = started.elapsed();

    println!("processes-pool: Pool.map with {workers} worker processes on {cores} cores");
    println!();
    println!("start a task and wait for it (median of {}):", args.samples);
    let rows: [(&str, Duration); 4] = [
        (
            "thread spawn + join",
            time_it(args.samples, thread_spawn_join),
        ),
        (
            "process: exec self + wait",
            time_it(args.samples, || {
                exec_self_and_wait().expect("this program can start itself")
            }),
        ),
        (
            "process: procspawn::spawn + join",
            time_it(args.samples, || {
                procspawn_spawn_join().expect("the process answers")
            }),
        ),
        (
            "task on a warm pool + join",
            time_it(args.samples, || {
                pool_task_join(&pool).expect("the worker answers")
            }),
        ),
    ];
    for (what, time) in rows {
        println!("  {what:<34} {:>9}", human_duration(time));
    }
    println!(
        "  {:<34} {:>9}",
        format!("(starting the pool of {workers})"),
        human_duration(pool_start)
    );

    println!();
    println!(
        "map {} tasks, fastest of 2 runs; speed-up against the plain loop:",
        args.tasks
    );
    println!(
        "{:>12} {:>10} {:>10} {:>13} {:>10} {:>7} {:>8} {:>7}",
        "steps/task", "sequential", "pool", "pool-chunked", "rayon", "pool", "chunked", "rayon"
    );
    let mut same = true;
    let sizes = [1_000, 100_000, 1_000_000, 10_000_000];
    for steps in sizes.into_iter().filter(|&s| s <= args.max_steps) {
        let items = tasks(args.tasks, steps);
        let (sequential, expected) = fastest_of(2, || sequential_map(items.clone(), work));
        let (pooled, from_pool) = fastest_of(2, || pool_map(&pool, items.clone(), work));
        let (chunked, from_chunks) = fastest_of(2, || {
            pool_map_chunked(&pool, items.clone(), workers, work_batch)
        });
        let (threads, from_rayon) = fastest_of(2, || rayon_map(items.clone(), work));
        let from_pool: Option<Vec<u64>> = from_pool.into_iter().map(Result::ok).collect();
        same &= from_pool.as_ref() == Some(&expected)
            && from_chunks.ok().as_ref() == Some(&expected)
            && from_rayon == expected;
        let speedup = |t: Duration| {
            format!(
                "{}×",
                three_digits(sequential.as_secs_f64() / t.as_secs_f64())
            )
        };
        println!(
            "{:>12} {:>10} {:>10} {:>13} {:>10} {:>7} {:>8} {:>7}",
            grouped(steps),
            human_duration(sequential),
            human_duration(pooled),
            human_duration(chunked),
            human_duration(threads),
            speedup(pooled),
            speedup(chunked),
            speedup(threads),
        );
    }
    println!(
        "same results in the same order every way: {}",
        if same { "yes" } else { "NO" }
    );

    println!();
    println!("a task that panics: square 10..=15 in the pool, 13 panics");
    for (n, result) in (10..=15).zip(pool_map(&pool, 10..=15u64, square_unless_13)) {
        match result {
            Ok(square) => println!("  task {n:>2}: ok, {square}"),
            Err(err) => {
                // The message may be lost when the worker dies first, so the
                // details go to stderr and stdout gets one stable line.
                eprintln!("note: task {n}: {err}");
                println!("  task {n:>2}: error, its worker process was replaced");
            }
        }
    }
    println!(
        "  the parent carried on; the pool still answers: {}",
        if pool_task_join(&pool).is_ok() {
            "yes"
        } else {
            "NO"
        }
    );

    drop(pool);
    let left = children_left(Duration::from_secs(2));
    println!();
    println!(
        "child processes left after the pool is dropped: {}",
        left.len()
    );
}
