#![forbid(unsafe_code)]

use clap::Parser;
use csp_fan_out_fan_in::{
    DEFAULT_BLOCK, MAX_LENGTH, WorkerPanicked, candidates, crack_atomic_cursor, crack_pool,
    crack_prefilled, crack_sequential, sha256,
};
use support_kit::grouped;

/// Fan-out, fan-in: crack a short lower-case password from its SHA-256 digest
/// with a dispatcher that sends blocks of candidates to a pool of workers over
/// a channel and collects their reports over another, against the
/// Introduction's sequential loop and its threads sharing an atomic cursor.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// The password whose digest to crack (1 to 6 letters a-z) [default: zzzz, the last candidate].
    #[arg(long, value_parser = intro_crypto_crack::parse_password)]
    password: Option<String>,
    /// Workers in the pool and threads sharing the cursor [default: the number of cores].
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=256))]
    workers: Option<u64>,
    /// Candidates per job message for the prefilled queue; the channel pool compares it with blocks of 1, 16, 256 and 1,024.
    #[arg(long, default_value_t = DEFAULT_BLOCK, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    block: u64,
    /// Runs of every crack; the times shown are the fastest.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u64).range(1..=100))]
    repeat: u64,
}

/// A worker panicked: say so in one line and exit with an error.
fn fail<T>(error: WorkerPanicked) -> T {
    eprintln!("error: {error}");
    std::process::exit(1)
}

/// One row of the table: how the search was run.
#[derive(Clone, Copy)]
enum Run {
    Sequential,
    AtomicCursor(usize),
    Pool { workers: usize, block: u64 },
    Prefilled { workers: usize, block: u64 },
}

fn main() {
    let args: Args = support_kit::parse_args();
    let cores = support_kit::cores();
    let password = args.password.as_deref().unwrap_or("zzzz");
    let length = password.len();
    debug_assert!(length <= MAX_LENGTH);
    let target = sha256(password.as_bytes());
    let workers = args.workers.map_or(cores, |w| w as usize);

    let mut blocks = vec![1, 16, 256, 1_024, args.block];
    blocks.sort_unstable();
    blocks.dedup();
    let mut runs = vec![Run::Sequential, Run::AtomicCursor(workers)];
    runs.extend(blocks.iter().map(|&block| Run::Pool { workers, block }));
    runs.push(Run::Prefilled {
        workers,
        block: args.block,
    });

    let bar = support_kit::progress(runs.len() as u64 * args.repeat, "cracking");
    let mut rows = Vec::new();
    for run in runs {
        let (best, (outcome, messages)) = support_kit::fastest_of(args.repeat, || {
            let result = match run {
                Run::Sequential => (crack_sequential(&target, length), 0),
                Run::AtomicCursor(w) => (crack_atomic_cursor(&target, length, w), 0),
                Run::Pool { workers, block } => {
                    let pool = crack_pool(&target, length, workers, block).unwrap_or_else(fail);
                    (pool.outcome(), pool.blocks_sent + pool.reports_received)
                }
                Run::Prefilled { workers, block } => {
                    let queue =
                        crack_prefilled(&target, length, workers, block).unwrap_or_else(fail);
                    (queue.outcome(), queue.blocks_sent + queue.reports_received)
                }
            };
            bar.inc(1);
            result
        });
        rows.push((run, outcome, messages, best));
    }
    bar.finish_and_clear();

    println!(
        "fan-out, fan-in: crack \"{password}\" among {} candidates of {length} letters, {workers} workers, {cores} cores, fastest of {} runs",
        grouped(candidates(length)),
        args.repeat
    );
    let answers: Vec<&str> = rows
        .iter()
        .map(|(_, outcome, _, _)| outcome.password.as_deref().unwrap_or("nothing"))
        .collect();
    let agree = answers.windows(2).all(|pair| pair[0] == pair[1]);
    println!(
        "found   {} by every run: {}",
        answers[0],
        if agree { "yes" } else { "NO" }
    );
    println!();
    println!(
        "{:<22} {:>7} {:>6} {:>9} {:>10} {:>9} {:>10}",
        "run", "workers", "block", "messages", "time", "speed-up", "hashes/s"
    );
    let baseline = rows[0].3.as_secs_f64();
    for (run, outcome, messages, time) in rows {
        let (name, w, block) = match run {
            Run::Sequential => ("sequential", 1, "-".to_string()),
            Run::AtomicCursor(w) => ("threads-atomic-cursor", w, grouped(DEFAULT_BLOCK)),
            Run::Pool { workers, block } => ("channel-pool", workers, grouped(block)),
            Run::Prefilled { workers, block } => ("prefilled-queue", workers, grouped(block)),
        };
        let seconds = time.as_secs_f64();
        println!(
            "{:<22} {:>7} {:>6} {:>9} {:>10} {:>8}× {:>8} M",
            name,
            w,
            block,
            grouped(messages),
            support_kit::human_duration(time),
            support_kit::three_digits(baseline / seconds),
            support_kit::three_digits(outcome.tried as f64 / seconds / 1e6)
        );
    }
}
