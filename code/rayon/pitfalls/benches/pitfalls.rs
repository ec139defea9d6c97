use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use rayon_pitfalls::{sum_of_squares, sum_of_squares_cutoff, sum_of_squares_parallel};

/// A sum of squares over 100 to 10 million items, called from the main
/// thread as most programs would: sequentially, with rayon's global pool
/// whatever the size, and with rayon only above the cutoff.
fn tiny_work(c: &mut Criterion) {
    let mut group = c.benchmark_group("rayon-pitfalls/tiny-work");
    group.sample_size(20);
    group.warm_up_time(Duration::from_millis(200));
    group.measurement_time(Duration::from_millis(700));
    for n in [100u64, 1_000, 10_000, 100_000, 1_000_000, 10_000_000] {
        let xs: Vec<u64> = (0..n).collect();
        group.bench_with_input(BenchmarkId::new("sequential", n), &xs, |b, xs| {
            b.iter(|| sum_of_squares(black_box(xs)))
        });
        group.bench_with_input(BenchmarkId::new("rayon", n), &xs, |b, xs| {
            b.iter(|| sum_of_squares_parallel(black_box(xs)))
        });
        group.bench_with_input(BenchmarkId::new("rayon-above-cutoff", n), &xs, |b, xs| {
            b.iter(|| sum_of_squares_cutoff(black_box(xs)))
        });
    }
    group.finish();
}

criterion_group!(benches, tiny_work);
criterion_main!(benches);
