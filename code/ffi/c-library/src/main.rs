#![forbid(unsafe_code)]

use clap::Parser;
use ffi_c_library::{SCANNERS, corpus, scan_all, wrong};
use support_kit::{grouped, human_duration};

/// Scans texts with a C word scanner from 1, 2 and 4 Rust threads, four ways:
/// a static cursor (broken), the same under a lock, a per-thread cursor, and a
/// reentrant _r function; prints how many texts came out wrong and how long it took.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// How many texts to scan.
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u64).range(1..=10_000))]
    texts: u64,
    /// Words in each text.
    #[arg(long, default_value_t = 2_000, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    words: u64,
    /// Times the hash goes over each word (the work per word).
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..=1_000))]
    rounds: u32,
}

const RUNS: u64 = 3;
/// All the texts together hold at most this many words (about 200 MB of text).
const MAX_WORDS: u64 = 20_000_000;

fn main() {
    let args: Args = support_kit::parse_args();
    // Each range is fine alone; together they could ask for tens of gigabytes.
    if args.texts * args.words > MAX_WORDS {
        support_kit::usage_error(&format!(
            "--texts × --words is {}, more than the {} words this program will hold",
            grouped(args.texts * args.words),
            grouped(MAX_WORDS)
        ));
    }
    let texts = corpus(args.texts as usize, args.words as usize);
    println!(
        "{} texts × {} words, hash {} times per word; 3 runs each: wrong texts in all, fastest time",
        grouped(args.texts),
        grouped(args.words),
        args.rounds
    );
    println!(
        "{:<14} {:>7} {:>15} {:>10}",
        "scanner", "threads", "wrong texts", "fastest"
    );
    for scanner in SCANNERS {
        for threads in [1, 2, 4] {
            // Wrong answers are counted over all three runs; the time is the fastest.
            let mut bad = 0;
            let took = support_kit::fastest_reported(RUNS, || {
                let (took, tallies) =
                    support_kit::fastest_of(1, || scan_all(scanner, texts, threads, args.rounds));
                bad += wrong(texts, &tallies, args.rounds);
                took
            });
            println!(
                "{:<14} {:>7} {:>15} {:>10}",
                scanner.name(),
                threads,
                format!("{bad} of {}", RUNS as usize * texts.len()),
                human_duration(took)
            );
        }
    }
}
