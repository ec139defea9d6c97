#![forbid(unsafe_code)]

use std::time::{Duration, Instant};

use clap::Parser;
use maxims_thread_limit::{
    DEFAULT_STACK, Limits, address_space_bytes, limits, memory_maps, resident_bytes,
    spawn_parked_tasks, spawn_parked_threads,
};
use support_kit::grouped;

/// The thread limit: start many OS threads, then many tokio tasks, each one
/// parked doing nothing, and report what one of each costs in memory
/// (resident and reserved, read from /proc on Linux) and in time to start
/// and stop.
///
/// The defaults (2,000 threads, 100,000 tasks) are modest for any 64-bit
/// machine. --brave raises them to 10,000 threads and 1,000,000 tasks: that
/// reserves about 20 GiB of address space (little of it resident), needs
/// 10,000 free thread ids, and needs Linux's vm.max_map_count to allow 4
/// memory maps per thread. The last line of the report says which limit
/// caps the number of threads on this machine.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// Threads to start [default: 2,000, or 10,000 with --brave].
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=MAX_THREADS))]
    threads: Option<u64>,
    /// Tokio tasks to start [default: 100,000, or 1,000,000 with --brave].
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=MAX_TASKS))]
    tasks: Option<u64>,
    /// Stack size of the small-stack threads, in KiB.
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u64).range(16..=2048))]
    small_stack_kib: u64,
    /// Larger defaults: 10,000 threads and 1,000,000 tasks.
    #[arg(long)]
    brave: bool,
}

const MAX_THREADS: u64 = 30_000;
const MAX_TASKS: u64 = 5_000_000;
const WARM_UP_THREADS: usize = 200;

/// Memory maps one parked thread adds on Linux with glibc: its stack and
/// guard page, and the alternate signal stack std gives every thread and
/// its guard page. The check below uses it to refuse a count that would run
/// out of maps: std aborts the whole process when that happens.
const MAPS_PER_THREAD: u64 = 4;

/// One row of the table.
struct Row {
    what: String,
    count: u64,
    start: Duration,
    stop: Duration,
    resident: Option<i64>,
    address_space: Option<i64>,
    maps: Option<i64>,
}

fn main() {
    let args: Args = support_kit::parse_args();
    let threads = args
        .threads
        .unwrap_or(if args.brave { 10_000 } else { 2_000 });
    let tasks = args
        .tasks
        .unwrap_or(if args.brave { 1_000_000 } else { 100_000 });
    let limits = limits();
    check_thread_count(threads, &limits);
    let ceiling = ceiling(&limits);

    let small = (args.small_stack_kib as usize) << 10;
    // Start and release some threads once, unmeasured: the first threads of
    // a process also pay for one-time set-up (glibc reserves a 64 MiB malloc
    // arena for each of the first few), which is not what a thread costs.
    drop(spawn_parked_threads(
        WARM_UP_THREADS.min(threads as usize),
        small,
    ));
    let rows = vec![
        thread_row(threads, DEFAULT_STACK),
        thread_row(threads, small),
        task_row(tasks),
    ];

    println!(
        "thread limit: {} cores, {} threads, {} tasks, each parked until released",
        support_kit::cores(),
        grouped(threads),
        grouped(tasks)
    );
    println!(
        "limits: threads-max {} · pid_max {} · max user processes {} · vm.max_map_count {}",
        maybe(limits.threads_max),
        maybe(limits.pid_max),
        maybe(limits.max_user_processes),
        maybe(limits.max_map_count)
    );
    println!();
    println!(
        "{:<22} {:>9} {:>11} {:>11} {:>11} {:>11} {:>6}",
        "each one of", "count", "start", "stop", "resident", "reserved", "maps"
    );
    for row in &rows {
        let each = |bytes: Option<i64>| {
            bytes.map_or("unknown".into(), |b| {
                human_bytes(b as f64 / row.count as f64)
            })
        };
        println!(
            "{:<22} {:>9} {:>11} {:>11} {:>11} {:>11} {:>6}",
            row.what,
            grouped(row.count),
            support_kit::human_duration(row.start / row.count as u32),
            support_kit::human_duration(row.stop / row.count as u32),
            each(row.resident),
            each(row.address_space),
            row.maps.map_or("?".into(), |m| support_kit::three_digits(
                m as f64 / row.count as f64
            ))
        );
    }
    println!();
    match ceiling {
        Some((most, name)) => println!(
            "the first limit threads would meet here: about {} threads, set by {name}",
            grouped(most)
        ),
        None => println!("the first limit threads would meet here: unknown (no /proc)"),
    }
}

/// The smallest of the limits on threads, and its name.
fn ceiling(limits: &Limits) -> Option<(u64, &'static str)> {
    let maps = limits
        .max_map_count
        .zip(memory_maps())
        .map(|(max, now)| max.saturating_sub(now) / MAPS_PER_THREAD);
    [
        (maps, "vm.max_map_count ÷ 4 maps per thread"),
        (limits.pid_max, "kernel.pid_max"),
        (limits.threads_max, "kernel.threads-max"),
        (limits.max_user_processes, "max user processes"),
    ]
    .into_iter()
    .filter_map(|(limit, name)| Some((limit?, name)))
    .min()
}

/// Refuses, with one line, a thread count the limits cannot hold.
fn check_thread_count(threads: u64, limits: &Limits) {
    if let (Some(max), Some(now)) = (limits.max_map_count, memory_maps()) {
        let needed = now + threads * MAPS_PER_THREAD;
        if needed > max {
            support_kit::usage_error(&format!(
                "{} threads need about {} memory maps but vm.max_map_count is {}; at most about {} fit",
                grouped(threads),
                grouped(needed),
                grouped(max),
                grouped(max.saturating_sub(now) / MAPS_PER_THREAD)
            ));
        }
    }
}

/// What changed in (resident, reserved, maps) between two readings.
fn delta(before: [Option<u64>; 3], after: [Option<u64>; 3]) -> [Option<i64>; 3] {
    std::array::from_fn(|i| Some(after[i]? as i64 - before[i]? as i64))
}

fn readings() -> [Option<u64>; 3] {
    [resident_bytes(), address_space_bytes(), memory_maps()]
}

fn thread_row(n: u64, stack: usize) -> Row {
    let before = readings();
    let start = Instant::now();
    let mut parked = match spawn_parked_threads(n as usize, stack) {
        Ok(parked) => parked,
        Err(err) => {
            eprintln!(
                "error: starting {} threads with {} stacks: {err}",
                grouped(n),
                human_bytes(stack as f64)
            );
            std::process::exit(1);
        }
    };
    let started = start.elapsed();
    let [resident, address_space, maps] = delta(before, readings());
    let start = Instant::now();
    let finished = parked.release();
    let stop = start.elapsed();
    check_finished("threads", finished, n);
    Row {
        what: format!("thread, {} stack", human_bytes(stack as f64)),
        count: n,
        start: started,
        stop,
        resident,
        address_space,
        maps,
    }
}

fn task_row(n: u64) -> Row {
    let runtime = match tokio::runtime::Builder::new_multi_thread().build() {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("error: could not start the tokio runtime: {err}");
            std::process::exit(1);
        }
    };
    runtime.block_on(async {
        let before = readings();
        let start = Instant::now();
        let parked = spawn_parked_tasks(n as usize).await;
        let started = start.elapsed();
        let [resident, address_space, maps] = delta(before, readings());
        let start = Instant::now();
        let finished = parked.release().await;
        let stop = start.elapsed();
        check_finished("tasks", finished, n);
        Row {
            what: "tokio task".into(),
            count: n,
            start: started,
            stop,
            resident,
            address_space,
            maps,
        }
    })
}

/// Every unit released must have finished; anything else is a bug worth a
/// clear line rather than a wrong table.
fn check_finished(what: &str, finished: usize, n: u64) {
    if finished as u64 != n {
        eprintln!("error: only {finished} of {n} {what} finished");
        std::process::exit(1);
    }
}

fn maybe(value: Option<u64>) -> String {
    value.map_or("unknown".into(), grouped)
}

/// 2048 -> "2.00 KiB"; negative sizes (memory given back) keep their sign.
fn human_bytes(bytes: f64) -> String {
    let sign = if bytes < 0.0 { "-" } else { "" };
    let bytes = bytes.abs();
    let (value, unit) = if bytes < 1024.0 {
        (bytes, "B")
    } else if bytes < 1024.0 * 1024.0 {
        (bytes / 1024.0, "KiB")
    } else {
        (bytes / 1024.0 / 1024.0, "MiB")
    };
    if unit == "B" {
        format!("{sign}{value:.0} B")
    } else {
        format!("{sign}{} {unit}", support_kit::three_digits(value))
    }
}
