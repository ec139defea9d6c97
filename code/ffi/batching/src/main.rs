#![forbid(unsafe_code)]

use clap::Parser;
use ffi_batching::{BATCHES, Harness, PyWay, c_per_batch, c_per_item, expected};
use std::time::Duration;
use support_kit::{grouped, human_nanos};

/// Crossing a language boundary once per item or once per batch: Rust calling
/// C, and CPython calling a Rust extension; prints the time per item.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// Items in each pass (the batch sizes go up to this).
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    items: u64,
}

fn per_item(took: Duration, items: usize) -> String {
    human_nanos(took.as_secs_f64() * 1e9 / items as f64)
}

fn main() {
    let args: Args = support_kit::parse_args();
    let n = args.items as usize;
    let items: Vec<u64> = (0..args.items).collect();
    let answer = expected(&items);
    let mut python = Harness::start(n).unwrap_or_else(|e| support_kit::usage_error(&e));
    let version = python
        .version()
        .unwrap_or_else(|e| support_kit::usage_error(&e));
    println!(
        "{} items per pass; CPython {version}; fastest of 5 passes",
        grouped(args.items)
    );
    println!(
        "{:<26} {:>7} {:>9} {:>7}",
        "caller and callee", "batch", "per item", "sum"
    );
    let verdict = |sum: u64| if sum == answer { "right" } else { "WRONG" };

    let (took, sum) = support_kit::fastest_of(5, || c_per_item(&items));
    println!(
        "{:<26} {:>7} {:>9} {:>7}",
        "Rust -> C, mix_one",
        "-",
        per_item(took, n),
        verdict(sum)
    );
    for batch in BATCHES.into_iter().filter(|&b| b <= n) {
        let (took, sum) = support_kit::fastest_of(5, || c_per_batch(&items, batch));
        let b = grouped(batch as u64);
        println!(
            "{:<26} {b:>7} {:>9} {:>7}",
            "Rust -> C, mix_sum",
            per_item(took, n),
            verdict(sum)
        );
    }

    let mut py = |way| {
        let mut sum = 0;
        let took = support_kit::fastest_reported(5, || {
            let (took, s) = python
                .run(way, 1)
                .unwrap_or_else(|e| support_kit::usage_error(&e));
            sum = s;
            took
        });
        (took, sum)
    };
    let (took, sum) = py(PyWay::PerItem);
    println!(
        "{:<26} {:>7} {:>9} {:>7}",
        "Python -> Rust, mix_one",
        "-",
        per_item(took, n),
        verdict(sum)
    );
    for batch in BATCHES.into_iter().filter(|&b| b <= n) {
        let (took, sum) = py(PyWay::PerBatch(batch));
        let b = grouped(batch as u64);
        println!(
            "{:<26} {b:>7} {:>9} {:>7}",
            "Python -> Rust, mix_sum",
            per_item(took, n),
            verdict(sum)
        );
    }
}
