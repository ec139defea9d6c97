#![forbid(unsafe_code)]

use async_fetch::{Server, body_of};
use clap::Parser;
use std::time::{Duration, Instant};

/// Fetches pages from a local HTTP server with latency: one after another,
/// all at once, and at most k at a time.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// How many pages to fetch in each run.
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u64).range(1..=10_000))]
    pages: u64,
    /// How long the server waits before it answers each page, in milliseconds.
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u64).range(0..=1_000))]
    latency_ms: u64,
}

fn main() {
    let args: Args = support_kit::parse_args();
    let pages = args.pages as usize;
    let server = Server::start(Duration::from_millis(args.latency_ms)).expect("a local port");
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    let client = async_fetch::client();
    let base = server.url();
    let expected: Vec<String> = (0..pages).map(body_of).collect();
    let ks = [1usize, 4, 16, 64];
    let bar = support_kit::progress((pages * ks.len()) as u64, "buffered pages");

    println!(
        "{pages} pages, each answered after {} ms by a local server; {} cores",
        args.latency_ms,
        support_kit::cores()
    );
    println!(
        "{:<18} {:>4} {:>10} {:>15} {:>12}",
        "strategy", "k", "time", "most in flight", "pages right"
    );
    let report = |name: &str, k: Option<usize>, run: &dyn Fn() -> reqwest::Result<Vec<String>>| {
        server.take_stats();
        let start = Instant::now();
        let bodies = run().expect("the local server answers every request");
        let took = start.elapsed();
        let stats = server.take_stats();
        let right =
            bodies == expected && stats.hits.values().all(|&h| h == 1) && stats.hits.len() == pages;
        let k = k.map_or("-".to_string(), |k| k.to_string());
        let time = support_kit::human_duration(took);
        let right = if right { "all" } else { "WRONG" };
        bar.suspend(|| {
            println!(
                "{name:<18} {k:>4} {time:>10} {:>15} {right:>12}",
                stats.max_in_flight
            )
        });
    };
    report("sequential", Some(1), &|| {
        runtime.block_on(async_fetch::sequential(&client, &base, pages))
    });
    report("join_all", None, &|| {
        runtime.block_on(async_fetch::join_all(&client, &base, pages))
    });
    for k in ks {
        let on_page = || bar.inc(1);
        report("buffer_unordered", Some(k), &|| {
            runtime.block_on(async_fetch::buffer_unordered(
                &client, &base, pages, k, on_page,
            ))
        });
    }
    bar.finish_and_clear();
    for k in [4, 16] {
        report("JoinSet", Some(k), &|| {
            runtime.block_on(async_fetch::join_set(&client, &base, pages, k))
        });
    }
}
