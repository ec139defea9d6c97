use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, SamplingMode, criterion_group, criterion_main};
use maxims_amdahl::{one_thread, run};

/// The command line's default job: 4,000 units of work.
const UNITS: u64 = 4_000;

/// Every run does the same 4,000 units; only the serial part and the number of
/// workers change. The speed-up columns divide one-thread's time by each row's.
fn workers(c: &mut Criterion) {
    let mut group = c.benchmark_group("maxims-amdahl/workers");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(20);
    group.warm_up_time(Duration::from_millis(300));
    group.measurement_time(Duration::from_secs(2));
    group.bench_function(BenchmarkId::new("one-thread", 1), |b| {
        b.iter(|| one_thread(black_box(UNITS)))
    });
    for percent in [0u32, 10, 50] {
        let serial = f64::from(percent) / 100.0;
        for workers in [1usize, 2, 4] {
            let id = BenchmarkId::new(format!("serial-{percent}%"), workers);
            group.bench_function(id, |b| b.iter(|| run(black_box(UNITS), serial, workers)));
        }
    }
    group.finish();
}

criterion_group!(benches, workers);
criterion_main!(benches);
