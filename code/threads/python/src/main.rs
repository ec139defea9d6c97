#![forbid(unsafe_code)]

use clap::Parser;
use support_kit::{cores, grouped, human_duration};
use threads_python::{PythonThreads, rust_cpu, rust_fetch_add, rust_io, rust_load_then_store};

/// Real CPython threads beside Rust threads: CPU-bound work and waits on 1,
/// 2 and 4 threads, then `+=` on a shared counter, counted over many runs.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// Spin-loop steps in the CPU-bound run, shared among the threads.
    #[arg(long, default_value_t = 1_000_000, value_parser = clap::value_parser!(u64).range(4..=1_000_000_000))]
    steps: u64,
    /// Waits of 5 ms in the I/O-bound run, shared among the threads.
    #[arg(long, default_value_t = 40, value_parser = clap::value_parser!(u64).range(4..=100_000))]
    waits: u64,
    /// Increments per thread in the `+=` runs.
    #[arg(long, default_value_t = 1_000_000, value_parser = clap::value_parser!(u64).range(1..=100_000_000))]
    adds: u64,
    /// `+=` runs of each kind.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=10_000))]
    runs: u64,
}

fn main() {
    let args: Args = support_kit::parse_args();
    let mut py = PythonThreads::start().unwrap_or_else(|e| support_kit::usage_error(&e));
    let fail = |e: String| -> ! {
        eprintln!("{e}");
        std::process::exit(1)
    };
    let version = support_kit::python::version().unwrap_or_else(|e| fail(e));
    let interval = py.switch_interval().unwrap_or_else(|e| fail(e));
    println!(
        "CPython {version} threads beside Rust threads; switch interval {interval} s; {} cores",
        cores()
    );
    println!();
    println!(
        "{:<28}  {:>7}  {:>10}  {:>10}",
        "work", "threads", "CPython", "Rust"
    );
    for threads in [1, 2, 4] {
        let (python, _) = py.cpu(threads, args.steps).unwrap_or_else(|e| fail(e));
        let (rust, _) = rust_cpu(threads, args.steps);
        println!(
            "{:<28}  {:>7}  {:>10}  {:>10}",
            format!("CPU: {} steps", grouped(args.steps)),
            threads,
            human_duration(python),
            human_duration(rust)
        );
    }
    for threads in [1, 2, 4] {
        let (python, _) = py.io(threads, args.waits, 5).unwrap_or_else(|e| fail(e));
        let (rust, _) = rust_io(threads, args.waits, 5);
        println!(
            "{:<28}  {:>7}  {:>10}  {:>10}",
            format!("I/O: {} waits of 5 ms", args.waits),
            threads,
            human_duration(python),
            human_duration(rust)
        );
    }

    println!();
    println!(
        "a shared counter, 2 threads × {} increments, {} runs each",
        grouped(args.adds),
        args.runs
    );
    println!();
    println!(
        "{:<34}  {:>13}  {:>18}",
        "statement", "runs short", "most updates lost"
    );
    let expected = 2 * args.adds;
    let runs = args.runs;
    let rows = [
        (
            "python: counter += 1",
            tally(runs, expected, || {
                py.add(2, args.adds, false).unwrap_or_else(|e| fail(e))
            }),
        ),
        (
            "python: counter += one()",
            tally(runs, expected, || {
                py.add(2, args.adds, true).unwrap_or_else(|e| fail(e))
            }),
        ),
        (
            "rust: load, then store (Relaxed)",
            tally(runs, expected, || rust_load_then_store(2, args.adds)),
        ),
        (
            "rust: fetch_add",
            tally(runs, expected, || rust_fetch_add(2, args.adds)),
        ),
    ];
    for (name, (short, most)) in rows {
        println!(
            "{:<34}  {:>13}  {:>18}",
            name,
            format!("{short} of {runs}"),
            grouped(most)
        );
    }
}

/// Runs `run` `runs` times: in how many runs the counter came up short of
/// `expected`, and the most it fell short by.
fn tally(runs: u64, expected: u64, mut run: impl FnMut() -> u64) -> (u64, u64) {
    (0..runs).fold((0, 0), |(short, most), _| {
        let lost = expected.saturating_sub(run());
        (short + u64::from(lost > 0), most.max(lost))
    })
}
