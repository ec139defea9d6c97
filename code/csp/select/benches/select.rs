use std::time::Duration;

use criterion::{BenchmarkId, Criterion, SamplingMode, criterion_group, criterion_main};
use csp_select::measure_quit_latency;

/// Time from sending quit to the worker seeing it (the `Instant` it records as
/// it leaves its loop), for jobs of 1 µs to 1 ms. Only that interval is timed:
/// starting the worker, handing it its jobs, its thread ending and `join` all
/// happen outside the measurement.
fn quit_latency(c: &mut Criterion) {
    let mut group = c.benchmark_group("csp-select/quit-latency");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(300));
    group.measurement_time(Duration::from_secs(1));
    for (name, busy) in [("idle", false), ("busy", true)] {
        for job_us in [1u64, 10, 100, 1_000] {
            let length = Duration::from_micros(job_us);
            group.bench_with_input(BenchmarkId::new(name, job_us), &length, |b, &length| {
                b.iter_custom(|runs| (0..runs).map(|_| measure_quit_latency(length, busy)).sum())
            });
        }
    }
    group.finish();
}

criterion_group!(benches, quit_latency);
criterion_main!(benches);
