//! One group, one table: counting the primes below BELOW in each task, one
//! or two tasks at once, every way; all timed inside Python with
//! time.perf_counter_ns and reported through iter_custom.
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, SamplingMode, criterion_group, criterion_main};
use ffi_python_gil::{Harness, WAYS, count_primes};

const BELOW: u32 = 50_000;

fn primes(c: &mut Criterion) {
    let mut python = Harness::start().unwrap_or_else(|e| panic!("{e}"));
    let expected = u64::from(count_primes(BELOW));
    let mut group = c.benchmark_group("ffi-python-gil/primes");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(300));
    group.measurement_time(Duration::from_secs(1));
    for way in WAYS {
        for tasks in [1usize, 2] {
            group.bench_with_input(BenchmarkId::new(way, tasks), &tasks, |b, &tasks| {
                b.iter_custom(|iters| {
                    (0..iters)
                        .map(|_| {
                            let run = python
                                .run(way, tasks, BELOW)
                                .unwrap_or_else(|e| panic!("{e}"));
                            assert_eq!(run.counts, vec![expected; tasks]);
                            run.took
                        })
                        .sum()
                })
            });
        }
    }
    group.finish();
}

criterion_group!(benches, primes);
criterion_main!(benches);
