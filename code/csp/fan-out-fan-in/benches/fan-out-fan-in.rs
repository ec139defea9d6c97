use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, SamplingMode, criterion_group, criterion_main};
use csp_fan_out_fan_in::{
    DEFAULT_BLOCK, crack_atomic_cursor, crack_pool, crack_prefilled, crack_sequential, sha256,
};

/// "zzzz" is the last of the 456,976 four-letter candidates, so every run
/// hashes all of them: the Introduction's sequential loop and atomic-cursor
/// threads against the channel pool and the prefilled queue, in one group and one table.
fn workers(c: &mut Criterion) {
    let target = sha256(b"zzzz");
    let mut group = c.benchmark_group("csp-fan-out-fan-in/workers");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(2));
    group.bench_function(BenchmarkId::new("sequential", 1), |b| {
        b.iter(|| crack_sequential(black_box(&target), 4))
    });
    for workers in [1, 2, 4, 8] {
        group.bench_with_input(
            BenchmarkId::new("threads-atomic-cursor", workers),
            &workers,
            |b, &w| b.iter(|| crack_atomic_cursor(black_box(&target), 4, w)),
        );
        group.bench_with_input(
            BenchmarkId::new("channel-pool", workers),
            &workers,
            |b, &w| {
                b.iter(|| {
                    crack_pool(black_box(&target), 4, w, DEFAULT_BLOCK).expect("no worker panics")
                })
            },
        );
        group.bench_with_input(
            BenchmarkId::new("prefilled-queue", workers),
            &workers,
            |b, &w| {
                b.iter(|| {
                    crack_prefilled(black_box(&target), 4, w, DEFAULT_BLOCK)
                        .expect("no worker panics")
                })
            },
        );
    }
    group.finish();
}

criterion_group!(benches, workers);
criterion_main!(benches);
