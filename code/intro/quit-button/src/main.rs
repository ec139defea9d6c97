#![forbid(unsafe_code)]

use std::io::BufRead;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use clap::Parser;
use intro_quit_button::{Outcome, Quit, Worker, run_then_quit, start};
use support_kit::grouped;
use support_kit::human_duration;

/// Counts primes on a worker thread and presses quit while it runs: once
/// with a worker that looks at the quit button every --check-every numbers,
/// once with a worker that never looks. Prints how long each quit took.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// Count the primes below this number (the job; the top of the range takes hours).
    #[arg(long, default_value_t = 5_000_000, value_parser = clap::value_parser!(u64).range(1..=1_000_000_000))]
    limit: u64,
    /// Press quit this many milliseconds after the worker starts.
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u64).range(0..=60_000))]
    quit_after_ms: u64,
    /// How many numbers the cooperative worker checks between looks at the quit button.
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..=1_000_000_000_000))]
    check_every: u64,
    /// Quit when you press Enter instead of after --quit-after-ms
    /// (pick a large --limit, such as 100000000, to have time).
    #[arg(long)]
    interactive: bool,
}

fn main() {
    let args: Args = support_kit::parse_args();
    let quit_after = Duration::from_millis(args.quit_after_ms);
    let workers = [
        (
            "cooperative",
            Worker::Cooperative {
                check_every: args.check_every,
            },
        ),
        ("never-checks", Worker::NeverChecks),
    ];

    let quits: Vec<Quit> = if args.interactive {
        let enter = read_enter_presses();
        workers
            .iter()
            .map(|&(name, worker)| {
                eprintln!(
                    "{name}: counting the primes below {}; press Enter to quit",
                    grouped(args.limit)
                );
                let running = start(worker, args.limit);
                // The main thread stays responsive: it waits for Enter or for the job to end.
                while !running.is_finished() {
                    if enter.recv_timeout(Duration::from_millis(20)).is_ok() {
                        break;
                    }
                }
                running.quit()
            })
            .collect()
    } else {
        workers
            .iter()
            .map(|&(_, worker)| run_then_quit(worker, args.limit, quit_after))
            .collect()
    };

    let when = if args.interactive {
        "quit when you press Enter".to_string()
    } else {
        format!(
            "quit is pressed {} after the worker starts",
            human_duration(quit_after)
        )
    };
    println!(
        "Counting the primes below {} on a worker thread; {when}.",
        grouped(args.limit)
    );
    println!();
    println!(
        "{:<13} {:<22} {:<9} {:>25} {:>13}",
        "worker", "looks at quit", "outcome", "numbers checked", "time to quit"
    );
    for ((name, worker), quit) in workers.iter().zip(&quits) {
        let looks = match worker {
            Worker::Cooperative { check_every } => {
                format!("every {} numbers", grouped(*check_every))
            }
            Worker::NeverChecks => "never".to_string(),
        };
        let (outcome, checked) = match quit.outcome {
            Outcome::Finished(_) => ("finished", args.limit),
            Outcome::Stopped { done_so_far } => ("stopped", done_so_far),
        };
        println!(
            "{name:<13} {looks:<22} {outcome:<9} {:>25} {:>13}",
            format!("{} of {}", grouped(checked), grouped(args.limit)),
            human_duration(quit.time_to_quit)
        );
    }
    for quit in &quits {
        if let Outcome::Finished(primes) = quit.outcome {
            println!();
            println!(
                "The finished job found {} primes below {}.",
                grouped(primes),
                grouped(args.limit)
            );
            break;
        }
    }
}

/// A thread that reads stdin and sends one message per line (per Enter).
fn read_enter_presses() -> mpsc::Receiver<()> {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        for _line in std::io::stdin().lock().lines() {
            if tx.send(()).is_err() {
                break;
            }
        }
    });
    rx
}
