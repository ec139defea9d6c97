#![forbid(unsafe_code)]

use std::time::Duration;

use clap::Parser;
use maxims_cost_of_operations::{Lab, Op, nanos_per_op, order_of_magnitude};
use support_kit::grouped;

/// The cost of operations: times an atomic add (alone, on a shared counter,
/// and on neighbouring counters), a lock, a message, a hand-off to a busy and
/// to a sleeping thread, a tokio task, a thread and a process on this
/// machine, in nanoseconds per operation, and shows how many orders of
/// magnitude lie between them.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// Milliseconds spent measuring each operation.
    #[arg(long, default_value_t = 300, value_parser = clap::value_parser!(u64).range(10..=10_000))]
    millis: u64,
    /// Batches per operation; the median batch counts.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=100))]
    batches: u32,
    /// Threads in the contended rows (shared counter, one line, padded, mutex).
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u64).range(2..=8))]
    contenders: u64,
}

fn main() {
    let args: Args = support_kit::parse_args();
    let lab = match Lab::new(args.contenders as usize) {
        Ok(lab) => lab,
        Err(err) => {
            eprintln!("error: could not set up the measurements: {err}");
            std::process::exit(1);
        }
    };
    let budget = Duration::from_millis(args.millis);
    let bar = support_kit::progress(Op::ALL.len() as u64, "measuring");
    let results: Vec<(Op, Option<f64>)> = Op::ALL
        .iter()
        .map(|&op| {
            let nanos = match nanos_per_op(&lab, op, budget, args.batches) {
                Ok(nanos) => Some(nanos),
                Err(err) if op == Op::Process => {
                    eprintln!("note: could not run the program `true`, so no process row: {err}");
                    None
                }
                Err(err) => {
                    eprintln!("error: {}: {err}", op.description());
                    std::process::exit(1);
                }
            };
            bar.inc(1);
            (op, nanos)
        })
        .collect();
    bar.finish_and_clear();

    println!(
        "cost of operations: {} cores, {} contending threads, median of {} batches, ~{} ms per operation",
        support_kit::cores(),
        args.contenders,
        args.batches,
        args.millis
    );
    println!();
    println!(
        "{:<40} {:>11} {:>13} {:>10} {:>14}",
        "operation", "ns per op", "× atomic add", "magnitude", "100× (1% rule)"
    );
    let atomic = results[0].1.unwrap_or(f64::NAN);
    for (op, nanos) in results {
        match nanos {
            Some(nanos) => println!(
                "{:<40} {:>11} {:>12}× {:>10} {:>14}",
                op.description(),
                ns_text(nanos),
                ratio_text(nanos / atomic),
                format!("10^{} ns", order_of_magnitude(nanos)),
                support_kit::human_nanos(100.0 * nanos)
            ),
            None => println!(
                "{:<40} {:>11} {:>13} {:>10} {:>14}",
                op.description(),
                "—",
                "—",
                "—",
                "—"
            ),
        }
    }
}

/// Three significant digits below 1,000; whole numbers with separators above.
fn ns_text(nanos: f64) -> String {
    if nanos < 1_000.0 {
        support_kit::three_digits(nanos)
    } else {
        grouped(nanos.round() as u64)
    }
}

fn ratio_text(ratio: f64) -> String {
    if ratio < 1_000.0 {
        support_kit::three_digits(ratio)
    } else {
        grouped(ratio.round() as u64)
    }
}
