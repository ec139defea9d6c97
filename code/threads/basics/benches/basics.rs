use std::time::Duration;

use criterion::{BenchmarkId, Criterion, SamplingMode, criterion_group, criterion_main};
use threads_basics::{scope_join, spawn_join};

/// The cost of starting and joining threads that do nothing: one at a time
/// and eight at once, with the default stack (2 MiB), a 64 KiB stack, and
/// scoped threads.
fn spawn(c: &mut Criterion) {
    let mut group = c.benchmark_group("threads-basics/spawn-join");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(300));
    group.measurement_time(Duration::from_secs(1));
    for threads in [1usize, 8] {
        group.bench_with_input(BenchmarkId::new("spawn", threads), &threads, |b, &n| {
            b.iter(|| spawn_join(n, None))
        });
        group.bench_with_input(
            BenchmarkId::new("spawn-64KiB-stack", threads),
            &threads,
            |b, &n| b.iter(|| spawn_join(n, Some(64 * 1024))),
        );
        group.bench_with_input(BenchmarkId::new("scope", threads), &threads, |b, &n| {
            b.iter(|| scope_join(n))
        });
    }
    group.finish();
}

criterion_group!(benches, spawn);
criterion_main!(benches);
