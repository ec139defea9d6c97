#![forbid(unsafe_code)]

use clap::Parser;
use testing_loom::Orders;
use testing_loom::check::{self, Model};

/// Model-checks a ring buffer's orderings with loom: how many executions each model needed under each
/// preemption bound, which ones failed, and the failing execution of the broken ring, step by step.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// Check with preemption bounds 1 up to this, then with no bound.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u64).range(1..=5))]
    max_preemptions: u64,
}

fn main() {
    let args: Args = support_kit::parse_args();
    // The broken models fail on purpose; their panics are reported below, not by the hook.
    std::panic::set_hook(Box::new(|_| {}));
    let mut bounds: Vec<Option<usize>> = (1..=args.max_preemptions as usize).map(Some).collect();
    bounds.push(None);
    println!(
        "loom 0.7.3, 2 threads, 1 slot; executions explored (ok) or run until the failure (FAIL)"
    );
    print!("{:<12} {:<16}", "model", "orders");
    for bound in &bounds {
        let label = bound.map_or("unbounded".to_string(), |b| format!("p<={b}"));
        print!(" {label:>10}");
    }
    println!();
    let mut shown = None;
    for model in Model::ALL {
        for orders in Orders::ALL {
            print!("{:<12} {:<16}", model.name(), orders.name());
            for &bound in &bounds {
                let run = check::explore(model, orders, bound);
                let verdict = if run.failure.is_some() { "FAIL" } else { "ok" };
                print!(" {:>10}", format!("{} {verdict}", run.executions));
                if bound.is_none() && shown.is_none() {
                    shown = run.failure.map(|failure| (model, orders, failure));
                }
            }
            println!();
        }
    }
    print!("{:<29}", "wrap-around outcomes seen");
    for &bound in &bounds {
        let run = check::explore(Model::WrapAround, Orders::ReleaseAcquire, bound);
        print!(" {:>10}", format!("{} of 4", run.outcomes.len()));
    }
    println!();
    if let Some((model, orders, failure)) = shown {
        println!();
        println!(
            "execution {} of {} with {}, the first that failed:",
            failure.execution,
            model.name(),
            orders.name()
        );
        for step in &failure.trace {
            println!("  {step}");
        }
        println!("  panic: {}", failure.message.lines().next().unwrap_or(""));
    }
}
