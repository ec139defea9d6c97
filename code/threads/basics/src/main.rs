#![forbid(unsafe_code)]

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;

use clap::Parser;
use support_kit::{cores, grouped};
use threads_basics::{
    CONFIG_BUILDS, TABLE_BUILDS, config, join_a_panicking_thread, named_with_stack,
    parking_lot_mutex_after_a_panic, race_for_init, scope_with_a_panicking_thread,
    std_mutex_after_a_panic, sum_scoped, sum_spawned,
};

/// Thread basics: spawn and join, scoped threads, names and stack sizes,
/// what join returns after a panic, and OnceLock/LazyLock under contention.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// Threads for the sums and for the race to initialise.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u64).range(1..=256))]
    threads: u64,
    /// Numbers to sum.
    #[arg(long, default_value_t = 1_000_000, value_parser = clap::value_parser!(u64).range(1..=100_000_000))]
    numbers: u64,
    /// Stack size of the named thread, in KiB. The thread recurses 100 frames,
    /// which overflows (and aborts the process) below about 36 KiB, so the
    /// smallest size accepted is 64.
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u64).range(64..=65_536))]
    stack_kib: u64,
}

fn main() {
    let args: Args = support_kit::parse_args();
    let threads = args.threads as usize;
    println!("thread basics: {threads} threads; {} cores", cores());
    println!();

    let numbers: Vec<u64> = (1..=args.numbers).collect();
    let expected = args.numbers * (args.numbers + 1) / 2;
    let scoped = sum_scoped(&numbers, threads);
    let spawned = sum_spawned(Arc::new(numbers), threads);
    println!(
        "sum of 1..={} on {threads} threads: spawn + Arc {}, scope + borrow {}, formula {}",
        grouped(args.numbers),
        grouped(spawned),
        grouped(scoped),
        grouped(expected)
    );

    // 100 frames of a few hundred bytes each: comfortably inside 64 KiB.
    let (name, depth) = named_with_stack("worker-7", args.stack_kib as usize * 1024, 100);
    println!(
        "named thread: called itself {:?}, recursed {depth} frames deep on a {} KiB stack",
        name.unwrap_or_default(),
        args.stack_kib
    );

    // The default hook would print each panic to stderr; the lines below
    // say what happened instead.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let joined = join_a_panicking_thread("the disk is full");
    let scope_panic = scope_with_a_panicking_thread();
    let (poisoned, std_value) = std_mutex_after_a_panic();
    let parking_value = parking_lot_mutex_after_a_panic();
    std::panic::set_hook(hook);
    println!("join of a panicking thread: {joined:?}");
    println!("scope with a panicking thread: panicked with {scope_panic:?}");
    println!(
        "a panic with a std Mutex held: poisoned {poisoned}, value inside {std_value}; \
         with a parking_lot Mutex: no poison, value inside {parking_value}"
    );
    println!("this thread is still running");

    let seen = race_for_init(threads);
    let addresses: BTreeSet<usize> = seen.iter().map(|&(a, _)| a).collect();
    let sums: BTreeSet<u64> = seen.iter().map(|&(_, s)| s).collect();
    println!(
        "race to initialise, {threads} threads: OnceLock ran its closure {} time(s), \
         LazyLock {} time(s); {} distinct config value(s), {} distinct table sum(s)",
        CONFIG_BUILDS.load(Relaxed),
        TABLE_BUILDS.load(Relaxed),
        addresses.len(),
        sums.len()
    );
    println!("config: {:?}", config());
}
