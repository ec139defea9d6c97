//! The model's CPU-bound and I/O-bound work on 1, 2 and 4 threads, with the
//! GIL and without: the same shape of table as threads-python's.
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, SamplingMode, criterion_group, criterion_main};
use threads_gil_model::{Interpreter, SWITCH_INTERVAL, cpu_bound, io_bound};

const SLICES: u64 = 20_000;
const REQUESTS: u64 = 8;
const WAIT: Duration = Duration::from_millis(5);

fn gil(c: &mut Criterion) {
    let mut cpu = c.benchmark_group("threads-gil-model/cpu");
    cpu.sampling_mode(SamplingMode::Flat);
    cpu.sample_size(10);
    cpu.warm_up_time(Duration::from_millis(300));
    cpu.measurement_time(Duration::from_secs(2));
    for (name, interval) in [("gil", Some(SWITCH_INTERVAL)), ("no-gil", None)] {
        for threads in [1usize, 2, 4] {
            cpu.bench_with_input(BenchmarkId::new(name, threads), &threads, |b, &t| {
                b.iter(|| cpu_bound(&Interpreter::new(interval), t, SLICES))
            });
        }
    }
    cpu.finish();

    let mut io = c.benchmark_group("threads-gil-model/io");
    io.sampling_mode(SamplingMode::Flat);
    io.sample_size(10);
    io.warm_up_time(Duration::from_millis(300));
    io.measurement_time(Duration::from_secs(2));
    for (name, interval) in [("gil", Some(SWITCH_INTERVAL)), ("no-gil", None)] {
        for threads in [1usize, 2, 4] {
            io.bench_with_input(BenchmarkId::new(name, threads), &threads, |b, &t| {
                b.iter(|| io_bound(&Interpreter::new(interval), t, REQUESTS, WAIT))
            });
        }
    }
    io.finish();
}

criterion_group!(benches, gil);
criterion_main!(benches);
