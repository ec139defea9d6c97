use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use processes_pipes::{Worker, jobs};

/// Moving N small jobs (ten numbers each) through one long-lived worker:
/// one round trip at a time, where every job waits for the previous answer,
/// against a writer thread that keeps the pipes full. Per job, the first pays
/// two pipe hand-offs and two wake-ups; the second shares them.
fn per_message(c: &mut Criterion) {
    let program = Path::new(env!("CARGO_BIN_EXE_processes-pipes"));
    let mut group = c.benchmark_group("processes-pipes/per-message");
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(300));
    group.measurement_time(Duration::from_secs(1));
    let mut worker = Worker::spawn(program).expect("start a worker");
    for n in [1u64, 10, 100, 1_000] {
        let batch = jobs(n, 10);
        group.bench_with_input(BenchmarkId::new("round-trip", n), &batch, |b, batch| {
            b.iter(|| {
                for job in batch {
                    black_box(worker.ask(job).expect("an answer"));
                }
            })
        });
        group.bench_with_input(BenchmarkId::new("streamed", n), &batch, |b, batch| {
            b.iter(|| black_box(worker.stream(batch).expect("answers")))
        });
    }
    group.finish();
    worker.finish().expect("the worker exits");
}

criterion_group!(benches, per_message);
criterion_main!(benches);
