//! One group, one table: one chain per core, six ways, every row timed
//! inside the same Python process with time.perf_counter_ns and reported
//! through iter_custom.
use std::time::Duration;

use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};
use ffi_fully_loaded::{DEFAULT_ROUNDS, Harness, WAYS, chain};
use intro_crypto_crack::to_hex;
use support_kit::cores;

fn strategy(c: &mut Criterion) {
    let tasks = cores() as u64;
    let mut python = Harness::start(cores()).unwrap_or_else(|e| panic!("{e}"));
    let expected: Vec<String> = (0..tasks)
        .map(|s| to_hex(&chain(s, DEFAULT_ROUNDS)))
        .collect();
    let mut group = c.benchmark_group("ffi-fully-loaded/strategy");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(300));
    group.measurement_time(Duration::from_secs(1));
    for way in WAYS {
        group.bench_function(way, |b| {
            b.iter_custom(|iters| {
                (0..iters)
                    .map(|_| {
                        let run = python
                            .run(way, tasks, DEFAULT_ROUNDS)
                            .unwrap_or_else(|e| panic!("{e}"));
                        assert_eq!(run.digests, expected, "{way}");
                        run.took
                    })
                    .sum()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, strategy);
criterion_main!(benches);
