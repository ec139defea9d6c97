#![forbid(unsafe_code)]

use clap::Parser;
use support_kit::{cores, grouped};
use threads_orderings::{Orders, Tally, stress_mailbox, stress_store_buffer};

/// Memory orderings on the hardware: runs message passing and store
/// buffering many times on two real threads and counts the outcomes each
/// ordering is meant to forbid (or, for the weaker ones, merely allows).
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// Rounds of each protocol, each on fresh variables.
    #[arg(long, default_value_t = 200_000, value_parser = clap::value_parser!(u64).range(1..=5_000_000))]
    rounds: u64,
}

fn main() {
    let args: Args = support_kit::parse_args();
    let rounds = args.rounds;
    let rows: [(&str, Orders, &str, Tally); 4] = [
        (
            "message passing",
            Orders::Relaxed,
            "flag up, letter stale",
            stress_mailbox(rounds, Orders::Relaxed),
        ),
        (
            "message passing",
            Orders::ReleaseAcquire,
            "flag up, letter stale",
            stress_mailbox(rounds, Orders::ReleaseAcquire),
        ),
        (
            "store buffering",
            Orders::ReleaseAcquire,
            "both loads saw 0",
            stress_store_buffer(rounds, Orders::ReleaseAcquire),
        ),
        (
            "store buffering",
            Orders::SeqCst,
            "both loads saw 0",
            stress_store_buffer(rounds, Orders::SeqCst),
        ),
    ];
    println!(
        "orderings on the hardware: {} rounds of each, 2 threads; {} cores, {}",
        grouped(rounds),
        cores(),
        std::env::consts::ARCH
    );
    println!();
    println!(
        "{:<16}  {:<15}  {:<21}  {:>20}",
        "protocol", "orderings", "outcome counted", "rounds with it"
    );
    for (protocol, orders, outcome, tally) in &rows {
        println!(
            "{:<16}  {:<15}  {:<21}  {:>20}",
            protocol,
            orders.name(),
            outcome,
            format!("{} of {}", grouped(tally.forbidden), grouped(tally.rounds))
        );
    }
}
