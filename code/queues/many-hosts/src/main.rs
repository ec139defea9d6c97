#![forbid(unsafe_code)]

use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand};
use queues_many_hosts::{
    Forwarder, Network, RemotePublisher, Workers, declare_queue, purge, round_trip,
};
use support_broker::{amqp_url, broker_address, connect, exit_on_broker_error, exit_on_error};
use support_kit::{grouped, human_duration};

/// A work queue whose workers and publisher run on other "hosts": Linux
/// network namespaces joined to this one by veth pairs, with a one-way delay
/// added by tc netem (or, where the kernel has no netem, by the forwarder
/// that carries their connections to the broker). Needs root and iproute2, and RabbitMQ at AMQP_URL
/// (default amqp://guest:guest@127.0.0.1:5672/%2f).
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// Worker hosts.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u16).range(1..=8))]
    workers: u16,
    /// Messages per work-queue run.
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    messages: u64,
    /// Persistent messages per publishing run.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    publish: u64,
    /// One-way delays to try, in milliseconds.
    #[arg(long, value_delimiter = ',', default_value = "0,1,5,20",
          value_parser = clap::value_parser!(u64).range(0..=500))]
    delays_ms: Vec<u64>,
    /// The larger prefetch count (the smaller is 1).
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u16).range(2..=10_000))]
    prefetch: u16,
    #[command(subcommand)]
    role: Option<Role>,
}

/// What the binary does when it re-runs itself inside a host.
#[derive(Subcommand, Debug)]
enum Role {
    /// Consume a queue, print each acknowledged id (used inside a host).
    #[command(hide = true)]
    Worker {
        #[arg(long)]
        url: String,
        #[arg(long)]
        queue: String,
        #[arg(long, value_parser = clap::value_parser!(u16).range(1..))]
        prefetch: u16,
    },
    /// Publish persistent messages on request (used inside a host).
    #[command(hide = true)]
    Publisher {
        #[arg(long)]
        url: String,
        #[arg(long)]
        queue: String,
    },
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Args = support_kit::parse_args();
    match &args.role {
        Some(Role::Worker {
            url,
            queue,
            prefetch,
        }) => exit_on_error(queues_many_hosts::worker(url, queue, *prefetch).await),
        Some(Role::Publisher { url, queue }) => {
            exit_on_error(queues_many_hosts::publisher(url, queue).await)
        }
        None => orchestrate(args).await,
    }
}

async fn orchestrate(args: Args) {
    let exe: PathBuf = exit_on_error(std::env::current_exe());
    let url = amqp_url();
    let connection = exit_on_broker_error(connect("queues-many-hosts").await);
    let mut names: Vec<String> = (1..=args.workers).map(|n| format!("w{n}")).collect();
    names.push("p1".to_string());
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let network = exit_on_error(Network::create(&names));
    // `exit_on_error` exits without running destructors: every failure from
    // here on comes back as a value, so that the hosts are deleted first.
    let outcome = measure(&args, &exe, &url, &connection, &network).await;
    let made: Vec<String> = network
        .hosts()
        .iter()
        .map(|h| h.namespace.clone())
        .collect();
    drop(network);
    exit_on_error(outcome);
    support_broker::close(&connection).await;
    let left = queues_many_hosts::namespaces_named(queues_many_hosts::PREFIX);
    let removed = made.iter().all(|name| !left.contains(name));
    println!();
    println!(
        "hosts removed afterwards: {}",
        if removed { "all" } else { "NOT ALL" }
    );
}

/// An error as the one line `exit_on_error` prints.
fn text(error: impl std::fmt::Display) -> String {
    error.to_string()
}

/// Everything the run does with its hosts: the work-queue table and the
/// publishing table.
async fn measure(
    args: &Args,
    exe: &Path,
    url: &str,
    connection: &lapin::Connection,
    network: &Network,
) -> Result<(), String> {
    let (worker_hosts, publisher_host) = network.hosts().split_at(usize::from(args.workers));
    let _forwarder = Forwarder::start(network, &broker_address(url))
        .await
        .map_err(text)?;
    let channel = connection.create_channel().await.map_err(text)?;
    let queue = support_broker::unique_name("many-hosts");
    declare_queue(&channel, &queue).await.map_err(text)?;

    println!(
        "many hosts: the broker's host and {} others (ip netns, a veth pair each)",
        args.workers + 1
    );
    println!("delay added by: {}", network.delay_by());
    println!();
    println!(
        "work queue: {} messages from the broker's host to {} worker hosts, an ack each",
        grouped(args.messages),
        args.workers
    );
    println!(
        "{:>13} {:>8} {:>9} {:>11} {:>11} {:>9}",
        "one-way delay", "prefetch", "time", "messages/s", "most by one", "each once"
    );
    for prefetch in [1, args.prefetch] {
        let mut workers = Workers::start(worker_hosts, exe, url, &queue, prefetch).map_err(text)?;
        for &delay in &args.delays_ms {
            network.set_delay(delay).map_err(text)?;
            let (elapsed, done) = round_trip(&channel, &queue, &mut workers, args.messages)
                .await
                .map_err(text)?;
            let exact = done.all_sorted() == (0..args.messages).collect::<Vec<_>>();
            println!(
                "{:>13} {:>8} {:>9} {:>11} {:>11} {:>9}",
                format!("{delay} ms"),
                prefetch,
                human_duration(elapsed),
                grouped((args.messages as f64 / elapsed.as_secs_f64()) as u64),
                grouped(done.most_by_one() as u64),
                if exact { "yes" } else { "NO" }
            );
        }
        drop(workers);
        network.set_delay(0).map_err(text)?;
    }

    println!();
    println!(
        "publishing {} persistent messages from a publisher host, with confirms",
        grouped(args.publish)
    );
    println!(
        "{:>13} {:<24} {:>9} {:>11} {:>6}",
        "one-way delay", "waits for confirms", "time", "messages/s", "acked"
    );
    let mut publisher =
        RemotePublisher::start(&publisher_host[0], exe, url, &queue).map_err(text)?;
    for (label, batch) in [
        ("after every message", 1),
        ("once, after all", args.publish),
    ] {
        for &delay in &args.delays_ms {
            network.set_delay(delay).map_err(text)?;
            let run = publisher.publish(args.publish, batch).await.map_err(text)?;
            purge(&channel, &queue).await.map_err(text)?;
            println!(
                "{:>13} {:<24} {:>9} {:>11} {:>6}",
                format!("{delay} ms"),
                label,
                human_duration(run.elapsed),
                grouped((args.publish as f64 / run.elapsed.as_secs_f64()) as u64),
                grouped(run.acked)
            );
        }
    }
    drop(publisher);
    support_broker::delete_queues(&channel, &[queue])
        .await
        .map_err(text)?;
    Ok(())
}
