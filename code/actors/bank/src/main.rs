#![forbid(unsafe_code)]

use std::time::Duration;

use actors_bank::{Account, crossing_payments, orders, run_bank, run_locked_bank, transfer};
use clap::Parser;
use support_kit::grouped;

/// Accounts as actors: many concurrent transfers, money conserved with no
/// lock; then the deadlock two accounts asking each other cause, and the fix.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// Accounts in the bank.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u64).range(2..=100_000))]
    accounts: u64,
    /// Transfers to run.
    #[arg(long, default_value_t = 100_000, value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    transfers: u64,
    /// Tasks running transfers at once.
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u64).range(1..=10_000))]
    tasks: u64,
    /// Seed for the random transfers.
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

const OPENING: u64 = 1_000;
const MAX_AMOUNT: u64 = 500;

fn main() {
    let args: Args = support_kit::parse_args();
    let accounts = args.accounts as usize;
    let orders = orders(args.seed, args.transfers as usize, accounts, MAX_AMOUNT);
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    let opening_total = OPENING * args.accounts;

    println!(
        "{} accounts opened with {} each (total {}); {} random transfers of 1..={}, {} tasks",
        grouped(args.accounts),
        grouped(OPENING),
        grouped(opening_total),
        grouped(args.transfers),
        MAX_AMOUNT,
        args.tasks
    );
    println!();
    println!(
        "{:<26} {:>10} {:>10} {:>12} {:>10}",
        "bank", "done", "refused", "total after", "conserved"
    );
    for (name, books) in [
        (
            "accounts as actors",
            runtime.block_on(run_bank(accounts, OPENING, &orders, args.tasks as usize)),
        ),
        (
            "one mutex over all",
            runtime.block_on(run_locked_bank(
                accounts,
                OPENING,
                &orders,
                args.tasks as usize,
            )),
        ),
    ] {
        println!(
            "{:<26} {:>10} {:>10} {:>12} {:>10}",
            name,
            grouped(books.done),
            grouped(books.refused),
            grouped(books.total()),
            if books.total() == opening_total {
                "yes"
            } else {
                "NO"
            }
        );
    }

    // Two accounts pay each other at the same moment. One thread runs both,
    // so both requests are queued before either account runs.
    println!();
    println!("two accounts paying each other at the same moment (waiting at most 1 s):");
    let one_thread = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let crossing = one_thread.block_on(async {
        let ((a, _), (b, _)) = (Account::open(OPENING), Account::open(OPENING));
        let (first, second) = crossing_payments(&a, &b);
        tokio::time::timeout(Duration::from_secs(1), async {
            (first.await, second.await)
        })
        .await
        .is_ok()
    });
    println!(
        "  the account asks the other from inside its handler: {}",
        if crossing { "completed" } else { "deadlocked" }
    );
    let coordinated = one_thread.block_on(async {
        let ((a, _), (b, _)) = (Account::open(OPENING), Account::open(OPENING));
        let both = async { tokio::join!(transfer(&a, &b, 10), transfer(&b, &a, 10)) };
        tokio::time::timeout(Duration::from_secs(1), both)
            .await
            .is_ok()
    });
    println!(
        "  a coordinator asks one account, then the other:    {}",
        if coordinated {
            "completed"
        } else {
            "deadlocked"
        }
    );
}
