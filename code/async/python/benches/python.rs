//! One group, one table: n doors that each wait 10 ms, knocked by CPython's
//! asyncio (timed inside Python, reported through iter_custom) and by tokio
//! on one thread and on several.
use std::time::Duration;

use async_python::{PythonKnock, knock_on_tokio, once_each, runtime};
use criterion::{BenchmarkId, Criterion, SamplingMode, criterion_group, criterion_main};

const WAIT_MS: u64 = 10;

fn knock(c: &mut Criterion) {
    let mut group = c.benchmark_group("async-python/knock");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(2));
    let mut python = PythonKnock::start().ok();
    if python.is_none() {
        eprintln!(
            "async-python: skipping asyncio: {}",
            async_python::GET_PYTHON
        );
    }
    let (current, multi) = (runtime(false), runtime(true));
    let wait = Duration::from_millis(WAIT_MS);
    for n in [100usize, 1_000, 10_000] {
        if let Some(py) = python.as_mut() {
            group.bench_with_input(BenchmarkId::new("python-asyncio", n), &n, |b, &n| {
                b.iter_custom(|iters| {
                    (0..iters)
                        .map(|_| {
                            let (took, answered) = py.knock(n, WAIT_MS);
                            assert!(once_each(n, &answered));
                            took
                        })
                        .sum()
                })
            });
        }
        for (name, rt) in [
            ("tokio-current-thread", &current),
            ("tokio-multi-thread", &multi),
        ] {
            group.bench_with_input(BenchmarkId::new(name, n), &n, |b, &n| {
                b.iter_custom(|iters| {
                    (0..iters)
                        .map(|_| {
                            let (took, answered) = rt.block_on(knock_on_tokio(n, wait));
                            assert!(once_each(n, &answered));
                            took
                        })
                        .sum()
                })
            });
        }
    }
    group.finish();
}

criterion_group!(benches, knock);
criterion_main!(benches);
