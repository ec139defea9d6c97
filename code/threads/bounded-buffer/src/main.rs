#![forbid(unsafe_code)]

use std::time::Instant;

use clap::Parser;
use support_kit::{cores, grouped, human_duration};
use threads_bounded_buffer::{
    BoundedBuffer, Crossbeam, StdSyncChannel, Transfer, expected_sum, transfer,
};

/// A bounded buffer from a Mutex and two Condvars: producers push numbers,
/// consumers pop them, and every number must arrive exactly once. Runs it
/// beside crossbeam's bounded channel and std's sync_channel.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// Producer threads.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u64).range(1..=64))]
    producers: u64,
    /// Consumer threads.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u64).range(1..=64))]
    consumers: u64,
    /// Items each producer pushes.
    #[arg(long, default_value_t = 200_000, value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    items: u64,
    /// Items the buffer holds.
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    capacity: u64,
}

fn main() {
    let args: Args = support_kit::parse_args();
    let (producers, consumers) = (args.producers as usize, args.consumers as usize);
    let capacity = args.capacity as usize;
    let total = args.producers * args.items;
    println!(
        "bounded buffer: {producers} producers × {} items, {consumers} consumers, capacity {capacity}; {} cores",
        grouped(args.items),
        cores()
    );
    println!();
    println!(
        "{:<22}  {:>12}  {:>14}  {:>10}",
        "buffer", "received", "sum correct", "time"
    );
    let rows: [(&str, Transfer); 3] = [
        ("Mutex + 2 Condvars", transfer::<BoundedBuffer<u64>>),
        ("crossbeam bounded", transfer::<Crossbeam<u64>>),
        ("std sync_channel", transfer::<StdSyncChannel<u64>>),
    ];
    for (name, run) in rows {
        let start = Instant::now();
        let (received, sum) = run(capacity, producers, consumers, args.items);
        let time = start.elapsed();
        println!(
            "{:<22}  {:>12}  {:>14}  {:>10}",
            name,
            grouped(received),
            if received == total && sum == expected_sum(total) {
                "yes"
            } else {
                "NO"
            },
            human_duration(time)
        );
    }
}
