//! Two groups. `knock`: the door knock on the hand-made executor and timer
//! thread, and on tokio, from 100 to 10,000 doors that each wait 10 ms.
//! `join-vs-spawn`: four CPU-bound futures joined in one task, or spawned as
//! four tasks, on a runtime with two workers.
use std::time::Duration;

use async_from_scratch::{four_joined, four_spawned, knock_from_scratch, knock_on_tokio, runtime};
use criterion::{BenchmarkId, Criterion, SamplingMode, criterion_group, criterion_main};

const WAIT: Duration = Duration::from_millis(10);

fn knock(c: &mut Criterion) {
    let mut group = c.benchmark_group("async-from-scratch/knock");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(2));
    let current = runtime(None);
    let multi = runtime(Some(support_kit::cores()));
    for doors in [100usize, 1_000, 10_000] {
        group.bench_with_input(BenchmarkId::new("from-scratch", doors), &doors, |b, &n| {
            b.iter(|| assert_eq!(knock_from_scratch(n, WAIT, false).outputs.len(), n))
        });
        group.bench_with_input(
            BenchmarkId::new("tokio-current-thread", doors),
            &doors,
            |b, &n| b.iter(|| assert_eq!(current.block_on(knock_on_tokio(n, WAIT)).len(), n)),
        );
        group.bench_with_input(
            BenchmarkId::new("tokio-multi-thread", doors),
            &doors,
            |b, &n| b.iter(|| assert_eq!(multi.block_on(knock_on_tokio(n, WAIT)).len(), n)),
        );
    }
    group.finish();
}

fn join_vs_spawn(c: &mut Criterion) {
    let mut group = c.benchmark_group("async-from-scratch/join-vs-spawn");
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(2));
    let two_workers = runtime(Some(2));
    let rounds = 10_000_000u64;
    group.bench_with_input(BenchmarkId::new("join", rounds), &rounds, |b, &r| {
        b.iter(|| two_workers.block_on(async move { tokio::spawn(four_joined(r)).await.unwrap() }))
    });
    group.bench_with_input(BenchmarkId::new("spawn", rounds), &rounds, |b, &r| {
        b.iter(|| two_workers.block_on(four_spawned(r)))
    });
    group.finish();
}

criterion_group!(benches, knock, join_vs_spawn);
criterion_main!(benches);
