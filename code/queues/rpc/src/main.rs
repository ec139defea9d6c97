#![forbid(unsafe_code)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Parser;
use queues_rpc::{
    Client, ReplyTo, RpcError, Server, declare_request_queue, delete_queue, late_answer,
    parse_number, serve, square_slowly,
};
use support_broker::{connect, exit_on_broker_error, exit_on_error, unique_name};
use support_kit::{grouped, human_duration};
use tokio::task::JoinSet;

/// Request/reply over RabbitMQ: many concurrent calls to a pool of servers,
/// each answer matched to its call by correlation id, with a private reply
/// queue and with direct reply-to; a call nobody answers times out; a late
/// answer with and without correlation ids. Talks to the broker at AMQP_URL
/// (default amqp://guest:guest@127.0.0.1:5672/%2f).
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// Calls in flight at once, for each kind of reply address.
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    calls: u64,
    /// Servers consuming the request queue.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u64).range(1..=32))]
    servers: u64,
    /// Requests each server works on at once (its prefetch count).
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=1_000))]
    in_flight: u16,
    /// Time limit, in milliseconds, for the calls that are meant to time out.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u64).range(1..=10_000))]
    timeout_ms: u64,
}

/// How a batch of concurrent calls went.
#[derive(Default)]
struct Tally {
    correct: u64,
    wrong: u64,
    timed_out: u64,
    failed: u64,
}

async fn concurrent_calls(client: Arc<Client>, calls: u64) -> Tally {
    let mut running = JoinSet::new();
    for n in 1..=calls {
        let client = client.clone();
        running.spawn(async move {
            let answer = client
                .call(n.to_string().as_bytes(), Duration::from_secs(10))
                .await;
            (n, answer)
        });
    }
    let mut tally = Tally::default();
    while let Some(done) = running.join_next().await {
        match done.expect("a call panicked") {
            (n, Ok(answer)) if parse_number(&answer) == Some(n * n) => tally.correct += 1,
            (_, Ok(_)) => tally.wrong += 1,
            (_, Err(RpcError::Timeout(_))) => tally.timed_out += 1,
            (_, Err(_)) => tally.failed += 1,
        }
    }
    tally
}

fn describe(result: &Result<Vec<u8>, RpcError>) -> String {
    match result {
        Ok(answer) => format!("\"{}\"", String::from_utf8_lossy(answer)),
        Err(RpcError::Timeout(limit)) => format!("timed out ({})", human_duration(*limit)),
        Err(error) => error.to_string(),
    }
}

#[tokio::main]
async fn main() {
    let args: Args = support_kit::parse_args();
    let connection = exit_on_broker_error(connect("queues-rpc").await);
    let queue = unique_name("rpc");
    exit_on_error(declare_request_queue(&connection, &queue).await);
    let mut servers: Vec<Server> = Vec::new();
    for _ in 0..args.servers {
        servers.push(exit_on_error(
            serve(&connection, &queue, args.in_flight, square_slowly).await,
        ));
    }

    println!(
        "rpc: {} concurrent calls of \"square n\" (0-8 ms of work each) to {} servers working on up to {} requests each",
        grouped(args.calls),
        args.servers,
        args.in_flight
    );
    println!();
    println!(
        "{:<16} {:>6} {:>8} {:>6} {:>10} {:>6} {:>10} {:>9} {:>8}",
        "reply address",
        "calls",
        "correct",
        "wrong",
        "timed out",
        "stale",
        "overtaken",
        "time",
        "calls/s"
    );
    for mode in [ReplyTo::PrivateQueue, ReplyTo::Direct] {
        let client = Arc::new(exit_on_error(Client::new(&connection, &queue, mode).await));
        let started = Instant::now();
        let tally = concurrent_calls(client.clone(), args.calls).await;
        let elapsed = started.elapsed();
        println!(
            "{:<16} {:>6} {:>8} {:>6} {:>10} {:>6} {:>10} {:>9} {:>8}",
            mode.to_string(),
            grouped(args.calls),
            grouped(tally.correct),
            grouped(tally.wrong),
            grouped(tally.timed_out + tally.failed),
            grouped(client.stale_replies()),
            grouped(client.overtaken_replies()),
            human_duration(elapsed),
            grouped((args.calls as f64 / elapsed.as_secs_f64()) as u64)
        );
        if let Ok(client) = Arc::try_unwrap(client) {
            exit_on_error(client.close().await);
        }
    }
    let mut served = Vec::new();
    for server in servers {
        served.push(grouped(exit_on_error(server.stop().await)));
    }
    println!("requests each server answered: {}", served.join(", "));
    exit_on_error(delete_queue(&connection, &queue).await);

    // A queue that exists but that no server consumes.
    let limit = Duration::from_millis(args.timeout_ms);
    let silent = unique_name("rpc-silent");
    exit_on_error(declare_request_queue(&connection, &silent).await);
    let client = exit_on_error(Client::new(&connection, &silent, ReplyTo::PrivateQueue).await);
    let started = Instant::now();
    let result = client.call(b"7", limit).await;
    println!();
    println!(
        "a call to a queue no server consumes: {} after {}, calls still waiting: {}",
        describe(&result),
        human_duration(started.elapsed()),
        client.waiting()
    );
    exit_on_error(client.close().await);
    exit_on_error(delete_queue(&connection, &silent).await);

    println!();
    println!(
        "a call that times out (its answer comes {} later), then a call of \"2\":",
        human_duration(limit * 3)
    );
    println!(
        "{:<20} {:<22} {:<16} {:<9} stale answers dropped",
        "client", "first call", "second call", "expected"
    );
    for (name, correlated) in [("correlation ids", true), ("no correlation ids", false)] {
        let seen = exit_on_error(late_answer(&connection, correlated, limit * 4, limit).await);
        println!(
            "{:<20} {:<22} {:<16} {:<9} {}",
            name,
            describe(&seen.first),
            describe(&seen.second),
            format!("\"{}\"", String::from_utf8_lossy(&seen.second_expected)),
            if correlated {
                grouped(seen.stale)
            } else {
                "-".to_string()
            }
        );
    }
    support_broker::close(&connection).await;
}
