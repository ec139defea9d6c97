#![forbid(unsafe_code)]

use std::io;
use std::process::exit;
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand};
use processes_crash_isolation::{
    Config, Fault, checksum, children_of, expected, faults, plan, serve, supervise,
};
use support_kit::{grouped, human_duration};

/// Crash isolation: a supervisor runs worker processes (this binary, re-run as
/// `worker`) that pull jobs over pipes; workers that panic, abort or hang are
/// noticed, reported, restarted, and their jobs re-queued, so no job is lost
/// and none is counted twice.
#[derive(Parser, Debug)]
#[command(version, args_conflicts_with_subcommands = true)]
struct Args {
    #[command(subcommand)]
    role: Option<Role>,
    /// Worker processes.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u64).range(1..=64))]
    workers: u64,
    /// Jobs to run.
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    jobs: u64,
    /// Numbers in each job.
    #[arg(long, default_value_t = 2_000, value_parser = clap::value_parser!(u64).range(2..=10_000_000))]
    width: u64,
    /// Jobs whose worker panics on the first attempt.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u64).range(0..=1_000))]
    panics: u64,
    /// Jobs whose worker aborts (SIGABRT) on the first attempt.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u64).range(0..=1_000))]
    aborts: u64,
    /// Jobs whose worker hangs on the first attempt, until the deadline kills it (SIGKILL).
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u64).range(0..=1_000))]
    hangs: u64,
    /// Of the sabotaged jobs, how many crash on every attempt (poison jobs).
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u64).range(0..=1_000))]
    poison: u64,
    /// Milliseconds a job may run before its worker is killed.
    #[arg(long, default_value_t = 300, value_parser = clap::value_parser!(u64).range(10..=600_000))]
    deadline_ms: u64,
    /// Attempts at a job before it is given up.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=100))]
    max_attempts: u32,
    /// Also print one line per crash, with the worker's last words.
    #[arg(long)]
    log: bool,
}

#[derive(Subcommand, Debug)]
enum Role {
    /// Reads jobs from stdin and writes progress and results to stdout (the
    /// supervisor starts this).
    #[command(hide = true)]
    Worker,
}

fn main() {
    let args: Args = support_kit::parse_args();
    if let Some(Role::Worker) = args.role {
        match serve(io::stdin().lock(), io::stdout().lock()) {
            Ok(_) => exit(0),
            Err(e) => {
                eprintln!("error: {e}");
                exit(if e.kind() == io::ErrorKind::InvalidData {
                    2
                } else {
                    1
                })
            }
        }
    }
    let sabotaged = args.panics + args.aborts + args.hangs;
    if sabotaged > args.jobs {
        support_kit::usage_error(&format!(
            "{sabotaged} faults need at least as many jobs, not {}",
            args.jobs
        ));
    }
    if args.poison > sabotaged {
        support_kit::usage_error(&format!(
            "--poison {} is more than the {sabotaged} sabotaged jobs",
            args.poison
        ));
    }
    if let Err(e) = run(&args) {
        eprintln!("error: {e}");
        exit(1);
    }
}

fn run(args: &Args) -> io::Result<()> {
    let program = std::env::current_exe()?;
    let injected = faults(
        args.panics as usize,
        args.aborts as usize,
        args.hangs as usize,
    );
    let jobs = plan(args.jobs, args.width, &injected, args.poison as usize);
    let config = Config {
        workers: args.workers as usize,
        deadline: Duration::from_millis(args.deadline_ms),
        max_attempts: args.max_attempts,
    };
    let start = Instant::now();
    let summary = supervise(&program, jobs.clone(), &config)?;
    let elapsed = start.elapsed();
    let want = expected(&jobs);

    println!(
        "crash isolation: {} worker processes, {} jobs, faults injected: {} panic, {} abort, {} hang ({} poison)",
        args.workers,
        grouped(args.jobs),
        args.panics,
        args.aborts,
        args.hangs,
        args.poison
    );
    println!();
    println!(
        "{:<7} {:>8} {:>8}  how the supervisor saw the worker die",
        "fault", "injected", "crashes"
    );
    let kinds = [
        (Some(Fault::Panic), "panic", args.panics),
        (Some(Fault::Abort), "abort", args.aborts),
        (Some(Fault::Hang), "hang", args.hangs),
        (None, "none", 0),
    ];
    for (kind, name, planted) in kinds {
        let crashes: Vec<_> = summary
            .crashes
            .iter()
            .filter(|c| c.injected == kind)
            .collect();
        let mut how: Vec<String> = crashes
            .iter()
            .map(|c| {
                let mut text = c.death.to_string();
                if c.killed_by_supervisor {
                    text.push_str(&format!(
                        ", killed after {}",
                        human_duration(config.deadline)
                    ));
                }
                text
            })
            .collect();
        how.sort();
        how.dedup();
        let how = if how.is_empty() {
            "-".to_string()
        } else {
            how.join("; ")
        };
        println!("{name:<7} {planted:>8} {:>8}  {how}", crashes.len());
    }
    println!();
    let done = summary.results.len() as u64;
    let exactly_once = summary.duplicates == 0
        && summary.results.keys().all(|id| want.contains_key(id))
        && done + summary.gave_up.len() as u64 == args.jobs;
    println!(
        "restarts          {} (crashes: {})",
        summary.restarts,
        summary.crashes.len()
    );
    println!(
        "jobs done         {} of {}, each recorded exactly once: {}",
        grouped(done),
        grouped(args.jobs),
        yes(exactly_once)
    );
    println!(
        "jobs given up     {} (after {} crashed attempts each)",
        summary.gave_up.len(),
        args.max_attempts
    );
    println!(
        "attempts          {} ({} more than jobs)",
        grouped(summary.attempts),
        grouped(summary.attempts - args.jobs)
    );
    println!(
        "work redone       {} numbers, the half-done work of crashed attempts",
        grouped(summary.redone)
    );
    let wanted: std::collections::BTreeMap<u64, u64> = want
        .iter()
        .filter(|(id, _)| !summary.gave_up.contains(id))
        .map(|(&id, &value)| (id, value))
        .collect();
    println!(
        "results checksum  {} (computed in one process: {}): {}",
        grouped(checksum(&summary.results)),
        grouped(checksum(&wanted)),
        if summary.results == wanted {
            "match"
        } else {
            "MISMATCH"
        }
    );
    println!("time              {}", human_duration(elapsed));
    println!(
        "processes left behind: {}",
        children_of(std::process::id()).len()
    );
    if args.log {
        println!();
        for crash in &summary.crashes {
            let job = crash.job.map_or("no job".to_string(), |(id, attempt)| {
                format!("job {id}, attempt {attempt}")
            });
            println!(
                "slot {} ({job}): {}; stderr: {}",
                crash.slot,
                crash.death,
                if crash.last_words.is_empty() {
                    "-"
                } else {
                    &crash.last_words
                }
            );
        }
    }
    Ok(())
}

fn yes(ok: bool) -> &'static str {
    if ok { "yes" } else { "NO" }
}
