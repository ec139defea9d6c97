#![forbid(unsafe_code)]

use clap::Parser;
use rayon_word_count::{Strategy, pool, sequential, text, top};
use support_kit::{grouped, human_duration, three_digits};

/// Word count: how often each word occurs in a made-up text, counted
/// sequentially, by threads over channels, by rayon's fold and reduce (over
/// its own splitting and over par_bridge), into a sharded DashMap and into
/// one Mutex<HashMap>; every version must give the same counts.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// Words in the text.
    #[arg(long, default_value_t = 2_000_000, value_parser = clap::value_parser!(u64).range(1..=100_000_000))]
    words: u64,
    /// Distinct words the text is made from.
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    vocabulary: u64,
    /// Threads for the channel version and rayon's pool [default: the number of cores].
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=256))]
    workers: Option<u64>,
    /// Runs of every version; the table shows the fastest.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u64).range(1..=100))]
    repeat: u64,
}

fn main() {
    let args: Args = support_kit::parse_args();
    let cores = support_kit::cores();
    let workers = args.workers.map_or(cores, |w| w as usize);
    let pool = pool(workers);
    let text = text(args.words as usize, args.vocabulary as usize, 42);
    let expected = sequential(&text);

    let bar = support_kit::progress(Strategy::ALL.len() as u64 * args.repeat, "counting");
    let mut agree = true;
    let rows: Vec<_> = Strategy::ALL
        .iter()
        .map(|&strategy| {
            let (took, counts) = support_kit::fastest_of(args.repeat, || {
                let counts = strategy.count(&text, workers, &pool);
                bar.inc(1);
                counts
            });
            agree &= counts == expected;
            (strategy, took)
        })
        .collect();
    bar.finish_and_clear();

    println!(
        "word count: {} words ({} distinct, {} lines, {} bytes), {workers} workers, {cores} cores, fastest of {} runs",
        grouped(args.words),
        grouped(expected.len() as u64),
        grouped(text.lines().count() as u64),
        grouped(text.len() as u64),
        args.repeat
    );
    println!(
        "every version gives the same counts: {}",
        if agree { "yes" } else { "NO" }
    );
    println!();
    println!("{:<16} {:>10} {:>9}", "version", "time", "speed-up");
    let baseline = rows[0].1.as_secs_f64();
    for (strategy, took) in rows {
        println!(
            "{:<16} {:>10} {:>8}×",
            strategy.name(),
            human_duration(took),
            three_digits(baseline / took.as_secs_f64())
        );
    }
    println!();
    println!("the most common words:");
    for (word, count) in top(&expected, 5) {
        println!("  {word:<10} {:>10}", grouped(count));
    }
}
