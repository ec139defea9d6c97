#![forbid(unsafe_code)]

use std::time::Duration;

use clap::Parser;
use intro_crypto_crack::{
    Digest, MAX_LENGTH, Outcome, candidates, crack, crack_sequential, parse_digest, parse_password,
    sha256, to_hex,
};
use support_kit::grouped;

/// The password cracked when no target is given: the last candidate of four
/// letters, so every run hashes all of them.
const DEFAULT_PASSWORD: &str = "zzzz";

/// Crypto crack: find a short lower-case password from its SHA-256 digest by
/// hashing every candidate, with one worker and with many, and see where
/// adding workers stops helping.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// The password whose digest to crack [default: zzzz, the last candidate].
    #[arg(long, value_parser = parse_password, conflicts_with = "digest")]
    password: Option<String>,
    /// The digest to crack, as 64 hex digits, instead of a password.
    #[arg(long, value_parser = parse_digest)]
    digest: Option<Digest>,
    /// Letters in the password [default: the password's length, or 4].
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=MAX_LENGTH as u64))]
    length: Option<u64>,
    /// Workers for the main crack [default: the number of cores].
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=1024))]
    workers: Option<u64>,
    /// Runs of every crack; the times shown are the fastest.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=100))]
    repeat: u64,
}

fn main() {
    let args: Args = support_kit::parse_args();
    let cores = support_kit::cores();
    let (target, length, shown) = match (&args.password, args.digest) {
        (_, Some(digest)) => (digest, args.length.map_or(4, |l| l as usize), None),
        (password, None) => {
            let password = password.as_deref().unwrap_or(DEFAULT_PASSWORD);
            if args.length.is_some_and(|l| l as usize != password.len()) {
                support_kit::usage_error("--length differs from the length of --password");
            }
            (sha256(password.as_bytes()), password.len(), Some(password))
        }
    };
    let workers = args.workers.map_or(cores, |w| w as usize);

    // Every row of the table: (label, workers); None means the sequential loop.
    let mut table: Vec<Option<usize>> = vec![None];
    let mut counts = vec![1, 2, cores, 2 * cores];
    counts.sort_unstable();
    counts.dedup();
    table.extend(counts.into_iter().map(Some));

    let bar = support_kit::progress((table.len() as u64 + 1) * args.repeat, "cracking");
    let timed = |run: Option<usize>| {
        let (best, outcome) = support_kit::fastest_of(args.repeat, || {
            let result = match run {
                None => crack_sequential(&target, length),
                Some(w) => crack(&target, length, w),
            };
            bar.inc(1);
            result
        });
        (outcome, best)
    };
    let (main_outcome, main_time) = timed(Some(workers));
    let rows: Vec<(Option<usize>, Outcome, Duration)> = table
        .into_iter()
        .map(|run| {
            let (outcome, time) = timed(run);
            (run, outcome, time)
        })
        .collect();
    bar.finish_and_clear();

    let target_line = match shown {
        Some(password) => format!("{} (SHA-256 of \"{password}\")", to_hex(&target)),
        None => to_hex(&target),
    };
    println!(
        "crypto crack: {length} letters a-z, {} candidates, {cores} cores, fastest of {} runs",
        grouped(candidates(length)),
        args.repeat
    );
    println!("target  {target_line}");
    println!(
        "found   {} after {} hashes in {} with {workers} workers",
        main_outcome.password.as_deref().unwrap_or("nothing"),
        grouped(main_outcome.tried),
        support_kit::human_duration(main_time)
    );
    println!();
    println!(
        "{:<12} {:>7} {:>10} {:>9} {:>12}",
        "run", "workers", "time", "speed-up", "hashes/s"
    );
    let baseline = rows[0].2.as_secs_f64();
    for (run, outcome, time) in rows {
        let seconds = time.as_secs_f64();
        println!(
            "{:<12} {:>7} {:>10} {:>8}× {:>10} M",
            if run.is_some() {
                "threads"
            } else {
                "sequential"
            },
            run.unwrap_or(1),
            support_kit::human_duration(time),
            support_kit::three_digits(baseline / seconds),
            support_kit::three_digits(outcome.tried as f64 / seconds / 1e6)
        );
    }
}
