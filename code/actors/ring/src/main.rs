#![forbid(unsafe_code)]

use actors_ring::{ErlangRing, Flavor, Trip, erlang_release, ractor_ring, runtime, tokio_ring};
use clap::Parser;
use support_kit::{grouped, human_nanos, three_digits};

/// The token ring: N actors pass a token M laps, on tokio (one thread and
/// multi-thread), on ractor, and in Erlang (one scheduler and one per core),
/// measured side by side in one run.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// Actors in the ring.
    #[arg(long, default_value_t = 1_000, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    actors: u64,
    /// Laps the token makes.
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    laps: u64,
    /// Trips per ring; the times shown are the fastest.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u64).range(1..=100))]
    repeat: u64,
}

fn main() {
    let args: Args = support_kit::parse_args();
    let hops = args.actors * args.laps;
    if hops > 100_000_000 {
        support_kit::usage_error(
            "--actors times --laps is more than 100,000,000 hops: too long a run",
        );
    }
    let n = args.actors as usize;
    let release =
        erlang_release().unwrap_or_else(|| support_kit::usage_error(actors_ring::GET_ERLANG));
    let cores = support_kit::cores();

    let bar = support_kit::progress(6 * args.repeat, "ring trips");
    let fastest = |trip: &mut dyn FnMut() -> Trip| -> Trip {
        let mut best: Option<Trip> = None;
        for _ in 0..args.repeat {
            let t = trip();
            assert_eq!(
                t.last,
                (hops % args.actors) as usize,
                "the token stopped at the wrong actor"
            );
            best = Some(best.map_or(t, |b: Trip| if t.elapsed < b.elapsed { t } else { b }));
            bar.inc(1);
        }
        best.expect("at least one trip")
    };
    let mut rows: Vec<(String, Trip)> = Vec::new();
    for (name, flavor) in [
        ("tokio, 1 thread", Flavor::CurrentThread),
        ("tokio, multi-thread", Flavor::MultiThread),
    ] {
        let rt = runtime(flavor);
        rows.push((
            name.into(),
            fastest(&mut || rt.block_on(tokio_ring(n, hops))),
        ));
    }
    for (name, flavor) in [
        ("ractor, 1 thread", Flavor::CurrentThread),
        ("ractor, multi-thread", Flavor::MultiThread),
    ] {
        let rt = runtime(flavor);
        rows.push((
            name.into(),
            fastest(&mut || rt.block_on(ractor_ring(n, hops))),
        ));
    }
    let schedulers = cores.to_string();
    for (name, flags) in [
        ("erlang, 1 scheduler", vec!["+S", "1"]),
        ("erlang, 1 per core", vec!["+S", schedulers.as_str()]),
    ] {
        let mut erlang = ErlangRing::start(&flags).unwrap_or_else(|e| support_kit::usage_error(&e));
        rows.push((name.into(), fastest(&mut || erlang.trip(n, hops))));
    }
    bar.finish_and_clear();

    println!(
        "ring: {} actors x {} laps = {} hops; {} cores; Erlang/OTP {}",
        grouped(args.actors),
        grouped(args.laps),
        grouped(hops),
        cores,
        release
    );
    println!("timed: token in -> report back; building, teardown and VM start-up are not");
    println!(
        "the token stopped at actor {} every time, as it must",
        grouped(hops % args.actors)
    );
    println!(
        "times are the fastest of {} trip{}",
        args.repeat,
        if args.repeat == 1 { "" } else { "s" }
    );
    println!();
    println!(
        "{:<22} {:>10} {:>12} {:>12}",
        "ring", "time", "per hop", "hops/s"
    );
    for (name, trip) in rows {
        let seconds = trip.elapsed.as_secs_f64();
        println!(
            "{:<22} {:>10} {:>12} {:>12}",
            name,
            human_nanos(seconds * 1e9),
            human_nanos(seconds * 1e9 / hops as f64),
            format!("{} M", three_digits(hops as f64 / seconds / 1e6))
        );
    }
}
