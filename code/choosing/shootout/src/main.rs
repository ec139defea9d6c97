#![forbid(unsafe_code)]

use std::process::Command;
use std::time::{Duration, Instant};

use choosing_shootout::{
    Cell, Kit, Needs, Problem, Strategy, cells_of, expected, find, peak_rss_kib,
    with_children_peak, wrong_answer,
};
use clap::Parser;

/// Every recurring problem, solved by every strategy a chapter has a public
/// function for; one table per problem, every run checked against the answer.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// Runs of each cell; the table shows their median time.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u64).range(1..=20))]
    runs: u64,
    /// Use the tests' small sizes instead of the benches' sizes.
    #[arg(long)]
    small: bool,
    /// Leave out the Python cell (it needs python3 and the built extension).
    #[arg(long)]
    no_python: bool,
    /// Leave out the broker cell (it needs a RabbitMQ at AMQP_URL).
    #[arg(long)]
    no_broker: bool,
    /// Internal: run one cell (PROBLEM/STRATEGY) once and print this
    /// process's peak resident memory in KiB, then its children's (-1: none).
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

/// Prints one error line and ends the program with exit code 1.
fn fail(message: &str) -> ! {
    eprintln!("error: {message}");
    std::process::exit(1)
}

/// The child's side of the memory column: one run of one cell in a fresh
/// process, its answer checked, then the process's peak resident memory and
/// that of the worker processes it started, summed.
fn run_one_cell(problem: Problem, strategy: Strategy, small: bool) -> ! {
    let cores = support_kit::cores();
    let Some(cell) = find(problem, strategy) else {
        fail(&format!(
            "no chapter function for {problem:?} × {strategy:?}"
        ))
    };
    let mut kit = Kit::new(cores, Needs::of(strategy)).unwrap_or_else(|e| fail(&e));
    let size = size_of(problem, small);
    let want = expected(problem, size, cores);
    // Only cells that start worker processes are watched: the watching
    // thread would add its own memory to every other cell's peak.
    let (answer, children) = if strategy.uses_other_processes() {
        with_children_peak(|| kit.solve(problem, strategy, size))
    } else {
        (kit.solve(problem, strategy, size), None)
    };
    let Some(answer) = answer else {
        fail("the cell did not run")
    };
    if let Some(complaint) = wrong_answer(cell, size, &answer, &want) {
        fail(&complaint);
    }
    let (me, children) = (peak_rss_kib().unwrap_or(-1), children.unwrap_or(-1));
    println!("{me} {children}");
    std::process::exit(0)
}

/// The peak resident memory of a fresh process that ran the cell once, or
/// `?` where it cannot be read, with `+` and its worker processes' peaks
/// where it started any (a bare `+`: they could not be read); the child's
/// error line if it failed.
fn peak_memory(problem: Problem, strategy: Strategy, small: bool) -> Result<String, String> {
    let cell = format!("{}/{}", problem.name(), strategy.name());
    let mut child = Command::new(std::env::current_exe().expect("this program's path"));
    child.args(["--cell", &cell]);
    if small {
        child.arg("--small");
    }
    let Ok(out) = child.output() else {
        return Ok("?".to_string());
    };
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let line = stderr.lines().next().unwrap_or("no message");
        return Err(format!("the memory run of {cell}: {line}"));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let kib: Vec<i64> = text
        .split_whitespace()
        .filter_map(|n| n.parse().ok())
        .collect();
    let mib = |kib: i64| format!("{:.1}", kib as f64 / 1024.0);
    Ok(match kib[..] {
        [me, _] if me > 0 && !strategy.uses_other_processes() => format!("{} MiB", mib(me)),
        [me, children] if me > 0 && children > 0 => format!("{}+{} MiB", mib(me), mib(children)),
        [me, _] if me > 0 => format!("{} MiB+", mib(me)),
        _ => "?".to_string(),
    })
}

/// Runs `cell` `runs` times at `size` and returns the median time. Each
/// run's answer is checked against `want` after its clock stops; the first
/// wrong one (or failure) comes back as one line. `None` for a cell that
/// does not run here (Python without the harness).
fn median_run(
    kit: &mut Kit,
    cell: Cell,
    size: u64,
    runs: u64,
    want: &choosing_shootout::Answer,
) -> Option<Result<Duration, String>> {
    let mut times = Vec::new();
    for _ in 0..runs {
        let start = Instant::now();
        let answer = kit.solve(cell.problem, cell.strategy, size)?;
        times.push(start.elapsed());
        if let Some(complaint) = wrong_answer(cell, size, &answer, want) {
            return Some(Err(complaint));
        }
    }
    Some(Ok(median(&mut times)))
}

/// The middle time, or the mean of the two middle times for an even count.
fn median(times: &mut [Duration]) -> Duration {
    times.sort_unstable();
    let middle = times.len() / 2;
    if times.len() % 2 == 1 {
        times[middle]
    } else {
        (times[middle - 1] + times[middle]) / 2
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
    let needs = Needs {
        python: !args.no_python,
        broker: !args.no_broker,
    };
    let mut kit = match Kit::new(cores, needs) {
        Ok(kit) => kit,
        Err(e) => {
            eprintln!("error: {e} (or leave the cell out: --no-python, --no-broker)");
            std::process::exit(1);
        }
    };
    let total: usize = Problem::ALL.iter().map(|&p| cells_of(p).len()).sum();
    let bar = support_kit::progress(total as u64, "cells");
    let mut tables = Vec::new();
    for problem in Problem::ALL {
        let size = size_of(problem, args.small);
        let want = expected(problem, size, cores);
        let mut rows = Vec::new();
        let mut baseline = None;
        for cell in cells_of(problem) {
            let run = median_run(&mut kit, cell, size, args.runs, &want);
            bar.inc(1);
            let took = match run {
                None => continue,
                Some(Ok(took)) => took,
                Some(Err(complaint)) => {
                    bar.finish_and_clear();
                    fail(&complaint)
                }
            };
            let baseline = *baseline.get_or_insert(took);
            let speed_up = baseline.as_secs_f64() / took.as_secs_f64();
            let memory = peak_memory(problem, cell.strategy, args.small).unwrap_or_else(|e| {
                bar.finish_and_clear();
                fail(&e)
            });
            rows.push(format!(
                "  {:<12} {:<45} {:>9} {:>8.2} {:>13}  yes",
                cell.strategy.name(),
                cell.function,
                support_kit::human_duration(took),
                speed_up,
                memory,
            ));
        }
        tables.push((problem, size, want, rows));
    }
    bar.finish_and_clear();
    println!(
        "{cores} cores; median of {} runs per cell; speed-up against the first row",
        args.runs
    );
    println!("peak RSS: of a fresh process that ran the cell once; A+B MiB: B, its worker");
    println!("  processes' peaks, summed (read every ms); broker: RabbitMQ's own not counted");
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
            "  {:<12} {:<45} {:>9} {:>8} {:>13}  same answer",
            "strategy", "chapter function", "time", "speed-up", "peak RSS"
        );
        for row in rows {
            println!("{row}");
        }
    }
}
