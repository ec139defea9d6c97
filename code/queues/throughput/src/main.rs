#![forbid(unsafe_code)]

use std::time::{Duration, Instant};

use clap::Parser;
use queues_throughput::{
    Confirms, Durability, PAYLOAD_BYTES, consume_on, declare_durable_queue, publish, publisher,
    purge,
};
use support_broker::{connect, exit_on_broker_error, exit_on_error, unique_name};
use support_kit::{grouped, human_duration};

/// Messages per second through one RabbitMQ queue: publishing transient and
/// persistent messages without and with publisher confirms, then draining
/// the queue with 1, 2 and 4 competing consumers. Talks to the broker at
/// AMQP_URL (default amqp://guest:guest@127.0.0.1:5672/%2f).
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// Messages per publishing run and per draining run without work.
    #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    messages: u64,
    /// Messages per confirm wait in the batched rows.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u64).range(2..=100_000))]
    batch: u64,
    /// Milliseconds a consumer sleeps per message in the draining runs with work.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..=1_000))]
    work_ms: u64,
    /// Messages per draining run with work.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    work_messages: u64,
}

fn rate(messages: u64, elapsed: Duration) -> String {
    grouped((messages as f64 / elapsed.as_secs_f64()) as u64)
}

#[tokio::main]
async fn main() {
    let args: Args = support_kit::parse_args();
    let connection = exit_on_broker_error(connect("queues-throughput").await);
    let queue = unique_name("throughput");
    let admin = exit_on_error(connection.create_channel().await);
    exit_on_error(declare_durable_queue(&admin, &queue).await);

    // Warm up: the first messages on a new connection and queue are slow.
    let channel = exit_on_error(publisher(&connection, Confirms::EveryBatch(100)).await);
    exit_on_error(
        publish(
            &channel,
            &queue,
            0..200,
            Durability::Persistent,
            Confirms::EveryBatch(100),
        )
        .await,
    );
    exit_on_error(channel.close(200, "done".into()).await);
    exit_on_error(purge(&admin, &queue).await);

    println!("throughput: {PAYLOAD_BYTES}-byte messages through one durable queue");
    println!();
    println!(
        "publishing {} messages on one channel",
        grouped(args.messages)
    );
    println!(
        "{:<11} {:<26} {:>9} {:>11} {:>7}",
        "messages", "waits for confirms", "time", "messages/s", "acked"
    );
    for durability in [Durability::Transient, Durability::Persistent] {
        for confirms in [
            Confirms::Off,
            Confirms::EveryBatch(args.batch),
            Confirms::EveryBatch(1),
        ] {
            let channel = exit_on_error(publisher(&connection, confirms).await);
            let started = Instant::now();
            let report = exit_on_error(
                publish(&channel, &queue, 0..args.messages, durability, confirms).await,
            );
            let elapsed = started.elapsed();
            exit_on_error(channel.close(200, "done".into()).await);
            exit_on_error(purge(&admin, &queue).await);
            let acked = match confirms {
                Confirms::Off => "-".to_string(),
                Confirms::EveryBatch(_) => grouped(report.acked),
            };
            println!(
                "{:<11} {:<26} {:>9} {:>11} {:>7}",
                durability.to_string(),
                confirms.to_string(),
                human_duration(elapsed),
                rate(args.messages, elapsed),
                acked
            );
        }
    }

    println!();
    println!(
        "draining a backlog with competing consumers, one connection each (an ack per message)"
    );
    println!(
        "{:<9} {:>8} {:<16} {:>8} {:>11} {:>9} {:>11} {:>10}",
        "consumers",
        "prefetch",
        "work per message",
        "messages",
        "most by one",
        "time",
        "messages/s",
        "each once"
    );
    let work = Duration::from_millis(args.work_ms);
    // One connection per consumer, opened once.
    let mut own = Vec::new();
    for _ in 0..4 {
        own.push(exit_on_broker_error(
            connect("queues-throughput consumer").await,
        ));
    }
    let runs = [
        (args.messages, 1, Duration::ZERO),
        (args.messages, 1000, Duration::ZERO),
        (args.work_messages, 64, work),
        (args.work_messages, 1, work),
    ];
    for (messages, prefetch, work) in runs {
        for consumers in [1, 2, 4] {
            let channel = exit_on_error(publisher(&connection, Confirms::EveryBatch(100)).await);
            exit_on_error(
                publish(
                    &channel,
                    &queue,
                    0..messages,
                    Durability::Transient,
                    Confirms::EveryBatch(100),
                )
                .await,
            );
            exit_on_error(channel.close(200, "done".into()).await);
            let started = Instant::now();
            let mine: Vec<&lapin::Connection> = own.iter().take(consumers).collect();
            let consumed = exit_on_error(consume_on(&mine, &queue, messages, prefetch, work).await);
            let elapsed = started.elapsed();
            let exact = consumed.all_sorted() == (0..messages).collect::<Vec<_>>();
            let busiest = consumed
                .per_consumer
                .iter()
                .map(Vec::len)
                .max()
                .unwrap_or(0) as u64;
            let what = if work.is_zero() {
                "none".to_string()
            } else {
                format!("sleep {} ms", work.as_millis())
            };
            println!(
                "{:<9} {:>8} {:<16} {:>8} {:>11} {:>9} {:>11} {:>10}",
                consumers,
                prefetch,
                what,
                grouped(messages),
                grouped(busiest),
                human_duration(elapsed),
                rate(messages, elapsed),
                if exact { "yes" } else { "NO" }
            );
        }
    }
    exit_on_error(support_broker::delete_queues(&admin, &[queue]).await);
    for consumer in &own {
        support_broker::close(consumer).await;
    }
    support_broker::close(&connection).await;
}
