#![forbid(unsafe_code)]

use std::time::Duration;

use clap::Parser;
use intro_shoemaker_elves::workshop;
use support_kit::{human_duration, three_digits};

/// The shoemaker and the elves: a four-stage pipeline (cut, stitch, sole, polish) whose
/// slowest stage sets the pace. Compares layouts of elves, measured against predicted.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// How many shoes to make.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    shoes: u64,

    /// Elves at cut, stitch, sole and polish (4 numbers, each 1..=64). Without it,
    /// several layouts are compared.
    #[arg(long, value_delimiter = ',', value_parser = clap::value_parser!(u64).range(1..=64))]
    elves: Option<Vec<u64>>,

    /// Milliseconds one elf needs per shoe at cut, stitch, sole and polish (4 numbers).
    /// The elves sleep for this long: a stand-in for handwork.
    #[arg(long, value_delimiter = ',', default_value = "1,4,2,1", value_parser = milliseconds)]
    costs_ms: Vec<f64>,
}

/// A positive, finite number of milliseconds, at most ten seconds.
fn milliseconds(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(ms) if ms.is_finite() && ms > 0.0 && ms <= 10_000.0 => Ok(ms),
        _ => Err("expected milliseconds above 0 and at most 10000".to_string()),
    }
}

/// Exactly four values, one per stage, or a one-line error.
fn four<T: Copy>(flag: &str, values: &[T]) -> [T; 4] {
    match values {
        &[a, b, c, d] => [a, b, c, d],
        _ => support_kit::usage_error(&format!(
            "{flag} takes exactly 4 comma-separated numbers (cut,stitch,sole,polish), got {}",
            values.len()
        )),
    }
}

/// The layouts compared by default: elves at cut-stitch-sole-polish.
const LAYOUTS: [[usize; 4]; 6] = [
    [1, 1, 1, 1],
    [2, 1, 1, 1],
    [1, 1, 1, 2],
    [1, 2, 1, 1],
    [1, 4, 2, 1],
    [2, 8, 4, 2],
];

fn main() {
    let args: Args = support_kit::parse_args();
    let costs = four("--costs-ms", &args.costs_ms).map(|ms| Duration::from_secs_f64(ms / 1e3));
    let layouts: Vec<[usize; 4]> = match &args.elves {
        Some(elves) => vec![four("--elves", elves).map(|n| n as usize)],
        None => LAYOUTS.to_vec(),
    };
    let costs_text: Vec<String> = costs.iter().map(|&c| human_duration(c)).collect();
    println!("{} shoes through cut, stitch, sole and polish", args.shoes);
    println!(
        "one elf needs {} a shoe there (a sleep stands in for handwork)",
        costs_text.join(", ")
    );
    println!();
    println!(
        "{:<9}  {:>17}  {:>18}  {:>12}  bottleneck",
        "layout", "measured shoes/s", "predicted shoes/s", "of predicted"
    );
    let bar = support_kit::progress(layouts.len() as u64, "layouts");
    let mut first = None;
    for elves in layouts {
        let pipeline = workshop(costs, elves);
        let report = pipeline.run(args.shoes);
        let predicted = pipeline.predicted_throughput();
        let slowest: Vec<&str> = pipeline
            .bottlenecks()
            .into_iter()
            .map(|i| pipeline.stages[i].name.as_str())
            .collect();
        println!(
            "{:<9}  {:>17}  {:>18}  {:>10.0} %  {}",
            pipeline.layout(),
            three_digits(report.throughput()),
            three_digits(predicted),
            report.throughput() / predicted * 100.0,
            slowest.join("+")
        );
        first.get_or_insert((pipeline, report));
        bar.inc(1);
    }
    bar.finish_and_clear();
    println!();
    println!("layout: elves at cut-stitch-sole-polish; predicted: min over stages of elves / cost");

    let Some((pipeline, report)) = first else {
        return;
    };
    println!();
    println!(
        "layout {}: {} shoes in {}",
        pipeline.layout(),
        report.finished.len(),
        human_duration(report.elapsed)
    );
    println!(
        "{:<7}  {:>8}  {:>5}  {:>9}  {:>11}",
        "stage", "cost", "elves", "busy", "utilisation"
    );
    for (stage, measured) in pipeline.stages.iter().zip(&report.stages) {
        println!(
            "{:<7}  {:>8}  {:>5}  {:>9}  {:>9.0} %",
            stage.name,
            human_duration(stage.cost),
            stage.elves,
            human_duration(measured.busy),
            measured.utilisation * 100.0
        );
    }
}
