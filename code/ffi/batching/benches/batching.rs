use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use ffi_batching::{BATCHES, Harness, PyWay, c_per_batch, c_per_item};
use std::hint::black_box;
use std::time::Duration;

const ITEMS: usize = 10_000;

// One pass over 10,000 items, crossing into the other language once per item
// or once per batch.
fn batch(c: &mut Criterion) {
    let items: Vec<u64> = (0..ITEMS as u64).collect();
    let mut python = Harness::start(ITEMS).unwrap_or_else(|e| panic!("{e}"));
    let mut group = c.benchmark_group("ffi-batching/batch");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1));
    group.bench_function(BenchmarkId::new("rust-to-c-one", 1), |b| {
        b.iter(|| c_per_item(black_box(&items)))
    });
    for size in BATCHES {
        group.bench_with_input(BenchmarkId::new("rust-to-c", size), &size, |b, &size| {
            b.iter(|| c_per_batch(black_box(&items), size))
        });
    }
    // Python times itself, so the interpreter's start and the pipe are not counted.
    group.bench_function(BenchmarkId::new("python-to-rust-one", 1), |b| {
        b.iter_custom(|iters| python.run(PyWay::PerItem, iters).expect("batching.py").0)
    });
    for size in BATCHES {
        group.bench_with_input(
            BenchmarkId::new("python-to-rust", size),
            &size,
            |b, &size| {
                b.iter_custom(|iters| {
                    python
                        .run(PyWay::PerBatch(size), iters)
                        .expect("batching.py")
                        .0
                })
            },
        );
    }
    group.finish();
}

criterion_group!(benches, batch);
criterion_main!(benches);
