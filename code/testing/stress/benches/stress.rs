use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use std::time::Duration;
use testing_stress::{Bug, NOISES};

// The cost of one run of each buggy program (two threads started, the racy
// steps, both joined), with each noise. Runs-to-failure, from the CLI, times
// this is the time a stress loop needs to find the bug.
fn run(c: &mut Criterion) {
    let mut group = c.benchmark_group("testing-stress/run");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(1))
        .warm_up_time(Duration::from_millis(300));
    for bug in [Bug::LostUpdate, Bug::Deadlock] {
        for noise in NOISES {
            group.bench_with_input(
                BenchmarkId::new(bug.name(), noise.name()),
                &noise,
                |b, &noise| b.iter(|| bug.shows(noise)),
            );
        }
    }
    group.finish();
}

criterion_group!(benches, run);
criterion_main!(benches);
