#![forbid(unsafe_code)]

use clap::Parser;
use queues_streams::{Read, demo};
use support_broker::{connect, exit_on_broker_error, exit_on_error};

/// A RabbitMQ stream read five ways: two readers from the first message, one
/// from `next`, one from an offset, one from a timestamp. Talks to the broker
/// at AMQP_URL (default amqp://guest:guest@127.0.0.1:5672/%2f).
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// Messages published before any reader attaches.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    before: u64,
    /// Messages published after the `next` reader attaches.
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    after: u64,
}

fn span(reads: &[Read]) -> (String, String) {
    let (Some(first), Some(last)) = (reads.first(), reads.last()) else {
        return ("-".into(), "-".into());
    };
    let offset = |r: &Read| r.offset.map_or("-".into(), |o| o.to_string());
    (
        format!("{}..={}", first.body, last.body),
        format!("{}..={}", offset(first), offset(last)),
    )
}

#[tokio::main]
async fn main() {
    let args: Args = support_kit::parse_args();
    let connection = exit_on_broker_error(connect("queues-streams").await);
    let d = exit_on_error(demo(&connection, args.before, args.after).await);
    println!(
        "stream: {} messages published before any reader, {} after the 'next' reader attached",
        d.before, d.after
    );
    println!(
        "{:<8} {:<22} {:>6} {:>14} {:>14}",
        "reader", "x-stream-offset", "read", "bodies", "offsets"
    );
    let rows: [(&str, String, &Vec<Read>); 6] = [
        ("A", "first".into(), &d.firsts[0]),
        ("B", "first (beside A)".into(), &d.firsts[1]),
        ("C", "next".into(), &d.next),
        ("D", format!("{} (a position)", d.before), &d.at),
        (
            "E",
            format!("\"{}s\" (a time)", d.seconds_ago),
            &d.timestamp,
        ),
        ("F", "first (after all acks)".into(), &d.again),
    ];
    for (name, offset, reads) in rows {
        let (bodies, offsets) = span(reads);
        println!(
            "{:<8} {:<22} {:>6} {:>14} {:>14}",
            name,
            offset,
            reads.len(),
            bodies,
            offsets
        );
    }
    println!(
        "A and B read the same messages: {}",
        if d.firsts[0] == d.firsts[1] {
            "yes"
        } else {
            "NO"
        }
    );
    support_broker::close(&connection).await;
}
