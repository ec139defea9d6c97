#![forbid(unsafe_code)]

use std::process::Command;

use choosing_shootout::{Kit, Problem, Strategy, cells_of, expected, peak_rss_kib};
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
    /// Internal: run one cell (PROBLEM/STRATEGY) once and print this
    /// process's peak resident memory in KiB.
    #[arg(long, hide = true, value_parser = parse_cell)]
    cell: Option<(Problem, Strategy)>,
}

fn parse_cell(text: &str) -> Result<(Problem, Strategy), String> {
    let (problem, strategy) = text.split_once('/').ok_or("expected PROBLEM/STRATEGY")?;
    let problem = Problem::from_name(problem).ok_or(format!("no problem {problem:?}"))?;
    let strategy = Strategy::from_name(strategy).ok_or(format!("no strategy {strategy:?}"))?;
    Ok((problem, strategy))
}

fn size_of(problem: Problem, small: bool) -> u64 {
    if small {
        problem.test_size()
    } else {
        problem.bench_size()
    }
}

/// The child's side of the memory column: one run of one cell in a fresh
/// process, then the process's peak resident memory.
fn run_one_cell(problem: Problem, strategy: Strategy, small: bool) -> ! {
    let cores = support_kit::cores();
    let mut kit = Kit::new(cores, strategy == Strategy::PythonRust).unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(1)
    });
    match kit.solve(problem, strategy, size_of(problem, small)) {
        Some(Ok(_)) => println!("{}", peak_rss_kib().unwrap_or(-1)),
        _ => std::process::exit(1),
    }
    std::process::exit(0)
}

/// The peak resident memory of a fresh process that ran the cell once, or
/// `?` where it cannot be read.
fn peak_memory(problem: Problem, strategy: Strategy, small: bool) -> String {
    let cell = format!("{}/{}", problem.name(), strategy.name());
    let mut child = Command::new(std::env::current_exe().expect("this program's path"));
    child.args(["--cell", &cell]);
    if small {
        child.arg("--small");
    }
    let kib = child
        .output()
        .ok()
        .filter(|out| out.status.success())
        .and_then(|out| {
            String::from_utf8_lossy(&out.stdout)
                .trim()
                .parse::<i64>()
                .ok()
        })
        .filter(|&kib| kib > 0);
    match kib {
        Some(kib) => format!("{:.1} MiB", kib as f64 / 1024.0),
        None => "?".to_string(),
    }
}

fn main() {
    // First: a worker process of the process pool is this program again.
    procspawn::init();
    let args: Args = support_kit::parse_args();
    if let Some((problem, strategy)) = args.cell {
        run_one_cell(problem, strategy, args.small);
    }
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
        let size = size_of(problem, args.small);
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
            let mut memory = peak_memory(problem, cell.strategy, args.small);
            if cell.strategy.uses_other_processes() {
                memory.push('+');
            }
            rows.push(format!(
                "  {:<12} {:<40} {:>9} {:>8.2} {:>10}  {}",
                cell.strategy.name(),
                cell.function,
                support_kit::human_duration(took),
                speed_up,
                memory,
                verdict
            ));
        }
        tables.push((problem, size, want, rows));
    }
    bar.finish_and_clear();
    println!(
        "{cores} cores; fastest of {} runs per cell; speed-up against the first row",
        args.runs
    );
    println!(
        "peak RSS: of a fresh process that ran the cell once (+: worker processes not counted)"
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
            "  {:<12} {:<40} {:>9} {:>8} {:>10}  same answer",
            "strategy", "chapter function", "time", "speed-up", "peak RSS"
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
