#![forbid(unsafe_code)]

use choosing_shootout::{Kit, Problem, cells_of, expected};
use clap::Parser;

/// Every recurring problem, solved by every strategy a chapter has a public
/// function for; one table per problem, each run checked against the answer.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// Runs of each cell; the table shows the fastest.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u64).range(1..=20))]
    runs: u64,
    /// Use the tests' small sizes instead of the benches' sizes.
    #[arg(long)]
    small: bool,
    /// Leave out the Python cell (it needs python3).
    #[arg(long)]
    no_python: bool,
}

fn main() {
    // First: a worker process of the process pool is this program again.
    procspawn::init();
    let args: Args = support_kit::parse_args();
    let cores = support_kit::cores();
    let mut kit = match Kit::new(cores, !args.no_python) {
        Ok(kit) => kit,
        Err(e) => {
            eprintln!("cannot start the Python harness ({e}); try --no-python");
            std::process::exit(1);
        }
    };
    let total: usize = Problem::ALL.iter().map(|&p| cells_of(p).len()).sum();
    let bar = support_kit::progress(total as u64, "cells");
    let mut tables = Vec::new();
    let mut wrong = 0;
    for problem in Problem::ALL {
        let size = if args.small {
            problem.test_size()
        } else {
            problem.bench_size()
        };
        let want = expected(problem, size, cores);
        let mut rows = Vec::new();
        let mut baseline = None;
        for cell in cells_of(problem) {
            let (took, answer) =
                support_kit::fastest_of(args.runs, || kit.solve(problem, cell.strategy, size));
            bar.inc(1);
            let Some(answer) = answer else { continue };
            let verdict = match answer {
                Ok(answer) if answer == want => "yes".to_string(),
                Ok(answer) => {
                    wrong += 1;
                    format!("NO: {}", answer.summary())
                }
                Err(e) => {
                    wrong += 1;
                    format!("FAILED: {e}")
                }
            };
            let baseline = *baseline.get_or_insert(took);
            let speed_up = baseline.as_secs_f64() / took.as_secs_f64();
            rows.push(format!(
                "  {:<12} {:<40} {:>9} {:>8.2}  {}",
                cell.strategy.name(),
                cell.function,
                support_kit::human_duration(took),
                speed_up,
                verdict
            ));
        }
        tables.push((problem, size, want, rows));
    }
    bar.finish_and_clear();
    println!(
        "{cores} cores; fastest of {} runs per cell; speed-up against sequential",
        args.runs
    );
    for (problem, size, want, rows) in tables {
        println!();
        println!(
            "{}: {} {}; answer: {}",
            problem.name(),
            support_kit::grouped(size),
            problem.size_means(),
            want.summary()
        );
        println!(
            "  {:<12} {:<40} {:>9} {:>8}  same answer",
            "strategy", "chapter function", "time", "speed-up"
        );
        for row in rows {
            println!("{row}");
        }
    }
    if wrong > 0 {
        eprintln!("{wrong} cells gave a different answer");
        std::process::exit(1);
    }
}
