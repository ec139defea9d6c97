use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, SamplingMode, criterion_group, criterion_main};
use intro_building_search::{
    Strategy, door_code, fixed_pool, fixed_pool_with_chunk, is_marked, is_marked_uneven,
    sequential, split_at_each_fork,
};

/// The default building of the CLI; one sequential search of it took about
/// 150 ms on the book's two-core machine.
const ROOMS: u64 = 20_000_000;

/// No room is marked (room number ROOMS is outside the building): every
/// strategy checks every door, so the times measure the walking and not the
/// luck of where the room is or which searcher the scheduler favours.
fn workers(c: &mut Criterion) {
    let target = door_code(ROOMS);
    let mut group = c.benchmark_group("intro-building-search/workers");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(20);
    group.warm_up_time(Duration::from_millis(300));
    group.measurement_time(Duration::from_millis(3_000));
    group.bench_function(BenchmarkId::new("sequential", 1), |b| {
        b.iter(|| Strategy::Sequential.search(ROOMS, 1, black_box(target)))
    });
    for strategy in [Strategy::SplitAtEachFork, Strategy::FixedPool] {
        for workers in [1, 2, 4, 8] {
            group.bench_with_input(
                BenchmarkId::new(strategy.name(), workers),
                &workers,
                |b, &w| b.iter(|| strategy.search(ROOMS, w, black_box(target))),
            );
        }
    }
    group.finish();
}

/// Two searchers of a fixed pool, with blocks from one room to most of the
/// building: too small and they spend their time on the shared cursor, too
/// big and one of them does all the work.
fn chunk(c: &mut Criterion) {
    let target = door_code(ROOMS);
    let mut group = c.benchmark_group("intro-building-search/chunk");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(300));
    group.measurement_time(Duration::from_millis(1_500));
    for chunk in [1, 1 << 6, 1 << 12, 1 << 18, 1 << 22, 1 << 24] {
        group.bench_with_input(
            BenchmarkId::new("fixed-pool-2-workers", chunk),
            &chunk,
            |b, &chunk| {
                b.iter(|| {
                    fixed_pool_with_chunk(ROOMS, 2, chunk, |room| {
                        is_marked(room, black_box(target))
                    })
                })
            },
        );
    }
    group.finish();
}

/// An uneven building: the first quarter of its rooms take several times as
/// long to check as the rest, and no room is marked. Splitting at each fork
/// divides the rooms, not the work, so the searcher that holds the slow
/// quarter finishes long after the others; the pool hands out blocks as
/// searchers come back, so the work, not the rooms, is shared out.
fn uneven(c: &mut Criterion) {
    const UNEVEN_ROOMS: u64 = ROOMS / 4;
    let target = door_code(UNEVEN_ROOMS);
    let check = |room| is_marked_uneven(room, black_box(target), UNEVEN_ROOMS);
    let mut group = c.benchmark_group("intro-building-search/uneven");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(300));
    group.measurement_time(Duration::from_millis(2_000));
    group.bench_function(BenchmarkId::new("sequential", 1), |b| {
        b.iter(|| sequential(UNEVEN_ROOMS, check))
    });
    for workers in [2, 4, 8] {
        group.bench_with_input(
            BenchmarkId::new(Strategy::SplitAtEachFork.name(), workers),
            &workers,
            |b, &w| b.iter(|| split_at_each_fork(UNEVEN_ROOMS, w, check)),
        );
        group.bench_with_input(
            BenchmarkId::new(Strategy::FixedPool.name(), workers),
            &workers,
            |b, &w| b.iter(|| fixed_pool(UNEVEN_ROOMS, w, check)),
        );
    }
    group.finish();
}

criterion_group!(benches, workers, chunk, uneven);
criterion_main!(benches);
