#![forbid(unsafe_code)]

use std::process::Command;
use std::time::Duration;

use async_door_knock::{
    Footprint, knock_with_tasks, knock_with_threads, task_footprint, thread_footprint, thread_limit,
};
use clap::Parser;
use support_kit::{grouped, human_duration};

/// The door knock at scale: tokio tasks against OS threads (64 KiB stacks),
/// wall time and memory per waiter. Each memory figure comes from a fresh
/// process, so no run inherits another's freed memory.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// Waiter counts to try, comma-separated.
    #[arg(long, value_delimiter = ',', default_values_t = [1_000u64, 10_000, 100_000],
          value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    waiters: Vec<u64>,
    /// How long each door takes to open, in milliseconds.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=1_000))]
    wait_ms: u64,
    /// Runs of each timing; the time shown is the fastest.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u64).range(1..=100))]
    repeat: u64,
    /// Internal: measure one footprint ("tasks" or "threads") in this process and print it.
    #[arg(long, hide = true, num_args = 2, value_names = ["KIND", "N"])]
    footprint: Option<Vec<String>>,
}

/// Memory growth per waiter; a slightly negative growth is other programs'
/// noise (waiters cannot free memory), shown as zero. NaN (the measuring
/// child failed) is shown as "unknown", not as zero.
fn bytes(b: f64) -> String {
    if b.is_nan() {
        return "unknown".into();
    }
    let b = b.max(0.0);
    if b.abs() < 1024.0 {
        format!("{b:.0} B")
    } else {
        format!("{:.1} KiB", b / 1024.0)
    }
}

/// Runs this program again to measure one footprint in a fresh process.
fn footprint_in_child(kind: &str, n: u64, wait_ms: u64) -> Option<(f64, Option<f64>)> {
    let me = std::env::current_exe().ok()?;
    let out = Command::new(me)
        .args([
            "--wait-ms",
            &wait_ms.to_string(),
            "--footprint",
            kind,
            &n.to_string(),
        ])
        .output()
        .ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    let mut words = text.split_whitespace();
    let resident = words.next()?.parse().ok()?;
    let stacks = words.next().and_then(|w| w.parse().ok());
    Some((resident, stacks))
}

fn main() {
    let args: Args = support_kit::parse_args();
    let wait = Duration::from_millis(args.wait_ms);
    if let Some(what) = &args.footprint {
        let n: usize = what[1]
            .parse()
            .unwrap_or_else(|_| support_kit::usage_error("--footprint KIND N"));
        let f: Footprint = match what[0].as_str() {
            "tasks" => task_footprint(n, wait),
            "threads" => thread_footprint(n, wait)
                .unwrap_or_else(|e| support_kit::usage_error(&e.to_string())),
            _ => support_kit::usage_error("--footprint takes tasks or threads"),
        };
        let stacks = f.kernel_stack_each().map_or("-".into(), |k| format!("{k}"));
        println!("{} {}", f.resident_each(), stacks);
        return;
    }
    let limit = thread_limit();
    println!(
        "door knock: tokio tasks against OS threads (64 KiB stacks), each waiting {}; {} cores",
        human_duration(wait),
        support_kit::cores()
    );
    if let Some((n, why)) = limit {
        println!("threads that fit here: about {} ({why})", grouped(n));
    }
    println!();
    println!(
        "{:>9}  {:<12} {:>10}  {:>14}  {:>17}",
        "waiters", "kind", "wall time", "resident each", "kernel stack each"
    );
    let rt = tokio::runtime::Runtime::new().expect("a tokio runtime");
    for &n in &args.waiters {
        for kind in ["tasks", "threads"] {
            let label = if kind == "tasks" {
                "tokio tasks"
            } else {
                "OS threads"
            };
            if kind == "threads" && limit.is_some_and(|(max, _)| n + 100 > max) {
                println!(
                    "{:>9}  {:<12} not started: only about {} fit here",
                    grouped(n),
                    label,
                    grouped(limit.unwrap().0)
                );
                continue;
            }
            let (took, answered) = support_kit::fastest_of(args.repeat, || match kind {
                "tasks" => rt.block_on(knock_with_tasks(n as usize, wait)).len(),
                _ => knock_with_threads(n as usize, wait).map_or(0, |a| a.len()),
            });
            assert_eq!(answered as u64, n, "every door answers once");
            let (resident, stacks) =
                footprint_in_child(kind, n, args.wait_ms).unwrap_or((f64::NAN, None));
            println!(
                "{:>9}  {:<12} {:>10}  {:>14}  {:>17}",
                grouped(n),
                label,
                human_duration(took),
                bytes(resident),
                stacks.map_or("unknown".into(), bytes)
            );
        }
    }
}
