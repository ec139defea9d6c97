#![forbid(unsafe_code)]

use clap::Parser;
use std::time::Duration;
use testing_async::{
    Transfer, drop_at_every_await, failing_attempt, retry_drifting, retry_on_schedule,
};

/// A retry loop that drifts, on the real clock; a transfer dropped at every .await, lossy and fixed.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// Items the transfer moves.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=1_000))]
    items: u32,
    /// Milliseconds between attempts of the retry loop.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u64).range(1..=10_000))]
    every_ms: u64,
    /// Milliseconds each (failing) attempt takes.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(0..=10_000))]
    attempt_ms: u64,
}

fn offsets(started: &[Duration]) -> String {
    let ms: Vec<String> = started.iter().map(|d| d.as_millis().to_string()).collect();
    ms.join(" ")
}

fn main() {
    let args: Args = support_kit::parse_args();
    let every = Duration::from_millis(args.every_ms);
    let attempt = Duration::from_millis(args.attempt_ms);
    let deadline = every * 5;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a runtime");
    println!(
        "retry every {} ms until {} ms, attempts of {} ms that fail (real clock): ms at which each attempt started",
        args.every_ms,
        deadline.as_millis(),
        args.attempt_ms
    );
    let drifting = runtime.block_on(retry_drifting(every, deadline, || failing_attempt(attempt)));
    println!(
        "  {:<18} {:>2} attempts: {}",
        "sleep after each",
        drifting.len(),
        offsets(&drifting)
    );
    let scheduled = runtime.block_on(retry_on_schedule(every, deadline, || {
        failing_attempt(attempt)
    }));
    println!(
        "  {:<18} {:>2} attempts: {}",
        "interval",
        scheduled.len(),
        offsets(&scheduled)
    );
    println!();
    println!(
        "transfer of {} items, dropped after n polls, for every n until it finishes",
        args.items
    );
    for (name, transfer) in [
        ("take then put", Transfer::Lossy),
        ("reserve, take, fill", Transfer::Reserved),
    ] {
        let reports = drop_at_every_await(transfer, args.items);
        let losing: Vec<String> = reports
            .iter()
            .filter(|r| r.lost > 0)
            .map(|r| r.polls.to_string())
            .collect();
        let worst = reports.iter().map(|r| r.lost).max().unwrap_or(0);
        println!(
            "  {:<20} {:>3} drop points, {:>3} lose an item (most lost: {}){}{}",
            name,
            reports.len() - 1,
            losing.len(),
            worst,
            if losing.is_empty() {
                ""
            } else {
                "; after polls "
            },
            losing.join(" ")
        );
    }
}
