//! One group: n doors that each wait 10 ms, one tokio task per door (on the
//! default multi-thread runtime) or one OS thread per door (64 KiB stacks).
//! Threads stop at 10,000: a hundred thousand would not fit on a machine
//! with the usual vm.max_map_count, and a benchmark must not find that out.
use std::time::Duration;

use async_door_knock::{knock_with_tasks, knock_with_threads};
use criterion::{BenchmarkId, Criterion, SamplingMode, criterion_group, criterion_main};

const WAIT: Duration = Duration::from_millis(10);

fn waits(c: &mut Criterion) {
    let mut group = c.benchmark_group("async-door-knock/waits");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(2));
    let rt = tokio::runtime::Runtime::new().expect("a tokio runtime");
    for n in [1_000usize, 10_000, 100_000] {
        group.bench_with_input(BenchmarkId::new("tokio-tasks", n), &n, |b, &n| {
            b.iter(|| assert_eq!(rt.block_on(knock_with_tasks(n, WAIT)).len(), n))
        });
    }
    for n in [1_000usize, 10_000] {
        group.bench_with_input(BenchmarkId::new("os-threads", n), &n, |b, &n| {
            b.iter(|| assert_eq!(knock_with_threads(n, WAIT).expect("threads fit").len(), n))
        });
    }
    group.finish();
}

criterion_group!(benches, waits);
criterion_main!(benches);
