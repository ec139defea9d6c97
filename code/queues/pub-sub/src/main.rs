#![forbid(unsafe_code)]

use std::time::Instant;

use clap::Parser;
use lapin::ExchangeKind;
use queues_pub_sub::{
    KEYS, TOPIC_BINDINGS, exactly, expected_ids, late_subscriber, message, run, topic_matches,
};
use support_broker::{connect, exit_on_broker_error, exit_on_error};
use support_kit::grouped;

/// Publish/subscribe through RabbitMQ: the same messages through a fan-out
/// exchange (every subscriber gets every message) and a topic exchange (each
/// subscriber gets what its binding matches), then a subscriber that binds
/// too late. Talks to the broker at AMQP_URL (default
/// amqp://guest:guest@127.0.0.1:5672/%2f).
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// Messages to publish; their routing keys cycle through six keys.
    #[arg(long, default_value_t = 1_200, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    messages: u64,
    /// Subscribers on the fan-out exchange.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u64).range(1..=64))]
    subscribers: u64,
}

#[tokio::main]
async fn main() {
    let args: Args = support_kit::parse_args();
    let connection = exit_on_broker_error(connect("queues-pub-sub").await);
    let messages: Vec<(u64, String)> = (0..args.messages).map(|id| message(id, &KEYS)).collect();

    println!(
        "pub-sub: {} messages, routing keys cycling through {}",
        grouped(args.messages),
        KEYS.join(" ")
    );

    let started = Instant::now();
    let fan_bindings = vec![""; args.subscribers as usize];
    let fanout =
        exit_on_error(run(&connection, ExchangeKind::Fanout, &fan_bindings, &messages).await);
    let topic =
        exit_on_error(run(&connection, ExchangeKind::Topic, &TOPIC_BINDINGS, &messages).await);
    let elapsed = started.elapsed();

    println!();
    println!("fanout exchange: every subscriber gets a copy of every message");
    println!(
        "{:<12} {:>9} {:>9} {:>6}",
        "subscriber", "received", "expected", "exact"
    );
    for (number, (binding, received)) in fanout.subscribers.iter().enumerate() {
        let expected = expected_ids(&ExchangeKind::Fanout, binding, &messages);
        println!(
            "{:<12} {:>9} {:>9} {:>6}",
            number + 1,
            grouped(received.len() as u64),
            grouped(expected.len() as u64),
            yes_no(exactly(received, &expected, &messages))
        );
    }

    println!();
    println!("topic exchange: each subscriber gets what its binding matches");
    println!(
        "{:<10} {:>9} {:>9} {:>6}  keys it matches",
        "binding", "received", "expected", "exact"
    );
    for (binding, received) in &topic.subscribers {
        let expected = expected_ids(&ExchangeKind::Topic, binding, &messages);
        let matching: Vec<&str> = KEYS
            .iter()
            .copied()
            .filter(|key| topic_matches(binding, key))
            .collect();
        println!(
            "{:<10} {:>9} {:>9} {:>6}  {}",
            binding,
            grouped(received.len() as u64),
            grouped(expected.len() as u64),
            yes_no(exactly(received, &expected, &messages)),
            matching.join(" ")
        );
    }
    let copies: usize = fanout
        .subscribers
        .iter()
        .chain(&topic.subscribers)
        .map(|(_, received)| received.len())
        .sum();
    println!(
        "both runs: {} copies delivered in {}, {} unroutable",
        grouped(copies as u64),
        support_kit::human_duration(elapsed),
        grouped((fanout.unroutable + topic.unroutable) as u64)
    );

    let late_count = 100.min(args.messages);
    let late = exit_on_error(late_subscriber(&connection, late_count, late_count).await);
    println!();
    println!("a subscriber that binds its queue after the first {late_count} messages:");
    println!(
        "  published before it bound: {:>5}, returned unroutable: {:>5}",
        late_count, late.returned_before
    );
    println!(
        "  published after it bound:  {:>5}, received:            {:>5}",
        late_count,
        late.received.len()
    );
    support_broker::close(&connection).await;
}

fn yes_no(ok: bool) -> &'static str {
    if ok { "yes" } else { "NO" }
}
