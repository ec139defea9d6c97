#![forbid(unsafe_code)]

use std::time::Duration;

use clap::Parser;
use intro_eight_questions::{
    distinct, fail_and_report, get_results, give_input, share_a_counter, spawn_returns_at_once,
    start_tasks, stop_with_a_flag, talk, who_runs,
};
use support_kit::{cores, human_duration};

/// Runs the eight questions' answers for plain std threads, one small live
/// experiment each, and prints what happened in an eight-row table.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// Threads sharing the counter (question 8) and sending messages (question 7).
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u64).range(1..=64))]
    threads: u64,
    /// Increments per thread on the shared counter, and messages per sender.
    #[arg(long, default_value_t = 100_000, value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    increments: u64,
}

fn main() {
    let args: Args = support_kit::parse_args();
    let (n, k) = (args.threads, args.increments);
    let mut rows: Vec<[String; 3]> = Vec::new();
    let mut row = |question: &str, mechanism: &str, happened: String| {
        rows.push([question.to_string(), mechanism.to_string(), happened]);
    };

    let (greeting, lengths) = start_tasks(&["knock", "knock", "who"]);
    row(
        "1 start a task?",
        "thread::spawn, thread::scope",
        format!("spawned: {greeting:?}; scoped: {lengths:?}"),
    );

    let let_it_run = Duration::from_millis(20);
    let rounds = stop_with_a_flag(let_it_run);
    row(
        "2 stop one?",
        "ask: a shared AtomicBool",
        format!(
            "flag set after {}; task stopped after {rounds} rounds",
            human_duration(let_it_run)
        ),
    );

    let (by_move, by_channel) = give_input((1..=100).collect());
    row(
        "3 give it input?",
        "move closure; mpsc channel",
        format!("sum of 1..=100: by move {by_move}, by channel {by_channel}"),
    );

    let squares = get_results(8);
    row(
        "4 get its result?",
        "JoinHandle::join",
        format!("8 tasks returned {squares:?}"),
    );

    let ran = who_runs(4);
    let names: Vec<&str> = ran.iter().map(|(name, _)| name.as_str()).collect();
    row(
        "5 what drives them?",
        "the OS scheduler",
        format!(
            "{}: {} distinct ids, {} cores",
            names.join(", "),
            distinct(ran.iter().map(|(_, id)| id)),
            cores()
        ),
    );

    let failed = fail_and_report(13);
    let fine = fail_and_report(12);
    row(
        "6 how does it fail?",
        "panic; join returns Err",
        format!("door 13: {failed:?}; door 12: {fine:?}"),
    );

    let heard = talk(n, k);
    row(
        "7 can tasks talk?",
        "mpsc channel (many senders)",
        format!(
            "{n} senders × {k} messages: {} arrived, {}",
            heard.len(),
            if distinct(heard.iter()) == heard.len() {
                "none twice"
            } else {
                "SOME TWICE"
            }
        ),
    );

    let (locked, atomic) = share_a_counter(n, k);
    row(
        "8 same storage?",
        "Mutex, AtomicU64; &mut refused",
        format!(
            "{n} threads × {k}: Mutex {locked}, atomic {atomic}, expected {}",
            n * k
        ),
    );

    let widths: Vec<usize> = (0..3)
        .map(|c| {
            rows.iter()
                .map(|r| r[c].chars().count())
                .chain([13])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: [&str; 3]| {
        println!(
            "{:<w0$} | {:<w1$} | {}",
            cells[0],
            cells[1],
            cells[2],
            w0 = widths[0],
            w1 = widths[1]
        );
    };
    line(["question", "mechanism", "what happened"]);
    println!(
        "{}-+-{}-+-{}",
        "-".repeat(widths[0]),
        "-".repeat(widths[1]),
        "-".repeat(widths[2])
    );
    for r in &rows {
        line([&r[0], &r[1], &r[2]]);
    }

    let work = Duration::from_millis(50);
    let (spawned, joined) = spawn_returns_at_once(work);
    println!();
    println!(
        "Asynchronous: spawn returned after {}, join after {} (the task sleeps {}).",
        human_duration(spawned),
        human_duration(joined),
        human_duration(work)
    );
}
