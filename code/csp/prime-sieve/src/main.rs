#![forbid(unsafe_code)]

use std::time::Duration;

use clap::Parser;
use csp_prime_sieve::{MAX_PRIMES, daisy_chain, messages_needed, sequential_sieve};
use support_kit::{fastest_of, grouped};

/// The concurrent prime sieve: find the first primes with a daisy chain of
/// filter threads (one per prime, joined by channels) and with a plain sieve
/// of Eratosthenes in one thread, and compare what each costs.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// How many primes to find (the chain starts one thread per prime).
    #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u64).range(1..=MAX_PRIMES as u64))]
    primes: u64,
    /// Numbers each channel of the chain can hold; 0 is a rendezvous.
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u64).range(0..=1_024))]
    buffer: u64,
    /// Runs of each sieve; the times shown are the fastest.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u64).range(1..=100))]
    repeat: u64,
}

fn main() {
    let args: Args = support_kit::parse_args();
    let count = args.primes as usize;
    let capacity = args.buffer as usize;

    let bar = support_kit::progress(2 * args.repeat, "sieving");
    let (chain_time, chain) = fastest_of(args.repeat, || {
        let outcome = match daisy_chain(count, capacity) {
            Ok(outcome) => outcome,
            Err(error) => {
                eprintln!("error: could not start a thread of the chain: {error}");
                std::process::exit(1);
            }
        };
        bar.inc(1);
        outcome
    });
    let (sieve_time, sieve) = fastest_of(args.repeat, || {
        let primes = sequential_sieve(count);
        bar.inc(1);
        primes
    });
    bar.finish_and_clear();

    let last: Vec<String> = chain
        .primes
        .iter()
        .rev()
        .take(5)
        .rev()
        .map(|p| grouped(*p))
        .collect();
    let needed = messages_needed(&sieve);
    println!(
        "prime sieve: the first {} primes, {} cores, fastest of {} run{}",
        grouped(args.primes),
        support_kit::cores(),
        args.repeat,
        if args.repeat == 1 { "" } else { "s" }
    );
    println!("last primes      {}", last.join(", "));
    println!(
        "both agree       {}",
        if chain.primes == sieve { "yes" } else { "NO" }
    );
    println!(
        "chain            {} threads, channels of capacity {}",
        grouped(chain.threads as u64),
        capacity
    );
    println!(
        "messages         {} sent, {} of them needed to find the primes",
        grouped(chain.messages),
        grouped(needed)
    );
    println!();
    println!(
        "{:<18} {:>10} {:>13} {:>9}",
        "sieve", "time", "per prime", "speed-up"
    );
    let per = |time: Duration| support_kit::human_nanos(time.as_secs_f64() * 1e9 / count as f64);
    println!(
        "{:<18} {:>10} {:>13} {:>8}×",
        "daisy-chain",
        support_kit::human_duration(chain_time),
        per(chain_time),
        "1.00"
    );
    println!(
        "{:<18} {:>10} {:>13} {:>8}×",
        "sequential-sieve",
        support_kit::human_duration(sieve_time),
        per(sieve_time),
        support_kit::three_digits(chain_time.as_secs_f64() / sieve_time.as_secs_f64())
    );
    println!(
        "daisy-chain time per message: {}",
        support_kit::human_nanos(chain_time.as_secs_f64() * 1e9 / chain.messages as f64)
    );
}
