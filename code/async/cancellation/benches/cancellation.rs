use async_cancellation::{
    forward_lossy, forward_plain, forward_reserved, pass_through, serve, serve_abrupt,
    shut_down_after,
};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use std::time::Duration;

// Group names start with the package name; scripts/measure turns each group
// into book/async/generated/<group>.md (a table) and .svg (a chart).
fn shutdown(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let mut group = c.benchmark_group("async-cancellation/shutdown");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(1));
    let (job, after) = (Duration::from_millis(20), Duration::from_millis(5));
    for k in [1usize, 10, 100, 1_000] {
        // Only the time from the cancel to the server's return is counted.
        group.bench_with_input(BenchmarkId::new("graceful", k), &k, |b, &k| {
            b.iter_custom(|iters| {
                (0..iters)
                    .map(|_| runtime.block_on(shut_down_after(serve, k, job, k, after)).1)
                    .sum()
            })
        });
        group.bench_with_input(BenchmarkId::new("abrupt", k), &k, |b, &k| {
            b.iter_custom(|iters| {
                (0..iters)
                    .map(|_| {
                        runtime
                            .block_on(shut_down_after(serve_abrupt, k, job, k, after))
                            .1
                    })
                    .sum()
            })
        });
    }
    group.finish();
}

fn forward(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let mut group = c.benchmark_group("async-cancellation/forward");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    let (n, beat) = (10_000u64, Duration::from_millis(1));
    group.bench_function(BenchmarkId::new("plain-send", n), |b| {
        b.iter(|| runtime.block_on(pass_through(forward_plain, n, beat, Duration::ZERO)))
    });
    group.bench_function(BenchmarkId::new("select-send", n), |b| {
        b.iter(|| runtime.block_on(pass_through(forward_lossy, n, beat, Duration::ZERO)))
    });
    group.bench_function(BenchmarkId::new("select-reserve", n), |b| {
        b.iter(|| runtime.block_on(pass_through(forward_reserved, n, beat, Duration::ZERO)))
    });
    group.finish();
}

criterion_group!(benches, shutdown, forward);
criterion_main!(benches);
