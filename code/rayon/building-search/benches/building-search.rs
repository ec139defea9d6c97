use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, SamplingMode, criterion_group, criterion_main};
use rayon_building_search::{
    LUCKY_SHIFT, Strategy, any_lucky, door_code, first_lucky, is_lucky, is_marked,
    is_marked_uneven, pool, sequential,
};

/// The Introduction's building: 20 million rooms. No room is marked, so every
/// search checks every door and the times compare the walking alone.
const ROOMS: u64 = 20_000_000;

/// rayon's two one-liners beside the Introduction's sequential search, its
/// split at each fork and its fixed pool, on the same building, in one group.
fn workers(c: &mut Criterion) {
    let target = door_code(ROOMS);
    let check = |room| is_marked(room, black_box(target));
    let mut group = c.benchmark_group("rayon-building-search/workers");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(300));
    group.measurement_time(Duration::from_millis(1_500));
    let single = pool(1);
    group.bench_function(BenchmarkId::new("sequential", 1), |b| {
        b.iter(|| Strategy::Sequential.search(ROOMS, 1, &single, check))
    });
    for workers in [1, 2, 4] {
        let pool = pool(workers);
        for strategy in &Strategy::ALL[1..] {
            group.bench_with_input(
                BenchmarkId::new(strategy.name(), workers),
                &workers,
                |b, &w| b.iter(|| strategy.search(ROOMS, w, &pool, check)),
            );
        }
    }
    group.finish();
}

/// The uneven building of the Introduction: its first quarter is slow to
/// check. Two workers each.
fn uneven(c: &mut Criterion) {
    const UNEVEN_ROOMS: u64 = ROOMS / 4;
    let target = door_code(UNEVEN_ROOMS);
    let check = |room| is_marked_uneven(room, black_box(target), UNEVEN_ROOMS);
    let mut group = c.benchmark_group("rayon-building-search/uneven");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(300));
    group.measurement_time(Duration::from_millis(1_500));
    let pool = pool(2);
    for strategy in Strategy::ALL {
        group.bench_function(strategy.name(), |b| {
            b.iter(|| strategy.search(UNEVEN_ROOMS, 2, &pool, check))
        });
    }
    group.finish();
}

/// Many lucky rooms: the first one (as a sequential search finds it) or any.
fn first_or_any(c: &mut Criterion) {
    let threshold = u64::MAX >> LUCKY_SHIFT;
    let mut group = c.benchmark_group("rayon-building-search/first-or-any");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(20);
    group.warm_up_time(Duration::from_millis(300));
    group.measurement_time(Duration::from_millis(1_000));
    let pool = pool(2);
    group.bench_function("sequential", |b| {
        b.iter(|| sequential(ROOMS, |r| is_lucky(r, black_box(threshold))))
    });
    group.bench_function("rayon-find-first", |b| {
        b.iter(|| pool.install(|| first_lucky(ROOMS, black_box(threshold))))
    });
    group.bench_function("rayon-find-any", |b| {
        b.iter(|| pool.install(|| any_lucky(ROOMS, black_box(threshold))))
    });
    group.finish();
}

criterion_group!(benches, workers, uneven, first_or_any);
criterion_main!(benches);
