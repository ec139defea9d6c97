#![forbid(unsafe_code)]

use std::time::Duration;

use clap::Parser;
use queues_retry::{Event, LEVELS, Outcome, POISON, Policy, head_of_line, run};
use support_broker::{connect, exit_on_broker_error, exit_on_error};

/// Retry with back-off through RabbitMQ wait queues (TTL 100 ms, 400 ms,
/// 1.6 s) and a parking lot, against a requeue loop, then the per-message
/// TTL trap. Talks to the broker at AMQP_URL (default
/// amqp://guest:guest@127.0.0.1:5672/%2f).
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// Tries a job gets before it is parked, the first one included.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..=10))]
    max_tries: u32,
    /// Milliseconds the requeue loop runs with its poison message.
    #[arg(long, default_value_t = 1_000, value_parser = clap::value_parser!(u64).range(10..=60_000))]
    window_ms: u64,
}

fn millis(d: Duration) -> String {
    format!("{} ms", d.as_millis())
}

fn outcome(o: Outcome) -> String {
    match o {
        Outcome::Done => "done".into(),
        Outcome::Requeued => "requeued".into(),
        Outcome::Waiting { level } => format!("wait {}", millis(LEVELS[level])),
        Outcome::Parked => "parked".into(),
    }
}

#[tokio::main]
async fn main() {
    let args: Args = support_kit::parse_args();
    let connection = exit_on_broker_error(connect("queues-retry").await);
    let jobs = [(1, 0), (2, 2), (3, POISON)];
    let limit = Duration::from_secs(30);
    let (events, parked) = exit_on_error(
        run(
            &connection,
            Policy::BackOff,
            &LEVELS,
            args.max_tries,
            &jobs,
            limit,
        )
        .await,
    );

    println!(
        "back-off: waits of {}, {}, {}; {} tries, then the parking lot",
        millis(LEVELS[0]),
        millis(LEVELS[1]),
        millis(LEVELS[2]),
        args.max_tries
    );
    println!(
        "{:<4} {:>6} {:>4} {:>9} {:>15}  then",
        "job", "fails", "try", "at", "since last try"
    );
    for &(job, fails) in &jobs {
        let mine: Vec<&Event> = events.iter().filter(|e| e.job == job).collect();
        for (i, event) in mine.iter().enumerate() {
            let gap = match i {
                0 => "-".to_string(),
                _ => millis(event.at - mine[i - 1].at),
            };
            let fails = if fails == POISON {
                "always".to_string()
            } else {
                fails.to_string()
            };
            println!(
                "{:<4} {:>6} {:>4} {:>9} {:>15}  {}",
                job,
                fails,
                event.delivery,
                millis(event.at),
                gap,
                outcome(event.outcome)
            );
        }
    }
    for (job, deaths) in &parked {
        println!();
        println!("job {job} in the parking lot, its x-death header:");
        for death in deaths {
            let queue = match death.queue.split_once("-wait-") {
                Some((_, level)) => format!("wait-{level}"),
                None => "work".to_string(),
            };
            println!(
                "  queue: {:<12} reason: {:<9} count: {}",
                queue, death.reason, death.count
            );
        }
        if let Some(first) = deaths.first() {
            println!("  fields of each entry: {}", first.fields.join(", "));
        }
    }

    let window = Duration::from_millis(args.window_ms);
    let (requeued, _) = exit_on_error(
        run(
            &connection,
            Policy::Requeue,
            &LEVELS,
            args.max_tries,
            &[(4, POISON)],
            window,
        )
        .await,
    );
    println!();
    println!(
        "requeue for ever: the poison job was delivered {} times in {}",
        requeued.len(),
        millis(window)
    );

    let order = exit_on_error(head_of_line(&connection, LEVELS[2], LEVELS[0]).await);
    println!();
    println!(
        "per-message TTL in one wait queue: 'long' ({}) published before 'short' ({})",
        millis(LEVELS[2]),
        millis(LEVELS[0])
    );
    for (body, at) in &order {
        println!("  back after {:>9}: {body}", millis(*at));
    }
    support_broker::close(&connection).await;
}
