#![forbid(unsafe_code)]

use std::process::Command;

use actors_backpressure::{Load, MAILBOXES, Mailbox, peak_rss_kib, run, runtime};
use clap::Parser;
use support_kit::{grouped, human_duration};

/// A fast producer and a slow actor: an unbounded mailbox grows (memory and
/// waits), a bounded one pushes back on the producer, a dropping one sheds
/// load. Each mailbox runs in a fresh process, so its peak memory is its own.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// Messages the producer sends.
    #[arg(long, default_value_t = 50_000, value_parser = clap::value_parser!(u64).range(1..=2_000_000))]
    messages: u64,
    /// Bytes of payload in each message.
    #[arg(long, default_value_t = 1_024, value_parser = clap::value_parser!(u64).range(0..=65_536))]
    payload: u64,
    /// Work the producer does per message (xorshift steps).
    #[arg(long, default_value_t = 1_000, value_parser = clap::value_parser!(u32).range(0..=1_000_000))]
    produce_rounds: u32,
    /// Work the actor does per message (xorshift steps).
    #[arg(long, default_value_t = 5_000, value_parser = clap::value_parser!(u32).range(0..=1_000_000))]
    handle_rounds: u32,
    /// Run one mailbox in this process and print one line (used by the parent run).
    #[arg(long, hide = true)]
    only: Option<String>,
}

fn main() {
    let args: Args = support_kit::parse_args();
    if args.messages * args.payload > 4_000_000_000 {
        support_kit::usage_error("--messages times --payload is more than 4 GB");
    }
    let load = Load {
        messages: args.messages,
        payload_bytes: args.payload as usize,
        produce_rounds: args.produce_rounds,
        handle_rounds: args.handle_rounds,
    };
    if let Some(only) = &args.only {
        let mailbox = Mailbox::parse(only)
            .unwrap_or_else(|| support_kit::usage_error(&format!("unknown mailbox '{only}'")));
        one_run(mailbox, load);
        return;
    }

    println!(
        "{} messages of {} bytes; producer {} steps per message, actor {} (the actor is the slow side)",
        grouped(args.messages),
        grouped(args.payload),
        grouped(u64::from(args.produce_rounds)),
        grouped(u64::from(args.handle_rounds))
    );
    println!("each mailbox ran in a fresh process; peak memory is that process's VmHWM");
    println!();
    println!(
        "{:<13} {:>8} {:>8} {:>11} {:>10} {:>10} {:>10} {:>10} {:>10}",
        "mailbox",
        "handled",
        "dropped",
        "peak queue",
        "wait p50",
        "wait p99",
        "producer",
        "total",
        "peak RSS"
    );
    let me = std::env::current_exe().expect("the path of this program");
    let bar = support_kit::progress(MAILBOXES.len() as u64, "mailboxes");
    for mailbox in MAILBOXES {
        let out = Command::new(&me)
            .args([
                "--messages",
                &args.messages.to_string(),
                "--payload",
                &args.payload.to_string(),
                "--produce-rounds",
                &args.produce_rounds.to_string(),
                "--handle-rounds",
                &args.handle_rounds.to_string(),
                "--only",
                &mailbox.name(),
            ])
            .output()
            .expect("this program runs again");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        print!("{}", String::from_utf8_lossy(&out.stdout));
        bar.inc(1);
    }
    bar.finish_and_clear();
}

/// One mailbox, in this process: prints its row of the table.
fn one_run(mailbox: Mailbox, load: Load) {
    let report = runtime().block_on(run(mailbox, load));
    let rss = peak_rss_kib().map_or("n/a".to_string(), |kib| {
        format!("{} MiB", support_kit::three_digits(kib as f64 / 1024.0))
    });
    println!(
        "{:<13} {:>8} {:>8} {:>11} {:>10} {:>10} {:>10} {:>10} {:>10}",
        mailbox.name(),
        grouped(report.handled),
        grouped(report.dropped),
        grouped(report.peak_queued.max(0) as u64),
        human_duration(report.wait_quantile(0.5)),
        human_duration(report.wait_quantile(0.99)),
        human_duration(report.producer),
        human_duration(report.elapsed),
        rss
    );
}
