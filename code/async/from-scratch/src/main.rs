#![forbid(unsafe_code)]

use std::time::Duration;

use async_from_scratch::{knock_from_scratch, knock_on_tokio, runtime};
use clap::Parser;
use support_kit::{grouped, human_duration};

/// The door knock on a hand-made executor, waker and timer thread, then on
/// tokio: every door must answer exactly once.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// Doors to knock on, one task each.
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    doors: u64,
    /// How long each door takes to open, in milliseconds.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(0..=10_000))]
    wait_ms: u64,
    /// Runs of each; the times shown are the fastest.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u64).range(1..=100))]
    repeat: u64,
}

/// "once each" if every door in 0..doors answered exactly once.
fn verdict(doors: usize, answered: impl IntoIterator<Item = usize>) -> String {
    let mut seen = vec![0u32; doors];
    for door in answered {
        seen[door] += 1;
    }
    if seen.iter().all(|&n| n == 1) {
        "once each".into()
    } else {
        "WRONG".into()
    }
}

fn main() {
    let args: Args = support_kit::parse_args();
    let doors = args.doors as usize;
    let wait = Duration::from_millis(args.wait_ms);
    println!(
        "door knock: {} doors, each waiting {}, one task per door",
        grouped(args.doors),
        human_duration(wait)
    );
    println!();
    println!(
        "{:<26} {:>10} {:>10} {:>12}  answered",
        "executor", "time", "polls", "stale wakes"
    );
    for (name, by_hand) in [
        ("from scratch, async fn", false),
        ("from scratch, by hand", true),
    ] {
        let (took, run) =
            support_kit::fastest_of(args.repeat, || knock_from_scratch(doors, wait, by_hand));
        println!(
            "{:<26} {:>10} {:>10} {:>12}  {}",
            name,
            human_duration(took),
            grouped(run.polls),
            grouped(run.stale_wakes),
            verdict(doors, run.outputs.iter().map(|&(_, door)| door))
        );
    }
    for (name, workers) in [
        ("tokio, current thread", None),
        ("tokio, multi-thread", Some(support_kit::cores())),
    ] {
        let rt = runtime(workers);
        let (took, answered) =
            support_kit::fastest_of(args.repeat, || rt.block_on(knock_on_tokio(doors, wait)));
        println!(
            "{:<26} {:>10} {:>10} {:>12}  {}",
            name,
            human_duration(took),
            "-",
            "-",
            verdict(doors, answered)
        );
    }
}
