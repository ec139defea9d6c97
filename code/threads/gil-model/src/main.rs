#![forbid(unsafe_code)]

use std::sync::atomic::AtomicU64;
use std::time::{Duration, Instant};

use clap::Parser;
use support_kit::{cores, grouped, human_duration};
use threads_gil_model::{Interpreter, SWITCH_INTERVAL, cpu_bound, io_bound};

/// A model of CPython's GIL: CPU-bound and I/O-bound work on 1, 2 and 4
/// threads with the GIL and without it, then `+=` on a shared counter.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// Slices of "bytecode" (a few microseconds each) in the CPU-bound run.
    #[arg(long, default_value_t = 20_000, value_parser = clap::value_parser!(u64).range(4..=100_000_000))]
    slices: u64,
    /// Requests in the I/O-bound run, each a 5 ms wait.
    #[arg(long, default_value_t = 40, value_parser = clap::value_parser!(u64).range(4..=100_000))]
    requests: u64,
    /// Increments per thread in the `+=` runs.
    #[arg(long, default_value_t = 5_000_000, value_parser = clap::value_parser!(u64).range(1..=100_000_000))]
    adds: u64,
    /// `+=` runs of each kind.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=10_000))]
    runs: u64,
}

fn time(run: impl FnOnce()) -> Duration {
    let start = Instant::now();
    run();
    start.elapsed()
}

fn main() {
    let args: Args = support_kit::parse_args();
    let wait = Duration::from_millis(5);
    println!(
        "GIL model: switch interval {}; {} cores",
        human_duration(SWITCH_INTERVAL),
        cores()
    );
    println!();
    println!(
        "{:<32}  {:>7}  {:>10}  {:>10}  {:>15}",
        "work", "threads", "GIL", "no GIL", "forced switches"
    );
    for (work, is_cpu) in [
        (format!("CPU: {} slices", grouped(args.slices)), true),
        (format!("I/O: {} waits of 5 ms", args.requests), false),
    ] {
        for threads in [1usize, 2, 4] {
            let gil = Interpreter::new(Some(SWITCH_INTERVAL));
            let free = Interpreter::new(None);
            let go = |i: &Interpreter| {
                if is_cpu {
                    cpu_bound(i, threads, args.slices)
                } else {
                    io_bound(i, threads, args.requests, wait)
                }
            };
            let with = time(|| go(&gil));
            let without = time(|| go(&free));
            println!(
                "{:<32}  {:>7}  {:>10}  {:>10}  {:>15}",
                work,
                threads,
                human_duration(with),
                human_duration(without),
                grouped(gil.report().forced_switches)
            );
        }
    }

    println!();
    println!(
        "counter += 1 on 2 threads with the GIL, {} each, {} runs",
        grouped(args.adds),
        args.runs
    );
    println!();
    println!(
        "{:<20}  {:>13}  {:>18}",
        "statement", "runs short", "most updates lost"
    );
    for (name, with_call) in [("counter += 1", false), ("counter += one()", true)] {
        let (mut short, mut most) = (0, 0);
        for _ in 0..args.runs {
            let gil = Interpreter::new(Some(SWITCH_INTERVAL));
            let counter = AtomicU64::new(0);
            gil.run(2, |_| {
                if with_call {
                    gil.add_with_call(&counter, args.adds)
                } else {
                    gil.add_plain(&counter, args.adds)
                }
            });
            let lost = 2 * args.adds - counter.into_inner();
            short += u64::from(lost > 0);
            most = most.max(lost);
        }
        println!(
            "{:<20}  {:>13}  {:>18}",
            name,
            format!("{short} of {}", args.runs),
            grouped(most)
        );
    }
}
