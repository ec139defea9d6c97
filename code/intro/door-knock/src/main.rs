#![forbid(unsafe_code)]

use std::process::Command;
use std::time::{Duration, Instant};

use clap::{Parser, ValueEnum};
use intro_door_knock::{
    Work, busy_knocks_sequentially, busy_knocks_with_threads, every_door_once, knock_sequentially,
    knock_with_tasks, knock_with_threads, runtime,
};
use support_kit::{cores, human_duration, three_digits};

/// Knocks on many doors that each take a while to answer: one after another,
/// with one thread per knock, and with one tokio task per knock. With --busy,
/// each knock spins the CPU instead of waiting, to show that work, unlike
/// waiting, does not overlap past the number of cores.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// How many doors to knock on.
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    knocks: u64,
    /// How long each door takes to answer, in milliseconds.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=10_000))]
    wait_ms: u64,
    /// Which way to knock.
    #[arg(long, value_enum, default_value_t = Strategy::All)]
    strategy: Strategy,
    /// Spin the CPU for --wait-ms on each knock instead of waiting
    /// (runs sequential and threads only).
    #[arg(long)]
    busy: bool,
    /// Run on only this many cores: the program runs itself again under
    /// Linux's `taskset`, pinned to the first N cores it may use.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=1024))]
    cores: Option<u64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Strategy {
    All,
    Sequential,
    Threads,
    Tasks,
}

/// In `--strategy all`, the sequential run is skipped past this estimate.
const LONGEST_SEQUENTIAL: Duration = Duration::from_secs(10);

/// The most threads the threads strategy starts. Linux runs out of memory
/// mappings for thread stacks (vm.max_map_count) a few times past this, and
/// a thread that cannot set up its stack guard aborts the whole process.
const MOST_THREADS: u64 = 10_000;

/// Set in the environment of the copy of this program that runs under taskset.
const PINNED: &str = "INTRO_DOOR_KNOCK_PINNED";

fn main() {
    let args: Args = support_kit::parse_args();
    if args.busy && args.strategy == Strategy::Tasks {
        support_kit::usage_error("--busy runs the sequential and threads strategies only");
    }
    if args.strategy == Strategy::Threads && args.knocks > MOST_THREADS {
        support_kit::usage_error(&format!(
            "--strategy threads starts one thread per knock: use at most {MOST_THREADS} knocks"
        ));
    }
    let pinned = std::env::var_os(PINNED).is_some();
    if let Some(wanted) = args.cores {
        if !pinned {
            run_pinned(wanted as usize);
        }
        if cores() > wanted as usize {
            eprintln!("error: taskset did not pin the run to {wanted} cores");
            std::process::exit(1);
        }
    }
    let n = args.knocks as usize;
    let wait = Duration::from_millis(args.wait_ms);
    let estimate = wait * args.knocks as u32;
    let work = args.busy.then(|| Work::calibrated(wait));

    let doing = if args.busy {
        "spinning the CPU"
    } else {
        "waiting"
    };
    println!(
        "{n} knocks, each {doing} for {}; cores available: {}{}",
        human_duration(wait),
        cores(),
        if pinned { " (pinned with taskset)" } else { "" }
    );
    println!();
    println!(
        "{:<12} {:>7} {:>10} {:>20} {:>9} {:>15}",
        "strategy", "knocks", "time", "sequential estimate", "speed-up", "each door once"
    );

    let mut strategies = vec![Strategy::Sequential, Strategy::Threads];
    if !args.busy {
        strategies.push(Strategy::Tasks);
    }
    if args.strategy != Strategy::All {
        strategies.retain(|&s| s == args.strategy);
    }
    for strategy in strategies {
        let name = match strategy {
            Strategy::Sequential => "sequential",
            Strategy::Threads => "threads",
            _ => "tokio tasks",
        };
        if strategy == Strategy::Sequential
            && args.strategy == Strategy::All
            && estimate > LONGEST_SEQUENTIAL
        {
            println!(
                "{name:<12} {n:>7} {:>10} {:>20}",
                "skipped",
                human_duration(estimate)
            );
            continue;
        }
        if strategy == Strategy::Threads && args.knocks > MOST_THREADS {
            println!(
                "{name:<12} {n:>7} {:>10} (more than {MOST_THREADS} threads)",
                "skipped"
            );
            continue;
        }
        // The tokio runtime is built before the clock starts, as in the benchmark.
        let tokio = (strategy == Strategy::Tasks).then(runtime);
        let start = Instant::now();
        let answered = match (strategy, work) {
            (Strategy::Sequential, None) => Ok(knock_sequentially(n, wait)),
            (Strategy::Sequential, Some(work)) => Ok(busy_knocks_sequentially(n, work)),
            (Strategy::Threads, None) => knock_with_threads(n, wait),
            (Strategy::Threads, Some(work)) => busy_knocks_with_threads(n, work),
            _ => Ok(knock_with_tasks(
                tokio.as_ref().expect("built for the tasks"),
                n,
                wait,
            )),
        };
        let took = start.elapsed();
        match answered {
            Ok(answered) => println!(
                "{name:<12} {n:>7} {:>10} {:>20} {:>8}× {:>15}",
                human_duration(took),
                human_duration(estimate),
                three_digits(estimate.as_secs_f64() / took.as_secs_f64()),
                if every_door_once(&answered, n) {
                    "yes"
                } else {
                    "NO"
                }
            ),
            Err(error) => println!("{name:<12} {n:>7} failed: the OS refused a thread ({error})"),
        }
    }
}

/// Runs this program again, with the same arguments, under `taskset`, pinned
/// to the first `wanted` of the cores it may use now, and exits with its
/// exit code. Linux only: elsewhere, and without taskset, it says so and
/// exits with code 1.
fn run_pinned(wanted: usize) -> ! {
    let fail = |why: &str| -> ! {
        eprintln!("error: --cores needs Linux and its taskset command (util-linux): {why}");
        std::process::exit(1);
    };
    let Some(allowed) = allowed_cpus() else {
        fail("cannot read the cores this program may use from /proc/self/status")
    };
    if wanted > allowed.len() {
        support_kit::usage_error(&format!(
            "--cores {wanted}: this program may use only {} cores here",
            allowed.len()
        ));
    }
    let list: Vec<String> = allowed[..wanted].iter().map(u32::to_string).collect();
    let program = std::env::current_exe().unwrap_or_else(|e| fail(&e.to_string()));
    let status = Command::new("taskset")
        .arg("--cpu-list")
        .arg(list.join(","))
        .arg(program)
        .args(std::env::args_os().skip(1))
        .env(PINNED, "1")
        .status()
        .unwrap_or_else(|e| fail(&e.to_string()));
    std::process::exit(status.code().unwrap_or(1));
}

/// The cores this process may run on, from `Cpus_allowed_list` in
/// /proc/self/status (a list such as `0-3,6`). None where there is no /proc.
fn allowed_cpus() -> Option<Vec<u32>> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let list = status
        .lines()
        .find_map(|line| line.strip_prefix("Cpus_allowed_list:"))?;
    let mut cpus = Vec::new();
    for part in list.trim().split(',') {
        match part.split_once('-') {
            Some((first, last)) => cpus.extend(first.parse::<u32>().ok()?..=last.parse().ok()?),
            None => cpus.push(part.parse().ok()?),
        }
    }
    Some(cpus)
}
