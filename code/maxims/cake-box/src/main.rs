#![forbid(unsafe_code)]

use std::time::{Duration, Instant};

use clap::Parser;
use maxims_cake_box::{CasBox, MutexBox, RacyBox, Tally, fill_many};
use support_kit::{cores, human_duration};

/// Largest runs × bakers × capacity the command line accepts (attempts in all).
const MAX_ATTEMPTS: u64 = 1_000_000_000;

/// The cake box: bakers fill one box, each checking "is there room?" before
/// putting a cake in. Fills a fresh box many times with the racy box (check,
/// then act) and with two fixed ones, and counts the runs that ended with
/// more cakes than the box holds.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// Bakers sharing the box, each on its own thread.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u64).range(1..=64))]
    bakers: u64,
    /// Cakes the box holds; each baker tries this many times, so the box always gets full.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    capacity: u64,
    /// Times each kind of box is filled from empty.
    #[arg(long, default_value_t = 1_000, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    runs: u64,
}

fn main() {
    let args: Args = support_kit::parse_args();
    let (bakers, capacity, runs) = (args.bakers, args.capacity, args.runs);
    if runs.saturating_mul(bakers).saturating_mul(capacity) > MAX_ATTEMPTS {
        support_kit::usage_error("runs × bakers × capacity must be at most 1,000,000,000");
    }

    let bar = support_kit::progress(3, "filling boxes");
    let timed = |fill: fn(u64, usize, u64) -> Tally| {
        let start = Instant::now();
        let tally = fill(runs, bakers as usize, capacity);
        bar.inc(1);
        (tally, start.elapsed())
    };
    let rows: [(&str, (Tally, Duration)); 3] = [
        ("racy", timed(fill_many::<RacyBox>)),
        ("mutex", timed(fill_many::<MutexBox>)),
        ("compare-exchange", timed(fill_many::<CasBox>)),
    ];
    bar.finish_and_clear();

    println!(
        "cake box: {bakers} {}, a box for {capacity} cakes, each baker tries {capacity} times; \
         {runs} runs per box; {} cores",
        if bakers == 1 { "baker" } else { "bakers" },
        cores()
    );
    println!();
    println!(
        "{:<16}  {:>18}  {:>10}  {:>10}",
        "box", "runs over-filled", "most cakes", "time"
    );
    for (name, (tally, time)) in &rows {
        println!(
            "{:<16}  {:>18}  {:>10}  {:>10}",
            name,
            format!("{} of {runs}", tally.over_filled),
            tally.most_cakes,
            human_duration(*time)
        );
    }
    let racy = rows[0].1.0;
    println!();
    println!(
        "racy box: smashed cakes in {} of {runs} runs, up to {} over capacity",
        racy.over_filled,
        racy.most_cakes.saturating_sub(capacity)
    );
    let fixed_over = rows[1].1.0.over_filled + rows[2].1.0.over_filled;
    println!(
        "fixed boxes: smashed cakes in {fixed_over} of {} runs",
        2 * runs
    );
}
