use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, SamplingMode, criterion_group, criterion_main};
use intro_door_knock::{
    Work, busy_knocks_sequentially, busy_knocks_with_threads, knock_sequentially, knock_with_tasks,
    knock_with_threads, runtime,
};

/// Time against the number of knocks, each waiting 10 ms. The tokio runtime
/// is built once, outside the timed region, so the tasks' rows time the
/// knocks alone, as the threads' rows do.
fn waits(c: &mut Criterion) {
    let wait = Duration::from_millis(10);
    let runtime = runtime();
    let mut group = c.benchmark_group("intro-door-knock/waits");
    // One iteration can last a second (100 sequential knocks): flat sampling
    // runs the same few iterations per sample instead of 1, 2, ... 10 of them.
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_millis(200))
        .measurement_time(Duration::from_millis(500));
    for n in [1usize, 10, 100] {
        group.bench_with_input(BenchmarkId::new("sequential", n), &n, |b, &n| {
            b.iter(|| knock_sequentially(black_box(n), wait))
        });
    }
    for n in [1usize, 10, 100, 1_000, 10_000] {
        group.bench_with_input(BenchmarkId::new("threads", n), &n, |b, &n| {
            b.iter(|| knock_with_threads(black_box(n), wait).expect("the threads start"))
        });
        group.bench_with_input(BenchmarkId::new("tokio-tasks", n), &n, |b, &n| {
            b.iter(|| knock_with_tasks(&runtime, black_box(n), wait))
        });
    }
    group.finish();
}

/// Time against the number of knocks, each spinning the CPU for about 10 ms.
fn busy(c: &mut Criterion) {
    let work = Work::calibrated(Duration::from_millis(10));
    let mut group = c.benchmark_group("intro-door-knock/busy");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_millis(200))
        .measurement_time(Duration::from_millis(500));
    for n in [1usize, 2, 4, 8, 16] {
        group.bench_with_input(BenchmarkId::new("sequential", n), &n, |b, &n| {
            b.iter(|| busy_knocks_sequentially(black_box(n), work))
        });
        group.bench_with_input(BenchmarkId::new("threads", n), &n, |b, &n| {
            b.iter(|| busy_knocks_with_threads(black_box(n), work).expect("the threads start"))
        });
    }
    group.finish();
}

criterion_group!(benches, waits, busy);
criterion_main!(benches);
