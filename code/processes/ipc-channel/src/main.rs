#![forbid(unsafe_code)]

use std::path::Path;
use std::process::exit;
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand};
use processes_ipc_channel::{Error, Worker, answer, children_of, requests, serve};
use support_kit::{grouped, human_duration};

/// Typed channels between processes: this binary starts itself again as a
/// worker, meets it through an ipc-channel one-shot server, sends it typed
/// requests and reads typed responses, then shuts it down cleanly.
#[derive(Parser, Debug)]
#[command(version, args_conflicts_with_subcommands = true)]
struct Args {
    #[command(subcommand)]
    role: Option<Role>,
    /// Sum requests to send, and as many word-count requests.
    #[arg(long, default_value_t = 1_000, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    requests: u64,
    /// Milliseconds to wait for the worker to connect, to answer, or to exit.
    #[arg(long, default_value_t = 5_000, value_parser = clap::value_parser!(u64).range(10..=600_000))]
    patience_ms: u64,
}

#[derive(Subcommand, Debug)]
enum Role {
    /// Connects to the parent's one-shot server and answers its requests (the
    /// parent starts this).
    #[command(hide = true)]
    Worker {
        /// The name of the parent's one-shot server.
        #[arg(long)]
        server: String,
    },
}

fn main() {
    let args: Args = support_kit::parse_args();
    if let Some(Role::Worker { server }) = args.role {
        if !Path::new(&server).exists() {
            support_kit::usage_error(&format!("no one-shot server at {server}"));
        }
        match serve(server) {
            Ok(_) => exit(0),
            Err(e) => {
                eprintln!("error: {e}");
                exit(1)
            }
        }
    }
    let program = std::env::current_exe().unwrap_or_else(|e| fail(&Error::Io(e)));
    if let Err(e) = demo(&program, &args) {
        fail(&e);
    }
}

fn fail(e: &Error) -> ! {
    eprintln!("error: {e}");
    exit(1)
}

fn demo(program: &Path, args: &Args) -> Result<(), Error> {
    let patience = Duration::from_millis(args.patience_ms);
    println!("ipc-channel: typed requests and responses between this process and a worker process");
    println!();

    let start = Instant::now();
    let worker = Worker::spawn(program, patience)?;
    let connected = start.elapsed();
    let other = worker.pid() != std::process::id() && worker.pid() == worker.child_id();
    println!(
        "handshake   the worker connected through a one-shot server in {}; another process: {}",
        human_duration(connected),
        yes(other)
    );

    let batch = requests(args.requests);
    let start = Instant::now();
    let mut right = 0;
    for request in &batch {
        if worker.call(request.clone())? == answer(request) {
            right += 1;
        }
    }
    let per_call = start.elapsed() / batch.len() as u32;
    println!(
        "requests    {} sums and {} word counts: {} responses right: {}",
        grouped(args.requests),
        grouped(args.requests),
        grouped(right),
        yes(right == batch.len() as u64)
    );
    println!(
        "round trip  {} a request, on average",
        human_duration(per_call)
    );

    let (served, status) = worker.shutdown()?;
    println!(
        "shutdown    the worker said bye after {} requests and exited: {}",
        grouped(served),
        describe(status)
    );
    let status = Worker::spawn(program, patience)?.hang_up()?;
    println!(
        "hang-up     a second worker whose request sender was dropped exited by itself: {}",
        describe(status)
    );
    println!();
    println!(
        "processes left behind: {}",
        children_of(std::process::id()).len()
    );
    Ok(())
}

fn yes(ok: bool) -> &'static str {
    if ok { "yes" } else { "NO" }
}

fn describe(status: std::process::ExitStatus) -> String {
    match status.code() {
        Some(code) => format!("exit code {code}"),
        None => format!("{status}"),
    }
}
