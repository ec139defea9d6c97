#![forbid(unsafe_code)]

use clap::Parser;
use support_kit::cores;
use threads_send_sync::{
    arc_to_thread, checked_at_compile_time, could_spawn, lock_in_each_thread, mutex_shared,
    sum_moved, sum_scoped,
};

/// Send and Sync: runs the compiling fix for each listing the compiler
/// refuses (Rc → Arc, RefCell → Mutex, a guard moved → the lock taken in the
/// thread, a borrow given to spawn → move or scope).
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// Threads that write to the shared log and add to the shared total.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u64).range(1..=64))]
    threads: u64,
}

fn main() {
    let args: Args = support_kit::parse_args();
    let threads = args.threads as usize;
    checked_at_compile_time();
    println!(
        "send and sync: the fixes, {threads} threads; {} cores",
        cores()
    );
    println!();
    let (here, there) = arc_to_thread(vec!["Ada", "Grace"]);
    println!("Rc -> Arc:            both threads see {here} and {there} names");
    let lines = mutex_shared(threads);
    println!(
        "RefCell -> Mutex:     {} lines in the log: {}",
        lines.len(),
        lines.join(", ")
    );
    println!(
        "guard moved -> lock in each thread: total {}",
        lock_in_each_thread(threads)
    );
    let scores = vec![3, 1, 4, 1, 5];
    println!(
        "borrow -> scope:      {}; borrow -> move: {}",
        sum_scoped(&scores),
        sum_moved(scores)
    );
    let job = could_spawn(move || threads * 2);
    println!("a closure spawn accepts: {}", job());
}
