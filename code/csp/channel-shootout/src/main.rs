#![forbid(unsafe_code)]

use clap::Parser;
use csp_channel_shootout::{CAPACITY, Kind, ping_pong, runtime, throughput};
use support_kit::{fastest_reported, grouped};

/// The channel shootout: std::sync::mpsc, crossbeam-channel, flume and
/// tokio::sync::mpsc (from async tasks) measured on the same three jobs: a
/// ping-pong round trip, one producer into one consumer, and several producers
/// into one consumer.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// Messages sent in each throughput run, through a channel of capacity 1,024.
    #[arg(long, default_value_t = 100_000, value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    messages: u64,
    /// Producers in the many-producer run.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u64).range(2..=64))]
    producers: u64,
    /// Round trips in each ping-pong run.
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    rounds: u64,
    /// Runs of every measurement; the times shown are the fastest.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u64).range(1..=100))]
    repeat: u64,
}

fn main() {
    let args: Args = support_kit::parse_args();
    let producers = args.producers as usize;
    let runtime = runtime();
    let expected_sum = args.messages * (args.messages + 1) / 2;

    let bar = support_kit::progress(Kind::ALL.len() as u64 * 3 * args.repeat, "measuring");
    let mut all_arrived = true;
    let mut rows = Vec::new();
    for kind in Kind::ALL {
        let round_trip = fastest_reported(args.repeat, || {
            let (count, time) = ping_pong(kind, args.rounds, &runtime);
            all_arrived &= count == args.rounds;
            bar.inc(1);
            time
        });
        let mut rate = |p: usize| {
            let time = fastest_reported(args.repeat, || {
                let (received, time) = throughput(kind, p, args.messages, &runtime);
                all_arrived &= received.count == args.messages && received.sum == expected_sum;
                bar.inc(1);
                time
            });
            args.messages as f64 / time.as_secs_f64()
        };
        let one = rate(1);
        let many = rate(producers);
        rows.push((
            kind,
            round_trip.as_secs_f64() * 1e9 / args.rounds as f64,
            one,
            many,
        ));
    }
    bar.finish_and_clear();

    println!(
        "channel shootout: ping-pong of {} round trips (capacity 1); {} messages through capacity {}; {} cores; fastest of {} runs",
        grouped(args.rounds),
        grouped(args.messages),
        grouped(CAPACITY as u64),
        support_kit::cores(),
        args.repeat
    );
    println!(
        "every message arrived exactly once: {}",
        if all_arrived { "yes" } else { "NO" }
    );
    println!();
    let many_header = format!("{producers}-producer msgs/s");
    println!(
        "{:<10} {:>21} {:>18} {:>w$}",
        "channel",
        "ping-pong round trip",
        "1-producer msgs/s",
        many_header,
        w = many_header.len().max(18)
    );
    for (kind, nanos, one, many) in rows {
        println!(
            "{:<10} {:>21} {:>16} M {:>w$} M",
            kind.name(),
            support_kit::human_nanos(nanos),
            support_kit::three_digits(one / 1e6),
            support_kit::three_digits(many / 1e6),
            w = many_header.len().max(18) - 2
        );
    }
}
