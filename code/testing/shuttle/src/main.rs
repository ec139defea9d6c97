#![forbid(unsafe_code)]

use clap::Parser;
use testing_shuttle::Version;
use testing_shuttle::hunt::{self, Bug, Search, Size};

/// Hunts a lock-ordering deadlock, a lost update and a flag raised one step early with shuttle's random and
/// PCT schedulers, seed by seed, and replays one failing schedule of each.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// How many seeds to try per bug and scheduler.
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    seeds: u64,
    /// The most executions one seed may try before giving up.
    #[arg(long, default_value_t = 1_000, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    max_iterations: u64,
    /// Transfers (or increments) per thread.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u64).range(1..=1_000))]
    rounds: u64,
    /// Threads sharing the lost-update counter.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u64).range(2..=16))]
    threads: u64,
    /// Entries the filler writes in the early-flag scenario.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(2..=100))]
    entries: u64,
    /// PCT's depth (bug depth it targets).
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u64).range(1..=10))]
    depth: u64,
}

fn main() {
    let args: Args = support_kit::parse_args();
    hunt::silence_panics();
    let size = Size {
        threads: args.threads as usize,
        rounds: args.rounds as usize,
        entries: args.entries as usize,
    };
    let budget = args.max_iterations as usize;
    let searches = [
        Search::Random,
        Search::Pct {
            depth: args.depth as usize,
        },
    ];
    println!(
        "{} seeds per row, at most {} executions per seed; {} threads x {} rounds; {} entries",
        args.seeds, budget, size.threads, size.rounds, size.entries
    );
    println!(
        "{:<12} {:<8} {:>9} {:>7} {:>5} {:>5}",
        "bug", "search", "found", "median", "p90", "max"
    );
    for bug in Bug::ALL {
        for search in searches {
            let tally = hunt::survey(bug, size, search, args.seeds, budget);
            let show = |q: f64| tally.quantile(q).map_or("-".to_string(), |n| n.to_string());
            println!(
                "{:<12} {:<8} {:>9} {:>7} {:>5} {:>5}",
                bug.name(),
                search.name(),
                format!("{}/{}", tally.found, tally.seeds),
                show(0.5),
                show(0.9),
                show(1.0)
            );
        }
    }
    for bug in Bug::ALL {
        let fixed_failures = (0..args.seeds)
            .filter(|&seed| {
                hunt::iterations_to_find(bug, Version::Fixed, size, Search::Random, seed, budget)
                    .is_some()
            })
            .count();
        println!(
            "fixed {:<12} random: {} of {} seeds failed",
            bug.name(),
            fixed_failures,
            args.seeds
        );
    }
    for bug in Bug::ALL {
        let pct = searches[1];
        match hunt::find(bug, size, pct, 0, budget) {
            None => println!("{}: seed 0 found nothing to replay", bug.name()),
            Some(found) => {
                println!(
                    "{}: seed 0 under {} failed at execution {}: {}",
                    bug.name(),
                    pct.name(),
                    found.iteration,
                    first_line(&found.message)
                );
                println!("  schedule: {}", found.schedule);
                let again = hunt::replay(bug, Version::Broken, size, &found.schedule);
                println!(
                    "  replayed: {}",
                    again.map_or("passed (not reproduced)".to_string(), |m| format!(
                        "failed again: {}",
                        first_line(&m)
                    ))
                );
            }
        }
    }
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or("")
}
