use async_blocking::{HOWS, SETUPS, Work};
use criterion::{BenchmarkId, Criterion, SamplingMode, criterion_group, criterion_main};
use std::time::Duration;

// Group names start with the package name; scripts/measure turns each group
// into book/async/generated/<group>.md (a table) and .svg (a chart).
fn neighbours(c: &mut Criterion) {
    let mut group = c.benchmark_group("async-blocking/neighbours");
    // Flat sampling: every sample is one or a few whole runs, so 20 samples
    // of runs that take ~50 ms fit in a couple of seconds.
    group
        .sampling_mode(SamplingMode::Flat)
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    let work = Work::Sleep(Duration::from_millis(30));
    for (setup, flavor, blockers) in SETUPS {
        for (name, how) in HOWS {
            // The time reported is how long the 20 tickers took to finish their
            // 20 ticks, not how long the whole run took.
            group.bench_function(BenchmarkId::new(name, setup), |b| {
                b.iter_custom(|iters| {
                    (0..iters)
                        .map(|_| {
                            async_blocking::run(flavor, how, work, blockers, 20, 20).neighbours
                        })
                        .sum()
                })
            });
        }
    }
    group.finish();
}

fn mutex(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let mut group = c.benchmark_group("async-blocking/mutex");
    group
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    group.bench_function(BenchmarkId::new("std::sync::Mutex", "8x1000"), |b| {
        b.iter(|| runtime.block_on(async_blocking::count_with_std_mutex(8, 1_000)))
    });
    group.bench_function(BenchmarkId::new("tokio::sync::Mutex", "8x1000"), |b| {
        b.iter(|| runtime.block_on(async_blocking::count_with_tokio_mutex(8, 1_000)))
    });
    group.finish();
}

criterion_group!(benches, neighbours, mutex);
criterion_main!(benches);
