use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, SamplingMode, criterion_group, criterion_main};
use threads_counters::Way;

/// Increments in all, split evenly over the threads, so that one thread and
/// two do the same work and the time shows the speed-up (or the slow-down).
const TOTAL: u64 = 10_000_000;

fn count(c: &mut Criterion) {
    let mut group = c.benchmark_group("threads-counters/count");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(300));
    group.measurement_time(Duration::from_secs(2));
    for threads in [1usize, 2] {
        for way in Way::ALL {
            group.bench_with_input(BenchmarkId::new(way.name(), threads), &threads, |b, &n| {
                b.iter(|| way.count(n, black_box(TOTAL / n as u64)))
            });
        }
    }
    group.finish();
}

/// False sharing alone: the two sharded counters with longer loops, so
/// that on a busy machine the two threads still spend most of their time
/// running at once.
const LONG: u64 = 100_000_000;

fn false_sharing(c: &mut Criterion) {
    let mut group = c.benchmark_group("threads-counters/false-sharing");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(300));
    group.measurement_time(Duration::from_secs(3));
    for threads in [1usize, 2] {
        for way in [Way::ShardedPacked, Way::ShardedPadded] {
            let name = if way == Way::ShardedPacked {
                "packed"
            } else {
                "padded"
            };
            group.bench_with_input(BenchmarkId::new(name, threads), &threads, |b, &n| {
                b.iter(|| way.count(n, black_box(LONG / n as u64)))
            });
        }
    }
    group.finish();
}

criterion_group!(benches, count, false_sharing);
criterion_main!(benches);
