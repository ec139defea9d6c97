//! CPython threads (timed inside Python) beside Rust threads on the same
//! work: CPU-bound steps and 5 ms waits, shared among 1, 2 and 4 threads.
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, SamplingMode, criterion_group, criterion_main};
use threads_python::{PythonThreads, rust_cpu, rust_io};

const STEPS: u64 = 1_000_000;
const WAITS: u64 = 8;
const WAIT_MS: u64 = 5;

fn threads(c: &mut Criterion) {
    let mut python = PythonThreads::start().ok();
    if python.is_none() {
        eprintln!(
            "threads-python: skipping CPython: {}",
            support_kit::python::GET_PYTHON
        );
    }

    let mut cpu = c.benchmark_group("threads-python/cpu");
    cpu.sampling_mode(SamplingMode::Flat);
    cpu.sample_size(10);
    cpu.warm_up_time(Duration::from_millis(300));
    cpu.measurement_time(Duration::from_secs(3));
    for threads in [1u64, 2, 4] {
        if let Some(py) = python.as_mut() {
            cpu.bench_with_input(BenchmarkId::new("cpython", threads), &threads, |b, &t| {
                b.iter_custom(|iters| {
                    (0..iters)
                        .map(|_| py.cpu(t, STEPS).expect("python runs").0)
                        .sum()
                })
            });
        }
        cpu.bench_with_input(BenchmarkId::new("rust", threads), &threads, |b, &t| {
            b.iter_custom(|iters| (0..iters).map(|_| rust_cpu(t, STEPS).0).sum())
        });
    }
    cpu.finish();

    let mut io = c.benchmark_group("threads-python/io");
    io.sampling_mode(SamplingMode::Flat);
    io.sample_size(10);
    io.warm_up_time(Duration::from_millis(300));
    io.measurement_time(Duration::from_secs(2));
    for threads in [1u64, 2, 4] {
        if let Some(py) = python.as_mut() {
            io.bench_with_input(BenchmarkId::new("cpython", threads), &threads, |b, &t| {
                b.iter_custom(|iters| {
                    (0..iters)
                        .map(|_| py.io(t, WAITS, WAIT_MS).expect("python runs").0)
                        .sum()
                })
            });
        }
        io.bench_with_input(BenchmarkId::new("rust", threads), &threads, |b, &t| {
            b.iter_custom(|iters| (0..iters).map(|_| rust_io(t, WAITS, WAIT_MS).0).sum())
        });
    }
    io.finish();
}

criterion_group!(benches, threads);
criterion_main!(benches);
