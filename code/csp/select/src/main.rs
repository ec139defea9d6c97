#![forbid(unsafe_code)]

use std::thread;
use std::time::{Duration, Instant};

use clap::Parser;
use crossbeam_channel::unbounded;
use csp_select::{Report, Stop, measure_quit_latency, worker};

/// Select, quit and timeouts: one worker waits on a job channel, a quit
/// channel and an idle timer at once. Three runs show the three ways it
/// stops (quit, the job sender dropped, nothing to do), then how long a quit
/// takes to land on an idle and on a busy worker.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// Jobs queued for the worker in the quit and disconnect runs.
    #[arg(long, default_value_t = 1_000, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    jobs: u64,
    /// How long each job keeps the CPU busy, in microseconds.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u64).range(1..=10_000))]
    job_us: u64,
    /// In the quit run, how long the worker works before quit is sent, in milliseconds.
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..=1_000))]
    quit_after_ms: u64,
    /// The worker stops by itself after this long without a job, in milliseconds.
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u64).range(1..=1_000))]
    idle_ms: u64,
}

/// Quit latencies are measured this many times; the table shows the median.
const LATENCY_RUNS: usize = 21;

struct Row {
    scenario: &'static str,
    signal: String,
    sent: u64,
    report: Report,
    left: usize,
    time: Duration,
}

fn main() {
    let args: Args = support_kit::parse_args();
    if args.jobs * args.job_us > 10_000_000 {
        support_kit::usage_error("--jobs times --job-us must be at most 10 s of work");
    }
    let job_length = Duration::from_micros(args.job_us);
    let idle = Duration::from_millis(args.idle_ms);
    let bar = support_kit::progress(3 + 2 * LATENCY_RUNS as u64, "running");

    // Quit: the worker gets every job, then a quit message after a while.
    let quit_row = {
        let (job_tx, job_rx) = unbounded();
        let (quit_tx, quit_rx) = unbounded();
        for job in 0..args.jobs {
            job_tx.send(job).expect("the worker holds the receiver");
        }
        // A second receiver (crossbeam's can be cloned) counts the jobs left over.
        let leftovers = job_rx.clone();
        let handle = thread::spawn(move || worker(job_rx, quit_rx, job_length, idle));
        thread::sleep(Duration::from_millis(args.quit_after_ms));
        let start = Instant::now();
        // If the worker already stopped (idle), nobody receives: the send fails.
        let _ = quit_tx.send(());
        let report = handle.join().expect("the worker panicked");
        Row {
            scenario: "quit",
            signal: format!("quit sent after {} ms", args.quit_after_ms),
            sent: args.jobs,
            left: leftovers.len(),
            report,
            time: start.elapsed(),
        }
    };
    bar.inc(1);

    // Disconnect: the worker gets every job, then the job sender is dropped.
    let disconnect_row = {
        let (job_tx, job_rx) = unbounded();
        let (_quit_tx, quit_rx) = unbounded();
        for job in 0..args.jobs {
            job_tx.send(job).expect("the worker holds the receiver");
        }
        let handle = thread::spawn(move || worker(job_rx, quit_rx, job_length, idle));
        let start = Instant::now();
        drop(job_tx);
        let report = handle.join().expect("the worker panicked");
        Row {
            scenario: "disconnect",
            signal: "job sender dropped".to_string(),
            sent: args.jobs,
            left: 0,
            report,
            time: start.elapsed(),
        }
    };
    bar.inc(1);

    // Idle: the worker gets no job at all; both senders stay alive.
    let idle_row = {
        let (_job_tx, job_rx) = unbounded::<u64>();
        let (_quit_tx, quit_rx) = unbounded();
        let start = Instant::now();
        let handle = thread::spawn(move || worker(job_rx, quit_rx, job_length, idle));
        let report = handle.join().expect("the worker panicked");
        Row {
            scenario: "idle",
            signal: format!("none for {} ms", args.idle_ms),
            sent: 0,
            left: 0,
            report,
            time: start.elapsed(),
        }
    };
    bar.inc(1);

    let median = |busy: bool| {
        let mut times: Vec<Duration> = (0..LATENCY_RUNS)
            .map(|_| {
                let time = measure_quit_latency(job_length, busy);
                bar.inc(1);
                time
            })
            .collect();
        times.sort_unstable();
        times[LATENCY_RUNS / 2]
    };
    let idle_latency = median(false);
    let busy_latency = median(true);
    bar.finish_and_clear();

    println!(
        "select: one worker, {} jobs of {} µs each, idle timeout {} ms",
        args.jobs, args.job_us, args.idle_ms
    );
    println!();
    println!(
        "{:<10} {:<24} {:>7} {:>7} {:>7} {:<13} {:>12}",
        "run", "signal", "sent", "done", "left", "stopped by", "signal→join"
    );
    for row in [quit_row, disconnect_row, idle_row] {
        println!(
            "{:<10} {:<24} {:>7} {:>7} {:>7} {:<13} {:>12}",
            row.scenario,
            row.signal,
            row.sent,
            row.report.done.len(),
            row.left,
            stop_name(row.report.stop),
            support_kit::human_duration(row.time)
        );
    }
    println!();
    println!("quit latency, median of {LATENCY_RUNS} runs (quit sent → worker saw it):");
    println!(
        "  idle worker                    {:>10}",
        support_kit::human_duration(idle_latency)
    );
    println!(
        "  busy worker, {:>5} µs jobs      {:>10}",
        args.job_us,
        support_kit::human_duration(busy_latency)
    );
}

fn stop_name(stop: Stop) -> &'static str {
    match stop {
        Stop::Quit => "quit",
        Stop::Disconnected => "disconnected",
        Stop::Idle => "idle timeout",
    }
}
