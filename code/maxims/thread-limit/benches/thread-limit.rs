use std::time::Duration;

use criterion::{BenchmarkId, Criterion, SamplingMode, criterion_group, criterion_main};
use maxims_thread_limit::{DEFAULT_STACK, spawn_parked_tasks, spawn_parked_threads};

/// One run starts n units, waits until every one is parked, releases them
/// and waits until every one has finished: the whole life of a unit that
/// does nothing.
fn start(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .build()
        .expect("a tokio runtime");
    let mut group = c.benchmark_group("maxims-thread-limit/start");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(2));
    for n in [10usize, 100, 1_000] {
        group.bench_with_input(BenchmarkId::new("threads", n), &n, |b, &n| {
            b.iter(|| {
                let mut parked = spawn_parked_threads(n, DEFAULT_STACK).expect("threads start");
                assert_eq!(parked.release(), n);
            })
        });
        group.bench_with_input(BenchmarkId::new("tasks", n), &n, |b, &n| {
            b.iter(|| {
                runtime.block_on(async {
                    let parked = spawn_parked_tasks(n).await;
                    assert_eq!(parked.release().await, n);
                })
            })
        });
    }
    group.finish();
}

criterion_group!(benches, start);
criterion_main!(benches);
