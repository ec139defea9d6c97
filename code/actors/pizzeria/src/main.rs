#![forbid(unsafe_code)]

use actors_pizzeria::{DRIVERS, OVENS, as_pipeline, predicted_rate, run, runtime, shop};
use clap::Parser;
use support_kit::{human_duration, three_digits};

/// A pizza shop as actors (order taker, ovens, drivers), after Bruce Eckel's
/// pizzeria in On Java 8: throughput against the number of ovens, beside the
/// same shop as the Introduction's shoemaker pipeline.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// Pizzas ordered.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    pizzas: u64,
}

fn main() {
    let args: Args = support_kit::parse_args();
    let runtime = runtime();
    let roles = shop(1, DRIVERS);
    println!(
        "{} pizzas; every order waits at the door at opening time",
        args.pizzas
    );
    for role in &roles {
        println!(
            "  {:<12} {} per pizza",
            role.name,
            human_duration(role.cost)
        );
    }
    println!(
        "1 order taker and {DRIVERS} drivers; predicted = the slowest role's pizzas per second"
    );
    println!();
    println!(
        "{:>5} {:>10} {:>11} {:>10} {:>11} {:>11} {:>10}",
        "ovens", "predicted", "actors", "actors/s", "pipeline", "pipeline/s", "all once"
    );
    let bar = support_kit::progress(OVENS.len() as u64, "ovens");
    for ovens in OVENS {
        let roles = shop(ovens, DRIVERS);
        let day = runtime.block_on(run(&roles, args.pizzas));
        let pipeline = as_pipeline(&roles).run(args.pizzas);
        let mut ids: Vec<u64> = day.delivered.iter().map(|p| p.id).collect();
        ids.sort_unstable();
        let all_once = ids == (0..args.pizzas).collect::<Vec<_>>()
            && day.delivered.iter().all(|p| p.log == [0, 1, 2])
            && pipeline.finished.len() as u64 == args.pizzas;
        let rate = |n: usize, t: std::time::Duration| three_digits(n as f64 / t.as_secs_f64());
        println!(
            "{:>5} {:>10} {:>11} {:>10} {:>11} {:>11} {:>10}",
            ovens,
            three_digits(predicted_rate(&roles)),
            human_duration(day.elapsed),
            rate(day.delivered.len(), day.elapsed),
            human_duration(pipeline.elapsed),
            rate(pipeline.finished.len(), pipeline.elapsed),
            if all_once { "yes" } else { "NO" }
        );
        bar.inc(1);
    }
    bar.finish_and_clear();
}
