#![forbid(unsafe_code)]

use clap::Parser;
use std::time::Duration;
use testing_stress::{
    Bug, Distribution, Inputs, NOISES, find_counterexample, parallel_sum, parallel_sum_broken,
    shuttle_code_shows,
};

/// Stress loops on two bugs (runs until each shows, with and without noise), then proptest on a parallel sum.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// Stress loops per bug and noise.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    trials: u32,
    /// Runs per stress loop before it gives up.
    #[arg(long, default_value_t = 400, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    cap: u32,
    /// Milliseconds the watchdog waits before it calls a run of the shuttle crate's transfers deadlocked.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u64).range(1..=60_000))]
    patience_ms: u64,
    /// Random cases proptest tries per property.
    #[arg(long, default_value_t = 256, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    cases: u32,
}

fn show(q: Option<u32>, cap: u32) -> String {
    q.map_or(format!(">{cap}"), |n| n.to_string())
}

fn main() {
    let args: Args = support_kit::parse_args();
    println!(
        "stress loops: {} trials per row, each up to {} runs of 2 threads; runs until the bug first showed",
        args.trials, args.cap
    );
    println!(
        "{:<12} {:<6} {:>7} {:>7} {:>7} {:>7} {:>13}",
        "bug", "noise", "min", "median", "p90", "max", "never found"
    );
    for bug in [Bug::LostUpdate, Bug::Deadlock] {
        for noise in NOISES {
            let d = Distribution::measure(bug, noise, args.trials as usize, args.cap);
            let max = if d.missed > 0 {
                None
            } else {
                d.found.last().copied()
            };
            println!(
                "{:<12} {:<6} {:>7} {:>7} {:>7} {:>7} {:>7} of {:<3}",
                bug.name(),
                noise.name(),
                show(d.quantile(0.0), args.cap),
                show(d.quantile(0.5), args.cap),
                show(d.quantile(0.9), args.cap),
                show(max, args.cap),
                d.missed,
                args.trials
            );
        }
    }
    println!();
    println!(
        "the testing-shuttle crate's own code on std threads (2 threads x 3 steps), no noise; watchdog patience {} ms",
        args.patience_ms
    );
    let patience = Duration::from_millis(args.patience_ms);
    for bug in [Bug::LostUpdate, Bug::Deadlock] {
        let mut found = Vec::new();
        for _ in 0..args.trials {
            if let Some(n) = (1..=args.cap).find(|_| shuttle_code_shows(bug, patience)) {
                found.push(n);
            }
        }
        found.sort_unstable();
        let d = Distribution {
            missed: args.trials as usize - found.len(),
            found,
        };
        let max = if d.missed > 0 {
            None
        } else {
            d.found.last().copied()
        };
        println!(
            "{:<12} {:<6} {:>7} {:>7} {:>7} {:>7} {:>7} of {:<3}",
            bug.name(),
            "none",
            show(d.quantile(0.0), args.cap),
            show(d.quantile(0.5), args.cap),
            show(d.quantile(0.9), args.cap),
            show(max, args.cap),
            d.missed,
            args.trials
        );
    }
    println!();
    println!(
        "proptest, {} cases from a fixed seed: parallel sum against the sequential sum, up to 99 numbers, 1..=8 workers",
        args.cases
    );
    let candidates: [(&str, testing_stress::SumFn); 2] = [
        ("parallel_sum", parallel_sum),
        ("parallel_sum_broken", parallel_sum_broken),
    ];
    for (inputs, label) in [
        (Inputs::AnyVec, "any vector"),
        (Inputs::Run, "a run offset..offset+len"),
    ] {
        for (name, candidate) in candidates {
            match find_counterexample(candidate, inputs, args.cases) {
                None => println!("  {label:<24} {name:<20} passed every case"),
                Some((data, workers)) if data.len() <= 8 => println!(
                    "  {label:<24} {name:<20} failed; shrunk to data = {data:?}, workers = {workers}: sum {} instead of {}",
                    candidate(&data, workers),
                    testing_stress::sum(&data)
                ),
                Some((data, workers)) => println!(
                    "  {label:<24} {name:<20} failed; shrunk to {} numbers ({} of them non-zero), workers = {workers}",
                    data.len(),
                    data.iter().filter(|&&x| x != 0).count()
                ),
            }
        }
    }
}
