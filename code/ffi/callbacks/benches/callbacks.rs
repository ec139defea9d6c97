use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use ffi_callbacks::{Runner, mixed_sum};
use std::time::Duration;

const ITEMS: u64 = 1 << 18;

// The same closure over 2^18 items, 8 mixing rounds each, run by threads that C
// starts (calling back through catch_unwind) or by threads Rust starts.
fn threads(c: &mut Criterion) {
    let mut group = c.benchmark_group("ffi-callbacks/threads");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(3));
    for (name, runner) in [
        ("c-threads", Runner::CThreads),
        ("rust-threads", Runner::RustThreads),
    ] {
        for threads in [1u32, 2, 4] {
            group.bench_with_input(BenchmarkId::new(name, threads), &threads, |b, &t| {
                b.iter(|| mixed_sum(runner, t, ITEMS, 8))
            });
        }
    }
    group.finish();
}

// One C thread, 2^18 callbacks doing almost nothing (one mixing round): what
// catch_unwind adds to each crossing when nothing panics.
fn guard(c: &mut Criterion) {
    let mut group = c.benchmark_group("ffi-callbacks/guard");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(3));
    for (name, runner) in [
        ("catch_unwind", Runner::CThreads),
        ("no-guard", Runner::CThreadsUnguarded),
    ] {
        group.bench_function(BenchmarkId::new(name, ITEMS), |b| {
            b.iter(|| mixed_sum(runner, 1, ITEMS, 1))
        });
    }
    group.finish();
}

criterion_group!(benches, threads, guard);
criterion_main!(benches);
