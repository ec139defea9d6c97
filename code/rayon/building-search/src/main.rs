#![forbid(unsafe_code)]

use clap::Parser;
use rayon_building_search::{
    HEAVY, LUCKY_SHIFT, Strategy, any_lucky, door_code, first_lucky, is_lucky, is_marked,
    is_marked_uneven, pool, sequential,
};
use support_kit::{grouped, human_duration, three_digits};

/// The building the default run searches: 4,000 floors of 5,000 rooms.
const DEFAULT_ROOMS: u64 = 20_000_000;
/// Beyond this a sequential search takes minutes; the CLI refuses it.
const MAX_CLI_ROOMS: u64 = 10_000_000_000;

/// Building search with rayon: the Introduction's problem (find the one marked
/// room among millions) solved by rayon's `find_any` and `join`, timed beside
/// the Introduction's own searchers on the same building.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// Rooms in the building, numbered from 0.
    #[arg(long, default_value_t = DEFAULT_ROOMS,
          value_parser = clap::value_parser!(u64).range(1..=MAX_CLI_ROOMS))]
    rooms: u64,
    /// The marked room [default: none, the worst case: every door is checked].
    #[arg(long)]
    marked: Option<u64>,
    /// Searchers: threads for the Introduction's searchers, and the size of
    /// rayon's pool [default: the number of cores].
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=256))]
    workers: Option<u64>,
    /// Runs of every search; the tables show the fastest.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u64).range(1..=100))]
    repeat: u64,
}

fn main() {
    let args: Args = support_kit::parse_args();
    if let Some(marked) = args.marked
        && marked >= args.rooms
    {
        support_kit::usage_error(&format!(
            "--marked {marked} is not a room: rooms are numbered 0 to {}",
            args.rooms - 1
        ));
    }
    let cores = support_kit::cores();
    let workers = args.workers.map_or(cores, |w| w as usize);
    let pool = pool(workers);
    // Room number `rooms` is outside the building, so its code marks no room.
    let target = door_code(args.marked.unwrap_or(args.rooms));
    let uneven_rooms = (args.rooms / 4).max(1);
    let uneven_target = door_code(uneven_rooms);
    let threshold = u64::MAX >> LUCKY_SHIFT;

    let bar = support_kit::progress(
        (2 * Strategy::ALL.len() as u64 + 3) * args.repeat,
        "searching",
    );
    let time = |search: &dyn Fn() -> Option<u64>| {
        support_kit::fastest_of(args.repeat, || {
            let found = search();
            bar.inc(1);
            found
        })
    };
    let even: Vec<_> = Strategy::ALL
        .iter()
        .map(|&s| {
            (
                s,
                time(&|| s.search(args.rooms, workers, &pool, |r| is_marked(r, target))),
            )
        })
        .collect();
    let uneven: Vec<_> = Strategy::ALL
        .iter()
        .map(|&s| {
            let check = |r| is_marked_uneven(r, uneven_target, uneven_rooms);
            (s, time(&|| s.search(uneven_rooms, workers, &pool, check)))
        })
        .collect();
    let lucky = [
        (
            "sequential",
            time(&|| sequential(args.rooms, |r| is_lucky(r, threshold))),
        ),
        (
            "rayon-find-first",
            time(&|| pool.install(|| first_lucky(args.rooms, threshold))),
        ),
        (
            "rayon-find-any",
            time(&|| pool.install(|| any_lucky(args.rooms, threshold))),
        ),
    ];
    bar.finish_and_clear();

    let marked = args
        .marked
        .map_or_else(|| "none (every door is checked)".to_string(), grouped);
    println!(
        "building search with rayon: {} rooms, marked room {marked}, {workers} workers, {cores} cores, fastest of {} runs",
        grouped(args.rooms),
        args.repeat
    );
    println!();
    table(&even);
    println!();
    println!(
        "uneven building: {} rooms, the first quarter {} times as slow to check, no room marked",
        grouped(uneven_rooms),
        HEAVY
    );
    println!();
    table(&uneven);
    println!();
    println!(
        "lucky rooms (door code below 2^{}): the first one, or any one, among {} rooms",
        64 - LUCKY_SHIFT,
        grouped(args.rooms)
    );
    println!();
    println!(
        "{:<24} {:>14} {:>10} {:>9}",
        "search", "room found", "time", "speed-up"
    );
    let baseline = lucky[0].1.0.as_secs_f64();
    for (name, (took, found)) in lucky {
        println!(
            "{:<24} {:>14} {:>10} {:>8}×",
            name,
            found.map_or_else(|| "none".to_string(), grouped),
            human_duration(took),
            three_digits(baseline / took.as_secs_f64())
        );
    }
}

fn table(rows: &[(Strategy, (std::time::Duration, Option<u64>))]) {
    println!(
        "{:<24} {:>14} {:>10} {:>9}",
        "strategy", "room found", "time", "speed-up"
    );
    let baseline = rows[0].1.0.as_secs_f64();
    for &(strategy, (took, found)) in rows {
        println!(
            "{:<24} {:>14} {:>10} {:>8}×",
            strategy.name(),
            found.map_or_else(|| "none".to_string(), grouped),
            human_duration(took),
            three_digits(baseline / took.as_secs_f64())
        );
    }
}
