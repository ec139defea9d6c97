use std::hint::black_box;
use std::time::Duration;

use actors_hand_rolled::{Strategy, count, runtime};
use criterion::{BenchmarkId, Criterion, SamplingMode, criterion_group, criterion_main};

/// 4 tasks x 25,000 increments, as the CLI's default run but shorter.
const TASKS: u64 = 4;
const INCREMENTS: u64 = 25_000;
/// The actor's mailbox.
const CAPACITY: usize = 64;

fn counter(c: &mut Criterion) {
    let runtime = runtime();
    let mut group = c.benchmark_group("actors-hand-rolled/counter");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(300));
    group.measurement_time(Duration::from_secs(2));
    for strategy in Strategy::ALL {
        group.bench_function(BenchmarkId::from_parameter(strategy.name()), |b| {
            b.iter(|| runtime.block_on(count(strategy, black_box(TASKS), INCREMENTS, CAPACITY)))
        });
    }
    group.finish();
}

fn capacity(c: &mut Criterion) {
    let runtime = runtime();
    let mut group = c.benchmark_group("actors-hand-rolled/capacity");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(300));
    group.measurement_time(Duration::from_secs(1));
    for capacity in [1usize, 16, 256, 4096] {
        group.bench_with_input(
            BenchmarkId::new("actor-tell", capacity),
            &capacity,
            |b, &capacity| {
                b.iter(|| {
                    runtime.block_on(count(
                        Strategy::ActorTell,
                        black_box(TASKS),
                        INCREMENTS,
                        capacity,
                    ))
                })
            },
        );
    }
    group.finish();
}

criterion_group!(benches, counter, capacity);
criterion_main!(benches);
