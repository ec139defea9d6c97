use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, SamplingMode, criterion_group, criterion_main};
use maxims_cake_box::{CakeBox, CasBox, MutexBox, RacyBox, bake};

/// Attempts per baker. The box holds them all, so every attempt puts a cake
/// in and the three boxes do the same work.
const ATTEMPTS: u64 = 100_000;

fn fill<B: CakeBox>(bakers: usize) -> u64 {
    let cake_box = B::with_capacity(bakers as u64 * ATTEMPTS);
    bake(&cake_box, bakers, black_box(ATTEMPTS));
    cake_box.cakes()
}

/// The cost of each fix: the same puts into a big box, by 1 and by 2 bakers.
fn put(c: &mut Criterion) {
    let mut group = c.benchmark_group("maxims-cake-box/put");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(2));
    for bakers in [1usize, 2] {
        group.bench_with_input(BenchmarkId::new("racy", bakers), &bakers, |b, &n| {
            b.iter(|| fill::<RacyBox>(n))
        });
        group.bench_with_input(BenchmarkId::new("mutex", bakers), &bakers, |b, &n| {
            b.iter(|| fill::<MutexBox>(n))
        });
        group.bench_with_input(
            BenchmarkId::new("compare-exchange", bakers),
            &bakers,
            |b, &n| b.iter(|| fill::<CasBox>(n)),
        );
    }
    group.finish();
}

criterion_group!(benches, put);
criterion_main!(benches);
