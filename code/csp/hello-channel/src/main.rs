#![forbid(unsafe_code)]

use std::time::Duration;

use clap::Parser;
use csp_hello_channel::{Kind, Received, collect_forgetting_to_drop, expected_sum, hello_through};
use support_kit::grouped;

/// Hello, channel: one thread sends the numbers 1..=N, another adds them up,
/// through each kind of std::sync::mpsc channel (rendezvous, bounded,
/// unbounded). With --forget-drop it runs the classic bug instead, which never
/// ends (stop it with Ctrl-C).
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// How many numbers to send through each channel.
    #[arg(long, default_value_t = 20_000, value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    items: u64,
    /// Capacity of the bounded channel (the rendezvous channel has 0, the unbounded none).
    #[arg(long, default_value_t = 16, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    capacity: u64,
    /// Runs of every channel; the times shown are the fastest.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u64).range(1..=100))]
    repeat: u64,
    /// Run collect_forgetting_to_drop with 2 producers: it hangs forever.
    #[arg(long)]
    forget_drop: bool,
}

fn main() {
    let args: Args = support_kit::parse_args();
    if args.forget_drop {
        eprintln!(
            "collect_forgetting_to_drop: 2 producers, {} numbers each; this never ends, stop it with Ctrl-C",
            args.items
        );
        let sum = collect_forgetting_to_drop(2, args.items);
        println!("unreachable: sum {sum}");
        return;
    }
    let kinds = [
        ("rendezvous", "0".to_string(), Kind::Rendezvous),
        (
            "bounded",
            args.capacity.to_string(),
            Kind::Bounded(args.capacity as usize),
        ),
        ("unbounded", "unlimited".to_string(), Kind::Unbounded),
    ];
    let bar = support_kit::progress(kinds.len() as u64 * args.repeat, "sending");
    let rows: Vec<(&str, String, Received, Duration)> = kinds
        .into_iter()
        .map(|(name, capacity, kind)| {
            let (best, seen) = support_kit::fastest_of(args.repeat, || {
                let received = hello_through(kind, args.items);
                bar.inc(1);
                received
            });
            (name, capacity, seen, best)
        })
        .collect();
    bar.finish_and_clear();

    println!(
        "hello, channel: the numbers 1..={} from a producer thread to a consumer thread, fastest of {} runs",
        grouped(args.items),
        args.repeat
    );
    println!("expected sum {}", grouped(expected_sum(args.items)));
    println!();
    println!(
        "{:<11} {:>9} {:>11} {:>18} {:>8} {:>10} {:>12}",
        "channel", "capacity", "received", "sum", "in order", "time", "items/s"
    );
    for (name, capacity, seen, time) in rows {
        println!(
            "{:<11} {:>9} {:>11} {:>18} {:>8} {:>10} {:>10} M",
            name,
            capacity,
            grouped(seen.count),
            grouped(seen.sum),
            if seen.in_order { "yes" } else { "NO" },
            support_kit::human_duration(time),
            support_kit::three_digits(seen.count as f64 / time.as_secs_f64() / 1e6)
        );
    }
}
