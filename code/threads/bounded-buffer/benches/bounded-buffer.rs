use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, SamplingMode, criterion_group, criterion_main};
use threads_bounded_buffer::{BoundedBuffer, Crossbeam, StdSyncChannel, Transfer, transfer};

const ITEMS: u64 = 100_000;

/// One producer, one consumer, the same numbers through three buffers.
fn buffers(c: &mut Criterion) {
    let mut group = c.benchmark_group("threads-bounded-buffer/transfer");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(300));
    group.measurement_time(Duration::from_secs(2));
    let runs: [(&str, Transfer); 3] = [
        ("condvar", transfer::<BoundedBuffer<u64>>),
        ("crossbeam", transfer::<Crossbeam<u64>>),
        ("sync_channel", transfer::<StdSyncChannel<u64>>),
    ];
    for capacity in [1usize, 64] {
        for (name, run) in runs {
            group.bench_with_input(BenchmarkId::new(name, capacity), &capacity, |b, &cap| {
                b.iter(|| run(cap, 1, 1, black_box(ITEMS)))
            });
        }
    }
    group.finish();
}

criterion_group!(benches, buffers);
criterion_main!(benches);
