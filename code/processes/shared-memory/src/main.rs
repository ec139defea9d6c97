#![forbid(unsafe_code)]

use std::time::Duration;

use clap::Parser;
use processes_shared_memory::{
    Link, Method, Transport, children_left, count_in_processes, cpu_time, this_program,
};
use support_kit::{grouped, three_digits};

/// Processes sharing a memory-mapped file: a counter that N worker processes
/// increment with fetch_add and with a separate load and store, then the time
/// and the CPU time to move 1 MiB between two processes over a pipe, a Unix
/// socket and a ring in shared memory.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// Worker processes incrementing the shared counter.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u64).range(1..=64))]
    processes: u64,
    /// Increments by each worker.
    #[arg(long, default_value_t = 5_000_000, value_parser = clap::value_parser!(u64).range(1..=1_000_000_000))]
    increments: u64,
    /// Timed transfers of 1 MiB per transport and message size (the fastest is shown).
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u64).range(1..=100))]
    repeat: u64,
}

const VOLUME: usize = 1 << 20;
const SIZES: [usize; 4] = [64, 1_024, 65_536, 1_048_576];

fn fail(what: &str, err: std::io::Error) -> ! {
    eprintln!("error: {what}: {err}");
    std::process::exit(1)
}

fn main() {
    // A worker is this program started again with a special first argument.
    processes_shared_memory::run_as_worker_if_asked();
    let args: Args = support_kit::parse_args();
    let exe = this_program().unwrap_or_else(|err| fail("cannot find this program", err));

    let expected = args.processes * args.increments;
    println!(
        "processes-shared-memory: {} worker processes × {} increments of one counter in a shared file; expected {}",
        args.processes,
        grouped(args.increments),
        grouped(expected)
    );
    println!("{:<14} {:>14} {:>14}", "method", "counted", "lost");
    for method in [Method::Atomic, Method::LoadStore] {
        let counted = count_in_processes(&exe, method, args.processes, args.increments)
            .unwrap_or_else(|err| fail("counting", err));
        println!(
            "{:<14} {:>14} {:>14}",
            method.name(),
            grouped(counted),
            grouped(expected.saturating_sub(counted))
        );
    }

    let mut all_intact = true;
    let mut rows = Vec::new();
    for size in SIZES {
        let mut row = Vec::new();
        for transport in Transport::ALL {
            let batch = (VOLUME / size) as u64;
            let mut link = Link::open(&exe, transport, size, batch, false)
                .unwrap_or_else(|err| fail("starting a receiver", err));
            // One batch to warm up, then the timed ones. CPU time is counted
            // over all of them, in this process and in the worker.
            let cpu_before = cpu_time();
            let mut send = || link.send_batch().unwrap_or_else(|err| fail("sending", err));
            send();
            let (best, ()) = support_kit::fastest_of(args.repeat, send);
            let sender_cpu = cpu_time() - cpu_before;
            let report = link.finish().unwrap_or_else(|err| fail("finishing", err));
            all_intact &=
                report.received == link.sent() && report.out_of_order == 0 && report.corrupt == 0;
            let cpu = sender_cpu + Duration::from_micros(report.cpu_us);
            row.push((best, cpu / (args.repeat + 1) as u32));
        }
        rows.push((size, row));
    }
    let table = |title: String, cell: &dyn Fn(Duration, Duration) -> String| {
        println!();
        println!("{title}");
        print!("{:>14}", "message bytes");
        for transport in Transport::ALL {
            print!(" {:>14}", transport.name());
        }
        println!();
        for (size, row) in &rows {
            print!("{:>14}", grouped(*size as u64));
            for &(best, cpu) in row {
                print!(" {:>14}", cell(best, cpu));
            }
            println!();
        }
    };
    table(
        format!(
            "moving 1 MiB from one process to another, fastest of {}: MiB/s",
            args.repeat
        ),
        &|best, _| three_digits(1.0 / best.as_secs_f64()),
    );
    table(
        "CPU time per MiB moved, sender and receiver together, mean of all rounds: ms".to_string(),
        &|_, cpu| three_digits(cpu.as_secs_f64() * 1e3),
    );
    println!(
        "every message arrived, in order, untorn: {}",
        if all_intact { "yes" } else { "NO" }
    );
    println!(
        "child processes left: {}",
        children_left(Duration::from_secs(2)).len()
    );
}
