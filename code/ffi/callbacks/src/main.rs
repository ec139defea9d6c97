#![forbid(unsafe_code)]

use clap::Parser;
use ffi_callbacks::{Runner, expected_sum, mixed_sum, on_c_threads, on_c_threads_unguarded};
use std::os::unix::process::ExitStatusExt;
use support_kit::{grouped, human_duration};

/// C starts threads that call back into a Rust closure: the sum is checked,
/// timed against Rust's own threads, and a panic in the closure comes back as
/// an error. With --panic-through-c the panic meets a callback without
/// catch_unwind, and the process aborts.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// Items in all, split among the threads.
    #[arg(long, default_value_t = 1 << 18, value_parser = clap::value_parser!(u64).range(4..=1 << 32))]
    items: u64,
    /// Mixing rounds per item (the work in each callback).
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u32).range(1..=1_000))]
    rounds: u32,
    /// Run a child in which a callback panics with no catch_unwind between it
    /// and C, and report how the child ended.
    #[arg(long)]
    panic_through_c: bool,
    /// Be that child: panic through C, and abort.
    #[arg(long, hide = true)]
    unguarded_panic: bool,
}

/// Runs this program again as a child that panics through C, and prints what
/// it wrote to stderr and how it ended.
fn panic_through_c_in_a_child() {
    let me = std::env::current_exe().expect("the path of this program");
    let out = std::process::Command::new(me)
        .arg("--unguarded-panic")
        .env("RUST_BACKTRACE", "0")
        .output()
        .expect("the child starts");
    println!("the child's stderr (backtrace frames left out):");
    let stderr = String::from_utf8_lossy(&out.stderr);
    for line in stderr
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with(' '))
    {
        println!("  {line}");
    }
    match (out.status.code(), out.status.signal()) {
        (_, Some(6)) => println!("the child was killed by signal 6 (SIGABRT)"),
        (_, Some(signal)) => println!("the child was killed by signal {signal}"),
        (Some(code), _) => println!("the child exited with code {code}"),
        (None, None) => println!("the child ended, how is unknown"),
    }
}

fn main() {
    let args: Args = support_kit::parse_args();
    if args.panic_through_c {
        panic_through_c_in_a_child();
        return;
    }
    if args.unguarded_panic {
        let _ = on_c_threads_unguarded(2, 10, &|thread, item| {
            if thread == 1 && item == 3 {
                panic!("item 3 on C thread 1 went wrong");
            }
        });
        unreachable!("the panic aborts the process before this line");
    }

    println!(
        "{} items, {} mixing rounds each; fastest of 3 runs",
        grouped(args.items),
        args.rounds
    );
    println!(
        "{:<22} {:>7} {:>8} {:>10}",
        "threads started by", "threads", "sum", "fastest"
    );
    for (name, runner) in [
        ("C, catch_unwind", Runner::CThreads),
        ("Rust", Runner::RustThreads),
    ] {
        for threads in [1u32, 2, 4] {
            let (took, sum) =
                support_kit::fastest_of(3, || mixed_sum(runner, threads, args.items, args.rounds));
            let right = sum == expected_sum(threads, args.items, args.rounds);
            let verdict = if right { "right" } else { "WRONG" };
            println!(
                "{name:<22} {threads:>7} {verdict:>8} {:>10}",
                human_duration(took)
            );
        }
    }

    // A panic on one C thread comes back as an error; the process lives on.
    std::panic::set_hook(Box::new(|_| {})); // the message is printed below instead
    let outcome = on_c_threads(2, 10, &|thread, item| {
        if thread == 1 && item == 3 {
            panic!("item 3 on C thread 1 went wrong");
        }
    });
    let _ = std::panic::take_hook();
    println!("a callback that panics: {outcome:?}");
}
