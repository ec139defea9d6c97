#![forbid(unsafe_code)]

use std::time::Duration;

use actors_supervision::{Config, Strategy, jobs, quiet_poison_panics, spread, supervise};
use clap::Parser;
use support_kit::grouped;

/// Let it crash: workers under a ractor supervisor take jobs one at a time and
/// panic on poison ones; the supervisor restarts them (one-for-one or
/// one-for-all) until restart intensity says the crashes will not stop.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// Jobs to run.
    #[arg(long, default_value_t = 20_000, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    jobs: u64,
    /// Poison jobs among them, spread evenly.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u64).range(0..=1_000))]
    poison: u64,
    /// Workers under the supervisor.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u64).range(1..=256))]
    workers: u64,
    /// Restarts allowed within the period before the supervisor gives up.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(0..=10_000))]
    max_restarts: u32,
    /// The period, in seconds, over which restarts are counted.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..=3_600))]
    period: u64,
}

fn main() {
    let args: Args = support_kit::parse_args();
    if args.poison > args.jobs {
        support_kit::usage_error("--poison is more than --jobs");
    }
    quiet_poison_panics();
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    let poison = spread(args.jobs, args.poison);
    let config = |strategy, max_restarts| Config {
        workers: args.workers as usize,
        strategy,
        max_restarts,
        period: Duration::from_secs(args.period),
    };

    println!(
        "{} jobs, {} poisoned, {} workers; restart intensity: at most {} restarts in {} s",
        grouped(args.jobs),
        args.poison,
        args.workers,
        args.max_restarts,
        args.period
    );
    println!(
        "lost = jobs neither finished, nor poisoned, nor abandoned when the supervisor gave up"
    );
    println!();
    println!(
        "{:<28} {:>8} {:>9} {:>5} {:>10} {:>8} {:>8} {:>10}",
        "run", "finished", "poisoned", "lost", "abandoned", "restarts", "gave up", "duplicates"
    );
    let runs = [
        (
            "one-for-one",
            config(Strategy::OneForOne, args.max_restarts),
            poison.clone(),
        ),
        (
            "one-for-all",
            config(Strategy::OneForAll, args.max_restarts),
            poison.clone(),
        ),
        // A crash loop: every job is poison. Intensity must stop it.
        (
            "one-for-one, all poison",
            config(Strategy::OneForOne, args.max_restarts),
            (0..args.jobs).collect(),
        ),
    ];
    for (name, config, poison) in runs {
        let outcome = runtime.block_on(supervise(config, jobs(args.jobs, &poison)));
        let accounted = outcome.results.len() + outcome.poisoned.len() + outcome.abandoned;
        println!(
            "{:<28} {:>8} {:>9} {:>5} {:>10} {:>8} {:>8} {:>10}",
            name,
            grouped(outcome.results.len() as u64),
            outcome.poisoned.len(),
            args.jobs as usize - accounted,
            grouped(outcome.abandoned as u64),
            outcome.restarts,
            if outcome.gave_up { "yes" } else { "no" },
            outcome.duplicates
        );
    }
}
