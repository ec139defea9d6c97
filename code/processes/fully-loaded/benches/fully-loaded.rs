use std::time::Duration;

use criterion::{Criterion, SamplingMode};
use processes_fully_loaded::{DEFAULT_ROUNDS, Strategy, run, tasks};

/// One task per core, each a chain of DEFAULT_ROUNDS hashes; the process
/// pool is started and shut down inside every iteration, as in the CLI.
fn strategy(c: &mut Criterion) {
    let cores = support_kit::cores();
    let work = tasks(cores as u64, DEFAULT_ROUNDS);
    let mut group = c.benchmark_group("processes-fully-loaded/strategy");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(300));
    group.measurement_time(Duration::from_secs(2));
    for strategy in Strategy::ALL {
        group.bench_function(strategy.name(), |b| {
            b.iter(|| run(strategy, &work, cores).expect("no task fails"))
        });
    }
    group.finish();
}

fn main() {
    // First: a worker process is this bench program started again.
    procspawn::init();
    let mut c = Criterion::default().configure_from_args();
    strategy(&mut c);
    c.final_summary();
}
