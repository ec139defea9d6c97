#![forbid(unsafe_code)]

use clap::Parser;
use maxims_amdahl::{MAX_WORKERS, Tally, amdahl_prediction, one_thread, run};
use support_kit::grouped;

/// Amdahl's law, measured: run a fixed amount of CPU work with a serial part
/// of 0%, 10% and 50% on 1, 2 and 4 workers, and print each measured speed-up
/// beside the one Amdahl's law predicts.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// Units of work in the whole job (each is a fixed amount of arithmetic).
    #[arg(long, default_value_t = 4_000, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    units: u64,
    /// Serial parts to try, in percent of the job, separated by commas.
    #[arg(long, value_delimiter = ',', default_value = "0,10,50",
          value_parser = clap::value_parser!(u64).range(0..=100))]
    serial: Vec<u64>,
    /// Worker counts to try, separated by commas.
    #[arg(long, value_delimiter = ',', default_value = "1,2,4",
          value_parser = clap::value_parser!(u64).range(1..=MAX_WORKERS as u64))]
    workers: Vec<u64>,
    /// Runs of every row; the times shown are the fastest.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..=100))]
    repeat: u64,
}

fn main() {
    let args: Args = support_kit::parse_args();
    if args.units * args.repeat * (args.serial.len() * args.workers.len() + 1) as u64 > 2_000_000 {
        support_kit::usage_error(
            "--units × --repeat × rows is at most 2,000,000 (minutes of work)",
        );
    }
    let cores = support_kit::cores();
    let mut serials = args.serial.clone();
    serials.sort_unstable();
    serials.dedup();
    let mut workers = args.workers.clone();
    workers.sort_unstable();
    workers.dedup();

    let bar = support_kit::progress(
        (serials.len() * workers.len() + 1) as u64 * args.repeat,
        "working",
    );
    let fastest = |job: &dyn Fn() -> Tally| {
        // Every run is checked, not only the last.
        let (best, ()) = support_kit::fastest_of(args.repeat, || {
            let tally = job();
            bar.inc(1);
            assert_eq!(tally.units(), args.units, "every unit runs exactly once");
        });
        best
    };
    let baseline = fastest(&|| one_thread(args.units));
    let mut rows = Vec::new();
    for &percent in &serials {
        for &w in &workers {
            let time = fastest(&|| run(args.units, percent as f64 / 100.0, w as usize));
            rows.push((percent, w as usize, time));
        }
    }
    bar.finish_and_clear();

    println!(
        "amdahl: {} units of work, {} on one thread, fastest of {} runs",
        grouped(args.units),
        support_kit::human_duration(baseline),
        args.repeat
    );
    println!();
    let capped = format!("predicted on {cores} cores");
    println!(
        "{:>6} {:>7} {:>10} {:>9} {:>9} {:>w$}",
        "serial",
        "workers",
        "time",
        "measured",
        "predicted",
        capped,
        w = capped.len()
    );
    for (percent, w, time) in rows {
        let s = percent as f64 / 100.0;
        println!(
            "{:>5}% {:>7} {:>10} {:>8}× {:>8}× {:>w$}×",
            percent,
            w,
            support_kit::human_duration(time),
            support_kit::three_digits(baseline.as_secs_f64() / time.as_secs_f64()),
            support_kit::three_digits(amdahl_prediction(s, w)),
            support_kit::three_digits(amdahl_prediction(s, w.min(cores))),
            w = capped.len() - 1
        );
    }
    println!();
    println!(
        "measured = one-thread time / row time; predicted = 1 / (serial + (1 - serial) / workers)"
    );
    println!(
        "this machine has {cores} cores: at most {cores} workers compute at once, so the last column \
         uses min(workers, {cores})"
    );
}
