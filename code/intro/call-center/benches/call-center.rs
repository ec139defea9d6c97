use std::time::Duration;

use criterion::{BenchmarkId, Criterion, SamplingMode, criterion_group, criterion_main};
use intro_call_center::{batch, serve};

// Group names start with the package name; scripts/measure turns each group
// into book/intro/generated/<group>.md (a table) and .svg (a chart).
//
// 200 callers are all waiting at time 0 and each talks for 1 ms: one agent
// needs at least 200 ms to clear the line, n agents about 200/n ms. Agents
// sleep while they talk, so the time keeps falling past the number of cores.
fn agents(c: &mut Criterion) {
    let calls = batch(200, Duration::from_millis(1));
    let mut group = c.benchmark_group("intro-call-center/agents");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    for agents in [1usize, 2, 4, 8, 16] {
        group.bench_with_input(BenchmarkId::new("agents", agents), &agents, |b, &agents| {
            b.iter(|| serve(agents, &calls))
        });
    }
    group.finish();
}

criterion_group!(benches, agents);
criterion_main!(benches);
