#![forbid(unsafe_code)]

use async_blocking::{HOWS, SETUPS, Work};
use clap::Parser;
use std::time::Duration;

/// Ticker tasks beside a blocking call: how late they wake when it runs in a
/// task, in spawn_blocking, or on rayon.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// How long each blocking call blocks, in milliseconds.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=2_000))]
    block_ms: u64,
    /// Spin the CPU instead of calling std::thread::sleep.
    #[arg(long)]
    spin: bool,
    /// How many ticker tasks run beside the blocking calls.
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..=10_000))]
    tickers: u64,
    /// How many 1 ms ticks each ticker makes.
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..=10_000))]
    ticks: u64,
}

fn main() {
    let args: Args = support_kit::parse_args();
    let d = Duration::from_millis(args.block_ms);
    let (work, what) = if args.spin {
        (Work::Spin(d), "spins the CPU")
    } else {
        (Work::Sleep(d), "calls thread::sleep")
    };
    let (tickers, ticks) = (args.tickers as usize, args.ticks as usize);
    println!(
        "{tickers} tickers × {ticks} ticks of 1 ms; each blocking call {what} for {} ms",
        args.block_ms
    );
    println!(
        "{:<26} {:<15} {:>14} {:>12} {:>19}",
        "runtime", "blocking call", "worst lateness", "tickers took", "ticks during block"
    );
    for (setup, flavor, blockers) in SETUPS {
        for (name, how) in HOWS {
            let report = async_blocking::run(flavor, how, work, blockers, tickers, ticks);
            assert_eq!(report.ticks, tickers * ticks, "every tick happened");
            let during = match how {
                async_blocking::How::Nothing => "-".to_string(),
                _ => report
                    .ticks_during_block
                    .iter()
                    .map(|t| t.to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
            };
            let late = support_kit::human_duration(report.worst_lateness);
            let took = support_kit::human_duration(report.neighbours);
            println!("{setup:<26} {name:<15} {late:>14} {took:>12} {during:>19}");
        }
    }
}
