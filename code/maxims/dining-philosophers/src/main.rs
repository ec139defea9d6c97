#![forbid(unsafe_code)]

use std::time::Duration;

use clap::Parser;
use maxims_dining_philosophers::{Outcome, Pace, SEATS, Strategy, Until, dine};
use support_kit::{human_duration, three_digits};

/// The dining philosophers: five philosophers, five forks (Mutexes), and a
/// watchdog. Runs each strategy for a fixed time and prints meals per
/// second, the fewest and most meals one philosopher ate, and how the dinner
/// ended. The naive table deadlocks; the watchdog reports it. With
/// --strategy naive the exit code is 1 when it does.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// One strategy, or all of them: naive, ordered, waiter, try-lock-backoff,
    /// polite (livelock), greedy (starvation).
    #[arg(long, default_value = "all", value_parser = parse_strategy)]
    strategy: Choice,
    /// How long each strategy dines, in milliseconds.
    #[arg(long, default_value_t = 300, value_parser = clap::value_parser!(u64).range(10..=60_000))]
    millis: u64,
    /// Thinking between meals, in microseconds.
    #[arg(long, default_value_t = 1_000, value_parser = clap::value_parser!(u64).range(0..=100_000))]
    think_us: u64,
    /// Pause between picking up the first fork and reaching for the second, in microseconds.
    #[arg(long, default_value_t = 1_000, value_parser = clap::value_parser!(u64).range(0..=100_000))]
    reach_us: u64,
    /// Eating, in microseconds.
    #[arg(long, default_value_t = 1_000, value_parser = clap::value_parser!(u64).range(0..=100_000))]
    eat_us: u64,
    /// Longest random wait after missing the second fork (try-lock-backoff), in microseconds.
    #[arg(long, default_value_t = 2_000, value_parser = clap::value_parser!(u64).range(0..=100_000))]
    backoff_us: u64,
    /// The watchdog declares a deadlock after this many milliseconds of every philosopher waiting and no meal.
    #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u64).range(20..=60_000))]
    watchdog_ms: u64,
}

#[derive(Clone, Copy, Debug)]
enum Choice {
    All,
    One(Strategy),
}

fn parse_strategy(name: &str) -> Result<Choice, String> {
    if name == "all" {
        return Ok(Choice::All);
    }
    Strategy::from_name(name).map(Choice::One).ok_or_else(|| {
        let names: Vec<&str> = Strategy::ALL.iter().map(|s| s.name()).collect();
        format!("expected all, {}", names.join(", "))
    })
}

/// What each row shows, beside the strategy's name.
fn shows(strategy: Strategy) -> &'static str {
    match strategy {
        Strategy::Naive => "deadlock",
        Strategy::Ordered => "fix: lock order",
        Strategy::Waiter => "fix: arbitrator",
        Strategy::TryLockBackoff => "fix: back off",
        Strategy::Polite => "livelock",
        Strategy::Greedy => "starvation",
    }
}

fn main() {
    let args: Args = support_kit::parse_args();
    let us = Duration::from_micros;
    let pace = Pace {
        think: us(args.think_us),
        reach: us(args.reach_us),
        eat: us(args.eat_us),
        backoff: us(args.backoff_us),
    };
    let run_for = Duration::from_millis(args.millis);
    let window = Duration::from_millis(args.watchdog_ms);
    let strategies: Vec<Strategy> = match args.strategy {
        Choice::All => Strategy::ALL.to_vec(),
        Choice::One(strategy) => vec![strategy],
    };

    println!(
        "dining philosophers: {SEATS} at the table; think {}, reach {}, eat {}, back off up to {}",
        human_duration(pace.think),
        human_duration(pace.reach),
        human_duration(pace.eat),
        human_duration(pace.backoff)
    );
    println!(
        "each strategy dines for {}; the watchdog calls a deadlock after {} of everyone waiting and no meal",
        human_duration(run_for),
        human_duration(window)
    );
    println!();
    println!(
        "{:<16}  {:<15}  {:>6}  {:>8}  {:>4}  {:>4}  outcome",
        "strategy", "shows", "meals", "meals/s", "min", "max"
    );
    let bar = support_kit::progress(strategies.len() as u64, "dining");
    let mut deadlocked = false;
    for strategy in strategies {
        let dinner = dine(strategy, pace, Until::Elapsed(run_for), window);
        bar.inc(1);
        let outcome = match dinner.outcome {
            Outcome::Deadlocked { after } => {
                deadlocked = true;
                format!("deadlock detected after {}", human_duration(after))
            }
            Outcome::TimeUp | Outcome::Served => format!("ran {}", human_duration(dinner.elapsed)),
        };
        bar.suspend(|| {
            println!(
                "{:<16}  {:<15}  {:>6}  {:>8}  {:>4}  {:>4}  {outcome}",
                strategy.name(),
                shows(strategy),
                dinner.total(),
                three_digits(dinner.meals_per_second()),
                dinner.fewest(),
                dinner.most()
            )
        });
    }
    bar.finish_and_clear();
    // Alone, a deadlocked table is a failure; in the tour of all strategies
    // it is the expected first row.
    if deadlocked && !matches!(args.strategy, Choice::All) {
        eprintln!("deadlock: every philosopher holds one fork and waits for the next");
        std::process::exit(1);
    }
}
