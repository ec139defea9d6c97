#![forbid(unsafe_code)]

use clap::{Parser, ValueEnum};
use intro_building_search::{Strategy, door_code};
use support_kit::grouped;

/// The building the default run searches: 4,000 floors of 5,000 rooms.
const DEFAULT_ROOMS: u64 = 20_000_000;
/// Beyond this a sequential search takes minutes; the CLI refuses it.
const MAX_CLI_ROOMS: u64 = 10_000_000_000;
/// Searcher counts the table tries when --workers is not given.
const DEFAULT_WORKERS: [usize; 4] = [1, 2, 4, 8];

/// Building search: find the one marked room among millions, alone or with
/// several searchers, and see how the time changes with the number of
/// searchers.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// Rooms in the building, numbered from 0.
    #[arg(long, default_value_t = DEFAULT_ROOMS,
          value_parser = clap::value_parser!(u64).range(1..=MAX_CLI_ROOMS))]
    rooms: u64,
    /// The marked room [default: none, the worst case: every searcher checks
    /// every door before giving up, so the times compare the walking alone].
    #[arg(long)]
    marked: Option<u64>,
    /// Use only this many searchers [default: 1, 2, 4 and 8 in turn].
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=1024))]
    workers: Option<u64>,
    /// Which strategy to time; `sequential` always runs, as the baseline.
    #[arg(long, value_enum, default_value_t = Which::All)]
    strategy: Which,
    /// Runs of every search; the table shows the fastest.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u64).range(1..=100))]
    repeat: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Which {
    All,
    Sequential,
    SplitAtEachFork,
    FixedPool,
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
    // Room number `rooms` is outside the building, so its code marks no room.
    let target = door_code(args.marked.unwrap_or(args.rooms));
    let workers: Vec<usize> = match args.workers {
        Some(w) => vec![w as usize],
        None => DEFAULT_WORKERS.to_vec(),
    };
    let mut runs = vec![(Strategy::Sequential, 1)];
    for strategy in [Strategy::SplitAtEachFork, Strategy::FixedPool] {
        if args.strategy == Which::All || strategy.name() == which_name(args.strategy) {
            runs.extend(workers.iter().map(|&w| (strategy, w)));
        }
    }

    let marked = args
        .marked
        .map_or_else(|| "none (every door is checked)".to_string(), grouped);
    println!(
        "building search: {} rooms, marked room {}, {} cores, fastest of {} runs",
        grouped(args.rooms),
        marked,
        support_kit::cores(),
        args.repeat
    );
    println!();
    let bar = support_kit::progress(runs.len() as u64 * args.repeat, "searching");
    let mut rows = Vec::new();
    for &(strategy, w) in &runs {
        let (best, found) = support_kit::fastest_of(args.repeat, || {
            let found = strategy.search(args.rooms, w, target);
            bar.inc(1);
            found
        });
        rows.push((strategy, w, found, best));
    }
    bar.finish_and_clear();

    let baseline = rows[0].3.as_secs_f64();
    println!(
        "{:<20} {:>7} {:>14} {:>10} {:>9}",
        "strategy", "workers", "room found", "time", "speed-up"
    );
    for (strategy, w, found, time) in rows {
        let room = found.map_or_else(|| "none".to_string(), grouped);
        println!(
            "{:<20} {:>7} {:>14} {:>10} {:>8}×",
            strategy.name(),
            w,
            room,
            support_kit::human_duration(time),
            support_kit::three_digits(baseline / time.as_secs_f64())
        );
    }
}

fn which_name(which: Which) -> &'static str {
    match which {
        Which::All => "all",
        Which::Sequential => Strategy::Sequential.name(),
        Which::SplitAtEachFork => Strategy::SplitAtEachFork.name(),
        Which::FixedPool => Strategy::FixedPool.name(),
    }
}
