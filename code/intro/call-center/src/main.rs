#![forbid(unsafe_code)]

use std::time::Duration;

use clap::Parser;
use intro_call_center::{predict, schedule, serve};
use support_kit::human_duration;

/// A call center: agent threads answer callers from one shared queue. Prints the
/// measured waits beside the Erlang C (M/M/c) prediction for each number of agents.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// Numbers of agents to try, comma-separated (each 1..=1000).
    #[arg(long, value_delimiter = ',', default_value = "2,3,4,5,6",
          value_parser = clap::value_parser!(u64).range(1..=1000))]
    agents: Vec<u64>,

    /// How many callers ring during a run.
    #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    callers: u64,

    /// Mean gap between two callers, in milliseconds (exponentially distributed).
    #[arg(long, default_value_t = 1.0, value_parser = milliseconds)]
    arrival_ms: f64,

    /// Mean talk time of a call, in milliseconds (exponentially distributed).
    #[arg(long, default_value_t = 2.5, value_parser = milliseconds)]
    talk_ms: f64,

    /// Seed of the random schedule: the same seed gives the same callers.
    #[arg(long, default_value_t = 2024)]
    seed: u64,
}

/// A positive, finite number of milliseconds, at most one minute.
fn milliseconds(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(ms) if ms.is_finite() && ms > 0.0 && ms <= 60_000.0 => Ok(ms),
        _ => Err("expected milliseconds above 0 and at most 60000".to_string()),
    }
}

fn main() {
    let args: Args = support_kit::parse_args();
    let mut agent_counts = args.agents.clone();
    agent_counts.sort_unstable();
    agent_counts.dedup();
    if agent_counts.len() > 20 {
        support_kit::usage_error("--agents takes at most 20 different numbers");
    }
    let gap = Duration::from_secs_f64(args.arrival_ms / 1e3);
    let talk = Duration::from_secs_f64(args.talk_ms / 1e3);
    let load = args.talk_ms / args.arrival_ms;
    let calls = schedule(args.callers as usize, gap, talk, args.seed);

    println!(
        "{} callers, one every {} and talking {} on average (seed {})",
        args.callers,
        human_duration(gap),
        human_duration(talk),
        args.seed
    );
    println!(
        "offered load: {} agents' worth of talk; with fewer agents the queue only grows",
        support_kit::three_digits(load)
    );
    println!();
    println!(
        "{:>6}  {:>10}  {:>11}  {:>9}  {:>9}  {:>9}  {:>17}  {:>19}  {:>18}",
        "agents",
        "load/agent",
        "utilisation",
        "p50 wait",
        "p99 wait",
        "max wait",
        "P(wait) predicted",
        "mean wait predicted",
        "mean wait measured"
    );
    let bar = support_kit::progress(agent_counts.len() as u64, "agent counts");
    let mut spread = Vec::new();
    let mut talked = Duration::ZERO;
    for &agents in &agent_counts {
        let report = serve(agents as usize, &calls);
        let (p_wait, predicted) = match predict(agents as usize, gap, talk) {
            Some(p) => (
                format!("{:.1} %", p.p_wait * 100.0),
                human_duration(p.mean_wait),
            ),
            None => ("overloaded".to_string(), "overloaded".to_string()),
        };
        println!(
            "{:>6}  {:>8.0} %  {:>9.1} %  {:>9}  {:>9}  {:>9}  {:>17}  {:>19}  {:>18}",
            agents,
            load / agents as f64 * 100.0,
            report.utilisation() * 100.0,
            human_duration(report.wait_percentile(0.50)),
            human_duration(report.wait_percentile(0.99)),
            human_duration(report.max_wait()),
            p_wait,
            predicted,
            human_duration(report.mean_wait()),
        );
        spread.push((agents, report.calls_per_agent()));
        talked += report.mean_talk();
        bar.inc(1);
    }
    bar.finish_and_clear();
    println!();
    println!("predicted: Erlang C for M/M/c in steady state; measured: this run's callers");
    println!("overloaded: load >= agents, so there is no steady state and no prediction");
    let scheduled_gap = calls.last().map_or(Duration::ZERO, |c| c.arrival) / calls.len() as u32;
    let scheduled_talk = calls.iter().map(|c| c.talk).sum::<Duration>() / calls.len() as u32;
    println!(
        "this schedule: mean gap {}, mean talk {}; measured talk {} a call (sleeps end late)",
        human_duration(scheduled_gap),
        human_duration(scheduled_talk),
        human_duration(talked / agent_counts.len() as u32)
    );
    println!();
    println!("calls answered by each agent");
    for (agents, calls) in spread {
        let calls: Vec<String> = calls.iter().map(|n| n.to_string()).collect();
        println!("{agents:>6}: {}", calls.join(" "));
    }
}
