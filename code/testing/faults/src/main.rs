#![forbid(unsafe_code)]

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use testing_faults::{
    Order, fetch_once, fetch_resuming, order_name, start_cutting_proxy, start_server, supervise,
};

/// Fault injection: a worker process killed with SIGKILL between ack and write; a TCP stream cut by a proxy.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// Jobs per supervised run; each run kills the worker at one of them.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=1_000))]
    jobs: u32,
    /// Items the server streams.
    #[arg(long, default_value_t = 1_000, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    items: u32,
    /// Bytes the proxy lets through on each connection before it cuts it.
    #[arg(long, default_value_t = 2_000, value_parser = clap::value_parser!(u64).range(16..=100_000_000))]
    cut_after: u64,
    #[command(subcommand)]
    worker: Option<Worker>,
}

#[derive(Subcommand, Debug)]
enum Worker {
    /// The worker process the supervisor starts (not for people).
    #[command(hide = true)]
    Worker {
        #[arg(long, value_enum)]
        order: Order,
        #[arg(long)]
        results: PathBuf,
        #[arg(long)]
        pause_at: Option<u32>,
    },
}

fn main() {
    let args: Args = support_kit::parse_args();
    if let Some(Worker::Worker {
        order,
        results,
        pause_at,
    }) = args.worker
    {
        if let Err(e) = testing_faults::worker(order, &results, pause_at) {
            eprintln!("worker: {e}");
            std::process::exit(1);
        }
        return;
    }
    let exe = std::env::current_exe().expect("the path of this program");
    println!(
        "{} jobs per run; in run k the worker is killed with SIGKILL between the two steps of job k",
        args.jobs
    );
    for order in [Order::AckFirst, Order::WriteFirst] {
        let (mut lost, mut duplicated, mut kills) = (0, 0, 0);
        for k in 0..args.jobs {
            let outcome = supervise(&exe, order, args.jobs, Some(k)).expect("a supervised run");
            lost += outcome.lost.len();
            duplicated += outcome.duplicated.len();
            kills += outcome.kills;
        }
        println!(
            "  {:<12} {:>3} runs, {:>3} kills: {:>3} jobs lost, {:>3} done twice",
            order_name(order),
            args.jobs,
            kills,
            lost,
            duplicated
        );
    }
    println!();
    let server = start_server(args.items).expect("a local server");
    let proxy = start_cutting_proxy(server, args.cut_after as usize).expect("a local proxy");
    println!(
        "{} items streamed through a proxy that cuts each connection after {} bytes",
        args.items, args.cut_after
    );
    let once = fetch_once(proxy).expect("the fetch");
    println!(
        "  {:<16} got {:>7} of {} items, and no error",
        "read to EOF",
        once.len(),
        args.items
    );
    match fetch_resuming(proxy, 100_000) {
        Ok(f) => println!(
            "  {:<16} got {:>7} of {} items, in order, over {} connections",
            "resume and retry",
            f.items.len(),
            args.items,
            f.connections
        ),
        Err(e) => println!("  {:<16} failed: {e}", "resume and retry"),
    }
}
