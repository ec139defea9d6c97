#![forbid(unsafe_code)]

use std::io;
use std::path::Path;
use std::process::exit;
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand};
use processes_pipes::{
    Outcome, PIPE_BUFFER, Worker, check, children_of, jobs, jobs_for_output, read_then_wait, serve,
    wait_then_read,
};
use support_kit::{grouped, human_duration};

/// Pipes between processes: this binary starts itself again as a worker and
/// sends it jobs as JSON lines over the worker's stdin, reading answers from
/// its stdout; then it shows how waiting for the worker before reading its
/// output deadlocks once the output outgrows the pipe buffer.
#[derive(Parser, Debug)]
#[command(version, args_conflicts_with_subcommands = true)]
struct Args {
    #[command(subcommand)]
    role: Option<Role>,
    /// Jobs in the batch whose answers are checked.
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    jobs: u64,
    /// Numbers each job searches for primes.
    #[arg(long, default_value_t = 1_000, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    width: u64,
    /// Jobs sent one at a time, each waiting for its answer, to time a round trip.
    #[arg(long, default_value_t = 1_000, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    asks: u64,
    /// Milliseconds the parent waits for a worker to exit before calling it stuck and killing it.
    #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u64).range(10..=60_000))]
    patience_ms: u64,
}

#[derive(Subcommand, Debug)]
enum Role {
    /// Reads jobs from stdin and writes answers to stdout, one JSON object a
    /// line (the parent starts this; you can too).
    #[command(hide = true)]
    Worker,
}

/// The output sizes of the deadlock table, in KiB: well under and well over
/// the 64 KiB a pipe holds. (How much fits exactly depends on the sizes of the
/// worker's writes: the buffer is 16 pages, and a write that does not fit in
/// what is left of a page starts a new one.)
const SIZES_KIB: [u64; 4] = [4, 32, 128, 1_024];

fn main() {
    let args: Args = support_kit::parse_args();
    if let Some(Role::Worker) = args.role {
        worker();
    }
    let program = std::env::current_exe().unwrap_or_else(|e| fail(&e));
    if let Err(e) = demo(&program, &args) {
        fail(&e);
    }
}

fn worker() -> ! {
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

fn fail(e: &io::Error) -> ! {
    eprintln!("error: {e}");
    exit(1)
}

fn demo(program: &Path, args: &Args) -> io::Result<()> {
    let patience = Duration::from_millis(args.patience_ms);
    println!(
        "pipes: a parent and a worker process (this binary run as `worker`), JSON lines both ways"
    );
    println!();

    let batch = jobs(args.jobs, args.width);
    let Outcome::Finished { answers, bytes, .. } = read_then_wait(program, &batch)? else {
        unreachable!("read_then_wait never gives up")
    };
    let primes: usize = answers.iter().map(|a| a.primes.len()).sum();
    println!(
        "batch       {} jobs (primes below {}, {} numbers each): {} answers, {} primes, {} bytes back",
        grouped(args.jobs),
        grouped(args.jobs * args.width),
        grouped(args.width),
        grouped(answers.len() as u64),
        grouped(primes as u64),
        grouped(bytes)
    );
    let verdict = match check(&batch, &answers) {
        Ok(()) => "yes".to_string(),
        Err(problem) => format!("NO, {problem}"),
    };
    println!("checked     every job answered exactly once and correctly: {verdict}");

    let mut worker = Worker::spawn(program)?;
    let small = jobs(args.asks, 10);
    let start = Instant::now();
    for job in &small {
        worker.ask(job)?;
    }
    let one_at_a_time = start.elapsed() / args.asks as u32;
    let start = Instant::now();
    worker.stream(&small)?;
    let streamed = start.elapsed() / args.asks as u32;
    worker.finish()?;
    println!(
        "round trip  {} jobs of 10 numbers, one at a time: {} a job",
        grouped(args.asks),
        human_duration(one_at_a_time)
    );
    println!(
        "streamed    the same jobs, a writer thread keeping them coming: {} a job",
        human_duration(streamed)
    );
    println!();

    println!(
        "wait for the worker, then read its output? (pipe buffer {} KiB, patience {})",
        PIPE_BUFFER / 1024,
        human_duration(patience)
    );
    println!(
        "{:>9} {:>11} {:>16} {:>16}",
        "output", "bytes", "wait-then-read", "read-then-wait"
    );
    for kib in SIZES_KIB {
        let (batch, expected) = jobs_for_output(kib * 1024, 1_000);
        let naive = describe(&wait_then_read(program, &batch, patience)?, &batch);
        let fixed = describe(&read_then_wait(program, &batch)?, &batch);
        println!(
            "{:>5} KiB {:>11} {:>16} {:>16}",
            grouped(kib),
            grouped(expected),
            naive,
            fixed
        );
    }
    println!();
    let left = children_of(std::process::id());
    println!("processes left behind: {}", left.len());
    Ok(())
}

fn describe(outcome: &Outcome, batch: &[processes_pipes::Job]) -> &'static str {
    match outcome {
        Outcome::Stuck { .. } => "stuck, killed",
        Outcome::Finished { answers, .. } if check(batch, answers).is_ok() => "finished",
        Outcome::Finished { .. } => "WRONG ANSWERS",
    }
}
