#![forbid(unsafe_code)]

use std::time::Duration;

use async_python::{PythonKnock, knock_on_tokio, once_each, python_version, runtime};
use clap::Parser;
use support_kit::{grouped, human_duration};

/// The door knock in CPython's asyncio (asyncio.gather) beside tokio, each
/// timed from inside: first knock started to last answer in.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// Door counts to try, comma-separated.
    #[arg(long, value_delimiter = ',', default_values_t = [100u64, 1_000, 10_000],
          value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    doors: Vec<u64>,
    /// How long each door takes to open, in milliseconds.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=1_000))]
    wait_ms: u64,
    /// Runs of each; the times shown are the fastest.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u64).range(1..=100))]
    repeat: u64,
}

fn main() {
    let args: Args = support_kit::parse_args();
    let version =
        python_version().unwrap_or_else(|| support_kit::usage_error(async_python::GET_PYTHON));
    let mut python = PythonKnock::start().unwrap_or_else(|e| support_kit::usage_error(&e));
    let wait = Duration::from_millis(args.wait_ms);
    println!(
        "door knock: each door waits {}; CPython {version} asyncio against tokio; {} cores",
        human_duration(wait),
        support_kit::cores()
    );
    println!();
    println!(
        "{:>8}  {:>14} {:>14} {:>14}  answered",
        "doors", "asyncio", "tokio 1 thread", "tokio multi"
    );
    let (current, multi) = (runtime(false), runtime(true));
    for &n in &args.doors {
        let n = n as usize;
        let mut all_once = true;
        let mut best = |run: &mut dyn FnMut() -> (Duration, Vec<usize>)| {
            support_kit::fastest_reported(args.repeat, || {
                let (took, answered) = run();
                all_once &= once_each(n, &answered);
                took
            })
        };
        let py = best(&mut || python.knock(n, args.wait_ms));
        let one = best(&mut || current.block_on(knock_on_tokio(n, wait)));
        let many = best(&mut || multi.block_on(knock_on_tokio(n, wait)));
        println!(
            "{:>8}  {:>14} {:>14} {:>14}  {}",
            grouped(n as u64),
            human_duration(py),
            human_duration(one),
            human_duration(many),
            if all_once { "once each" } else { "WRONG" }
        );
    }
}
