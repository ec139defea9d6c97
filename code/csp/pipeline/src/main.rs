#![forbid(unsafe_code)]

use std::hint::black_box;

use clap::Parser;
use csp_pipeline::{BUFFERS, STAGES, expected_checksum, run, work};
use support_kit::{fastest_of, fastest_reported, grouped};

/// Pipelines and back-pressure: push items through generate -> transform ->
/// sink, three threads joined by channels, where the transform is slow; compare
/// the buffer sizes 0, 1, 16, 1024 and unbounded for time and for the most items
/// in flight at once.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// Items to push through the pipeline.
    #[arg(long, default_value_t = 2_000, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    items: u64,
    /// Steps of CPU work the slow transform does for each item.
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u32).range(0..=10_000_000))]
    rounds: u32,
    /// Runs for each buffer; the times shown are the fastest.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..=100))]
    repeat: u64,
}

fn main() {
    let args: Args = support_kit::parse_args();
    if u64::from(args.rounds) * args.items > 20_000_000_000 {
        support_kit::usage_error(
            "--items times --rounds is more than 20,000,000,000: too long a run",
        );
    }
    let expected: Vec<u64> = (0..args.items).collect();
    let checksum = expected_checksum(args.items, args.rounds);

    // The slow stage on its own, without threads or channels.
    let (alone, ()) = fastest_of(args.repeat, || {
        for item in 0..args.items {
            black_box(work(black_box(item), args.rounds));
        }
    });
    let per_item = alone.as_secs_f64() / args.items as f64;

    let bar = support_kit::progress(BUFFERS.len() as u64 * args.repeat, "pushing");
    let mut rows = Vec::new();
    let mut all_correct = true;
    for buffer in BUFFERS {
        let mut peak = 0;
        // Each run times itself (`Run::elapsed`), leaving out making the channels.
        let fastest = fastest_reported(args.repeat, || {
            let outcome = run(args.items, buffer, args.rounds);
            all_correct &= outcome.received == expected && outcome.checksum == checksum;
            peak = peak.max(outcome.peak_in_flight);
            bar.inc(1);
            outcome.elapsed
        });
        rows.push((buffer, fastest, peak));
    }
    bar.finish_and_clear();

    println!(
        "pipeline: generate -> transform -> sink, {} threads, {} items, {} cores",
        STAGES,
        grouped(args.items),
        support_kit::cores()
    );
    println!(
        "slow stage: transform, {} xorshift steps per item = {} alone ({}/s at most)",
        grouped(u64::from(args.rounds)),
        support_kit::human_nanos(per_item * 1e9),
        rate(1.0 / per_item)
    );
    println!(
        "every item arrived once, in order, in every run: {}",
        if all_correct { "yes" } else { "NO" }
    );
    println!(
        "times are the fastest of {} run{}; peaks the highest",
        args.repeat,
        if args.repeat == 1 { "" } else { "s" }
    );
    println!();
    println!(
        "{:<14} {:>10} {:>12} {:>15} {:>7}",
        "buffer", "time", "items/s", "peak in flight", "limit"
    );
    for (buffer, time, peak) in rows {
        println!(
            "{:<14} {:>10} {:>12} {:>15} {:>7}",
            buffer.to_string(),
            support_kit::human_duration(time),
            rate(args.items as f64 / time.as_secs_f64()),
            grouped(peak as u64),
            buffer
                .in_flight_limit()
                .map_or("none".to_string(), |limit| grouped(limit as u64))
        );
    }
}

/// 81300.0 -> "81.3 k".
fn rate(per_second: f64) -> String {
    if per_second >= 1e6 {
        format!("{} M", support_kit::three_digits(per_second / 1e6))
    } else if per_second >= 1e3 {
        format!("{} k", support_kit::three_digits(per_second / 1e3))
    } else {
        support_kit::three_digits(per_second)
    }
}
