#![forbid(unsafe_code)]

use clap::Parser;
use rayon_crypto_crack::{Strategy, candidates, parse_password, pool, sha256};
use support_kit::{grouped, human_duration, three_digits};

/// Crypto crack with rayon: find a short lower-case password from its SHA-256
/// digest with one call to `find_any`, timed beside the Introduction's
/// atomic-cursor threads and the CSP chapter's channel pools.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// The password whose digest to crack (1 to 6 letters a-z) [default: zzzz, the last candidate].
    #[arg(long, value_parser = parse_password)]
    password: Option<String>,
    /// Threads of every pool, rayon's included [default: the number of cores].
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=256))]
    workers: Option<u64>,
    /// Runs of every crack; the table shows the fastest.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u64).range(1..=100))]
    repeat: u64,
}

fn main() {
    let args: Args = support_kit::parse_args();
    let cores = support_kit::cores();
    let workers = args.workers.map_or(cores, |w| w as usize);
    let password = args.password.as_deref().unwrap_or("zzzz");
    let length = password.len();
    let target = sha256(password.as_bytes());
    let pool = pool(workers);

    let bar = support_kit::progress(Strategy::ALL.len() as u64 * args.repeat, "cracking");
    let rows: Vec<_> = Strategy::ALL
        .iter()
        .map(|&strategy| {
            let (took, found) = support_kit::fastest_of(args.repeat, || {
                let found = strategy.crack(&target, length, workers, &pool);
                bar.inc(1);
                found
            });
            (strategy, took, found)
        })
        .collect();
    bar.finish_and_clear();

    println!(
        "crypto crack with rayon: \"{password}\" among {} candidates of {length} letters, {workers} workers, {cores} cores, fastest of {} runs",
        grouped(candidates(length)),
        args.repeat
    );
    println!();
    println!(
        "{:<22} {:>8} {:>10} {:>9}",
        "strategy", "found", "time", "speed-up"
    );
    let baseline = rows[0].1.as_secs_f64();
    for (strategy, took, found) in rows {
        println!(
            "{:<22} {:>8} {:>10} {:>8}×",
            strategy.name(),
            found.as_deref().unwrap_or("nothing"),
            human_duration(took),
            three_digits(baseline / took.as_secs_f64())
        );
    }
}
