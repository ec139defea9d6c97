use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, SamplingMode, criterion_group, criterion_main};
use csp_hello_channel::{Kind, hello_through};

/// 100,000 numbers from one thread to another, through each kind of channel.
/// Every run includes starting and joining the two threads, once per run.
const ITEMS: u64 = 100_000;

fn capacity(c: &mut Criterion) {
    let mut group = c.benchmark_group("csp-hello-channel/capacity");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(300));
    group.measurement_time(Duration::from_secs(2));
    for capacity in [0usize, 1, 16, 1024] {
        let kind = if capacity == 0 {
            Kind::Rendezvous
        } else {
            Kind::Bounded(capacity)
        };
        group.bench_with_input(
            BenchmarkId::new("sync_channel", capacity),
            &kind,
            |b, &kind| b.iter(|| hello_through(kind, black_box(ITEMS))),
        );
    }
    group.bench_function("channel", |b| {
        b.iter(|| hello_through(Kind::Unbounded, black_box(ITEMS)))
    });
    group.finish();
}

criterion_group!(benches, capacity);
criterion_main!(benches);
