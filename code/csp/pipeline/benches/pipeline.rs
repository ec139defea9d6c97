use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, SamplingMode, criterion_group, criterion_main};
use csp_pipeline::{Buffer, run};

/// Items pushed through per run; the unbounded channel is plotted at this
/// value, since it can hold all of them at once.
const ITEMS: u64 = 2_000;
/// The slow transform's steps per item, as in the default command line run.
const ROUNDS: u32 = 10_000;

fn buffer(c: &mut Criterion) {
    let mut group = c.benchmark_group("csp-pipeline/buffer");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(300));
    group.measurement_time(Duration::from_secs(1));
    for capacity in [0usize, 1, 16, 1024] {
        group.bench_with_input(
            BenchmarkId::new("bounded", capacity),
            &capacity,
            |b, &capacity| b.iter(|| run(black_box(ITEMS), Buffer::Bounded(capacity), ROUNDS)),
        );
    }
    group.bench_function(BenchmarkId::new("unbounded", ITEMS), |b| {
        b.iter(|| run(black_box(ITEMS), Buffer::Unbounded, ROUNDS))
    });
    group.finish();
}

criterion_group!(benches, buffer);
criterion_main!(benches);
