#![forbid(unsafe_code)]

use async_cancellation::{
    Shutdown, forward_lossy, forward_reserved, pass_through, serve, serve_abrupt, shut_down_after,
};
use clap::Parser;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// Timeouts, a select! that loses messages and its fix, and a graceful
/// shutdown against an abrupt one.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// Items to pass through the forwarders.
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    items: u64,
    /// Jobs of 20 ms the servers may run at once.
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    limit: u64,
}

fn main() {
    let args: Args = support_kit::parse_args();
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    runtime.block_on(async {
        let ms = Duration::from_millis;
        for (length, limit) in [(50, 20), (10, 20)] {
            let dropped = AtomicUsize::new(0);
            let result = async_cancellation::with_timeout(ms(length), ms(limit), &dropped).await;
            let result = result.map_or("timed out", |_| "finished");
            let dropped = dropped.load(Ordering::SeqCst);
            println!("timeout: a {length} ms job, limit {limit} ms: {result:<9} (jobs dropped unfinished: {dropped})");
        }

        println!("forwarding {} items past a 1 ms heartbeat to a consumer that takes 2 ms each:", args.items);
        let (got, lossy) = pass_through(forward_lossy, args.items, ms(1), ms(2)).await;
        print_forwarded("send inside select!", got.len(), lossy.taken, lossy.beats);
        let (got, kept) = pass_through(forward_reserved, args.items, ms(1), ms(2)).await;
        print_forwarded("reserve, then send", got.len(), kept.taken, kept.beats);

        let limit = args.limit as usize;
        println!("shutdown: 1000 queued jobs of 20 ms, at most {limit} at once, cancelled 50 ms after the first {} started:", limit.min(1000));
        let (done, took) = shut_down_after(serve, 1000, ms(20), limit, ms(50)).await;
        print_shutdown("graceful", done, took);
        let (done, took) = shut_down_after(serve_abrupt, 1000, ms(20), limit, ms(50)).await;
        print_shutdown("abrupt", done, took);
    });
}

fn print_forwarded(name: &str, arrived: usize, taken: usize, beats: usize) {
    let lost = taken - arrived;
    println!(
        "  {name:<20} taken {taken:>6}  arrived {arrived:>6}  lost {lost:>5}  heartbeats {beats:>5}"
    );
}

fn print_shutdown(name: &str, done: Shutdown, took: Duration) {
    let lost = done.accepted - done.processed;
    let took = support_kit::human_duration(took);
    println!(
        "  {name:<20} accepted {:>5}  processed {:>5}  lost {lost:>4}  cancel to return {took:>8}",
        done.accepted, done.processed
    );
}
