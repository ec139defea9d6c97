//! 99 reads to each write, 40,000 operations in all, shared among 1, 2 and
//! 4 threads (4 is more threads than this machine has cores).
use std::sync::{Mutex, RwLock};
use std::time::Duration;

use arc_swap::ArcSwap;
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use threads_read_mostly::{Config, Shared, workload};

const OPS: u64 = 40_000;

fn one<S: Shared>(group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>) {
    let shared = S::new(Config::new(0));
    for threads in [1u64, 2, 4] {
        group.bench_with_input(BenchmarkId::new(S::NAME, threads), &threads, |b, &t| {
            b.iter(|| workload(&shared, t, OPS, 100))
        });
    }
}

fn read_mostly(c: &mut Criterion) {
    let mut group = c.benchmark_group("threads-read-mostly/99-percent-reads");
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(300));
    group.measurement_time(Duration::from_secs(2));
    one::<Mutex<Config>>(&mut group);
    one::<RwLock<Config>>(&mut group);
    one::<ArcSwap<Config>>(&mut group);
    group.finish();
}

criterion_group!(benches, read_mostly);
criterion_main!(benches);
