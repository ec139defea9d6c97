#![forbid(unsafe_code)]

use std::sync::Mutex;
use std::time::Duration;

use clap::{Parser, Subcommand};
use rayon_pitfalls::{
    FromAsync, TWO_BATCHES_TOTAL, Verdict, difference_balanced, difference_fixed,
    difference_parallel, difference_sequential, float_sum_fixed, float_sum_parallel,
    heartbeats_during, mixed_floats, out_of_order, pool, squares_with_log, sum_of_squares,
    sum_of_squares_cutoff, sum_of_squares_parallel, two_batches, watch,
};
use support_kit::{grouped, human_duration, three_digits};

/// rayon's pitfalls, each reproduced and then fixed: a lock held across a
/// nested parallel call, a reduce that is not associative, side effects in
/// map, parallel calls on tiny work, and rayon called from async code.
#[derive(Parser, Debug)]
#[command(version, args_conflicts_with_subcommands = true)]
struct Args {
    #[command(subcommand)]
    role: Option<Role>,
    /// Milliseconds the watchdog gives the nested-lock child before calling it deadlocked.
    #[arg(long, default_value_t = 2_000, value_parser = clap::value_parser!(u64).range(100..=600_000))]
    patience_ms: u64,
    /// Runs of the reduces on every pool, to see how many answers they give.
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..=10_000))]
    runs: u64,
}

#[derive(Subcommand, Debug)]
enum Role {
    /// Runs the two batches of the nested-lock pitfall and prints the total
    /// (the parent runs this under its watchdog; you can too).
    #[command(hide = true)]
    NestedLock {
        /// Hold the lock across the parallel sum (the trap).
        #[arg(long)]
        hold_lock: bool,
    },
}

fn main() {
    let args: Args = support_kit::parse_args();
    if let Some(Role::NestedLock { hold_lock }) = args.role {
        println!("{}", two_batches(hold_lock));
        return;
    }
    let program = std::env::current_exe().unwrap_or_else(|e| fail(&e.to_string()));
    let patience = Duration::from_millis(args.patience_ms);
    println!("rayon pitfalls, {} cores", support_kit::cores());
    println!();
    nested_lock(&program, patience);
    not_associative(args.runs as usize);
    side_effects();
    tiny_work();
    from_async();
}

fn fail(message: &str) -> ! {
    eprintln!("error: {message}");
    std::process::exit(1)
}

fn nested_lock(program: &std::path::Path, patience: Duration) {
    println!(
        "1. a lock held across a nested parallel call (two batches, two threads, the schedule of rayon issue #592)"
    );
    for (name, flag) in [
        (
            "holding the lock while rayon sums",
            &["nested-lock", "--hold-lock"][..],
        ),
        ("summing first, then taking the lock", &["nested-lock"][..]),
    ] {
        let verdict = watch(program, flag, patience).unwrap_or_else(|e| fail(&e.to_string()));
        let text = match verdict {
            Verdict::Deadlocked => format!(
                "deadlocked: still running after {}, killed by the watchdog",
                human_duration(patience)
            ),
            Verdict::Finished(out) => {
                let total: u64 = out.trim().parse().unwrap_or(0);
                format!(
                    "finished, total {} (right: {})",
                    grouped(total),
                    if total == TWO_BATCHES_TOTAL {
                        "yes"
                    } else {
                        "NO"
                    }
                )
            }
            Verdict::Failed(status) => format!("failed: {status}"),
        };
        println!("   {name:<38} {text}");
    }
    println!();
}

fn distinct<T: PartialEq + Clone>(answers: &[T]) -> usize {
    let mut seen: Vec<T> = Vec::new();
    for answer in answers {
        if !seen.contains(answer) {
            seen.push(answer.clone());
        }
    }
    seen.len()
}

fn not_associative(runs: usize) {
    let xs: Vec<i64> = (1..=100_000).collect();
    let floats = mixed_floats(1_000_000, 7);
    let exact = difference_sequential(&xs);
    let sequential: f64 = floats.iter().sum();
    println!("2. a reduce that is not associative, {runs} runs on each pool");
    println!(
        "   0 - 1 - 2 - ... - {}, sequential fold:   {exact}",
        grouped(xs.len() as u64)
    );
    println!(
        "   {} mixed f64 values, sequential sum:  {sequential:.17e}",
        grouped(floats.len() as u64)
    );
    println!();
    println!(
        "   {:<34} {:>24} {:>17}",
        "reduce", "runs equal to sequential", "distinct answers"
    );
    let row = |name: String, answers: &[u64], expected: u64| {
        let equal = answers.iter().filter(|&&a| a == expected).count();
        println!(
            "   {:<34} {:>24} {:>17}",
            name,
            format!("{equal} of {}", answers.len()),
            distinct(answers)
        );
    };
    let pools = [1, 2, 4].map(|threads| (threads, pool(threads)));
    let repeat = |f: &(dyn Fn() -> u64 + Sync), pool: &rayon::ThreadPool| -> Vec<u64> {
        (0..runs).map(|_| pool.install(f)).collect()
    };
    let as_bits = |x: i64| x as u64;
    row(
        "subtraction, cut at every midpoint".into(),
        &repeat(&|| as_bits(difference_balanced(&xs)), &pools[1].1),
        as_bits(exact),
    );
    for (threads, pool) in &pools {
        row(
            format!("subtraction, rayon, pool of {threads}"),
            &repeat(&|| as_bits(difference_parallel(&xs)), pool),
            as_bits(exact),
        );
    }
    for (threads, pool) in &pools {
        row(
            format!("fixed: minus a sum, pool of {threads}"),
            &repeat(&|| as_bits(difference_fixed(&xs)), pool),
            as_bits(exact),
        );
    }
    for (threads, pool) in &pools {
        row(
            format!("f64 sum, rayon, pool of {threads}"),
            &repeat(&|| float_sum_parallel(&floats).to_bits(), pool),
            sequential.to_bits(),
        );
    }
    let fixed: Vec<u64> = pools
        .iter()
        .flat_map(|(_, pool)| repeat(&|| float_sum_fixed(&floats).to_bits(), pool))
        .collect();
    println!(
        "   {:<34} {:>24} {:>17}",
        "fixed: f64 in fixed blocks, all",
        format!(
            "{} of {}",
            fixed.iter().filter(|&&a| a == sequential.to_bits()).count(),
            fixed.len()
        ),
        distinct(&fixed)
    );
    println!();
}

fn side_effects() {
    let xs: Vec<u64> = (0..100_000).collect();
    let log = Mutex::new(Vec::new());
    let squares = squares_with_log(&xs, &log);
    let log = log.into_inner().unwrap_or_else(|e| e.into_inner());
    let mut sorted = log.clone();
    sorted.sort_unstable();
    println!(
        "3. side effects in map ({} items)",
        grouped(xs.len() as u64)
    );
    println!(
        "   collected squares in input order:   {}",
        if squares.iter().zip(&xs).all(|(s, x)| *s == x * x) {
            "yes"
        } else {
            "NO"
        }
    );
    println!(
        "   every item logged exactly once:     {}",
        if sorted == xs { "yes" } else { "NO" }
    );
    println!(
        "   log entries out of input order:     {}",
        grouped(out_of_order(&log, &xs) as u64)
    );
    println!();
}

fn tiny_work() {
    println!("4. tiny work: a sum of squares, fastest of many calls each");
    println!(
        "   {:>10} {:>12} {:>12} {:>12} {:>14}",
        "items", "sequential", "rayon", "cutoff", "rayon speed-up"
    );
    for n in [100usize, 10_000, 1_000_000] {
        let xs: Vec<u64> = (0..n as u64).collect();
        let calls = (10_000_000 / n as u64).clamp(5, 2_000);
        let (seq, a) = support_kit::fastest_of(calls, || sum_of_squares(&xs));
        let (par, b) = support_kit::fastest_of(calls, || sum_of_squares_parallel(&xs));
        let (cut, c) = support_kit::fastest_of(calls, || sum_of_squares_cutoff(&xs));
        assert!(a == b && b == c, "the three sums differ");
        println!(
            "   {:>10} {:>12} {:>12} {:>12} {:>13}×",
            grouped(n as u64),
            human_duration(seq),
            human_duration(par),
            human_duration(cut),
            three_digits(seq.as_secs_f64() / par.as_secs_f64())
        );
    }
    println!();
}

fn from_async() {
    println!(
        "5. rayon called from async code: heartbeats a one-thread runtime gave while rayon worked"
    );
    for how in FromAsync::ALL {
        let beats = heartbeats_during(how, Duration::from_millis(300));
        println!("   {:<26} {beats:>3}", how.name());
    }
}
