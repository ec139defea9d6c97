use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use std::hint::black_box;

// Group names start with the package name; scripts/measure turns each group
// into book/choosing/generated/<group>.md (a table) and .svg (a chart).
fn sum(c: &mut Criterion) {
    let mut group = c.benchmark_group("choosing-shootout/sum");
    for n in [1_000u64, 1_000_000] {
        group.bench_with_input(BenchmarkId::new("iterator", n), &n, |b, &n| {
            b.iter(|| choosing_shootout::sum_to(black_box(n)))
        });
    }
    group.finish();
}

criterion_group!(benches, sum);
criterion_main!(benches);
